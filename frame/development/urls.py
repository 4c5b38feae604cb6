from django.urls import path

from frame.development import views

app_name = "development"

urlpatterns = [
    path("journal/", views.journal, name="journal"),
    path("journal/<uuid:journal_entry_id>/", views.journal_entry, name="journal_entry"),
    path("journal/clients/<uuid:client_id>/", views.journal_review, name="journal_review"),
    path("cpd/", views.cpd, name="cpd"),
    path("cpd/new/", views.cpd_new, name="cpd_new"),
    path("cpd/year/", views.cpd_year, name="cpd_year"),
    path("cpd/export.csv", views.cpd_csv, name="cpd_csv"),
    path("cpd/export.pdf", views.cpd_pdf, name="cpd_pdf"),
    path("cpd/<uuid:cpd_activity_id>/", views.cpd_activity, name="cpd_activity"),
]
