from django.urls import path

from frame.accounts import views

app_name = "accounts"

urlpatterns = [
    path("security/two-step-required/", views.mfa_required, name="mfa_required"),
    path("setup/<str:token>/", views.setup, name="setup"),
    path("join/<str:token>/", views.join, name="join"),
    path("team/", views.team, name="team"),
    path("team/invitations/withdraw/", views.withdraw_invitation, name="withdraw_invitation"),
    path("team/<int:member_id>/", views.member, name="member"),
    path("team/<int:member_id>/role/", views.change_role, name="change_role"),
    path("team/<int:member_id>/deactivate/", views.deactivate_member, name="deactivate_member"),
    # Not under account/, which belongs to allauth.
    path("you/security/", views.security, name="security"),
]
