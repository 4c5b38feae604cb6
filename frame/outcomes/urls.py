from django.urls import path

from frame.outcomes import views

app_name = "outcomes"

urlpatterns = [
    path("", views.report, name="report"),
    path("report.csv", views.report_csv, name="report_csv"),
    path("clients/<uuid:client_id>/", views.client_outcome, name="client"),
    path("clients/<uuid:client_id>/fhir.json", views.client_fhir, name="client_fhir"),
]
