"""What is left to follow up: events not yet explored in session or taken to supervision, across
the practitioner's own caseload, on a page and on the home page."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.urls import reverse

from frame.accounts.models import User
from frame.clients.models import Client
from tests.factories import CareTeamMemberFactory, ClientFactory
from tests.factories.boundaries import BoundaryEventFactory


def _client(practice: Any, user: User, family_name: str) -> Client:
    client = ClientFactory(practice=practice, given_name="Rhys", family_name=family_name)
    CareTeamMemberFactory(client=client, user=user)
    return client


def test_only_open_items_on_your_own_caseload_are_listed(
    as_user: Any, practice: Any, practitioner: User, colleague: User
) -> None:
    def event(family_name: str, owner: User = practitioner, **fields: Any) -> None:
        BoundaryEventFactory(
            client=_client(practice, owner, family_name), created_by=owner, **fields
        )

    event("Toexplore")
    event("Tosupervise", to_explore=False, to_supervision=True)
    event("Explored", explored_on=dt.date(2026, 3, 5))
    event("Nothingplanned", to_explore=False)
    event("Allfollowed", explored_on=dt.date(2026, 3, 5), to_supervision=True,
          taken_to_supervision_on=dt.date(2026, 3, 6))  # fmt: skip
    event("Inerror", recorded_in_error_at=dt.datetime(2026, 3, 6, tzinfo=dt.UTC),
          recorded_in_error_by=practitioner)  # fmt: skip
    event("Colleagues", owner=colleague)

    page = as_user(practitioner).get(reverse("boundaries:awaiting")).content.decode()
    listed = {name for name in ("Toexplore", "Tosupervise") if name in page}
    assert listed == {"Toexplore", "Tosupervise"}
    for absent in ("Explored", "Nothingplanned", "Allfollowed", "Inerror", "Colleagues"):
        assert f"Rhys {absent}" not in page, absent
    assert "Exploring in session" in page and "Taking to supervision" in page

    home = as_user(practitioner).get(reverse("home")).content.decode()
    assert "2 boundary events not yet explored" in home
    assert "Rhys Toexplore" in home and "Rhys Colleagues" not in home


def test_the_home_panel_says_nothing_when_nothing_is_waiting(
    as_user: Any, practitioner: User, administrator: User
) -> None:
    home = as_user(practitioner).get(reverse("home")).content.decode()
    assert "Boundaries to follow up" not in home
    admin_home = as_user(administrator).get(reverse("home")).content.decode()
    assert "Boundaries to follow up" not in admin_home


def test_the_navigation_offers_boundaries_to_those_who_do_client_work(
    as_user: Any, practitioner: User, colleague: User, administrator: User
) -> None:
    link = f'href="{reverse("boundaries:awaiting")}"'.encode()
    assert link in as_user(practitioner).get(reverse("home")).content
    assert link in as_user(colleague).get(reverse("home")).content
    assert link not in as_user(administrator).get(reverse("home")).content


def test_the_follow_up_list_pages(as_user: Any, practitioner: User, client_record: Client,
                                  settings: Any) -> None:  # fmt: skip
    settings.FRAME_PAGE_SIZE = 3
    for day in range(1, 8):
        BoundaryEventFactory(
            client=client_record, created_by=practitioner, occurred_on=dt.date(2026, 2, day)
        )
    http = as_user(practitioner)
    first = http.get(reverse("boundaries:awaiting")).content.decode()
    assert "1 Feb 2026" in first and "4 Feb 2026" not in first  # oldest first
    last = http.get(reverse("boundaries:awaiting"), {"page": "3"}).content.decode()
    assert "7 Feb 2026" in last and "Page 3 of 3" in last
