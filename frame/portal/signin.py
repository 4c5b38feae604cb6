"""Signing in to the portal and looking after one's own sign-in: allauth's own views (its login
flow, rate limits, password and two-step handling) shown in the portal's layout and words, and
leading back to portal pages rather than staff ones."""

from __future__ import annotations

from typing import Any

from allauth.account.views import LoginView, PasswordChangeView, PasswordResetView
from allauth.mfa.models import Authenticator
from allauth.mfa.recovery_codes.views import GenerateRecoveryCodesView, ViewRecoveryCodesView
from allauth.mfa.totp.views import ActivateTOTPView, DeactivateTOTPView
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse

from frame.portal.decorators import portal_entrance, portal_page
from frame.portal.middleware import PORTAL_ENTRANCE_SESSION_KEY


class _PortalSignIn(LoginView):  # type: ignore[misc]  # allauth ships no types
    template_name = "portal/sign_in.html"

    def get(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        # Any two-step or re-confirmation page that follows keeps the portal's look.
        request.session[PORTAL_ENTRANCE_SESSION_KEY] = True
        response: HttpResponse = super().get(request, *args, **kwargs)
        return response

    def post(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        request.session[PORTAL_ENTRANCE_SESSION_KEY] = True
        response: HttpResponse = super().post(request, *args, **kwargs)
        return response


sign_in = portal_entrance(_PortalSignIn.as_view())


class _PortalPasswordReset(PasswordResetView):  # type: ignore[misc]  # allauth ships no types
    template_name = "portal/password_reset.html"

    def get_success_url(self) -> str:
        return reverse("portal:password_reset_done")


password_reset = portal_entrance(_PortalPasswordReset.as_view())


@portal_entrance
def password_reset_done(request: HttpRequest) -> HttpResponse:
    return render(request, "portal/password_reset_done.html")


@portal_entrance
def paused(request: HttpRequest) -> HttpResponse:
    """Where a suspended client lands: plain words, nothing about their record."""
    return render(request, "portal/paused.html")


# --- Your own sign-in (signed-in clients) ---------------------------------------------------------


class _PortalPasswordChange(PasswordChangeView):  # type: ignore[misc]  # allauth ships no types
    template_name = "portal/password_change.html"

    def get_default_success_url(self) -> str:
        return reverse("portal:account")


password_change = portal_page(_PortalPasswordChange.as_view())


def _has_totp(request: HttpRequest) -> bool:
    return bool(
        Authenticator.objects.filter(user_id=request.user.pk, type=Authenticator.Type.TOTP).exists()
    )


@portal_page
def two_step_required(request: HttpRequest) -> HttpResponse:
    """Explains why this practice asks for a second step, before the client sets one up."""
    return render(request, "portal/two_step_required.html")


class _PortalActivateTOTP(ActivateTOTPView):  # type: ignore[misc]  # allauth ships no types
    template_name = "portal/totp_activate.html"

    def get_success_url(self) -> str:
        if self.did_generate_recovery_codes:
            return reverse("portal:recovery_codes")
        return reverse("portal:account")


_activate = _PortalActivateTOTP.as_view()


@portal_page
def totp_activate(request: HttpRequest) -> HttpResponse:
    if _has_totp(request):
        return redirect("portal:account")
    response: HttpResponse = _activate(request)
    return response


class _PortalDeactivateTOTP(DeactivateTOTPView):  # type: ignore[misc]  # allauth ships no types
    template_name = "portal/totp_deactivate.html"

    def get_success_url(self) -> str:
        return reverse("portal:account")


_deactivate = _PortalDeactivateTOTP.as_view()


@portal_page
def totp_deactivate(request: HttpRequest) -> HttpResponse:
    if not _has_totp(request):
        return redirect("portal:account")
    response: HttpResponse = _deactivate(request)
    return response


class _PortalRecoveryCodes(ViewRecoveryCodesView):  # type: ignore[misc]  # allauth ships no types
    template_name = "portal/recovery_codes.html"


_recovery_codes = _PortalRecoveryCodes.as_view()


@portal_page
def recovery_codes(request: HttpRequest) -> HttpResponse:
    if not Authenticator.objects.filter(
        user_id=request.user.pk, type=Authenticator.Type.RECOVERY_CODES
    ).exists():
        return redirect("portal:account")
    response: HttpResponse = _recovery_codes(request)
    return response


class _PortalGenerateRecoveryCodes(GenerateRecoveryCodesView):  # type: ignore[misc]  # allauth ships no types
    template_name = "portal/recovery_codes_generate.html"

    def get_success_url(self) -> str:
        return reverse("portal:recovery_codes")


_generate = _PortalGenerateRecoveryCodes.as_view()


@portal_page
def recovery_codes_generate(request: HttpRequest) -> HttpResponse:
    # Recovery codes stand in for the app, so they only make sense once the app is set up.
    if not _has_totp(request):
        return redirect("portal:account")
    response: HttpResponse = _generate(request)
    return response
