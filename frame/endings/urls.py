from django.urls import path

from frame.endings import views

app_name = "endings"

urlpatterns = [
    path("retention/", views.retention_policy, name="retention"),
    path("clients/<uuid:client_id>/plan/", views.plan, name="plan"),
    path("clients/<uuid:client_id>/end/", views.record, name="record"),
    path("clients/<uuid:client_id>/review/", views.review, name="review"),
    path("clients/<uuid:client_id>/letter/", views.letter, name="letter"),
    path("clients/<uuid:client_id>/letter.pdf", views.letter_pdf, name="letter_pdf"),
]
