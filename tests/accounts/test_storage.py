"""What is stored about staff credentials: Argon2id hashes, sealed MFA secrets, codes shown once."""

from __future__ import annotations

from typing import Any

import pytest
from allauth.mfa.models import Authenticator
from allauth.mfa.recovery_codes.internal.auth import RecoveryCodes
from django.contrib.auth.hashers import make_password
from django.db import connection
from django.test import Client as HttpClient
from django.urls import reverse

from frame import settings as frame_settings
from frame.accounts import actions
from frame.accounts.adapters import MFAAdapter
from frame.accounts.models import User
from frame.lib import crypto
from tests.accounts.conftest import (
    add_security_key,
    confirm_recently,
    enrol_totp,
    sign_in_with_password,
)
from tests.factories import TEST_PASSWORD


def _raw_data(user: User, kind: str) -> str:
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT data FROM mfa_authenticator WHERE user_id = %s AND type = %s", [user.pk, kind]
        )
        (value,) = cursor.fetchone()
    return str(value)


@pytest.fixture
def real_hashers(settings: Any) -> None:
    """The suite hashes with MD5 for speed; these tests use Frame's real configuration."""
    settings.PASSWORD_HASHERS = frame_settings.PASSWORD_HASHERS


def test_passwords_are_hashed_with_argon2id(db: Any, real_hashers: None) -> None:
    user = actions.create_practice(
        practice_name="P", full_name="Ana Brook", email="ana@example.org", password="z" * 16
    )
    assert user.password.startswith("argon2$argon2id$")
    assert "z" * 16 not in user.password


def test_an_older_hash_is_upgraded_to_argon2id_at_sign_in(
    practitioner: User, real_hashers: None
) -> None:
    practitioner.password = make_password(TEST_PASSWORD, hasher="pbkdf2_sha256")
    practitioner.save()
    response = sign_in_with_password(HttpClient(), practitioner.email)
    assert response.status_code == 302
    practitioner.refresh_from_db()
    assert practitioner.password.startswith("argon2$argon2id$")


def test_totp_secret_is_not_stored_in_plaintext(practitioner: User) -> None:
    secret = enrol_totp(practitioner)
    raw = _raw_data(practitioner, Authenticator.Type.TOTP)
    assert secret not in raw
    assert secret.lower() not in raw.lower()
    assert crypto.PREFIX + "$" in raw, "sealed with Frame's key ring"


def test_recovery_code_seed_and_codes_are_not_stored_in_plaintext(practitioner: User) -> None:
    codes = RecoveryCodes.activate(practitioner)
    seed = MFAAdapter().decrypt(codes.instance.data["seed"])
    raw = _raw_data(practitioner, Authenticator.Type.RECOVERY_CODES)
    assert seed not in raw
    for code in codes.generate_codes():
        assert code not in raw


def test_a_sealed_secret_opens_only_with_the_right_key(practitioner: User, settings: Any) -> None:
    enrol_totp(practitioner)
    sealed = Authenticator.objects.get(user=practitioner).data["secret"]
    settings.FRAME_KEYRING = crypto.KeyRing.generate().to_json()
    crypto.reset_keyring_cache()
    with pytest.raises(crypto.DecryptionError):
        MFAAdapter().decrypt(sealed)


def test_recovery_codes_are_shown_only_once(
    as_user: Any, practitioner: User, settings: Any
) -> None:
    assert settings.MFA_RECOVERY_CODES_SHOW_ONCE is True
    enrol_totp(practitioner)
    codes = RecoveryCodes.activate(practitioner).generate_codes()
    http = as_user(practitioner)
    confirm_recently(http, practitioner)

    first = http.get(reverse("mfa_view_recovery_codes"))
    second = http.get(reverse("mfa_view_recovery_codes"))

    assert all(code.encode() in first.content for code in codes)
    assert not any(code.encode() in second.content for code in codes)
    assert b"Make new recovery codes" in second.content
    assert http.get(reverse("mfa_download_recovery_codes")).status_code in {403, 404}


def test_the_last_two_step_method_cannot_be_removed(as_user: Any, practitioner: User) -> None:
    enrol_totp(practitioner)
    http = as_user(practitioner)
    confirm_recently(http, practitioner)
    page = http.get(reverse("mfa_deactivate_totp"))
    assert b"your only way to complete two-step sign-in" in page.content
    http.post(reverse("mfa_deactivate_totp"))
    assert Authenticator.objects.filter(user=practitioner, type="totp").exists()


def test_the_app_can_be_removed_once_a_security_key_is_there(
    as_user: Any, practitioner: User
) -> None:
    enrol_totp(practitioner)
    add_security_key(practitioner)
    http = as_user(practitioner)
    confirm_recently(http, practitioner)
    assert http.post(reverse("mfa_deactivate_totp")).status_code == 302
    assert not Authenticator.objects.filter(user=practitioner, type="totp").exists()


def test_new_accounts_have_no_usable_password_before_they_choose_one(db: Any) -> None:
    assert not User.objects.exists(), "migrations create no default account"
    response = HttpClient().post(
        reverse("account_login"), {"login": "admin@example.org", "password": "admin"}
    )
    assert response.status_code == 200
