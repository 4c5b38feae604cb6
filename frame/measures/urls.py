from django.urls import path

from frame.measures import progress_views, views

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
    path(
        "clients/<uuid:client_id>/progress/<str:instrument>/",
        progress_views.progress,
        name="progress",
    ),
    path(
        "clients/<uuid:client_id>/progress/<str:instrument>/share/",
        progress_views.share,
        name="share",
    ),
    path(
        "clients/<uuid:client_id>/shares/<uuid:chart_share_id>/withdraw/",
        progress_views.withdraw_share,
        name="withdraw_share",
    ),
    path("clients/<uuid:client_id>/send/", progress_views.send, name="send"),
    path(
        "clients/<uuid:client_id>/requests/<uuid:request_id>/withdraw/",
        progress_views.withdraw_request,
        name="withdraw_request",
    ),
    path("clients/<uuid:client_id>/schedules/", progress_views.schedules, name="schedules"),
    path(
        "clients/<uuid:client_id>/schedules/<uuid:schedule_id>/end/",
        progress_views.end_schedule,
        name="end_schedule",
    ),
    path(
        "clients/<uuid:client_id>/schedules/<uuid:schedule_id>/send/",
        progress_views.send_scheduled,
        name="send_scheduled",
    ),
]
