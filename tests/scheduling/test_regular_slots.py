"""Regular slots: written out across the clock changes, edited one session at a time or from a
date on, refused when they clash or cannot exist."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
import time_machine
from django.core.exceptions import ValidationError

from frame.audit.models import Action, AuditEvent
from frame.scheduling import actions
from frame.scheduling.models import (
    Appointment,
    AppointmentChange,
    BookedUnit,
    Initiator,
    RegularSlot,
    Status,
)
from tests.scheduling.conftest import LONDON

pytestmark = pytest.mark.usefixtures("frozen")

UTC = dt.UTC
TUESDAY = dt.date(2027, 3, 16)


@pytest.fixture
def make_slot(practitioner: Any, client_record: Any) -> Any:
    def make(**overrides: Any) -> actions.SlotResult:
        values: dict[str, Any] = {
            "by": practitioner,
            "client": client_record,
            "practitioner": practitioner,
            "first_day": TUESDAY,
            "time": dt.time(10, 0),
            "interval_weeks": 1,
            "duration_minutes": 50,
            "count": 12,
        }
        values.update(overrides)
        return actions.create_regular_slot(**values)

    return make


def sessions(slot: RegularSlot) -> list[Appointment]:
    return list(Appointment.objects.filter(slot=slot).order_by("slot_day"))


def local_times(appointments: list[Appointment]) -> list[tuple[dt.date, str]]:
    return [
        (a.starts_at.astimezone(LONDON).date(), a.starts_at.astimezone(LONDON).strftime("%a %H:%M"))
        for a in appointments
    ]


def test_twelve_weekly_sessions_stay_at_ten_across_the_spring_change(make_slot: Any) -> None:
    result = make_slot()
    rows = sessions(result.slot)
    assert len(rows) == 12
    assert {when for _, when in local_times(rows)} == {"Tue 10:00"}
    assert rows[0].starts_at == dt.datetime(2027, 3, 16, 10, 0, tzinfo=UTC)
    assert rows[2].starts_at == dt.datetime(2027, 3, 30, 9, 0, tzinfo=UTC)
    assert all(r.in_agreed_slot for r in rows)
    assert BookedUnit.objects.count() == 12 * 10
    assert result.slot.written_until == dt.date(2027, 6, 1)
    event = AuditEvent.objects.get(action=Action.SLOT_CREATED)
    assert event.detail["sessions_written"] == 12


def test_an_autumn_series_keeps_its_time_after_the_clocks_go_back(make_slot: Any) -> None:
    with time_machine.travel(dt.datetime(2027, 10, 1, 9, tzinfo=LONDON), tick=False):
        result = make_slot(
            first_day=dt.date(2027, 10, 17), time=dt.time(18, 0), count=4, interval_weeks=2
        )
    rows = sessions(result.slot)
    assert local_times(rows) == [
        (dt.date(2027, 10, 17), "Sun 18:00"),
        (dt.date(2027, 10, 31), "Sun 18:00"),
        (dt.date(2027, 11, 14), "Sun 18:00"),
        (dt.date(2027, 11, 28), "Sun 18:00"),
    ]
    assert [r.starts_at.hour for r in rows] == [17, 18, 18, 18]  # BST, then GMT


def test_an_open_ended_slot_is_written_a_year_ahead(make_slot: Any) -> None:
    result = make_slot(count=None)
    assert result.slot.is_open_ended
    assert len(sessions(result.slot)) == 53  # 16 March 2027 to 14 March 2028, both included
    assert result.slot.written_until == dt.date(2028, 3, 14)


def test_an_end_date_is_included(make_slot: Any) -> None:
    result = make_slot(count=None, until=dt.date(2027, 4, 13), interval_weeks=2)
    assert [r.slot_day for r in sessions(result.slot)] == [
        dt.date(2027, 3, 16),
        dt.date(2027, 3, 30),
        dt.date(2027, 4, 13),
    ]


def test_a_slot_that_clashes_is_refused_whole(
    make_slot: Any, book: Any, second_client: Any
) -> None:
    book(dt.date(2027, 4, 6), "10:30", client=second_client)
    book(dt.date(2027, 5, 4), "09:30", client=second_client)
    with pytest.raises(ValidationError) as refused:
        make_slot()
    assert "already booked at that time on 6 April 2027, 4 May 2027" in " ".join(
        refused.value.messages
    )
    assert not RegularSlot.objects.exists()
    assert Appointment.objects.count() == 2


def test_a_slot_at_a_time_the_clocks_skip_is_refused(make_slot: Any) -> None:
    with pytest.raises(ValidationError, match="01:30 does not exist on Sunday 28 March 2027"):
        make_slot(first_day=dt.date(2027, 3, 7), time=dt.time(1, 30))
    assert not RegularSlot.objects.exists()


@pytest.mark.parametrize(
    ("overrides", "words"),
    [
        ({"first_day": dt.date(2027, 2, 23)}, "starts today or later"),
        ({"until": dt.date(2027, 4, 1)}, "not both"),
        ({"count": None, "until": dt.date(2027, 3, 1)}, "cannot be before the first session"),
        ({"count": 0}, "at least one session"),
        ({"count": 400}, "more than five years ahead"),
        ({"count": None, "until": dt.date(2033, 1, 1)}, "up to five years ahead"),
        ({"interval_weeks": 3}, "weekly or fortnightly"),
        ({"duration_minutes": 47}, "whole 5 minutes"),
    ],
)
def test_bad_slots_are_refused(make_slot: Any, overrides: dict[str, Any], words: str) -> None:
    with pytest.raises(ValidationError) as refused:
        make_slot(**overrides)
    assert words in " ".join(refused.value.messages)
    assert not Appointment.objects.exists()


def test_a_five_year_weekly_slot_is_written_in_full(make_slot: Any) -> None:
    result = make_slot(count=None, until=dt.date(2032, 3, 9))
    assert len(sessions(result.slot)) == 261


def test_sessions_in_a_planned_break_are_left_out(make_slot: Any, practitioner: Any) -> None:
    actions.plan_break(
        by=practitioner,
        practitioner=practitioner,
        first_day=dt.date(2027, 4, 5),
        last_day=dt.date(2027, 4, 16),
    )
    result = make_slot()
    assert result.written.skipped_for_breaks == [dt.date(2027, 4, 6), dt.date(2027, 4, 13)]
    assert len(sessions(result.slot)) == 10
    with pytest.raises(ValidationError, match="planned break"):
        make_slot(first_day=dt.date(2027, 4, 6))


# --- Edit one occurrence ------------------------------------------------------------------------


def test_moving_one_session_changes_only_that_one(
    make_slot: Any, practitioner: Any, book: Any, second_client: Any
) -> None:
    rows = sessions(make_slot().slot)
    fourth = rows[3]
    change = actions.move_appointment(
        by=practitioner,
        appointment=fourth,
        day=dt.date(2027, 4, 8),
        time=dt.time(15, 0),
        duration_minutes=50,
        location="Room 3",
        online_link="",
        initiator=Initiator.CLIENT,
        told_at=dt.datetime(2027, 3, 1, 8, 0, tzinfo=UTC),
    )
    assert change is not None
    fourth.refresh_from_db()
    assert fourth.starts_at.astimezone(LONDON) == dt.datetime(2027, 4, 8, 15, 0, tzinfo=LONDON)
    assert fourth.slot_day == dt.date(2027, 4, 6)
    assert not fourth.in_agreed_slot
    assert fourth.location == "Room 3"
    assert fourth.sequence == 1
    assert change.initiator == Initiator.CLIENT
    assert change.notice_minutes == (36 * 24 + 1) * 60  # 09:00 UTC on 6 April less 08:00 on 1 March
    assert "Moved at the client's request with 36 days' notice" in change.rule
    others = [r for r in sessions(fourth.slot) if r.pk != fourth.pk]
    assert all(r.in_agreed_slot and r.sequence == 0 for r in others)
    # The old time is free again, and the new one is held.
    book(dt.date(2027, 4, 6), "10:00", client=second_client)
    with pytest.raises(ValidationError, match="already booked"):
        book(dt.date(2027, 4, 8), "15:30", client=second_client)


def test_a_move_into_a_break_or_onto_another_session_is_refused(
    make_slot: Any, practitioner: Any
) -> None:
    rows = sessions(make_slot().slot)
    actions.plan_break(
        by=practitioner,
        practitioner=practitioner,
        first_day=dt.date(2027, 5, 3),
        last_day=dt.date(2027, 5, 7),
    )
    move = {
        "by": practitioner,
        "duration_minutes": 50,
        "location": "",
        "online_link": "",
        "initiator": Initiator.PRACTITIONER,
    }
    with pytest.raises(ValidationError, match="planned break"):
        actions.move_appointment(
            appointment=rows[0], day=dt.date(2027, 5, 5), time=dt.time(10), **move
        )
    with pytest.raises(ValidationError, match="already booked"):
        actions.move_appointment(
            appointment=rows[0], day=dt.date(2027, 3, 23), time=dt.time(10, 30), **move
        )
    with pytest.raises(ValidationError, match="does not exist"):
        actions.move_appointment(
            appointment=rows[0], day=dt.date(2027, 3, 28), time=dt.time(1, 0), **move
        )
    rows[0].refresh_from_db()
    assert rows[0].in_agreed_slot and not AppointmentChange.objects.exists()


# --- This and following ---------------------------------------------------------------------


def test_changing_the_slot_from_the_fifth_session_on(make_slot: Any, practitioner: Any) -> None:
    original = make_slot().slot
    rows = sessions(original)
    fifth = rows[4]
    result = actions.change_slot_from(
        by=practitioner,
        appointment=fifth,
        first_day=dt.date(2027, 4, 15),
        time=dt.time(14, 0),
        interval_weeks=1,
        duration_minutes=50,
        location="Room 1",
    )
    new = result.slot
    original.refresh_from_db()
    assert original.until == dt.date(2027, 4, 6) and original.ended_at is not None
    assert new.follows == original
    assert new.count == 8  # time-limited work keeps its remaining sessions
    kept = sessions(original)
    assert [r.slot_day for r in kept] == [
        dt.date(2027, 3, 16) + dt.timedelta(weeks=n) for n in range(4)
    ]
    assert {when for _, when in local_times(kept)} == {"Tue 10:00"}
    moved = sessions(new)
    assert len(moved) == 8
    assert {when for _, when in local_times(moved)} == {"Thu 14:00"}
    assert Appointment.objects.count() == 12
    assert (
        AuditEvent.objects.filter(action=Action.SLOT_CHANGED).get().detail["sessions_replaced"] == 8
    )


def test_sessions_already_marked_are_kept_and_moved_ones_replaced(
    make_slot: Any, practitioner: Any
) -> None:
    rows = sessions(make_slot().slot)
    cancelled = actions.record_attendance(
        by=practitioner, appointment=rows[6], outcome="cancelled_by_client"
    )
    actions.move_appointment(
        by=practitioner,
        appointment=rows[8],
        day=dt.date(2027, 5, 14),
        time=dt.time(9),
        duration_minutes=50,
        location="",
        online_link="",
        initiator=Initiator.PRACTITIONER,
    )
    actions.change_slot_from(
        by=practitioner,
        appointment=rows[4],
        first_day=rows[4].slot_day,
        time=dt.time(11, 0),
        interval_weeks=1,
        duration_minutes=50,
    )
    assert Appointment.objects.filter(pk=cancelled.appointment_id).exists()
    assert not Appointment.objects.filter(pk=rows[8].pk).exists()
    change = AppointmentChange.objects.get()
    assert change.appointment is None and change.client_id == rows[8].client_id  # history kept


def test_a_change_that_would_clash_changes_nothing(
    make_slot: Any, practitioner: Any, book: Any, second_client: Any
) -> None:
    original = make_slot().slot
    rows = sessions(original)
    book(dt.date(2027, 5, 6), "14:00", client=second_client)
    with pytest.raises(ValidationError, match="6 May 2027"):
        actions.change_slot_from(
            by=practitioner,
            appointment=rows[4],
            first_day=dt.date(2027, 4, 15),
            time=dt.time(14),
            interval_weeks=1,
            duration_minutes=50,
        )
    original.refresh_from_db()
    assert original.ended_at is None and original.count == 12
    assert len(sessions(original)) == 12


def test_ending_the_slot_from_a_date(make_slot: Any, practitioner: Any) -> None:
    original = make_slot(count=None).slot
    rows = sessions(original)
    removed = actions.end_slot_from(by=practitioner, appointment=rows[3])
    assert removed == 50
    original.refresh_from_db()
    assert original.until == dt.date(2027, 3, 30)
    assert len(sessions(original)) == 3
    with pytest.raises(ValidationError, match="not part of a regular slot"):
        actions.end_slot_from(by=practitioner, appointment=book_one_off(practitioner, original))


def book_one_off(practitioner: Any, slot: RegularSlot) -> Appointment:
    return actions.book_appointment(
        by=practitioner,
        client=slot.client,
        practitioner=practitioner,
        day=dt.date(2027, 3, 17),
        time=dt.time(9),
        duration_minutes=50,
    )


def test_open_ended_slots_are_extended_as_weeks_pass(
    make_slot: Any, practitioner: Any, book: Any, second_client: Any
) -> None:
    slot = make_slot(count=None).slot
    with time_machine.travel(dt.datetime(2027, 5, 10, 9, tzinfo=LONDON), tick=False):
        book(dt.date(2028, 4, 4), "10:00", client=second_client)  # in the way of one new date
        added = actions.extend_open_ended_slots()
        assert actions.extend_open_ended_slots() == 0  # idempotent
    slot.refresh_from_db()
    assert slot.written_until == dt.date(2028, 5, 8)
    assert added == 6  # 21 March to 2 May 2028, less 4 April
    assert len(sessions(slot)) == 53 + 6
    extended = AuditEvent.objects.get(action=Action.SLOT_EXTENDED)
    assert extended.detail["skipped_for_clashes"] == 1
    assert extended.actor_id is None and extended.actor_role == "system"


def test_the_slot_rows_cannot_double_up_on_a_day(make_slot: Any) -> None:
    slot = make_slot(count=2).slot
    row = sessions(slot)[0]
    from django.db import IntegrityError, transaction

    with pytest.raises(IntegrityError), transaction.atomic():
        Appointment.objects.create(
            practice_id=row.practice_id,
            client_id=row.client_id,
            practitioner_id=row.practitioner_id,
            slot=slot,
            slot_day=row.slot_day,
            slot_starts_at=row.slot_starts_at,
            starts_at=row.starts_at + dt.timedelta(hours=3),
            ends_at=row.ends_at + dt.timedelta(hours=3),
            created_by_id=row.created_by_id,
            status=Status.PLANNED,
        )


def test_the_command_extends_open_ended_slots(make_slot: Any, capsys: Any) -> None:
    from django.core.management import call_command

    make_slot(count=None)
    with time_machine.travel(dt.datetime(2027, 3, 23, 9, tzinfo=LONDON), tick=False):
        call_command("extendslots")
        call_command("extendslots")
    out = capsys.readouterr().out
    assert "Regular slots: 1 session added to the diary." in out
    assert "Regular slots: 0 sessions added to the diary." in out
