from django.urls import path

from frame.measures import views

app_name = "measures"

urlpatterns = [
    path("clients/<uuid:client_id>/", views.client_measures, name="client"),
    path("clients/<uuid:client_id>/new/<str:instrument>/", views.administration_new, name="new"),
    path(
        "clients/<uuid:client_id>/<uuid:administration_id>/",
        views.administration_detail,
        name="administration",
    ),
    path(
        "clients/<uuid:client_id>/alerts/<uuid:alert_id>/",
        views.alert_acknowledge,
        name="acknowledge",
    ),
]
