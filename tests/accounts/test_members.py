"""An owner's view of one member: role changes and deactivation behind sudo mode, and activity."""

from __future__ import annotations

from typing import Any

import pytest
from django.contrib.sessions.models import Session
from django.db import connection
from django.test import Client as HttpClient
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from frame.accounts import actions
from frame.accounts.models import Membership, Role, User
from frame.audit.actions import record
from frame.audit.models import Action, AuditEvent
from tests.accounts.conftest import confirm_recently
from tests.factories import TEST_PASSWORD


def _member_url(user: User, name: str = "accounts:member") -> str:
    return reverse(name, kwargs={"member_id": user.membership.pk})


@pytest.fixture
def owner_http(as_user: Any, practitioner: User) -> HttpClient:
    return as_user(practitioner)


# --- The page -------------------------------------------------------------------------------------


def test_member_page_shows_details_and_what_they_accessed(
    owner_http: HttpClient, practitioner: User, colleague: User, client_record: Any
) -> None:
    record(action=Action.CLIENT_VIEWED, actor=colleague, client=client_record)

    response = owner_http.get(_member_url(colleague))

    assert response.status_code == 200
    body = response.content.decode()
    assert colleague.email in body and "Practitioner" in body
    assert "Client record viewed" in body
    assert str(client_record.pk) in body
    viewed = AuditEvent.objects.filter(action=Action.AUDIT_VIEWED).get()
    assert viewed.actor_id == practitioner.pk
    assert viewed.object_id == str(colleague.membership.pk)


@pytest.mark.parametrize("before", ["abc", "-5", "0", "1e9", "99999999999999999999999", ""])
def test_malformed_before_cursor_is_ignored(
    owner_http: HttpClient, colleague: User, before: str
) -> None:
    assert owner_http.get(_member_url(colleague), {"before": before}).status_code == 200


def test_activity_is_keyset_paginated_with_constant_queries(
    owner_http: HttpClient, colleague: User, client_record: Any, settings: Any
) -> None:
    settings.FRAME_PAGE_SIZE = 5

    def count() -> tuple[int, str]:
        with CaptureQueriesContext(connection) as queries:
            response = owner_http.get(_member_url(colleague))
        assert response.status_code == 200
        return len(queries), response.content.decode()

    for _ in range(3):
        record(action=Action.CLIENT_VIEWED, actor=colleague, client=client_record)
    count()
    few, _ = count()
    for _ in range(40):
        record(action=Action.CLIENT_VIEWED, actor=colleague, client=client_record)
    many, body = count()
    assert few == many
    assert "?before=" in body
    oldest_on_page = min(
        AuditEvent.objects.filter(actor_id=colleague.pk)
        .order_by("-seq")
        .values_list("seq", flat=True)[:5]
    )
    assert f"?before={oldest_on_page}" in body
    older = owner_http.get(_member_url(colleague), {"before": oldest_on_page})
    assert older.status_code == 200


def test_members_of_another_practice_are_a_404(owner_http: HttpClient, outsider: User) -> None:
    for name in ("accounts:member", "accounts:deactivate_member"):
        assert owner_http.get(_member_url(outsider, name)).status_code == 404
    for name in ("accounts:change_role", "accounts:deactivate_member"):
        confirm_recently(owner_http, User.objects.get(email="robin.ashdown@example.org"))
        response = owner_http.post(_member_url(outsider, name), {"role": Role.PRACTITIONER})
        assert response.status_code == 404
    outsider.membership.refresh_from_db()
    assert outsider.membership.role == Role.OWNER and outsider.membership.is_active


@pytest.mark.parametrize("persona", ["colleague", "administrator"])
def test_only_owners_see_member_pages(
    persona: str, request: Any, as_user: Any, practitioner: User
) -> None:
    http = as_user(request.getfixturevalue(persona))
    assert http.get(_member_url(practitioner)).status_code == 404
    assert (
        http.post(
            _member_url(practitioner, "accounts:change_role"), {"role": "practitioner"}
        ).status_code
        == 404
    )


# --- Role changes ---------------------------------------------------------------------------------


def test_changing_a_role_needs_sudo_then_goes_ahead_after_the_password(
    owner_http: HttpClient, practitioner: User, colleague: User
) -> None:
    url = _member_url(colleague, "accounts:change_role")

    asked = owner_http.post(url, {"role": Role.SUPERVISOR})

    assert asked.status_code == 302
    assert asked["Location"].startswith(reverse("account_reauthenticate"))
    colleague.membership.refresh_from_db()
    assert colleague.membership.role == Role.PRACTITIONER, "nothing changes before confirming"

    confirmed = owner_http.post(asked["Location"], {"password": TEST_PASSWORD})

    assert confirmed.status_code == 302
    assert confirmed["Location"] == _member_url(colleague)
    colleague.membership.refresh_from_db()
    assert colleague.membership.role == Role.SUPERVISOR, "the choice made before is kept"
    event = AuditEvent.objects.get(action=Action.ROLE_CHANGED)
    assert event.actor_id == practitioner.pk
    assert event.detail == {"from": Role.PRACTITIONER, "to": Role.SUPERVISOR}


def test_a_wrong_password_in_sudo_mode_changes_nothing(
    owner_http: HttpClient, colleague: User
) -> None:
    asked = owner_http.post(_member_url(colleague, "accounts:change_role"), {"role": Role.OWNER})
    refused = owner_http.post(asked["Location"], {"password": "not the password"})
    assert refused.status_code == 200
    colleague.membership.refresh_from_db()
    assert colleague.membership.role == Role.PRACTITIONER


def test_within_ten_minutes_of_confirming_no_new_prompt(
    owner_http: HttpClient, practitioner: User, colleague: User
) -> None:
    confirm_recently(owner_http, practitioner)
    response = owner_http.post(_member_url(colleague, "accounts:change_role"), {"role": Role.OWNER})
    assert response["Location"] == _member_url(colleague)
    colleague.membership.refresh_from_db()
    assert colleague.membership.role == Role.OWNER


@pytest.mark.parametrize("role", ["", "superuser", "OWNER"])
def test_an_unknown_role_is_refused_plainly(
    owner_http: HttpClient, practitioner: User, colleague: User, role: str
) -> None:
    confirm_recently(owner_http, practitioner)
    response = owner_http.post(
        _member_url(colleague, "accounts:change_role"), {"role": role}, follow=True
    )
    assert b"Please choose one of the listed roles" in response.content
    colleague.membership.refresh_from_db()
    assert colleague.membership.role == Role.PRACTITIONER


def test_the_last_owner_cannot_be_demoted(owner_http: HttpClient, practitioner: User) -> None:
    confirm_recently(owner_http, practitioner)
    response = owner_http.post(
        _member_url(practitioner, "accounts:change_role"), {"role": Role.PRACTITIONER}, follow=True
    )
    assert b"at least one active owner" in response.content
    practitioner.membership.refresh_from_db()
    assert practitioner.membership.role == Role.OWNER
    assert not AuditEvent.objects.filter(action=Action.ROLE_CHANGED).exists()


def test_an_owner_can_step_down_when_another_owner_remains(
    owner_http: HttpClient, practitioner: User, colleague: User
) -> None:
    actions.change_role(membership=colleague.membership, role=Role.OWNER, by=practitioner)
    confirm_recently(owner_http, practitioner)
    owner_http.post(_member_url(practitioner, "accounts:change_role"), {"role": Role.PRACTITIONER})
    practitioner.membership.refresh_from_db()
    assert practitioner.membership.role == Role.PRACTITIONER


def test_the_last_owner_rule_holds_in_the_actions_too(practitioner: User, colleague: User) -> None:
    with pytest.raises(actions.LastOwnerError):
        actions.change_role(
            membership=practitioner.membership, role=Role.ADMINISTRATOR, by=colleague
        )
    with pytest.raises(actions.LastOwnerError):
        actions.deactivate_member(membership=practitioner.membership, by=colleague)
    practitioner.membership.refresh_from_db()
    assert practitioner.membership.role == Role.OWNER and practitioner.membership.is_active


# --- Deactivation ---------------------------------------------------------------------------------


def test_deactivating_needs_sudo_and_ends_their_sessions_at_once(
    owner_http: HttpClient, practitioner: User, colleague: User, as_user: Any
) -> None:
    colleague_http = as_user(colleague)
    assert colleague_http.get(reverse("home")).status_code == 200
    colleague_session = colleague_http.session.session_key
    url = _member_url(colleague, "accounts:deactivate_member")
    assert owner_http.get(url).status_code == 200, "a confirmation page first"

    asked = owner_http.post(url)
    assert asked["Location"].startswith(reverse("account_reauthenticate"))
    colleague.membership.refresh_from_db()
    assert colleague.membership.is_active

    done = owner_http.post(asked["Location"], {"password": TEST_PASSWORD})

    assert done["Location"] == _member_url(colleague)
    colleague.refresh_from_db()
    colleague.membership.refresh_from_db()
    assert not colleague.membership.is_active and not colleague.is_active
    assert not Session.objects.filter(session_key=colleague_session).exists()
    next_request = colleague_http.get(reverse("home"))
    assert next_request.status_code == 302
    assert next_request["Location"].startswith(reverse("account_login"))
    event = AuditEvent.objects.get(action=Action.MEMBER_DEACTIVATED)
    assert event.actor_id == practitioner.pk and event.detail["sessions_ended"] == 1
    # And they cannot sign in again.
    again = HttpClient().post(
        reverse("account_login"), {"login": colleague.email, "password": TEST_PASSWORD}
    )
    assert again["Location"] == reverse("account_inactive")


def test_a_membership_switched_off_behind_the_scenes_ends_the_session(
    as_user: Any, colleague: User
) -> None:
    """Even without the action (say, a data fix), the middleware refuses a leaver's session."""
    http = as_user(colleague)
    Membership.objects.filter(user=colleague).update(is_active=False)
    response = http.get(reverse("home"))
    assert response["Location"].startswith(reverse("account_login"))
    assert http.get(reverse("home"))["Location"].startswith(reverse("account_login"))


def test_owners_cannot_deactivate_themselves(
    owner_http: HttpClient, practitioner: User, colleague: User
) -> None:
    actions.change_role(membership=colleague.membership, role=Role.OWNER, by=practitioner)
    confirm_recently(owner_http, practitioner)
    response = owner_http.post(_member_url(practitioner, "accounts:deactivate_member"), follow=True)
    assert b"cannot deactivate your own account" in response.content
    practitioner.membership.refresh_from_db()
    assert practitioner.membership.is_active


def test_changing_the_sign_in_email_needs_sudo(as_user: Any, practitioner: User) -> None:
    from allauth.account.models import EmailAddress

    from tests.accounts.conftest import enrol_totp

    enrol_totp(practitioner)
    http = as_user(practitioner)
    response = http.post(reverse("account_email"), {"action_add": "", "email": "new@example.org"})
    assert response["Location"].startswith(reverse("account_reauthenticate"))
    assert not EmailAddress.objects.filter(email="new@example.org").exists()
