"""Audit events for sign-ins, sign-outs, passwords and MFA changes, recorded from allauth's signals.

Ended sessions are recorded by `adapters.UserSessionsAdapter`, as allauth sends no signal for them.
"""

from __future__ import annotations

import time
from typing import Any

from allauth.account import signals as account_signals
from allauth.account.internal.flows.login import record_authentication
from allauth.mfa import signals as mfa_signals
from allauth.mfa.models import Authenticator
from django.contrib.auth import get_user_model
from django.contrib.auth import signals as auth_signals
from django.dispatch import receiver

from frame.accounts.middleware import LOGIN_AT_SESSION_KEY
from frame.audit.actions import record
from frame.audit.models import Action


@receiver(auth_signals.user_logged_in)
def _logged_in(sender: Any, request: Any, user: Any, **kwargs: Any) -> None:
    if request is not None and hasattr(request, "session"):
        # The absolute session lifetime counts from here, however active the session is later.
        request.session[LOGIN_AT_SESSION_KEY] = time.time()
    record(action=Action.LOGIN, actor=user)


@receiver(auth_signals.user_logged_out)
def _logged_out(sender: Any, request: Any, user: Any, **kwargs: Any) -> None:
    if user is not None:
        record(action=Action.LOGOUT, actor=user)


@receiver(auth_signals.user_login_failed)
def _login_failed(
    sender: Any, credentials: dict[str, Any], request: Any = None, **kwargs: Any
) -> None:
    # The typed address is not stored: it may be a client's or a mistyped personal address.
    user = get_user_model().objects.filter(email__iexact=str(credentials.get("email", ""))).first()
    record(action=Action.LOGIN_FAILED, actor=user, outcome="failed")


@receiver(mfa_signals.authenticator_added)
def _mfa_added(
    sender: Any, request: Any, user: Any, authenticator: Authenticator, **kwargs: Any
) -> None:
    record(action=Action.MFA_ADDED, actor=user, detail={"type": authenticator.type})
    if request is not None and authenticator.type != Authenticator.Type.RECOVERY_CODES:
        # Enrolling means typing a valid code from the new device: that is an MFA step passed.
        record_authentication(request, user, "mfa", id=authenticator.pk, type=authenticator.type)


@receiver(mfa_signals.authenticator_removed)
def _mfa_removed(
    sender: Any, request: Any, user: Any, authenticator: Authenticator, **kwargs: Any
) -> None:
    record(action=Action.MFA_REMOVED, actor=user, detail={"type": authenticator.type})


@receiver(mfa_signals.authenticator_used)
def _mfa_used(
    sender: Any, request: Any, user: Any, authenticator: Authenticator, **kwargs: Any
) -> None:
    record(action=Action.MFA_USED, actor=user, detail={"type": authenticator.type})


@receiver(account_signals.password_changed)
def _password_changed(sender: Any, request: Any, user: Any, **kwargs: Any) -> None:
    record(action=Action.PASSWORD_CHANGED, actor=user)


@receiver(account_signals.password_reset)
def _password_reset(sender: Any, request: Any, user: Any, **kwargs: Any) -> None:
    record(action=Action.PASSWORD_RESET, actor=user)
