"""allauth adapters: no open signup, Frame's own words, MFA secrets sealed with Frame's key ring,
and an audit event whenever someone ends sessions."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from allauth.account.adapter import DefaultAccountAdapter
from allauth.account.utils import url_str_to_user_pk
from allauth.core import context as allauth_context
from allauth.mfa.adapter import DefaultMFAAdapter
from allauth.mfa.models import Authenticator
from allauth.usersessions.adapter import DefaultUserSessionsAdapter
from django.core.exceptions import ObjectDoesNotExist
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.urls import reverse

from frame.accounts.models import User
from frame.audit.actions import record
from frame.audit.models import Action
from frame.lib import crypto

MFA_CONTEXT = "allauth.mfa.authenticator"


def portal_account_of(user: Any) -> Any:
    """A client's portal account (the portal app adds `User.portal_account`); None for staff.

    Looked up through the relation, so accounts never imports the portal app.
    """
    if user is None or not getattr(user, "pk", None):
        return None
    try:
        return user.portal_account
    except (ObjectDoesNotExist, AttributeError):
        return None


class AccountAdapter(DefaultAccountAdapter):
    # The same words whether or not an account exists, so nothing here reveals who has one.
    error_messages = {
        **DefaultAccountAdapter.error_messages,
        "email_password_mismatch": (
            "That email address and password do not match. Please check both and try again."
        ),
        "too_many_login_attempts": (
            "There have been too many attempts to sign in. To keep the account safe, please wait "
            "a few minutes before trying again."
        ),
        "account_inactive": "This account has been deactivated. Please speak to your practice.",
        "enter_current_password": "Please type your current password.",
        "incorrect_password": "That is not the right password. Please try again.",
        "invalid_password_reset": (
            "This password reset link does not work any more. Please ask for a new one."
        ),
    }

    def is_open_for_signup(self, request: HttpRequest) -> bool:
        # Staff join through the setup link or an owner's invitation, never by signing up.
        return False

    # Clients sign in with the same flow as staff, but live in the portal.

    def get_login_redirect_url(self, request: HttpRequest) -> str:
        if portal_account_of(request.user) is not None:
            return reverse("portal:home")
        return str(super().get_login_redirect_url(request))

    def get_password_change_redirect_url(self, request: HttpRequest) -> str:
        if portal_account_of(request.user) is not None:
            return reverse("portal:account")
        return str(super().get_password_change_redirect_url(request))

    def respond_user_inactive(self, request: HttpRequest, user: Any) -> HttpResponse:
        # A client whose portal access is paused gets plain words in the portal's own layout.
        if portal_account_of(user) is not None:
            return HttpResponseRedirect(reverse("portal:paused"))
        return super().respond_user_inactive(request, user)  # type: ignore[no-any-return]

    def get_reset_password_from_key_url(self, key: str) -> str:
        url = str(super().get_reset_password_from_key_url(key))
        try:
            user = User.objects.filter(pk=url_str_to_user_pk(key.split("-", 1)[0])).first()
        except ValueError:
            user = None
        if portal_account_of(user) is not None:
            # After choosing a new password, a client goes back to the portal's sign-in, and the
            # reset pages wear the portal's layout (see frame.portal.middleware).
            url += "?next=" + reverse("portal:sign_in")
        return url


class MFAAdapter(DefaultMFAAdapter):
    error_messages = {
        **DefaultMFAAdapter.error_messages,
        "incorrect_code": (
            "That code did not work. Codes change every 30 seconds, so please type the newest one."
        ),
        "cannot_delete_authenticator": (
            "This is your only way to complete two-step sign-in, and Frame needs one. "
            "Add another method first, then remove this one."
        ),
    }

    def encrypt(self, text: str) -> str:
        return crypto.seal(text, context=MFA_CONTEXT)

    def decrypt(self, encrypted_text: str) -> str:
        return crypto.open_sealed(encrypted_text, context=MFA_CONTEXT)

    def can_delete_authenticator(self, authenticator: Authenticator) -> bool:
        """Two-step sign-in is required, so the last app or key cannot be removed.

        The exception is a client whose practice leaves two-step sign-in to them.
        """
        account = portal_account_of(authenticator.user)
        if account is not None and not account.client.practice.portal_requires_mfa:
            return True
        return bool(
            Authenticator.objects.filter(user_id=authenticator.user_id)
            .exclude(pk=authenticator.pk)
            .exclude(type=Authenticator.Type.RECOVERY_CODES)
            .exists()
        )


class UserSessionsAdapter(DefaultUserSessionsAdapter):
    def end_sessions(self, sessions: Iterable[Any]) -> None:
        sessions = list(sessions)
        super().end_sessions(sessions)
        request = getattr(allauth_context, "request", None)
        user = getattr(request, "user", None)
        if sessions and user is not None and user.is_authenticated:
            record(action=Action.SESSION_ENDED, actor=user, detail={"count": len(sessions)})
