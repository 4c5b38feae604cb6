"""Booking one-off appointments: the time is checked, and a clash is refused in plain words."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from frame.audit.models import Action, AuditEvent
from frame.scheduling import actions
from frame.scheduling.models import Appointment, BookedUnit, Status
from tests.scheduling.conftest import LONDON

pytestmark = pytest.mark.usefixtures("frozen")

TUESDAY = dt.date(2027, 3, 9)
UTC = dt.UTC


def messages(error: pytest.ExceptionInfo[ValidationError]) -> str:
    return " ".join(error.value.messages)


def test_booking_holds_the_time_and_is_audited(
    book: Any, practitioner: Any, client_record: Any
) -> None:
    appointment = book(TUESDAY, "10:00", kind="assessment", location="Room 2")
    assert appointment.starts_at == dt.datetime(2027, 3, 9, 10, 0, tzinfo=UTC)
    assert appointment.ends_at - appointment.starts_at == dt.timedelta(minutes=50)
    assert appointment.status == Status.PLANNED
    assert BookedUnit.objects.filter(appointment=appointment).count() == 10
    event = AuditEvent.objects.get(action=Action.APPOINTMENT_BOOKED)
    assert event.client_id == str(client_record.pk)
    assert event.object_id == str(appointment.pk)
    assert event.detail == {"kind": "assessment", "practitioner_id": practitioner.pk}


def test_after_the_clocks_go_forward_the_same_local_time_is_an_hour_earlier_in_utc(
    book: Any,
) -> None:
    appointment = book(dt.date(2027, 3, 30), "10:00")
    assert appointment.starts_at == dt.datetime(2027, 3, 30, 9, 0, tzinfo=UTC)
    assert appointment.starts_at.astimezone(LONDON).hour == 10


@pytest.mark.parametrize(
    ("time", "minutes"),
    [("10:00", 50), ("10:30", 50), ("09:15", 50), ("10:45", 5), ("09:00", 120)],
)
def test_any_overlap_is_refused_with_the_clash_named(
    book: Any, second_client: Any, time: str, minutes: int
) -> None:
    book(TUESDAY, "10:00")
    with pytest.raises(ValidationError) as refused:
        book(TUESDAY, time, minutes=minutes, client=second_client)
    assert (
        "Robin Ashdown is already booked then (Tuesday 9 March 2027 at 10:00 to 10:50)"
        in messages(refused)
    )
    assert Appointment.objects.count() == 1
    assert BookedUnit.objects.count() == 10


@pytest.mark.parametrize(("time", "minutes"), [("10:50", 50), ("09:10", 50), ("09:00", 60)])
def test_back_to_back_sessions_are_fine(
    book: Any, second_client: Any, time: str, minutes: int
) -> None:
    book(TUESDAY, "10:00")
    book(TUESDAY, time, minutes=minutes, client=second_client)
    assert Appointment.objects.count() == 2


def test_two_practitioners_can_see_clients_at_the_same_time(
    book: Any, colleague: Any, second_client: Any
) -> None:
    from tests.factories import CareTeamMemberFactory

    CareTeamMemberFactory(client=second_client, user=colleague)
    book(TUESDAY, "10:00")
    book(TUESDAY, "10:00", client=second_client, by=colleague, practitioner_=colleague)
    assert Appointment.objects.count() == 2


def test_a_cancelled_appointment_gives_its_time_back(book: Any, second_client: Any) -> None:
    first = book(TUESDAY, "10:00")
    actions.record_attendance(by=first.created_by, appointment=first, outcome="cancelled_by_client")
    assert BookedUnit.objects.filter(appointment=first).count() == 0
    again = book(TUESDAY, "10:00", client=second_client)
    assert again.starts_at == first.starts_at


@pytest.mark.parametrize(
    ("day", "time", "minutes", "words"),
    [
        (
            dt.date(2027, 3, 28),
            "01:30",
            50,
            "01:30 does not exist on Sunday 28 March 2027: the clocks go forward",
        ),
        (dt.date(2027, 10, 31), "01:15", 50, "01:15 happens twice on Sunday 31 October 2027"),
        (TUESDAY, "10:02", 50, "Sessions start on a 5-minute mark"),
        (TUESDAY, "10:00", 52, "whole 5 minutes"),
        (TUESDAY, "10:00", 0, "between 5 minutes and 8 hours"),
        (TUESDAY, "10:00", 600, "between 5 minutes and 8 hours"),
    ],
)
def test_impossible_times_are_refused(
    book: Any, day: dt.date, time: str, minutes: int, words: str
) -> None:
    with pytest.raises(ValidationError) as refused:
        book(day, time, minutes=minutes)
    assert words in messages(refused)
    assert not Appointment.objects.exists()


def test_a_booking_inside_a_planned_break_is_refused(book: Any, practitioner: Any) -> None:
    actions.plan_break(
        by=practitioner,
        practitioner=practitioner,
        first_day=dt.date(2027, 4, 5),
        last_day=dt.date(2027, 4, 16),
    )
    with pytest.raises(ValidationError) as refused:
        book(dt.date(2027, 4, 12), "10:00")
    assert "during Robin Ashdown's planned break (5 April 2027 to 16 April 2027)" in messages(
        refused
    )
    book(dt.date(2027, 4, 19), "10:00")  # the Monday after is fine


def test_only_the_care_team_can_hold_or_book_the_clients_sessions(
    book: Any, colleague: Any, outsider: Any, administrator: Any, practitioner: Any
) -> None:
    with pytest.raises(PermissionDenied):
        book(TUESDAY, "10:00", by=colleague)
    with pytest.raises(PermissionDenied):
        book(TUESDAY, "10:00", by=outsider)
    with pytest.raises(ValidationError, match="on the client's care team"):
        book(TUESDAY, "10:00", practitioner_=colleague)
    # An administrator books for the practitioner.
    appointment = book(TUESDAY, "10:00", by=administrator)
    assert appointment.practitioner == practitioner
    assert appointment.created_by == administrator


def test_online_links_must_be_https(book: Any) -> None:
    with pytest.raises(ValidationError, match="https://"):
        book(TUESDAY, "10:00", online_link="http://meet.example.org/robin")
    book(TUESDAY, "10:00", online_link="https://meet.example.org/robin")
