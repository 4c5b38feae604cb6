from django.urls import path

from frame.accounts import views

app_name = "accounts"

urlpatterns = [
    path("security/two-step-required/", views.mfa_required, name="mfa_required"),
]
