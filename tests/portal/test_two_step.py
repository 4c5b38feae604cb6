"""Two-step sign-in for clients: offered to everyone, required when the practice says so, set up
on portal-styled pages."""

from __future__ import annotations

import re
from typing import Any

import pytest
from allauth.mfa.models import Authenticator
from django.test import Client as HttpClient
from django.urls import reverse

from frame.accounts.models import Practice, User
from frame.audit.models import Action, AuditEvent
from tests.accounts.conftest import enrol_totp, totp_code
from tests.factories import TEST_PASSWORD

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _commit_callbacks_run(monkeypatch: Any) -> None:
    # allauth records the MFA step on commit; tests run inside a transaction that never commits.
    monkeypatch.setattr(
        "django.db.transaction.on_commit", lambda func, using=None, robust=False: func()
    )


def _sign_in(user: User) -> HttpClient:
    http = HttpClient()
    response = http.post(
        reverse("portal:sign_in"), {"login": user.email, "password": TEST_PASSWORD}
    )
    assert response.status_code == 302
    return http


def _require(practice: Practice) -> None:
    practice.portal_requires_mfa = True
    practice.save()


def _set_up_app(http: HttpClient) -> Any:
    page = http.get(reverse("portal:totp_activate"))
    if page.status_code == 302:
        # Setting up a second step first asks for the password again, on a portal-styled page.
        confirm = page["Location"]
        assert confirm.startswith(reverse("account_reauthenticate"))
        asked = http.get(confirm).content.decode()
        assert 'class="portal"' in asked and "116 123" in asked
        assert http.post(confirm, {"password": TEST_PASSWORD}).status_code == 302
        page = http.get(reverse("portal:totp_activate"))
    assert page.status_code == 200
    html = page.content.decode()
    assert 'class="portal"' in html and "clients' records" not in html
    secret = re.search(r'<code class="code">([A-Z2-7 ]+)</code>', html).group(1).replace(" ", "")
    return http.post(reverse("portal:totp_activate"), {"code": totp_code(secret)}), secret


def test_without_the_requirement_a_client_goes_straight_in_and_may_opt_in(
    portal_user: User,
) -> None:
    http = _sign_in(portal_user)
    assert http.get(reverse("portal:home")).status_code == 200
    account = http.get(reverse("portal:account")).content.decode()
    assert "Optional, and safer" in account
    response, _ = _set_up_app(http)
    assert response.status_code == 302 and response["Location"] == reverse("portal:recovery_codes")
    codes = http.get(reverse("portal:recovery_codes")).content.decode()
    assert "Save these now" in codes and 'class="portal"' in codes
    assert Authenticator.objects.filter(user=portal_user, type="totp").exists()


def test_when_required_a_client_is_sent_to_set_it_up_first(
    portal_user: User, client_record: Any
) -> None:
    _require(client_record.practice)
    http = _sign_in(portal_user)
    for name in ("portal:home", "portal:account", "portal:articles"):
        response = http.get(reverse(name))
        assert response.status_code == 302 and response["Location"] == reverse(
            "portal:two_step_required"
        ), name
    explained = http.get(reverse("portal:two_step_required")).content.decode()
    assert "asks everyone who uses this portal" in explained
    assert "116 123" in explained, "crisis contacts still show"
    response, _ = _set_up_app(http)
    assert response.status_code == 302
    assert http.get(reverse("portal:home")).status_code == 200


def test_a_client_with_an_app_signs_in_with_a_code_on_a_portal_page(
    portal_user: User,
) -> None:
    secret = enrol_totp(portal_user)
    http = HttpClient()
    first = http.post(
        reverse("portal:sign_in"), {"login": portal_user.email, "password": TEST_PASSWORD}
    )
    assert first["Location"] == reverse("mfa_authenticate")
    step = http.get(reverse("mfa_authenticate")).content.decode()
    assert 'class="portal"' in step and "116 123" in step
    done = http.post(reverse("mfa_authenticate"), {"code": totp_code(secret)})
    assert done.status_code == 302 and done["Location"] == reverse("portal:home")
    assert http.get(reverse("portal:home")).status_code == 200


def test_a_password_only_session_of_a_client_with_an_app_is_signed_out(
    portal_user: User, as_client: Any
) -> None:
    enrol_totp(portal_user)
    http = as_client(portal_user)  # force_login: no second step in this session
    response = http.get(reverse("portal:home"))
    assert response.status_code == 302 and response["Location"] == reverse("portal:sign_in")
    assert "_auth_user_id" not in http.session


def test_a_client_may_stop_using_it_unless_the_practice_requires_it(
    portal_user: User, client_record: Any
) -> None:
    http = _sign_in(portal_user)
    _set_up_app(http)
    page = http.get(reverse("portal:account")).content.decode()
    assert "Stop using two-step sign-in" in page
    response = http.post(reverse("portal:totp_deactivate"))
    assert response.status_code == 302
    assert not Authenticator.objects.filter(user=portal_user, type="totp").exists()

    _require(client_record.practice)
    _set_up_app(http)
    assert "Stop using" not in http.get(reverse("portal:account")).content.decode()
    http.post(reverse("portal:totp_deactivate"))
    assert Authenticator.objects.filter(user=portal_user, type="totp").exists()


def test_the_owner_switches_the_requirement_on_and_it_is_audited(
    practitioner: User, practice: Practice, as_user: Any
) -> None:
    http = as_user(practitioner)
    assert http.get(reverse("portal_staff:settings")).status_code == 200
    response = http.post(reverse("portal_staff:settings"), {"portal_requires_mfa": "on"})
    assert response.status_code == 302
    practice.refresh_from_db()
    assert practice.portal_requires_mfa
    event = AuditEvent.objects.get(action=Action.PORTAL_SETTINGS_CHANGED)
    assert event.detail == {"portal_requires_mfa": True}


@pytest.mark.parametrize("persona", ["colleague", "administrator"])
def test_only_owners_change_portal_settings(
    persona: str, practice: Practice, as_user: Any, request: Any
) -> None:
    http = as_user(request.getfixturevalue(persona))
    assert (
        http.post(reverse("portal_staff:settings"), {"portal_requires_mfa": "on"}).status_code
        == 404
    )
    practice.refresh_from_db()
    assert not practice.portal_requires_mfa


def test_a_forgotten_password_comes_back_to_the_portal(
    portal_user: User, mailoutbox: list[Any]
) -> None:
    http = HttpClient()
    page = http.get(reverse("portal:password_reset"))
    assert 'class="portal"' in page.content.decode()
    response = http.post(reverse("portal:password_reset"), {"email": portal_user.email})
    assert response["Location"] == reverse("portal:password_reset_done")
    link = re.search(r"https?://\S+", mailoutbox[-1].body).group(0)
    assert link.endswith("?next=" + reverse("portal:sign_in"))
    fresh = HttpClient()  # opened from the email, in another browser
    path = link.split("testserver", 1)[-1] if "testserver" in link else "/" + link.split("/", 3)[3]
    step = fresh.get(path)
    assert step.status_code == 302
    form = fresh.get(step["Location"])
    assert 'class="portal"' in form.content.decode()
    done = fresh.post(
        step["Location"],
        {"password1": "a new and different phrase", "password2": "a new and different phrase"},
    )
    assert done.status_code == 302 and done["Location"] == reverse("portal:sign_in")
    portal_user.refresh_from_db()
    assert portal_user.check_password("a new and different phrase")
