"""Rhythm indicators read from the diary, and nothing typed ever reaching the audit trail."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
import time_machine

from frame.audit.models import AuditEvent
from frame.contracts.models import ClientContract
from frame.contracts.selectors import terms_for
from frame.scheduling import actions, selectors
from frame.scheduling.models import Appointment, Initiator
from tests.scheduling.conftest import LONDON

pytestmark = pytest.mark.usefixtures("frozen")


def test_rhythm_counts_what_happened_and_who_changed_what(
    practitioner: Any, client_record: Any
) -> None:
    ClientContract.objects.create(client=client_record, overrides={"review_every_sessions": 4})
    slot = actions.create_regular_slot(
        by=practitioner,
        client=client_record,
        practitioner=practitioner,
        first_day=dt.date(2027, 3, 2),
        time=dt.time(10),
        interval_weeks=1,
        duration_minutes=50,
        count=12,
    ).slot
    rows = list(Appointment.objects.filter(slot=slot).order_by("slot_day"))
    move = {"by": practitioner, "duration_minutes": 50, "location": "", "online_link": ""}
    # Week 2 moved by the client with a day's notice; week 4 moved by the practitioner.
    actions.move_appointment(
        appointment=rows[1],
        day=dt.date(2027, 3, 10),
        time=dt.time(10),
        initiator=Initiator.CLIENT,
        told_at=dt.datetime(2027, 3, 1, 9, tzinfo=LONDON),
        **move,
    )
    actions.move_appointment(
        appointment=rows[3],
        day=dt.date(2027, 3, 24),
        time=dt.time(15),
        initiator=Initiator.PRACTITIONER,
        **move,
    )
    # Week 5 cancelled by the client on the Saturday before.
    with time_machine.travel(dt.datetime(2027, 3, 27, 10, tzinfo=LONDON), tick=False):
        actions.record_attendance(
            by=practitioner, appointment=rows[4], outcome="cancelled_by_client"
        )
    with time_machine.travel(dt.datetime(2027, 4, 20, 18, tzinfo=LONDON), tick=False):
        for row in (rows[0], rows[1], rows[2], rows[3], rows[6]):
            actions.record_attendance(by=practitioner, appointment=row, outcome="attended")
        actions.record_attendance(by=practitioner, appointment=rows[5], outcome="did_not_attend")
        rhythm = selectors.rhythm_for(client_record)
        count = selectors.session_count(client_record, terms_for(client_record))
    assert (rhythm.held, rhythm.held_in_slot, rhythm.slot_share_percent) == (5, 3, 60)
    assert (rhythm.client_moves, rhythm.client_cancellations) == (1, 1)
    assert (rhythm.practitioner_moves, rhythm.practitioner_cancellations) == (1, 0)
    assert rhythm.did_not_attend == 1
    # Saturday 10:00 to Tuesday 10:00 across the spring change is 71 hours of real notice.
    assert rhythm.client_notice.shortest == dt.timedelta(hours=71)
    assert rhythm.practitioner_notice.count == 1
    assert count.held == 5 and count.review_due and count.since_review == 5


def test_typed_details_never_reach_the_audit_trail(
    book: Any, practitioner: Any, client_record: Any
) -> None:
    appointment = book(
        dt.date(2027, 3, 9),
        "10:00",
        location="Canary Room 7",
        online_link="https://meet.example.org/canary-link",
    )
    actions.move_appointment(
        by=practitioner,
        appointment=appointment,
        day=dt.date(2027, 3, 9),
        time=dt.time(10),
        duration_minutes=50,
        location="Canary Annexe",
        online_link="",
        initiator="practitioner",
    )
    actions.create_regular_slot(
        by=practitioner,
        client=client_record,
        practitioner=practitioner,
        first_day=dt.date(2027, 3, 10),
        time=dt.time(10),
        interval_weeks=2,
        duration_minutes=50,
        count=3,
        location="Canary Garden Room",
    )
    trail = "\n".join(str(row) for row in AuditEvent.objects.values_list())
    assert "anary" not in trail
    assert "location" in trail  # the names of what changed are recorded
