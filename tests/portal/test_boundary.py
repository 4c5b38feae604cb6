"""Clients and staff each stay on their own side: the portal's boundary middleware."""

from __future__ import annotations

from typing import Any

import pytest
from django.test import Client as HttpClient
from django.urls import reverse

from frame.accounts.models import User
from frame.portal.models import PortalAccount

pytestmark = pytest.mark.django_db


def test_a_client_reaches_their_portal_home(portal_user: User, as_client: Any) -> None:
    response = as_client(portal_user).get(reverse("portal:home"))
    assert response.status_code == 200
    assert b"Hello, Morgan" in response.content


@pytest.mark.parametrize(
    "name",
    [
        "home",
        "clients:list",
        "accounts:team",
        "accounts:security",
        "mfa_index",
        "usersessions_list",
        "account_email",
    ],
)
def test_staff_pages_are_not_found_for_a_client(
    name: str, portal_user: User, as_client: Any
) -> None:
    http = as_client(portal_user)
    assert http.get(reverse(name)).status_code == 404
    assert http.post(reverse(name), {}).status_code == 404


def test_a_client_cannot_open_their_own_staff_card(
    portal_user: User, client_record: Any, as_client: Any
) -> None:
    response = as_client(portal_user).get(reverse("clients:card", args=[client_record.pk]))
    assert response.status_code == 404
    assert client_record.case_code.encode() not in response.content


def test_staff_get_not_found_on_portal_pages(practitioner: User, as_user: Any) -> None:
    http = as_user(practitioner)
    for name in ("portal:home", "portal:account", "portal:sign_in"):
        assert http.get(reverse(name)).status_code == 404, name


def test_anonymous_visitors_go_to_the_portal_sign_in(client: HttpClient) -> None:
    response = client.get(reverse("portal:home"))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("portal:sign_in"))


def test_a_user_with_neither_membership_nor_portal_account_is_signed_out(
    client: HttpClient,
) -> None:
    stray = User.objects.create_user("stray@example.net", "a calm blue harbour at dusk")
    client.force_login(stray)
    response = client.get(reverse("portal:home"))
    assert response.status_code == 302
    assert "_auth_user_id" not in client.session


def test_a_suspended_account_is_signed_out_on_its_next_request(
    portal_user: User, as_client: Any
) -> None:
    http = as_client(portal_user)
    PortalAccount.objects.filter(user=portal_user).update(status="suspended")
    response = http.get(reverse("portal:home"))
    assert response.status_code == 302
    assert response["Location"] == reverse("portal:paused")
    assert "_auth_user_id" not in http.session


@pytest.mark.parametrize(
    "name",
    [
        "account_change_password",
        "account_email",
        "mfa_index",
        "mfa_activate_totp",
        "accounts:mfa_required",
    ],
)
def test_allauth_pages_a_client_does_not_need_are_not_found(
    name: str, portal_user: User, as_client: Any
) -> None:
    assert as_client(portal_user).get(reverse(name)).status_code == 404


def test_a_client_sign_in_is_audited(
    client: HttpClient, portal_user: User, client_record: Any
) -> None:
    from frame.audit.models import Action, AuditEvent
    from tests.factories import TEST_PASSWORD

    client.post(reverse("portal:sign_in"), {"login": portal_user.email, "password": TEST_PASSWORD})
    event = AuditEvent.objects.filter(action=Action.LOGIN).latest("seq")
    assert event.actor_id == portal_user.pk
