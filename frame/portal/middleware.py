"""The boundary around signed-in clients.

A client signs in with an ordinary Frame user that has no practice membership, so the staff
middleware (`frame.accounts.middleware.require_membership_and_mfa`) would sign them out. This
middleware runs just before it: for a client with a portal account it marks the request, and keeps
the client inside the portal:

- a suspended account's session ends on its next request;
- only portal pages and the few account pages a client needs are reachable; every staff page is
  the same 404 as a page that does not exist;
- when the practice requires two-step sign-in for the portal, a session that has not passed it is
  sent to set it up (or signed out, if the client already has a method but skipped it).

Staff are untouched here; portal views themselves refuse them with a 404.
"""

from __future__ import annotations

from collections.abc import Callable

from allauth.mfa.models import Authenticator
from django.conf import settings
from django.contrib.auth import logout
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.urls import Resolver404, resolve

from frame.accounts.middleware import session_completed_mfa
from frame.portal.access import REQUEST_ATTRIBUTE, portal_account_of

Handler = Callable[[HttpRequest], HttpResponse]

# Set when someone starts signing in at the portal, so allauth's in-between pages (the two-step
# code, re-confirming) wear the portal's layout before anyone is signed in.
PORTAL_ENTRANCE_SESSION_KEY = "frame_portal_entrance"

# allauth pages a signed-in client may reach, besides the portal's own.
CLIENT_ALLOWED_URL_NAMES = frozenset(
    {
        "account_logout",
        "account_login",  # sends anyone signed in on to their home
        "account_reauthenticate",
        "mfa_reauthenticate",
        "mfa_authenticate",
        "mfa_download_recovery_codes",
        "account_reset_password_from_key",
        "account_reset_password_from_key_done",
        "account_inactive",
    }
)

# Pages a client may reach before setting up a required second step.
CLIENT_MFA_EXEMPT_URL_NAMES = frozenset(
    {
        "account_logout",
        "account_reauthenticate",
        "mfa_reauthenticate",
        "portal:two_step_required",
        "portal:totp_activate",
        "portal:recovery_codes",
        "portal:sign_in",
        "portal:paused",
    }
)


def _url_name(request: HttpRequest) -> str:
    try:
        return resolve(request.path_info).view_name
    except Resolver404:
        return ""


def portal_boundary(get_response: Handler) -> Handler:
    def middleware(request: HttpRequest) -> HttpResponse:
        user = request.user
        if request.path_info.startswith(settings.STATIC_URL):
            return get_response(request)
        if not user.is_authenticated:
            request.portal_layout = bool(  # type: ignore[attr-defined]
                request.session.get(PORTAL_ENTRANCE_SESSION_KEY)
                or request.GET.get("next", "").startswith("/portal/")
            )
            return get_response(request)
        if user.active_membership is not None:
            return get_response(request)  # staff: the accounts middleware takes over
        account = portal_account_of(user)
        if account is None:
            return get_response(request)  # neither staff nor client: signed out next
        if not account.is_active:
            logout(request)
            return redirect("portal:paused")
        setattr(request, REQUEST_ATTRIBUTE, account)
        request.portal_layout = True  # type: ignore[attr-defined]
        name = _url_name(request)
        if not (name.startswith("portal:") or name in CLIENT_ALLOWED_URL_NAMES):
            raise Http404
        if session_completed_mfa(request):
            return get_response(request)
        if Authenticator.objects.filter(user=user).exists():
            # Has a second step but this session never passed it: end it, as for staff.
            logout(request)
            return redirect("portal:sign_in")
        if account.client.practice.portal_requires_mfa and name not in CLIENT_MFA_EXEMPT_URL_NAMES:
            return redirect("portal:two_step_required")
        return get_response(request)

    return middleware
