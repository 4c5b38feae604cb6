"""The client portal. Every page here is for clients only: staff get a 404.

Other apps add portal pages by writing views in `frame/portal/<topic>.py` (see README.md) and
adding their lines below.
"""

from django.urls import include, path

from frame.portal import agreement, articles, calendar, join, signin, views

app_name = "portal"

urlpatterns = [
    path("", views.home, name="home"),
    # Other apps' portal pages, kept in their own files so each app owns its lines
    path("questionnaires/", include("frame.measures.portal_urls")),
    path("safety-plan/", include("frame.safetyplans.portal_urls")),
    # Signing in, and pages for people not signed in
    path("sign-in/", signin.sign_in, name="sign_in"),
    path("sign-in/forgotten/", signin.password_reset, name="password_reset"),
    path("sign-in/forgotten/sent/", signin.password_reset_done, name="password_reset_done"),
    path("paused/", signin.paused, name="paused"),
    path("join/<str:token>/", join.join, name="join"),
    path("join/<str:token>/new-link/", join.request_new_link, name="request_link"),
    # Articles shared with you
    path("articles/", articles.article_list, name="articles"),
    path("articles/<uuid:share_id>/", articles.article, name="article"),
    # Your agreement, and if we meet by chance
    path("agreement/", agreement.agreement, name="agreement"),
    path("agreement/copy.pdf", agreement.agreement_pdf, name="agreement_pdf"),
    path("if-we-meet/", agreement.chance_encounter, name="chance_encounter"),
    # Your sessions in your calendar (written by the scheduling app)
    path("calendar/", calendar.calendar, name="calendar"),
    path("calendar/<uuid:appointment_id>.ics", calendar.appointment_ics, name="appointment_ics"),
    path("calendar/feed/<str:token>.ics", calendar.calendar_feed, name="calendar_feed"),
    # Your account
    path("account/", views.account, name="account"),
    path("account/password/", signin.password_change, name="password_change"),
    path("account/two-step/", signin.two_step_required, name="two_step_required"),
    path("account/two-step/app/", signin.totp_activate, name="totp_activate"),
    path("account/two-step/app/remove/", signin.totp_deactivate, name="totp_deactivate"),
    path("account/two-step/recovery-codes/", signin.recovery_codes, name="recovery_codes"),
    path(
        "account/two-step/recovery-codes/new/",
        signin.recovery_codes_generate,
        name="recovery_codes_generate",
    ),
]
