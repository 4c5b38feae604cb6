from django.urls import URLPattern, URLResolver, path

from frame.safety import views

app_name = "safety"

urlpatterns: list[URLPattern | URLResolver] = [
    path("caseload/", views.caseload, name="caseload"),
    path("settings/", views.safety_settings, name="settings"),
    path("clients/<uuid:client_id>/", views.client_safety, name="client"),
    path("clients/<uuid:client_id>/flags/new/", views.flag_new, name="flag_new"),
    path("clients/<uuid:client_id>/flags/<uuid:flag_id>/", views.flag_detail, name="flag"),
    path(
        "clients/<uuid:client_id>/flags/<uuid:flag_id>/supervision/",
        views.flag_supervision,
        name="flag_supervision",
    ),
    path("clients/<uuid:client_id>/assessments/new/", views.assessment_new, name="assessment_new"),
    path(
        "clients/<uuid:client_id>/assessments/<uuid:assessment_id>/",
        views.assessment_detail,
        name="assessment",
    ),
    path(
        "clients/<uuid:client_id>/assessments/<uuid:assessment_id>/edit/",
        views.assessment_edit,
        name="assessment_edit",
    ),
    path(
        "clients/<uuid:client_id>/assessments/<uuid:assessment_id>/versions/<int:risk_version>/",
        views.assessment_version,
        name="assessment_version",
    ),
]
