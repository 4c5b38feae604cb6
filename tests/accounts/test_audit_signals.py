"""Password changes and resets are audited; a reset leaves two-step sign-in in place."""

from __future__ import annotations

import re
from typing import Any

from django.core import mail
from django.test import Client as HttpClient
from django.urls import reverse

from frame.accounts.models import User
from frame.audit.models import Action, AuditEvent
from tests.accounts.conftest import enrol_totp, sign_in_fully, sign_in_with_password
from tests.factories import TEST_PASSWORD

NEW_PASSWORD = "lanterns over a winter harbour"


def test_changing_the_password_is_audited(as_user: Any, practitioner: User) -> None:
    enrol_totp(practitioner)
    http = as_user(practitioner)
    response = http.post(
        reverse("account_change_password"),
        {"oldpassword": TEST_PASSWORD, "password1": NEW_PASSWORD, "password2": NEW_PASSWORD},
    )
    assert response.status_code == 302
    practitioner.refresh_from_db()
    assert practitioner.check_password(NEW_PASSWORD)
    assert AuditEvent.objects.filter(
        action=Action.PASSWORD_CHANGED, actor_id=practitioner.pk
    ).exists()
    assert http.get(reverse("home")).status_code == 200, "this session stays signed in"


def test_a_wrong_current_password_changes_nothing(as_user: Any, practitioner: User) -> None:
    enrol_totp(practitioner)
    response = as_user(practitioner).post(
        reverse("account_change_password"),
        {"oldpassword": "not it", "password1": NEW_PASSWORD, "password2": NEW_PASSWORD},
    )
    assert response.status_code == 200
    assert not AuditEvent.objects.filter(action=Action.PASSWORD_CHANGED).exists()


def test_a_password_reset_is_audited_and_still_needs_the_second_step(
    practitioner: User,
) -> None:
    secret = enrol_totp(practitioner)
    other_browser = HttpClient()
    sign_in_fully(other_browser, practitioner, secret)
    assert other_browser.get(reverse("home")).status_code == 200

    http = HttpClient()
    http.post(reverse("account_reset_password"), {"email": practitioner.email})
    link = re.search(r"http\S+(/account/password/reset/key/\S+/)", mail.outbox[0].body)
    assert link
    form_page = http.get(link.group(1), follow=True)
    action = form_page.redirect_chain[-1][0] if form_page.redirect_chain else link.group(1)
    done = http.post(action, {"password1": NEW_PASSWORD, "password2": NEW_PASSWORD})

    assert done.status_code == 302
    assert AuditEvent.objects.filter(
        action=Action.PASSWORD_RESET, actor_id=practitioner.pk
    ).exists()
    assert http.post(action, {"password1": "x" * 20, "password2": "x" * 20}).status_code != 302, (
        "the link works once"
    )
    after = sign_in_with_password(HttpClient(), practitioner.email, NEW_PASSWORD)
    assert after["Location"] == reverse("mfa_authenticate"), "the reset does not skip MFA"
    other = other_browser.get(reverse("home"))
    assert other.status_code == 302, "sessions from before the reset no longer work"
