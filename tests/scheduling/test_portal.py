"""The client sees their upcoming sessions and their counsellor's planned breaks in the portal."""

from __future__ import annotations

import datetime as dt
import re
from html import unescape
from typing import Any

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from frame.scheduling import actions
from tests.portal.factories import portal_user_for, signed_in_client

pytestmark = pytest.mark.usefixtures("frozen")


def words(response: Any) -> str:
    html = re.sub(r"<[^>]+>", " ", response.content.decode())
    return unescape(" ".join(html.split()))


@pytest.fixture
def portal(client_record: Any, practitioner: Any) -> Any:
    return signed_in_client(portal_user_for(client_record, invited_by=practitioner))


def test_upcoming_sessions_and_breaks_appear_on_the_portal_home(
    portal: Any, book: Any, practitioner: Any, second_client: Any
) -> None:
    book(dt.date(2027, 3, 9), "10:00", location="Room 2")
    cancelled = book(dt.date(2027, 3, 16), "10:00")
    actions.record_attendance(
        by=practitioner, appointment=cancelled, outcome="cancelled_by_practitioner"
    )
    book(dt.date(2027, 3, 9), "15:00", client=second_client)  # someone else's: never shown
    actions.plan_break(
        by=practitioner,
        practitioner=practitioner,
        first_day=dt.date(2027, 8, 2),
        last_day=dt.date(2027, 8, 13),
        reason="training",
    )
    page = words(portal.get(reverse("portal:home")))
    assert "Your next sessions" in page
    assert "Tuesday 9 March, 10:00 , 50 minutes with Robin Ashdown · Room 2" in page
    assert "Tuesday 16 March, 10:00 , 50 minutes with Robin Ashdown Cancelled" in page
    assert "15:00" not in page
    assert "Robin Ashdown is away from Monday 2 August to Friday 13 August 2027." in page
    assert "raining" not in page  # the reason for a break is the practitioner's own business


def test_breaks_more_than_six_months_ahead_are_not_shown_yet(
    portal: Any, practitioner: Any
) -> None:
    actions.plan_break(
        by=practitioner,
        practitioner=practitioner,
        first_day=dt.date(2027, 12, 20),
        last_day=dt.date(2027, 12, 31),
    )
    assert "Planned breaks" not in words(portal.get(reverse("portal:home")))


def test_the_portal_home_does_not_grow_with_the_diary(
    portal: Any, book: Any, practitioner: Any
) -> None:
    portal.get(reverse("portal:home"))
    with CaptureQueriesContext(connection) as small:
        portal.get(reverse("portal:home"))
    for week in range(20):
        book(dt.date(2027, 3, 9) + dt.timedelta(weeks=week), "10:00")
    actions.plan_break(
        by=practitioner,
        practitioner=practitioner,
        first_day=dt.date(2027, 4, 26),
        last_day=dt.date(2027, 4, 30),
    )
    with CaptureQueriesContext(connection) as large:
        portal.get(reverse("portal:home"))
    assert len(large.captured_queries) == len(small.captured_queries)
