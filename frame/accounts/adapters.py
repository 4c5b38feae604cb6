"""allauth adapters: no open signup, Frame's own words, MFA secrets sealed with Frame's key ring,
and an audit event whenever someone ends sessions."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from allauth.account.adapter import DefaultAccountAdapter
from allauth.core import context as allauth_context
from allauth.mfa.adapter import DefaultMFAAdapter
from allauth.mfa.models import Authenticator
from allauth.usersessions.adapter import DefaultUserSessionsAdapter
from django.http import HttpRequest

from frame.audit.actions import record
from frame.audit.models import Action
from frame.lib import crypto

MFA_CONTEXT = "allauth.mfa.authenticator"


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
        """Two-step sign-in is required, so the last app or key cannot be removed."""
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
