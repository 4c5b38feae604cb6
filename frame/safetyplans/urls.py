from django.urls import URLPattern, URLResolver, path

from frame.safetyplans import views

app_name = "safetyplans"

urlpatterns: list[URLPattern | URLResolver] = [
    path("messages-statement/", views.messages_statement, name="messages_statement"),
    path("clients/<uuid:client_id>/", views.plan, name="plan"),
    path("clients/<uuid:client_id>/edit/", views.edit, name="edit"),
    path("clients/<uuid:client_id>/nation/", views.nation, name="nation"),
    path("clients/<uuid:client_id>/versions/", views.history, name="history"),
    path(
        "clients/<uuid:client_id>/versions/<uuid:plan_version_id>/",
        views.version,
        name="version",
    ),
    path(
        "clients/<uuid:client_id>/versions/<uuid:plan_version_id>/safety-plan.pdf",
        views.version_pdf,
        name="version_pdf",
    ),
    path(
        "clients/<uuid:client_id>/versions/<uuid:plan_version_id>/contacts.vcf",
        views.version_vcard,
        name="version_vcard",
    ),
    path("clients/<uuid:client_id>/suggestions/", views.suggestions, name="suggestions"),
    path(
        "clients/<uuid:client_id>/suggestions/<uuid:plan_suggestion_id>/",
        views.suggestion,
        name="suggestion",
    ),
]
