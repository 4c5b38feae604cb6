from django.contrib import admin
from django.urls import include, path

from frame.accounts import views as account_views
from frame.accounts.admin_login import secure_admin_login

admin.site.login = secure_admin_login(admin.site.login)  # type: ignore[method-assign]
admin.site.site_header = "Frame administration"

urlpatterns = [
    path("", account_views.home, name="home"),
    path("", include("frame.accounts.urls")),
    path("clients/", include("frame.clients.urls")),
    path("diary/", include("frame.scheduling.urls")),
    path("boundaries/", include("frame.boundaries.urls")),
    path("measures/", include("frame.measures.urls")),
    path("notes/", include("frame.notes.urls")),
    path("brief/", include("frame.brief.urls")),
    path("endings/", include("frame.endings.urls")),
    path("outcomes/", include("frame.outcomes.urls")),
    path("safety/", include("frame.safety.urls")),
    path("safety-plans/", include("frame.safetyplans.urls")),
    path("supervision/", include("frame.supervision.urls")),
    path("development/", include("frame.development.urls")),
    path("confidentiality/", include("frame.confidentiality.urls")),
    path("", include("frame.contracts.urls")),
    path("portal/", include("frame.portal.urls")),
    path("", include("frame.portal.staff_urls")),
    # Ahead of allauth's own sign-out, to tell the browser to forget everything from this site.
    path("account/logout/", account_views.logout, name="account_logout"),
    path("account/", include("allauth.urls")),
    path("django-admin/", admin.site.urls),
]
