from django.urls import path

from frame.boundaries import views

app_name = "boundaries"

urlpatterns = [
    path("", views.awaiting, name="awaiting"),
    path("circle/", views.circle, name="circle"),
    path("circle/new/", views.circle_new, name="circle_new"),
    path("circle/<uuid:entry_id>/", views.circle_edit, name="circle_edit"),
    path("circle/<uuid:entry_id>/remove/", views.circle_remove, name="circle_remove"),
    path("clients/<uuid:client_id>/", views.event_log, name="log"),
    path("clients/<uuid:client_id>/new/", views.event_new, name="event_new"),
    path("clients/<uuid:client_id>/<uuid:event_id>/", views.event_edit, name="event_edit"),
    path(
        "clients/<uuid:client_id>/<uuid:event_id>/in-error/",
        views.event_error,
        name="event_error",
    ),
    path("clients/<uuid:client_id>/check/", views.check, name="check"),
    path("clients/<uuid:client_id>/check/run/", views.check_run, name="check_run"),
]
