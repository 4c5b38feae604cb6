"""Portal pages of this app, included in the portal's URLs (names are `portal:...`)."""

from django.urls import URLPattern, URLResolver, path

from frame.measures import portal_views

urlpatterns: list[URLPattern | URLResolver] = [
    path("", portal_views.questionnaires, name="questionnaires"),
    path("start/<str:token>/", portal_views.from_link, name="questionnaire_link"),
    path("<uuid:request_id>/", portal_views.questionnaire, name="questionnaire"),
    path("charts/<uuid:chart_share_id>/", portal_views.chart, name="progress_chart"),
]
