"""The boundaries pages, card sections and home panel issue the same number of queries however
much is on record."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Any

import pytest
from django.db import connection
from django.test import RequestFactory
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from frame.accounts.models import User
from frame.boundaries import actions, panels
from frame.boundaries.models import Screening
from frame.clients import actions as client_actions
from frame.clients.access import access_client_view
from frame.clients.models import Client
from tests.factories import CareTeamMemberFactory, ClientFactory
from tests.factories.boundaries import BoundaryEventFactory, CircleEntryFactory


def _count(run: Callable[[], Any]) -> int:
    with CaptureQueriesContext(connection) as captured:
        run()
    return len(captured.captured_queries)


def _get(http: Any, url: str) -> Callable[[], Any]:
    def run() -> None:
        response = http.get(url)
        assert response.status_code == 200, url

    return run


class Scene:
    """One practitioner's caseload, grown step by step between measurements."""

    def __init__(self, practice: Any, practitioner: User, colleague: User, client: Client) -> None:
        self.practice, self.practitioner, self.colleague = practice, practitioner, colleague
        self.client = client
        self.enquiry = client_actions.create_client(
            by=practitioner,
            details={"given_name": "Ivo", "family_name": "Penrose", "postcode": "TR1 1AA"},
        )
        self.event = BoundaryEventFactory(client=client, created_by=practitioner)

    def grow(self, n: int) -> None:
        """n more of everything: events, revisions, clients matching the enquiry, circle
        entries, colleagues' clients, runs with decisions."""
        for i in range(n):
            mine = ClientFactory(practice=self.practice, postcode="TR1 1AA", status="active")
            CareTeamMemberFactory(client=mine, user=self.practitioner)
            theirs = ClientFactory(practice=self.practice, postcode="TR11AA")
            CareTeamMemberFactory(client=theirs, user=self.colleague)
            BoundaryEventFactory(
                client=mine, created_by=self.practitioner, occurred_on=dt.date(2026, 1, 1 + i % 28)
            )
            BoundaryEventFactory(client=self.client, created_by=self.practitioner)
            CircleEntryFactory(owner=self.practitioner, name=f"Ivo Penros{chr(97 + i % 26)}")
            actions.update_event(
                event=self.event, by=self.practitioner, changes={"response": f"Version {i}"}
            )
            pending = client_actions.create_client(
                by=self.practitioner,
                details={"given_name": "Ivo", "family_name": "Penrose", "email": f"i{i}@x.org"},
            )
            assert Screening.objects.filter(client=pending, match_count__gt=0).exists()
        run = actions.run_check_now(client=self.enquiry, by=self.practitioner)
        actions.record_decision(
            screening=run, by=self.practitioner, decision="proceed", reason="Checked."
        )

    def measure(self, http: Any) -> dict[str, int]:
        request = RequestFactory().get("/")
        request.user = self.practitioner
        card_view = access_client_view(self.practitioner, self.client.pk)
        enquiry_view = access_client_view(self.practitioner, self.enquiry.pk)
        return {
            "log": _count(_get(http, reverse("boundaries:log", args=[self.client.pk]))),
            "event": _count(
                _get(http, reverse("boundaries:event_edit", args=[self.client.pk, self.event.pk]))
            ),
            "awaiting": _count(_get(http, reverse("boundaries:awaiting"))),
            "circle": _count(_get(http, reverse("boundaries:circle"))),
            "check": _count(_get(http, reverse("boundaries:check", args=[self.enquiry.pk]))),
            "card section": _count(lambda: panels.boundaries_section(request, card_view)),
            "card alert": _count(lambda: panels.check_alert(request, enquiry_view)),
            "home panel": _count(lambda: panels.home_panel(request)),
        }


@pytest.mark.django_db
def test_query_counts_do_not_grow_with_what_is_on_record(
    as_user: Any,
    practice: Any,
    practitioner: User,
    colleague: User,
    client_record: Client,
    settings: Any,
) -> None:
    settings.FRAME_PAGE_SIZE = 5
    scene = Scene(practice, practitioner, colleague, client_record)
    scene.grow(1)
    http = as_user(practitioner)
    http.get(reverse("home"))  # warm up: first-request-only work is not the page's
    small = scene.measure(http)
    scene.grow(12)
    large = scene.measure(http)
    assert large == small
    # The large caseload really is paginated and really has that much on record.
    page = http.get(reverse("boundaries:awaiting")).content.decode()
    assert page.count("<tr>") == 1 + settings.FRAME_PAGE_SIZE
    assert "Page 1 of" in page
