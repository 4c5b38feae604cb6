from django.urls import path

from frame.notes import views

app_name = "notes"

urlpatterns = [
    path("template/", views.template, name="template"),
    path("search/", views.search_notes, name="search"),
    path("clients/<uuid:client_id>/", views.timeline, name="timeline"),
    path("clients/<uuid:client_id>/process/", views.process_notes, name="process"),
    path(
        "clients/<uuid:client_id>/process/<uuid:process_note_id>/",
        views.process_note,
        name="process_note",
    ),
    path("clients/<uuid:client_id>/goals/", views.goals, name="goals"),
    path("clients/<uuid:client_id>/goals/<uuid:goal_id>/", views.goal, name="goal"),
    path("sessions/<uuid:appointment_id>/", views.note, name="note"),
    path("sessions/<uuid:appointment_id>/addenda/", views.addendum, name="addendum"),
    path("sessions/<uuid:appointment_id>/history/", views.history, name="history"),
]
