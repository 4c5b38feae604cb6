"""Session lifetime and the rule that every staff page needs a practice membership and MFA."""

from __future__ import annotations

import time
from collections.abc import Callable

from allauth.account.internal.flows.login import get_authentication_records
from allauth.mfa.models import Authenticator
from django.conf import settings
from django.contrib.auth import logout
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.urls import Resolver404, resolve

Handler = Callable[[HttpRequest], HttpResponse]

LOGIN_AT_SESSION_KEY = "frame_login_at"

# Pages a signed-in person may reach before finishing MFA: enrolment, the MFA challenge itself,
# signing out, and re-authentication.
MFA_EXEMPT_URL_NAMES = frozenset(
    {
        "account_logout",
        "account_login",
        "account_reauthenticate",
        "mfa_index",
        "mfa_activate_totp",
        "mfa_authenticate",
        "mfa_reauthenticate",
        "mfa_view_recovery_codes",
        "mfa_generate_recovery_codes",
        "mfa_download_recovery_codes",
        "mfa_add_webauthn",
        "mfa_signup_webauthn",
        "accounts:mfa_required",
    }
)


def session_lifetime(get_response: Handler) -> Handler:
    """End a session after FRAME_SESSION_MAX_HOURS however active it has been.

    The idle timeout is Django's own: sessions expire SESSION_COOKIE_AGE after the last request.
    """
    max_seconds = settings.FRAME_SESSION_MAX_HOURS * 3600

    def middleware(request: HttpRequest) -> HttpResponse:
        if request.user.is_authenticated:
            login_at = request.session.get(LOGIN_AT_SESSION_KEY)
            if login_at is None:
                request.session[LOGIN_AT_SESSION_KEY] = time.time()
            elif time.time() - float(login_at) >= max_seconds:
                logout(request)
                return redirect(settings.LOGIN_URL)
        return get_response(request)

    return middleware


def session_completed_mfa(request: HttpRequest) -> bool:
    return any(
        record.get("method") == "mfa"
        for record in get_authentication_records(request, request.user)
    )


def _url_name(request: HttpRequest) -> str:
    try:
        match = resolve(request.path_info)
    except Resolver404:
        return ""
    return match.view_name


def require_membership_and_mfa(get_response: Handler) -> Handler:
    def middleware(request: HttpRequest) -> HttpResponse:
        user = request.user
        if not user.is_authenticated or request.path_info.startswith(settings.STATIC_URL):
            return get_response(request)
        if user.active_membership is None:
            if getattr(request, "portal_account", None) is not None:
                # A client, already checked and kept inside the portal by the portal's own
                # middleware (frame.portal.middleware), which runs just before this one.
                return get_response(request)
            # A leaver's session dies on their next request.
            logout(request)
            return redirect(settings.LOGIN_URL)
        if session_completed_mfa(request):
            return get_response(request)
        if Authenticator.objects.filter(user=user).exists():
            # Has MFA but this session never passed it (e.g. signed in before enrolling elsewhere).
            # Checked before the exempt pages: such a session must not reach enrolment or the
            # recovery-code pages either, or it could mint itself a way past the second step.
            logout(request)
            return redirect(settings.LOGIN_URL)
        if _url_name(request) in MFA_EXEMPT_URL_NAMES:
            return get_response(request)
        return redirect("accounts:mfa_required")

    return middleware
