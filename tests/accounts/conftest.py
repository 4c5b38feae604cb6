"""Helpers for staff-account tests: a clean rate-limit cache, TOTP codes, and real sign-ins."""

from __future__ import annotations

import hashlib
import os
import time
from collections.abc import Iterator
from typing import Any

import pytest
from allauth.account.internal.flows.login import (
    _AUTHENTICATION_METHODS_USER_SESSION_KEY,
    AUTHENTICATION_METHODS_SESSION_KEY,
)
from allauth.mfa.models import Authenticator
from allauth.mfa.totp.internal.auth import (
    TOTP,
    format_hotp_value,
    generate_totp_secret,
    hotp_value,
)
from allauth.mfa.utils import decrypt
from allauth.mfa.webauthn.internal.auth import WebAuthn
from cryptography.hazmat.primitives.asymmetric import ec
from django.conf import settings
from django.core.cache import cache
from django.test import Client as HttpClient
from django.urls import reverse
from fido2.cose import ES256
from fido2.webauthn import (
    AttestationObject,
    AttestedCredentialData,
    AuthenticatorAttestationResponse,
    AuthenticatorData,
    CollectedClientData,
    RegistrationResponse,
)

from frame.accounts.models import User
from tests.factories import TEST_PASSWORD


@pytest.fixture(autouse=True)
def _fresh_rate_limits(db: Any) -> Iterator[None]:
    """allauth keeps rate limits and used TOTP codes in the cache; each test starts clean."""
    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def on_commit_immediately(monkeypatch: Any) -> None:
    """Run on-commit callbacks at once, as they run in production.

    Each test runs inside a transaction that is rolled back, so callbacks would never fire. In
    production the action's own transaction is the outermost one and commits straight away;
    allauth relies on that to record the MFA step when someone enrols an authenticator.
    """
    monkeypatch.setattr(
        "django.db.transaction.on_commit", lambda func, using=None, robust=False: func()
    )


def totp_code(secret: str, at: float | None = None) -> str:
    """The code an authenticator app would show, computed with allauth's own helpers."""
    counter = int(time.time() if at is None else at) // settings.MFA_TOTP_PERIOD
    return format_hotp_value(hotp_value(secret, counter))


def stored_totp_secret(user: User) -> str:
    authenticator = Authenticator.objects.get(user=user, type=Authenticator.Type.TOTP)
    return str(decrypt(authenticator.data["secret"]))


def enrol_totp(user: User) -> str:
    """Give the person an authenticator app, as if they had enrolled it. Returns the secret."""
    secret = generate_totp_secret()
    TOTP.activate(user, secret)
    return secret


def add_security_key(user: User, name: str = "Blue key") -> Authenticator:
    """Register a software-made security key (a real P-256 credential, "none" attestation)."""
    key = ec.generate_private_key(ec.SECP256R1())
    credential_id = os.urandom(16)
    credential = AttestedCredentialData.create(
        b"\0" * 16, credential_id, ES256.from_cryptography_key(key.public_key())
    )
    flags = AuthenticatorData.FLAG.UP | AuthenticatorData.FLAG.AT
    auth_data = AuthenticatorData.create(
        hashlib.sha256(b"testserver").digest(), flags, 0, credential
    )
    response = RegistrationResponse(
        raw_id=credential_id,
        response=AuthenticatorAttestationResponse(
            client_data=CollectedClientData.create(
                "webauthn.create", b"registration-challenge", "http://testserver"
            ),
            attestation_object=AttestationObject.create("none", auth_data, {}),
        ),
    )
    return WebAuthn.add(user, name, dict(response)).instance


def sign_in_with_password(http: HttpClient, email: str, password: str = TEST_PASSWORD) -> Any:
    return http.post(reverse("account_login"), {"login": email, "password": password})


def sign_in_fully(http: HttpClient, user: User, secret: str) -> Any:
    """The real flow: password, then a code from the app."""
    response = sign_in_with_password(http, user.email)
    assert response.status_code == 302
    assert response["Location"] == reverse("mfa_authenticate")
    return http.post(reverse("mfa_authenticate"), {"code": totp_code(secret)})


def confirm_recently(http: HttpClient, user: User) -> None:
    """Mark the session as having re-entered the password just now (sudo mode)."""
    session = http.session
    records = list(session.get(AUTHENTICATION_METHODS_SESSION_KEY, []))
    records.append({"method": "password", "at": time.time(), "reauthenticated": True})
    session[AUTHENTICATION_METHODS_SESSION_KEY] = records
    session[_AUTHENTICATION_METHODS_USER_SESSION_KEY] = str(user.pk)
    session.save()
