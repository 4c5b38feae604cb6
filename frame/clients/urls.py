from django.urls import path

from frame.clients import views

app_name = "clients"

urlpatterns = [
    path("", views.client_list, name="list"),
    path("new/", views.client_new, name="new"),
    path("<uuid:client_id>/", views.client_card, name="card"),
    path("<uuid:client_id>/edit/", views.client_edit, name="edit"),
    path("<uuid:client_id>/status/", views.client_status, name="status"),
    path("<uuid:client_id>/care-team/", views.care_team, name="care_team"),
    path("<uuid:client_id>/people/new/", views.person_add, name="person_add"),
    path("<uuid:client_id>/people/<uuid:person_id>/", views.person_edit, name="person_edit"),
    path(
        "<uuid:client_id>/people/<uuid:person_id>/remove/",
        views.person_remove,
        name="person_remove",
    ),
    path("<uuid:client_id>/access/", views.access_log, name="access_log"),
]
