"""Pausing and restoring a client's portal access from their card."""

from __future__ import annotations

from typing import Any

import pytest
from django.test import Client as HttpClient
from django.urls import reverse

from frame.accounts.models import User
from frame.audit.models import Action, AuditEvent
from frame.clients.models import Client
from frame.portal.models import PortalAccount
from tests.factories import TEST_PASSWORD

pytestmark = pytest.mark.django_db


def _real_sign_in(user: User) -> HttpClient:
    http = HttpClient()
    response = http.post(
        reverse("portal:sign_in"), {"login": user.email, "password": TEST_PASSWORD}
    )
    assert response.status_code == 302
    return http


def test_pausing_asks_first_then_ends_every_session_at_once(
    portal_user: User, practitioner: User, client_record: Client, as_user: Any
) -> None:
    phone, laptop = _real_sign_in(portal_user), _real_sign_in(portal_user)
    staff = as_user(practitioner)
    confirm = staff.get(reverse("portal_staff:pause", args=[client_record.pk]))
    assert confirm.status_code == 200 and b"signed out at once" in confirm.content
    assert PortalAccount.objects.get().is_active, "looking at the confirmation changes nothing"

    response = staff.post(reverse("portal_staff:pause", args=[client_record.pk]))
    assert response.status_code == 302
    account = PortalAccount.objects.get()
    assert account.status == PortalAccount.Status.SUSPENDED
    assert account.status_changed_by == practitioner
    for http in (phone, laptop):
        page = http.get(reverse("portal:home"))
        assert page.status_code == 302 and page["Location"].startswith(reverse("portal:sign_in"))
    event = AuditEvent.objects.get(action=Action.PORTAL_SUSPENDED)
    assert event.detail["sessions_ended"] >= 2
    assert event.client_id == str(client_record.pk)


def test_a_paused_client_cannot_sign_in_and_restoring_lets_them(
    portal_user: User, practitioner: User, client_record: Client, as_user: Any
) -> None:
    staff = as_user(practitioner)
    staff.post(reverse("portal_staff:pause", args=[client_record.pk]))
    http = HttpClient()
    refused = http.post(
        reverse("portal:sign_in"), {"login": portal_user.email, "password": TEST_PASSWORD}
    )
    assert refused.status_code == 302 and refused["Location"] == reverse("portal:paused")
    assert "_auth_user_id" not in http.session

    card = staff.get(reverse("clients:card", args=[client_record.pk])).content.decode()
    assert "Portal access paused" in card
    staff.post(reverse("portal_staff:restore", args=[client_record.pk]))
    assert PortalAccount.objects.get().is_active
    assert AuditEvent.objects.filter(action=Action.PORTAL_RESTORED).count() == 1
    _real_sign_in(portal_user)


def test_pausing_twice_is_a_plain_message_not_an_error(
    portal_user: User, practitioner: User, client_record: Client, as_user: Any
) -> None:
    staff = as_user(practitioner)
    staff.post(reverse("portal_staff:pause", args=[client_record.pk]))
    response = staff.post(reverse("portal_staff:pause", args=[client_record.pk]), follow=True)
    assert "already paused" in response.content.decode()
    assert AuditEvent.objects.filter(action=Action.PORTAL_SUSPENDED).count() == 1


@pytest.mark.parametrize("persona", ["colleague", "outsider"])
def test_staff_off_the_care_team_cannot_pause(
    persona: str, portal_user: User, client_record: Client, as_user: Any, request: Any
) -> None:
    http = as_user(request.getfixturevalue(persona))
    assert http.post(reverse("portal_staff:pause", args=[client_record.pk])).status_code == 404
    assert PortalAccount.objects.get().is_active


def test_an_administrator_can_pause_and_restore(
    portal_user: User, administrator: User, client_record: Client, as_user: Any
) -> None:
    http = as_user(administrator)
    card = http.get(reverse("clients:card", args=[client_record.pk])).content.decode()
    assert "Pause portal access" in card
    assert "Articles shared" not in card, "sharing articles is for the care team"
    http.post(reverse("portal_staff:pause", args=[client_record.pk]))
    assert not PortalAccount.objects.get().is_active
    http.post(reverse("portal_staff:restore", args=[client_record.pk]))
    assert PortalAccount.objects.get().is_active


def test_pausing_a_client_without_an_account_explains(
    practitioner: User, client_record: Client, as_user: Any
) -> None:
    response = as_user(practitioner).post(
        reverse("portal_staff:pause", args=[client_record.pk]), follow=True
    )
    assert "has no portal account yet" in response.content.decode()
