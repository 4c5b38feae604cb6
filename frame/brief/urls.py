from django.urls import path

from frame.brief import views

app_name = "brief"

urlpatterns = [
    path("appointments/<uuid:appointment_id>/", views.appointment, name="appointment"),
    path("appointments/<uuid:appointment_id>/pdf/", views.appointment_pdf, name="appointment_pdf"),
]
