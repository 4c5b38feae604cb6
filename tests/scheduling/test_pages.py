"""The diary pages through the full stack: what people see, what they can do, what is refused."""

from __future__ import annotations

import datetime as dt
import re
from html import unescape
from typing import Any

import pytest
import time_machine
from django.urls import reverse

from frame.audit.models import Action, AuditEvent
from frame.contracts.models import ClientContract
from frame.scheduling import actions
from frame.scheduling.models import (
    Appointment,
    AppointmentChange,
    PlannedBreak,
    RegularSlot,
    Status,
)
from tests.scheduling.conftest import LONDON

pytestmark = pytest.mark.usefixtures("frozen")


def text(response: Any) -> str:
    """The page's words, without tags or runs of white space."""
    html = response.content.decode()
    html = re.sub(r"<(script|style)[^>]*>.*?</\1>", " ", html, flags=re.S)
    html = re.sub(r"</?(strong|em|span|a|time|abbr)\b[^>]*>", "", html)  # inline: no gap
    return unescape(" ".join(re.sub(r"<[^>]+>", " ", html).split()))


@pytest.fixture
def http(as_user: Any, practitioner: Any) -> Any:
    return as_user(practitioner)


def test_the_week_shows_appointments_in_local_time_and_moves_by_htmx(
    http: Any, book: Any, client_record: Any
) -> None:
    book(dt.date(2027, 3, 30), "10:00")  # after the clocks go forward: 09:00 UTC
    response = http.get(reverse("scheduling:week"), {"week": "2027-03-29"})
    assert response.status_code == 200
    words = text(response)
    assert "Week of 29 March 2027" in words
    assert "10:00\u201310:50 Morgan Feltham" in words
    assert 'hx-get="?week=2027-04-05"' in response.content.decode()

    partial = http.get(
        reverse("scheduling:week"), {"week": "2027-04-05"}, headers={"HX-Request": "true"}
    )
    assert partial.status_code == 200
    assert partial.content.decode().lstrip().startswith('<section id="diary-week"')
    assert "<html" not in partial.content.decode()
    assert "Week of 5 April 2027" in text(partial)
    assert "HX-Request" in partial["Vary"]


def test_the_week_under_another_practice_time_zone(http: Any, book: Any, settings: Any) -> None:
    settings.TIME_ZONE = "America/New_York"
    appointment = book(dt.date(2027, 3, 16), "09:00")  # New York is on summer time from 14 March
    assert appointment.starts_at == dt.datetime(2027, 3, 16, 13, 0, tzinfo=dt.UTC)
    words = text(http.get(reverse("scheduling:week"), {"week": "2027-03-16"}))
    assert "09:00\u201309:50 Morgan Feltham" in words


def test_unreadable_dates_fall_back_to_today(http: Any) -> None:
    for value in ("", "not-a-date", "2027-02-30", "9999-01-01", "0001-01-01", "2027-03-01' OR 1=1"):
        response = http.get(reverse("scheduling:week"), {"week": value})
        assert response.status_code == 200
        assert "Week of 1 March 2027" in text(response)
        assert http.get(reverse("scheduling:day"), {"date": value}).status_code == 200


def test_the_day_list_numbers_the_sessions(
    http: Any, practitioner: Any, client_record: Any
) -> None:
    actions.create_regular_slot(
        by=practitioner,
        client=client_record,
        practitioner=practitioner,
        first_day=dt.date(2027, 3, 2),
        time=dt.time(10),
        interval_weeks=1,
        duration_minutes=50,
        count=12,
    )
    response = http.get(reverse("scheduling:day"), {"date": "2027-03-16"})
    assert "10:00\u201310:50 Morgan Feltham Session, session 3" in text(response)


def test_booking_from_the_form_and_a_clash_keeps_what_was_typed(
    http: Any, client_record: Any, second_client: Any, book: Any
) -> None:
    book(dt.date(2027, 3, 9), "10:00", client=second_client)
    url = reverse("scheduling:book", args=[client_record.pk])
    form = {
        "kind": "session",
        "day": "2027-03-09",
        "time": "10:30",
        "duration_minutes": "50",
        "location": "Room 2",
        "online_link": "",
    }
    refused = http.post(url, form)
    assert refused.status_code == 200
    words = text(refused)
    assert "There is a problem" in words
    assert "Robin Ashdown is already booked then (Tuesday 9 March 2027 at 10:00 to 10:50)" in words
    assert 'value="Room 2"' in refused.content.decode()

    form["time"] = "11:00"
    booked = http.post(url, form)
    appointment = Appointment.objects.get(client=client_record)
    assert booked.status_code == 302 and booked["Location"] == reverse(
        "scheduling:appointment", args=[appointment.pk]
    )
    assert appointment.starts_at.astimezone(LONDON).time() == dt.time(11, 0)


def test_a_time_that_does_not_exist_is_refused_on_the_form(http: Any, client_record: Any) -> None:
    response = http.post(
        reverse("scheduling:book", args=[client_record.pk]),
        {"kind": "session", "day": "2027-03-28", "time": "01:30", "duration_minutes": "50"},
    )
    assert "01:30 does not exist on Sunday 28 March 2027: the clocks go forward that night" in text(
        response
    )
    assert not Appointment.objects.exists()


@pytest.mark.parametrize(
    "form",
    [
        {},
        {"kind": "séance", "day": "2027-13-45", "time": "25:61", "duration_minutes": "fifty"},
        {"kind": "session", "day": "2027-03-09", "time": "10:00", "duration_minutes": "-5"},
        {
            "kind": "session",
            "day": "2027-03-09",
            "time": "10:00",
            "duration_minutes": "50",
            "online_link": "javascript:alert(1)",
        },
        {"kind": "session", "day": "2027-03-09\x00", "time": "10:00", "duration_minutes": "50"},
    ],
)
def test_malformed_bookings_are_explained_not_crashed(
    http: Any, client_record: Any, form: dict[str, str]
) -> None:
    response = http.post(reverse("scheduling:book", args=[client_record.pk]), form)
    assert response.status_code == 200
    assert "problem" in text(response)
    assert not Appointment.objects.exists()


def test_setting_up_a_regular_slot_from_the_form(http: Any, client_record: Any) -> None:
    response = http.post(
        reverse("scheduling:slot_new", args=[client_record.pk]),
        {
            "first_day": "2027-03-16",
            "time": "10:00",
            "interval_weeks": "1",
            "duration_minutes": "50",
            "kind": "session",
            "ends": "count",
            "count": "12",
        },
    )
    assert response.status_code == 302
    slot = RegularSlot.objects.get()
    assert slot.count == 12 and Appointment.objects.filter(slot=slot).count() == 12
    page = http.get(response["Location"])
    assert "The regular slot is set up: 12 sessions are in the diary." in text(page)
    assert "Weekly on Tuesdays at 10:00 (50 minutes)" in text(page)


def test_the_ending_must_be_filled_in(http: Any, client_record: Any) -> None:
    response = http.post(
        reverse("scheduling:slot_new", args=[client_record.pk]),
        {
            "first_day": "2027-03-16",
            "time": "10:00",
            "interval_weeks": "1",
            "duration_minutes": "50",
            "kind": "session",
            "ends": "until",
            "until": "",
        },
    )
    assert "Please enter the last date." in text(response)
    assert not RegularSlot.objects.exists()


def test_recording_attendance_shows_the_rule(as_user: Any, practitioner: Any, book: Any) -> None:
    appointment = book(dt.date(2027, 3, 3), "10:00")
    url = reverse("scheduling:appointment", args=[appointment.pk])
    with time_machine.travel(dt.datetime(2027, 3, 2, 14, 0, tzinfo=LONDON), tick=False):
        http = as_user(practitioner)  # signed in that day: sessions end after 12 hours
        assert http.get(url).status_code == 200
        response = http.post(url, {"outcome": "cancelled_by_client", "told_at": "2027-03-02T12:00"})
        assert response.status_code == 302
        page = text(http.get(url))
    assert "What happened Cancelled by the client, with 22 hours' notice." in page
    assert "Chargeable: 100% of the fee." in page
    assert (
        "Rule applied: Cancelled by the client with 22 hours' notice, less than the agreed "
        "48 hours: the agreement charges 100% of the fee."
    ) in page
    assert AuditEvent.objects.filter(action=Action.APPOINTMENT_VIEWED).exists()


def test_attendance_before_the_session_is_explained(http: Any, book: Any) -> None:
    appointment = book(dt.date(2027, 3, 3), "10:00")
    response = http.post(
        reverse("scheduling:appointment", args=[appointment.pk]), {"outcome": "attended"}
    )
    assert "Attendance can be marked once the session has started" in text(response)


def test_moving_one_and_changing_the_slot_from_a_date(
    http: Any, practitioner: Any, client_record: Any
) -> None:
    slot = actions.create_regular_slot(
        by=practitioner,
        client=client_record,
        practitioner=practitioner,
        first_day=dt.date(2027, 3, 2),
        time=dt.time(10),
        interval_weeks=1,
        duration_minutes=50,
        count=10,
    ).slot
    rows = list(Appointment.objects.filter(slot=slot).order_by("slot_day"))
    moved = http.post(
        reverse("scheduling:move", args=[rows[1].pk]),
        {
            "day": "2027-03-11",
            "time": "16:00",
            "duration_minutes": "50",
            "initiator": "practitioner",
        },
    )
    assert moved.status_code == 302
    assert AppointmentChange.objects.get().initiator == "practitioner"
    changed = http.post(
        reverse("scheduling:slot_change", args=[rows[4].pk]),
        {
            "first_day": "2027-03-31",
            "time": "17:00",
            "interval_weeks": "2",
            "duration_minutes": "50",
            "ends": "keep",
        },
    )
    assert changed.status_code == 302
    new = RegularSlot.objects.get(follows=slot)
    assert new.interval_weeks == 2 and new.count == 6
    assert "Fortnightly on Wednesdays at 17:00" in text(http.get(changed["Location"]))
    ended = http.post(
        reverse(
            "scheduling:slot_change",
            args=[Appointment.objects.filter(slot=new).earliest("slot_day").pk],
        ),
        {"end": "yes"},
    )
    assert ended.status_code == 302
    assert not Appointment.objects.filter(slot=new).exists()


def test_a_move_without_saying_who_asked_is_refused(http: Any, book: Any) -> None:
    appointment = book(dt.date(2027, 3, 3), "10:00")
    response = http.post(
        reverse("scheduling:move", args=[appointment.pk]),
        {"day": "2027-03-04", "time": "10:00", "duration_minutes": "50"},
    )
    assert "Say who asked for the change." in text(response)


def test_a_break_at_short_notice_asks_first(http: Any, book: Any) -> None:
    book(dt.date(2027, 3, 16), "10:00")
    form = {"first_day": "2027-03-15", "last_day": "2027-03-19", "reason": "holiday"}
    asked = http.post(reverse("scheduling:breaks"), form)
    assert "less notice than the practice's policy of 4 weeks" in text(asked)
    assert not PlannedBreak.objects.exists()
    added = http.post(reverse("scheduling:breaks"), {**form, "confirm": "yes"})
    planned = PlannedBreak.objects.get()
    assert added["Location"] == reverse("scheduling:break", args=[planned.pk])
    page = text(http.get(added["Location"]))
    assert "1 planned sessions fall in this break" in page
    assert "Less than the practice's 4 weeks" in page
    cancelled = http.post(added["Location"], {"cancel_sessions": "yes"})
    assert cancelled.status_code == 302
    assert Appointment.objects.get().status == Status.CANCELLED_BY_PRACTITIONER
    withdrawn = http.post(added["Location"], {"withdraw": "yes"})
    assert withdrawn.status_code == 302
    assert PlannedBreak.objects.get().withdrawn_at is not None


def test_administrators_choose_whose_diary(
    as_user: Any, administrator: Any, practitioner: Any, colleague: Any, book: Any
) -> None:
    book(dt.date(2027, 3, 2), "10:00")
    http = as_user(administrator)
    response = http.get(reverse("scheduling:week"), {"practitioner": practitioner.pk})
    assert "Diary of Robin Ashdown" in text(response)
    assert "Morgan Feltham" in text(response)
    assert (
        http.get(reverse("scheduling:week"), {"practitioner": administrator.pk}).status_code == 404
    )
    assert http.get(reverse("scheduling:week"), {"practitioner": "x'"}).status_code == 404


def test_a_practitioner_sees_only_their_own_diary(
    as_user: Any, colleague: Any, practitioner: Any, book: Any
) -> None:
    book(dt.date(2027, 3, 2), "10:00")
    http = as_user(colleague)
    assert "Morgan Feltham" not in text(http.get(reverse("scheduling:week")))
    assert (
        http.get(reverse("scheduling:week"), {"practitioner": practitioner.pk}).status_code == 404
    )


def test_the_card_shows_sessions_count_review_and_rhythm(
    as_user: Any, administrator: Any, practitioner: Any, client_record: Any
) -> None:
    ClientContract.objects.create(client=client_record, overrides={"planned_sessions": 12})
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
    with time_machine.travel(dt.datetime(2027, 4, 20, 12, tzinfo=LONDON), tick=False):
        for row in rows[:6]:
            actions.record_attendance(by=practitioner, appointment=row, outcome="attended")
        actions.record_attendance(by=practitioner, appointment=rows[6], outcome="did_not_attend")
        page = text(as_user(practitioner).get(reverse("clients:card", args=[client_record.pk])))
        admin_page = text(
            as_user(administrator).get(reverse("clients:card", args=[client_record.pk]))
        )
    assert "Session 6 of 12 · 6 to go." in page
    assert "A review is due: 6 sessions since the start; a review is agreed every 6." in page
    assert "Held 6 sessions, 6 in the agreed slot (100%)" in page
    assert "Did not attend 1" in page
    assert "Session 6 of 12" in admin_page and "Rhythm over" not in admin_page


def test_the_appointment_page_links_clinicians_to_the_brief(
    as_user: Any, administrator: Any, practitioner: Any, book: Any
) -> None:
    appointment = book(dt.date(2027, 3, 3), "10:00")
    url = reverse("scheduling:appointment", args=[appointment.pk])
    brief = reverse("brief:appointment", args=[appointment.pk])
    with time_machine.travel(dt.datetime(2027, 3, 2, 14, 0, tzinfo=LONDON), tick=False):
        assert brief in as_user(practitioner).get(url).content.decode()
        admin_page = as_user(administrator).get(url)
    assert admin_page.status_code == 200 and brief not in admin_page.content.decode()
