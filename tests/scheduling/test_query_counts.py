"""The week, the day, a client's sessions and the card issue the same queries at any diary size."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from frame.scheduling import actions
from frame.scheduling.models import Appointment, Status
from tests.factories import CareTeamMemberFactory, ClientFactory

pytestmark = pytest.mark.usefixtures("frozen")


def queries(http: Any, url: str, params: dict[str, str] | None = None, **headers: str) -> int:
    with CaptureQueriesContext(connection) as captured:
        response = http.get(url, params or {}, headers=headers)
    assert response.status_code == 200, url
    return len(captured.captured_queries)


def measure(http: Any, client: Any, appointment: Appointment) -> dict[str, int]:
    return {
        "week": queries(http, reverse("scheduling:week"), {"week": "2027-03-15"}),
        "week (htmx)": queries(
            http, reverse("scheduling:week"), {"week": "2027-03-15"}, HX_Request="true"
        ),
        "day": queries(http, reverse("scheduling:day"), {"date": "2027-03-16"}),
        "client sessions": queries(http, reverse("scheduling:client", args=[client.pk])),
        "appointment": queries(http, reverse("scheduling:appointment", args=[appointment.pk])),
        "card": queries(http, reverse("clients:card", args=[client.pk])),
        "home": queries(http, reverse("home")),
    }


def history(practice: Any, practitioner: Any, client: Any, weeks: int, start: dt.datetime) -> None:
    """`weeks` weeks of held sessions for `client`, straight into the table (no units needed)."""
    rows = []
    for n in range(weeks):
        starts_at = start + dt.timedelta(weeks=n)
        rows.append(
            Appointment(
                practice=practice,
                client=client,
                practitioner=practitioner,
                created_by=practitioner,
                starts_at=starts_at,
                ends_at=starts_at + dt.timedelta(minutes=50),
                status=Status.ATTENDED,
            )
        )
    Appointment.objects.bulk_create(rows, batch_size=500)


@pytest.mark.parametrize("who", ["practitioner", "administrator"])
def test_diary_pages_do_not_grow_with_the_diary(
    request: Any, as_user: Any, practice: Any, practitioner: Any, client_record: Any, who: str
) -> None:
    slot = actions.create_regular_slot(
        by=practitioner,
        client=client_record,
        practitioner=practitioner,
        first_day=dt.date(2027, 3, 2),
        time=dt.time(10),
        interval_weeks=1,
        duration_minutes=50,
        count=6,
    ).slot
    appointment = Appointment.objects.filter(slot=slot).earliest("starts_at")
    http = as_user(request.getfixturevalue(who))
    params = {"practitioner": str(practitioner.pk)} if who == "administrator" else {}
    http.get(reverse("scheduling:week"), params)  # first-request-only work is not the page's
    small = measure(http, client_record, appointment)

    # More clients, years of history, a busier week, a break and moved sessions.
    others = [ClientFactory(practice=practice, created_by=practitioner) for _ in range(6)]
    for other in others:
        CareTeamMemberFactory(client=other, user=practitioner)
        history(
            practice,
            practitioner,
            other,
            150,
            dt.datetime(2024, 1, 1, 9, tzinfo=dt.UTC) + dt.timedelta(hours=others.index(other) + 1),
        )
    history(practice, practitioner, client_record, 100, dt.datetime(2025, 1, 6, 8, tzinfo=dt.UTC))
    for hour, other in zip(range(12, 18), others, strict=True):
        actions.book_appointment(
            by=practitioner,
            client=other,
            practitioner=practitioner,
            day=dt.date(2027, 3, 16),
            time=dt.time(hour),
            duration_minutes=50,
        )
    actions.plan_break(
        by=practitioner,
        practitioner=practitioner,
        first_day=dt.date(2027, 3, 19),
        last_day=dt.date(2027, 3, 20),
    )
    actions.record_attendance(
        by=practitioner, appointment=appointment, outcome="cancelled_by_client"
    )
    large = measure(http, client_record, appointment)

    assert large == small
