from django.urls import path

from frame.scheduling import views

app_name = "scheduling"

urlpatterns = [
    path("", views.week_view, name="week"),
    path("day/", views.day_view, name="day"),
    path("clients/<uuid:client_id>/", views.client_sessions, name="client"),
    path("clients/<uuid:client_id>/book/", views.book, name="book"),
    path("clients/<uuid:client_id>/regular/", views.regular_slot_new, name="slot_new"),
    path("appointments/<uuid:appointment_id>/", views.appointment_detail, name="appointment"),
    path("appointments/<uuid:appointment_id>/move/", views.appointment_move, name="move"),
    path("appointments/<uuid:appointment_id>/regular/", views.slot_change, name="slot_change"),
    path(
        "appointments/<uuid:appointment_id>/calendar.ics",
        views.appointment_ics,
        name="appointment_ics",
    ),
    path("breaks/", views.breaks, name="breaks"),
    path("breaks/<uuid:break_id>/", views.break_detail, name="break"),
    path("calendar/", views.calendar_feed_settings, name="calendar"),
    path("settings/", views.diary_settings, name="settings"),
    path("feed/<str:token>.ics", views.feed, name="feed"),
]
