"""Staff pages for the portal (app_name "portal_staff"). Clients never reach these."""

from django.urls import path

from frame.portal import staff

app_name = "portal_staff"

urlpatterns = [
    path("clients/<uuid:client_id>/portal/invite/", staff.invite, name="invite"),
    path(
        "clients/<uuid:client_id>/portal/invite/withdraw/",
        staff.withdraw_invitation,
        name="withdraw_invitation",
    ),
    path("clients/<uuid:client_id>/portal/pause/", staff.pause, name="pause"),
    path("clients/<uuid:client_id>/portal/restore/", staff.restore, name="restore"),
    path("clients/<uuid:client_id>/portal/articles/", staff.share, name="share"),
    path(
        "clients/<uuid:client_id>/portal/articles/<uuid:share_id>/withdraw/",
        staff.withdraw_share,
        name="withdraw_share",
    ),
    path("practice/portal/", staff.portal_settings, name="settings"),
    path("practice/portal/crisis-contacts/", staff.crisis_contacts, name="crisis_contacts"),
    path("practice/portal/articles/", staff.library, name="library"),
    path("practice/portal/articles/new/", staff.article_new, name="article_new"),
    path("practice/portal/articles/<int:article_id>/", staff.article, name="article"),
    path(
        "practice/portal/articles/<int:article_id>/edit/", staff.article_edit, name="article_edit"
    ),
]
