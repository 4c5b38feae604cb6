"""Scheduled questionnaires: sent once per schedule and coming appointment, by the rule chosen."""

from __future__ import annotations

import datetime as dt
import io
from collections.abc import Iterator
from typing import Any
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.core.exceptions import ValidationError
from django.core.management import call_command
from django.urls import reverse

from frame.measures import actions, definitions, schedules, tasks
from frame.measures.models import MeasureSchedule, QuestionnaireRequest, ScheduleRule
from frame.scheduling import actions as diary
from frame.scheduling.models import Appointment, Kind
from tests.portal.factories import portal_user_for

LONDON = ZoneInfo("Europe/London")
NOW = dt.datetime(2027, 3, 1, 9, 0, tzinfo=LONDON)  # a Monday
PHQ9 = definitions.get("phq9")
GAD7 = definitions.get("gad7")


@pytest.fixture(autouse=True)
def frozen() -> Iterator[Any]:
    with time_machine.travel(NOW, tick=False) as traveller:
        yield traveller


@pytest.fixture
def on_portal(client_record: Any, practitioner: Any) -> Any:
    return portal_user_for(client_record, invited_by=practitioner)


def book(client: Any, by: Any, days: int, kind: str = Kind.SESSION, hour: int = 10) -> Appointment:
    return diary.book_appointment(
        by=by,
        client=client,
        practitioner=by,
        day=NOW.date() + dt.timedelta(days=days),
        time=dt.time(hour, 0),
        duration_minutes=50,
        kind=kind,
    )


def schedule(
    client: Any, by: Any, rule: str, every_n: int | None = None, instrument: Any = PHQ9
) -> Any:
    return actions.add_schedule(
        client=client, instrument=instrument, rule=rule, every_n=every_n, by=by
    )


def test_before_every_session_sends_once_per_appointment_in_the_window(
    client_record: Any, practitioner: Any, on_portal: Any, mailoutbox: list[Any]
) -> None:
    rule = schedule(client_record, practitioner, ScheduleRule.EVERY_SESSION)
    soon = book(client_record, practitioner, 2)
    book(client_record, practitioner, 9)  # outside the three-day window: not yet
    assert schedules.send_due().sent == 1
    request = QuestionnaireRequest.objects.get()
    assert request.schedule == rule and request.appointment == soon
    assert request.requested_by == practitioner and len(mailoutbox) == 1
    # Idempotent: running again (or a second worker) sends nothing more.
    assert schedules.send_due().sent == 0
    assert QuestionnaireRequest.objects.count() == 1 and len(mailoutbox) == 1


def test_the_unique_constraint_holds_even_if_two_runs_race(
    client_record: Any, practitioner: Any, on_portal: Any
) -> None:
    rule = schedule(client_record, practitioner, ScheduleRule.EVERY_SESSION)
    soon = book(client_record, practitioner, 1)
    assert schedules._send(rule, soon) is True
    assert schedules._send(rule, soon) is False  # the database refuses the second one
    assert QuestionnaireRequest.objects.count() == 1


def test_every_nth_session_counts_the_clients_sessions(
    client_record: Any, practitioner: Any, on_portal: Any, frozen: Any
) -> None:
    schedule(client_record, practitioner, ScheduleRule.EVERY_NTH, every_n=2)
    first = book(client_record, practitioner, 1)
    second = book(client_record, practitioner, 2)
    third = book(client_record, practitioner, 3)
    schedules.send_due()
    sent = set(QuestionnaireRequest.objects.values_list("appointment_id", flat=True))
    assert sent == {second.pk}
    assert first.pk not in sent and third.pk not in sent


def test_at_start_review_and_end_follow_the_appointments(
    client_record: Any, practitioner: Any, on_portal: Any
) -> None:
    start = schedule(client_record, practitioner, ScheduleRule.AT_START)
    review = schedule(client_record, practitioner, ScheduleRule.AT_REVIEW, instrument=GAD7)
    end = schedule(client_record, practitioner, ScheduleRule.AT_END, instrument=GAD7)
    first = book(client_record, practitioner, 1, Kind.ASSESSMENT)
    book(client_record, practitioner, 1, hour=14)
    reviewing = book(client_record, practitioner, 2, Kind.REVIEW)
    schedules.send_due()
    pairs = set(QuestionnaireRequest.objects.values_list("schedule_id", "appointment_id"))
    assert pairs == {(start.pk, first.pk), (review.pk, reviewing.pk)}
    assert not QuestionnaireRequest.objects.filter(schedule=end).exists()


def test_at_start_happens_once_however_many_first_appointments(
    client_record: Any, practitioner: Any, on_portal: Any, frozen: Any
) -> None:
    start = schedule(client_record, practitioner, ScheduleRule.AT_START)
    first = book(client_record, practitioner, 1)
    schedules.send_due()
    frozen.shift(dt.timedelta(days=2))
    book(client_record, practitioner, 4)
    schedules.send_due()
    assert list(
        QuestionnaireRequest.objects.filter(schedule=start).values_list("appointment_id", flat=True)
    ) == [first.pk]


def test_nothing_goes_without_a_portal_account_or_after_the_schedule_ends(
    client_record: Any, practitioner: Any
) -> None:
    rule = schedule(client_record, practitioner, ScheduleRule.EVERY_SESSION)
    book(client_record, practitioner, 1)
    assert schedules.send_due().sent == 0
    portal_user_for(client_record, invited_by=practitioner)
    actions.end_schedule(schedule=rule, by=practitioner)
    assert schedules.send_due().sent == 0
    assert not QuestionnaireRequest.objects.exists()


def test_a_schedule_set_by_someone_who_left_the_care_team_sends_nothing(
    client_record: Any, practitioner: Any, on_portal: Any
) -> None:
    schedule(client_record, practitioner, ScheduleRule.EVERY_SESSION)
    book(client_record, practitioner, 1)
    client_record.care_team.filter(user=practitioner).delete()
    assert schedules.send_due().sent == 0


def test_the_task_and_the_command_run_the_same_work(
    client_record: Any, practitioner: Any, on_portal: Any
) -> None:
    schedule(client_record, practitioner, ScheduleRule.EVERY_SESSION)
    book(client_record, practitioner, 1)
    assert tasks.send_scheduled_questionnaires.call() == {"sent": 1, "skipped": 0}
    out = io.StringIO()
    call_command("sendquestionnaires", stdout=out)
    assert "0 sent" in out.getvalue()


def test_schedule_rules_are_checked(client_record: Any, practitioner: Any) -> None:
    with pytest.raises(ValidationError):
        schedule(client_record, practitioner, ScheduleRule.EVERY_NTH, every_n=None)
    schedule(client_record, practitioner, ScheduleRule.AT_END)
    with pytest.raises(ValidationError, match="already in place"):
        schedule(client_record, practitioner, ScheduleRule.AT_END)


def test_the_schedule_page_adds_sends_now_and_ends(
    as_user: Any, practitioner: Any, client_record: Any, on_portal: Any, mailoutbox: list[Any]
) -> None:
    http = as_user(practitioner)
    url = reverse("measures:schedules", args=[client_record.pk])
    bad = http.post(url, {"instrument": "phq9", "rule": "every_nth"})
    assert bad.status_code == 200 and b"Say how often" in bad.content
    assert http.post(url, {"instrument": "phq9", "rule": "at_review"}).status_code == 302
    rule = MeasureSchedule.objects.get()
    page = http.get(url).content.decode()
    assert "At reviews" in page and "Send now" in page
    # No review in the diary yet: the practitioner sends it by hand.
    send_now = reverse("measures:send_scheduled", args=[client_record.pk, rule.pk])
    assert http.post(send_now).status_code == 302
    assert QuestionnaireRequest.objects.get().schedule == rule and len(mailoutbox) == 1
    end = reverse("measures:end_schedule", args=[client_record.pk, rule.pk])
    assert b"End the schedule" in http.get(end).content
    assert http.post(end).status_code == 302
    rule.refresh_from_db()
    assert rule.ended_at is not None
