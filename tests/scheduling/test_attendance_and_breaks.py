"""Attendance recorded against the client's own terms; planned breaks with notice warnings."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
import time_machine
from django.core.exceptions import PermissionDenied, ValidationError

from frame.audit.models import Action, AuditEvent
from frame.contracts.models import ClientContract, PracticeTerms
from frame.scheduling import actions
from frame.scheduling.models import Appointment, BookedUnit, PlannedBreak, Status
from tests.scheduling.conftest import LONDON

pytestmark = pytest.mark.usefixtures("frozen")
UTC = dt.UTC
THURSDAY = dt.date(2027, 3, 4)


def at(day: dt.date, hour: int, minute: int = 0) -> dt.datetime:
    return dt.datetime(day.year, day.month, day.day, hour, minute, tzinfo=LONDON)


def test_attendance_waits_for_the_session_to_start(book: Any, practitioner: Any) -> None:
    appointment = book(THURSDAY, "10:00")
    with pytest.raises(ValidationError, match="once the session has started"):
        actions.record_attendance(by=practitioner, appointment=appointment, outcome="attended")
    with time_machine.travel(at(THURSDAY, 10, 5), tick=False):
        attendance = actions.record_attendance(
            by=practitioner, appointment=appointment, outcome="attended"
        )
    assert attendance.chargeable and attendance.charge_percent == 100
    assert attendance.rule == "Session held: the usual fee applies."
    appointment.refresh_from_db()
    assert appointment.status == Status.ATTENDED and appointment.sequence == 1


def test_a_late_arrival_needs_minutes_less_than_the_session(book: Any, practitioner: Any) -> None:
    appointment = book(THURSDAY, "10:00")
    with time_machine.travel(at(THURSDAY, 11), tick=False):
        with pytest.raises(ValidationError, match="How many minutes late"):
            actions.record_attendance(by=practitioner, appointment=appointment, outcome="late")
        with pytest.raises(ValidationError, match="whole session"):
            actions.record_attendance(
                by=practitioner, appointment=appointment, outcome="late", minutes_late=50
            )
        attendance = actions.record_attendance(
            by=practitioner, appointment=appointment, outcome="late", minutes_late=20
        )
    assert "20 minutes late, beyond the agreed 15 minutes' wait" in attendance.rule


def test_client_cancellations_are_judged_against_this_clients_terms(
    book: Any, practitioner: Any, client_record: Any
) -> None:
    PracticeTerms.objects.create(
        practice=client_record.practice, values={"cancellation_notice_hours": 48}
    )
    ClientContract.objects.create(
        client=client_record,
        overrides={"cancellation_notice_hours": 24, "late_cancellation_charge_percent": 50},
    )
    early = book(THURSDAY, "10:00")
    late = book(THURSDAY, "16:00")
    # Told on Wednesday at 12:00: 22 hours before the morning session, 28 before the afternoon.
    told = at(dt.date(2027, 3, 3), 12)
    with time_machine.travel(at(dt.date(2027, 3, 3), 18), tick=False):  # recorded that evening
        first = actions.record_attendance(
            by=practitioner, appointment=early, outcome="cancelled_by_client", told_at=told
        )
        second = actions.record_attendance(
            by=practitioner, appointment=late, outcome="cancelled_by_client", told_at=told
        )
    assert (first.chargeable, first.charge_percent) == (True, 50)
    assert first.rule == (
        "Cancelled by the client with 22 hours' notice, less than the agreed 24 hours: "
        "the agreement charges 50% of the fee."
    )
    assert first.terms_applied["cancellation_notice_hours"] == 24
    assert first.notice_minutes == 22 * 60
    assert (second.chargeable, second.charge_percent) == (False, 0)
    assert not BookedUnit.objects.exists()


def test_told_at_cannot_be_in_the_future(book: Any, practitioner: Any) -> None:
    appointment = book(THURSDAY, "10:00")
    with pytest.raises(ValidationError, match="cannot be in the future"):
        actions.record_attendance(
            by=practitioner,
            appointment=appointment,
            outcome="cancelled_by_client",
            told_at=at(THURSDAY, 8),
        )


def test_did_not_attend_and_practitioner_cancellation(book: Any, practitioner: Any) -> None:
    missed = book(dt.date(2027, 3, 1), "08:00")
    ours = book(THURSDAY, "10:00")
    with time_machine.travel(at(dt.date(2027, 3, 1), 9), tick=False):
        dna = actions.record_attendance(
            by=practitioner, appointment=missed, outcome="did_not_attend"
        )
    cancelled = actions.record_attendance(
        by=practitioner, appointment=ours, outcome="cancelled_by_practitioner"
    )
    assert dna.chargeable and "Did not attend" in dna.rule
    assert not cancelled.chargeable
    assert (
        cancelled.rule
        == "Cancelled by the practitioner with 3 days' notice: never charged to the client."
    )


def test_correcting_an_outcome_takes_the_time_back_if_it_is_free(
    book: Any, practitioner: Any, second_client: Any
) -> None:
    appointment = book(dt.date(2027, 3, 1), "08:00")
    with time_machine.travel(at(dt.date(2027, 3, 1), 9), tick=False):
        actions.record_attendance(
            by=practitioner, appointment=appointment, outcome="cancelled_by_client"
        )
        fixed = actions.record_attendance(
            by=practitioner, appointment=appointment, outcome="attended"
        )
    assert fixed.told_at is None and fixed.notice_minutes is None and fixed.chargeable
    assert BookedUnit.objects.filter(appointment=appointment).count() == 10
    events = AuditEvent.objects.filter(action=Action.ATTENDANCE_RECORDED).order_by("seq")
    assert [e.detail["previous"] for e in events] == [None, "cancelled_by_client"]

    other = book(THURSDAY, "10:00")
    actions.record_attendance(by=practitioner, appointment=other, outcome="cancelled_by_client")
    book(THURSDAY, "10:00", client=second_client)
    with (
        time_machine.travel(at(THURSDAY, 11), tick=False),
        pytest.raises(ValidationError, match="already booked"),
    ):
        actions.record_attendance(by=practitioner, appointment=other, outcome="attended")
    other.refresh_from_db()
    assert other.status == Status.CANCELLED_BY_CLIENT


def test_unknown_outcomes_are_refused(book: Any, practitioner: Any) -> None:
    appointment = book(THURSDAY, "10:00")
    for outcome in ("planned", "moved_by_client", "whatever"):
        with pytest.raises(ValidationError, match="choose what happened"):
            actions.record_attendance(by=practitioner, appointment=appointment, outcome=outcome)


def test_colleagues_off_the_care_team_cannot_record(
    book: Any, colleague: Any, administrator: Any
) -> None:
    appointment = book(THURSDAY, "10:00")
    with pytest.raises(PermissionDenied):
        actions.record_attendance(
            by=colleague, appointment=appointment, outcome="cancelled_by_client"
        )
    actions.record_attendance(
        by=administrator, appointment=appointment, outcome="cancelled_by_client"
    )


# --- Planned breaks -------------------------------------------------------------------------


def test_a_break_marks_the_sessions_it_covers(book: Any, practitioner: Any) -> None:
    inside = book(dt.date(2027, 4, 6), "10:00")
    outside = book(dt.date(2027, 4, 20), "10:00")
    result = actions.plan_break(
        by=practitioner,
        practitioner=practitioner,
        first_day=dt.date(2027, 4, 5),
        last_day=dt.date(2027, 4, 16),
    )
    assert result.affected == 1
    assert not result.notice_short  # five weeks' notice; the policy is four
    inside.refresh_from_db()
    outside.refresh_from_db()
    assert inside.planned_break == result.planned_break and outside.planned_break is None
    event = AuditEvent.objects.get(action=Action.BREAK_PLANNED)
    assert event.detail["affected_appointments"] == 1 and event.detail["notice_short"] is False


def test_short_notice_is_flagged_against_the_practice_policy(
    practitioner: Any, practice: Any
) -> None:
    result = actions.plan_break(
        by=practitioner,
        practitioner=practitioner,
        first_day=dt.date(2027, 3, 15),
        last_day=dt.date(2027, 3, 19),
    )
    assert result.notice_short and result.policy_weeks == 4
    PracticeTerms.objects.create(practice=practice, values={"break_notice_weeks": 1})
    result = actions.plan_break(
        by=practitioner,
        practitioner=practitioner,
        first_day=dt.date(2027, 3, 22),
        last_day=dt.date(2027, 3, 26),
    )
    assert not result.notice_short and result.policy_weeks == 1


@pytest.mark.parametrize(
    ("first", "last", "words"),
    [
        (dt.date(2027, 4, 9), dt.date(2027, 4, 8), "cannot be before the first day"),
        (dt.date(2027, 2, 20), dt.date(2027, 3, 8), "start today or later"),
        (dt.date(2027, 4, 1), dt.date(2028, 4, 8), "a year at most"),
        (
            dt.date(2027, 4, 12),
            dt.date(2027, 4, 20),
            "overlaps another planned break (5 April 2027 to 16 April 2027)",
        ),
    ],
)
def test_bad_breaks_are_refused(
    practitioner: Any, first: dt.date, last: dt.date, words: str
) -> None:
    actions.plan_break(
        by=practitioner,
        practitioner=practitioner,
        first_day=dt.date(2027, 4, 5),
        last_day=dt.date(2027, 4, 16),
    )
    with pytest.raises(ValidationError) as refused:
        actions.plan_break(
            by=practitioner, practitioner=practitioner, first_day=first, last_day=last
        )
    assert words in " ".join(refused.value.messages)
    assert PlannedBreak.objects.count() == 1


def test_clinicians_plan_only_their_own_breaks(
    practitioner: Any, colleague: Any, administrator: Any
) -> None:
    with pytest.raises(PermissionDenied):
        actions.plan_break(
            by=colleague,
            practitioner=practitioner,
            first_day=dt.date(2027, 4, 5),
            last_day=dt.date(2027, 4, 6),
        )
    with pytest.raises(ValidationError, match="clinician"):
        actions.plan_break(
            by=administrator,
            practitioner=administrator,
            first_day=dt.date(2027, 4, 5),
            last_day=dt.date(2027, 4, 6),
        )
    actions.plan_break(
        by=administrator,
        practitioner=practitioner,
        first_day=dt.date(2027, 4, 5),
        last_day=dt.date(2027, 4, 6),
    )


def test_cancelling_the_sessions_in_a_break(book: Any, practitioner: Any) -> None:
    book(dt.date(2027, 4, 6), "10:00")
    book(dt.date(2027, 4, 8), "10:00")
    planned = actions.plan_break(
        by=practitioner,
        practitioner=practitioner,
        first_day=dt.date(2027, 4, 5),
        last_day=dt.date(2027, 4, 16),
    ).planned_break
    assert actions.cancel_sessions_in_break(by=practitioner, planned_break=planned) == 2
    assert set(Appointment.objects.values_list("status", flat=True)) == {
        Status.CANCELLED_BY_PRACTITIONER
    }
    assert not Appointment.objects.filter(planned_break__isnull=False).exists()


def test_withdrawing_a_break_restores_the_regular_sessions_it_held_back(
    practitioner: Any, client_record: Any, book: Any
) -> None:
    planned = actions.plan_break(
        by=practitioner,
        practitioner=practitioner,
        first_day=dt.date(2027, 4, 5),
        last_day=dt.date(2027, 4, 16),
    ).planned_break
    one_off = book(dt.date(2027, 4, 19), "10:00")
    slot = actions.create_regular_slot(
        by=practitioner,
        client=client_record,
        practitioner=practitioner,
        first_day=dt.date(2027, 3, 16),
        time=dt.time(10),
        interval_weeks=1,
        duration_minutes=50,
        count=8,
    ).slot
    assert Appointment.objects.filter(slot=slot).count() == 8 - 2
    restored = actions.withdraw_break(by=practitioner, planned_break=planned)
    assert restored == 2
    assert Appointment.objects.filter(slot=slot).count() == 8
    with pytest.raises(ValidationError, match="already been withdrawn"):
        actions.withdraw_break(by=practitioner, planned_break=planned)
    assert one_off.pk
