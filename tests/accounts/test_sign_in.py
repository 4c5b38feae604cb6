"""Signing in with a password and a TOTP code; lockout; no enumeration; MFA required everywhere."""

from __future__ import annotations

import re
from typing import Any

import pytest
from allauth.account.internal.flows.login import get_authentication_records
from django.conf import settings
from django.contrib import admin
from django.contrib.sessions.models import Session
from django.core import mail
from django.test import Client as HttpClient
from django.urls import reverse

from frame.accounts.models import User
from frame.audit.models import Action, AuditEvent
from tests.accounts.conftest import (
    enrol_totp,
    sign_in_fully,
    sign_in_with_password,
    stored_totp_secret,
    totp_code,
)
from tests.factories import TEST_PASSWORD


def _session_records(http: HttpClient, user: User) -> list[dict[str, Any]]:
    class _Request:
        session = http.session

    return get_authentication_records(_Request(), user)  # type: ignore[arg-type]


def test_full_sign_in_with_a_real_totp_code(client: HttpClient, practitioner: User) -> None:
    enrol_totp(practitioner)
    secret = stored_totp_secret(practitioner)  # decrypted from what is stored, as the app has it

    after_password = sign_in_with_password(client, practitioner.email)
    assert after_password["Location"] == reverse("mfa_authenticate")
    assert client.get(reverse("home"))["Location"].startswith(reverse("account_login")), (
        "the password alone signs nobody in"
    )
    challenge = client.get(reverse("mfa_authenticate"))
    assert challenge.status_code == 200

    done = client.post(reverse("mfa_authenticate"), {"code": totp_code(secret)})

    assert done.status_code == 302 and done["Location"] == reverse("home")
    assert client.get(reverse("home")).status_code == 200
    methods = [r["method"] for r in _session_records(client, practitioner)]
    assert methods == ["password", "mfa"]
    assert Session.objects.filter(session_key=client.session.session_key).exists()
    assert AuditEvent.objects.filter(action=Action.LOGIN, actor_id=practitioner.pk).exists()
    assert AuditEvent.objects.filter(action=Action.MFA_USED, actor_id=practitioner.pk).exists()


def test_a_wrong_totp_code_is_refused_in_plain_words(
    client: HttpClient, practitioner: User
) -> None:
    secret = enrol_totp(practitioner)
    sign_in_with_password(client, practitioner.email)
    wrong = "000000" if totp_code(secret) != "000000" else "111111"
    response = client.post(reverse("mfa_authenticate"), {"code": wrong})
    assert response.status_code == 200
    assert b"That code did not work" in response.content
    assert client.get(reverse("home"))["Location"].startswith(reverse("account_login"))


def test_a_totp_code_cannot_be_used_twice(practitioner: User) -> None:
    secret = enrol_totp(practitioner)
    code = totp_code(secret)
    first, second = HttpClient(), HttpClient()
    sign_in_with_password(first, practitioner.email)
    assert first.post(reverse("mfa_authenticate"), {"code": code})["Location"] == reverse("home")
    sign_in_with_password(second, practitioner.email)
    replay = second.post(reverse("mfa_authenticate"), {"code": code})
    assert replay.status_code == 200, "a code already used is refused, even from another browser"


def test_session_key_changes_at_each_sign_in_step(client: HttpClient, practitioner: User) -> None:
    secret = enrol_totp(practitioner)
    client.get(reverse("account_login"))
    sign_in_with_password(client, practitioner.email)
    during = client.session.session_key
    assert during
    client.post(reverse("mfa_authenticate"), {"code": totp_code(secret)})
    after = client.session.session_key
    assert after and after != during
    assert not Session.objects.filter(session_key=during).exists()


def test_signing_out_deletes_the_session_row(client: HttpClient, practitioner: User) -> None:
    secret = enrol_totp(practitioner)
    sign_in_fully(client, practitioner, secret)
    key = client.session.session_key
    assert Session.objects.filter(session_key=key).exists()

    client.post(reverse("account_logout"))

    assert not Session.objects.filter(session_key=key).exists()
    replay = HttpClient()  # someone who kept a copy of the old cookie
    replay.cookies[settings.SESSION_COOKIE_NAME] = key
    assert replay.get(reverse("home"))["Location"].startswith(reverse("account_login"))


# --- Lockout and rate limits ----------------------------------------------------------------------


def test_five_failures_lock_that_email_but_not_others_from_the_same_address(
    practitioner: User, colleague: User
) -> None:
    enrol_totp(practitioner)
    enrol_totp(colleague)
    http = HttpClient()  # one browser, one IP address, for all of it
    for _ in range(5):
        failed = sign_in_with_password(http, practitioner.email, "not the password")
        assert failed.status_code == 200

    locked = sign_in_with_password(http, practitioner.email, TEST_PASSWORD)

    assert locked.status_code == 200, "the right password no longer gets through"
    assert b"too many attempts to sign in" in locked.content
    assert (
        AuditEvent.objects.filter(action=Action.LOGIN_FAILED, actor_id=practitioner.pk).count() >= 5
    )

    other = sign_in_with_password(http, colleague.email, TEST_PASSWORD)
    assert other.status_code == 302 and other["Location"] == reverse("mfa_authenticate")


def test_lockout_also_covers_the_email_written_differently(practitioner: User) -> None:
    http = HttpClient()
    for _ in range(5):
        sign_in_with_password(http, practitioner.email.upper(), "not the password")
    locked = sign_in_with_password(http, practitioner.email, TEST_PASSWORD)
    assert b"too many attempts to sign in" in locked.content


def test_django_admin_login_is_allauths(client: HttpClient, practitioner: User) -> None:
    """The admin has no login form of its own, so it shares allauth's limits and MFA."""
    response = client.get(reverse("admin:login"))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("account_login"))
    posted = client.post(
        reverse("admin:login"), {"username": practitioner.email, "password": TEST_PASSWORD}
    )
    assert posted["Location"].startswith(reverse("account_login"))
    assert "_auth_user_id" not in client.session
    assert admin.site.login.__wrapped__ is not None  # type: ignore[attr-defined]

    # Locked out at allauth's login means locked out of the admin as well.
    for _ in range(5):
        sign_in_with_password(client, practitioner.email, "not the password")
    practitioner.is_staff = True
    practitioner.save()
    assert b"too many attempts" in sign_in_with_password(client, practitioner.email).content


# --- No enumeration -------------------------------------------------------------------------------


def _normalised(html: bytes, typed: str) -> str:
    text = html.decode().replace(typed, "TYPED")
    text = re.sub(r'name="csrfmiddlewaretoken" value="[^"]+"', "CSRF", text)
    return re.sub(r'"X-CSRFToken": "[^"]+"', "CSRF", text)


def test_failed_sign_in_looks_the_same_for_known_and_unknown_emails(practitioner: User) -> None:
    known = sign_in_with_password(HttpClient(), practitioner.email, "not the password")
    unknown = sign_in_with_password(HttpClient(), "nobody.here@example.org", "not the password")
    assert known.status_code == unknown.status_code == 200
    assert _normalised(known.content, practitioner.email) == _normalised(
        unknown.content, "nobody.here@example.org"
    )


def test_password_reset_looks_the_same_for_known_and_unknown_emails(practitioner: User) -> None:
    url = reverse("account_reset_password")
    known = HttpClient().post(url, {"email": practitioner.email})
    unknown = HttpClient().post(url, {"email": "nobody.here@example.org"})
    assert known.status_code == unknown.status_code == 302
    assert known["Location"] == unknown["Location"] == reverse("account_reset_password_done")
    assert len(mail.outbox) == 2, "both addresses get an email; only the owner's has a link"
    to_known, to_unknown = mail.outbox
    assert "/password/reset/key/" in to_known.body
    assert "/password/reset/key/" not in to_unknown.body


# --- MFA is required everywhere -------------------------------------------------------------------


@pytest.mark.parametrize(
    "url_name", ["home", "accounts:team", "accounts:security", "admin:index", "usersessions_list"]
)
def test_without_an_authenticator_every_staff_page_leads_to_enrolment(
    client: HttpClient, practitioner: User, url_name: str
) -> None:
    practitioner.is_staff = True
    practitioner.save()
    client.force_login(practitioner)
    response = client.get(reverse(url_name))
    assert response.status_code == 302
    assert response["Location"] == reverse("accounts:mfa_required")


def test_django_admin_itself_requires_mfa(client: HttpClient, practitioner: User) -> None:
    practitioner.is_staff = practitioner.is_superuser = True
    practitioner.save()
    client.force_login(practitioner)
    assert client.get("/django-admin/")["Location"] == reverse("accounts:mfa_required")
    assert client.get("/django-admin/accounts/user/")["Location"] == reverse(
        "accounts:mfa_required"
    )


def test_with_an_authenticator_a_password_only_session_is_signed_out(
    client: HttpClient, practitioner: User
) -> None:
    enrol_totp(practitioner)
    client.force_login(practitioner)  # e.g. a session from before they enrolled elsewhere
    response = client.get(reverse("home"))
    assert response["Location"].startswith(reverse("account_login"))
    assert "_auth_user_id" not in client.session
    assert client.get(reverse("accounts:mfa_required"))["Location"].startswith(
        reverse("account_login")
    )


def test_enrolment_pages_stay_open_before_mfa(client: HttpClient, practitioner: User) -> None:
    client.force_login(practitioner)
    assert client.get(reverse("accounts:mfa_required")).status_code == 200
    # Setting up an app asks for the password first (allauth's re-authentication): still allowed.
    response = client.get(reverse("mfa_activate_totp"))
    assert response["Location"].startswith(reverse("account_reauthenticate"))
    assert client.get(response["Location"]).status_code == 200


@pytest.mark.parametrize(
    "url_name",
    [
        "mfa_generate_recovery_codes",
        "mfa_view_recovery_codes",
        "mfa_index",
        "mfa_add_webauthn",
        "account_reauthenticate",
        "accounts:mfa_required",
    ],
)
def test_a_password_only_session_cannot_reach_enrolment_pages_once_mfa_exists(
    client: HttpClient, practitioner: User, url_name: str
) -> None:
    """A session from before enrolling elsewhere must not mint itself recovery codes."""
    client.force_login(practitioner)
    enrol_totp(practitioner)  # e.g. on another device, after this session began
    response = client.get(reverse(url_name))
    assert response["Location"].startswith(reverse("account_login"))
    assert "_auth_user_id" not in client.session
