from django.urls import path

from frame.confidentiality import views

app_name = "confidentiality"

urlpatterns = [
    path("", views.practice, name="practice"),
    path("clients/<uuid:client_id>/", views.register, name="register"),
    path("clients/<uuid:client_id>/new/", views.entry_new, name="entry_new"),
    path(
        "clients/<uuid:client_id>/entries/<uuid:register_entry_id>/",
        views.entry,
        name="entry",
    ),
    path(
        "clients/<uuid:client_id>/entries/<uuid:register_entry_id>/follow-up/",
        views.follow_up,
        name="follow_up",
    ),
    path(
        "clients/<uuid:client_id>/entries/<uuid:register_entry_id>/correct/",
        views.entry_correct,
        name="correct",
    ),
]
