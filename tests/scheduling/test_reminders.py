"""Email reminders: discreet words, sent once when due, retried with back-off, failures shown."""

from __future__ import annotations

import datetime as dt
import smtplib
from typing import Any

import pytest
import time_machine
from django.core.mail.backends.base import BaseEmailBackend
from django.core.management import call_command
from django.urls import reverse
from hypothesis import given
from hypothesis import strategies as st

from frame.audit.models import Action, AuditEvent
from frame.contracts.models import CommunicationPreferences, ReminderChannel
from frame.scheduling import actions, reminders
from frame.scheduling.models import Reminder
from frame.scheduling.wording import ReminderFacts, compose
from tests.scheduling.conftest import LONDON

pytestmark = pytest.mark.usefixtures("frozen")
TUESDAY = dt.date(2027, 3, 9)
GIVE_AWAY = ("counsel", "therap", "psych", "trauma", "cbt", "mental", "willowbank", "feltham")


def at(day: dt.date, hour: int, minute: int = 0) -> dt.datetime:
    return dt.datetime(day.year, day.month, day.day, hour, minute, tzinfo=LONDON)


class RefusingBackend(BaseEmailBackend):
    """A mail server that is down (the one thing outside the machine here)."""

    def send_messages(self, email_messages: Any) -> int:
        raise smtplib.SMTPServerDisconnected("connection closed")


# --- Words ------------------------------------------------------------------------------------


@given(
    practice=st.sampled_from(
        ["Willowbank Counselling", "Harbour Lane Psychotherapy", "Trauma & CBT Clinic"]
    ),
    practitioner=st.sampled_from(["Robin Ashdown", "Dr Sam Okafor", "Jo"]),
    location=st.sampled_from(["", "Room 2", "2 Mill Lane"]),
    discreet=st.booleans(),
)
def test_the_subject_never_says_what_the_appointment_is(
    practice: str, practitioner: str, location: str, discreet: bool
) -> None:
    words = compose(
        ReminderFacts(
            starts_at=at(TUESDAY, 10),
            minutes=50,
            practitioner_name=practitioner,
            practice_name=practice,
            location=location,
            online_link="",
            discreet=discreet,
        )
    )
    assert words.subject == "Reminder: your appointment on Tuesday 9 March at 10:00"
    if discreet:
        lowered = words.body.lower()
        assert not any(word in lowered for word in GIVE_AWAY)
        assert practice.lower() not in lowered
        assert practitioner.split()[-1] not in words.body or len(practitioner.split()) == 1
    else:
        assert practice in words.body and practitioner in words.body
    assert "Tuesday 9 March at 10:00 (50 minutes)" in words.body


# --- Sending ----------------------------------------------------------------------------------


@pytest.fixture
def tomorrow_at_ten(book: Any) -> Any:
    return book(dt.date(2027, 3, 2), "10:00", location="Room 2")


def test_a_reminder_goes_once_when_due(
    tomorrow_at_ten: Any, client_record: Any, mailoutbox: list[Any]
) -> None:
    assert reminders.send_due_reminders(now=at(dt.date(2027, 3, 1), 9, 55)).created == 0
    run = reminders.send_due_reminders(now=at(dt.date(2027, 3, 1), 10, 0))
    assert (run.created, run.sent) == (1, 1)
    (message,) = mailoutbox
    assert message.to == [client_record.email]
    assert message.subject == "Reminder: your appointment on Tuesday 2 March at 10:00"
    assert "with Robin on Tuesday 2 March at 10:00 (50 minutes)" in message.body
    assert "Where: Room 2" in message.body
    for private in (*GIVE_AWAY, "Low mood", client_record.case_code.lower()):
        assert private not in (message.subject + message.body).lower()
    again = reminders.send_due_reminders(now=at(dt.date(2027, 3, 1), 10, 5))
    assert (again.created, again.sent) == (0, 0) and len(mailoutbox) == 1
    reminder = Reminder.objects.get()
    assert reminder.state == Reminder.State.SENT and reminder.recipient == client_record.email
    event = AuditEvent.objects.get(action=Action.REMINDER_SENT)
    assert event.client_id == str(client_record.pk) and event.actor_role == "system"


def test_a_second_sender_cannot_take_the_same_attempt(tomorrow_at_ten: Any) -> None:
    now = at(dt.date(2027, 3, 1), 10)
    reminders.create_due(now)
    first, second = Reminder.objects.get(), Reminder.objects.get()
    assert reminders._claim(first, now) is True
    assert reminders._claim(second, now) is False


def test_plain_wording_names_the_practice_and_practitioner(
    tomorrow_at_ten: Any, client_record: Any, mailoutbox: list[Any]
) -> None:
    client_record.discreet_wording = False
    client_record.save(update_fields=["discreet_wording"])
    reminders.send_due_reminders(now=at(dt.date(2027, 3, 1), 12))
    assert "with Robin Ashdown on" in mailoutbox[0].body
    assert "Willowbank Counselling know" in mailoutbox[0].body
    assert "Counselling" not in mailoutbox[0].subject


@pytest.mark.parametrize(
    ("change", "reason"),
    [
        ("no reminders", "The client chose not to have reminders."),
        ("no email", "The client's safe-contact preferences say not to email."),
        ("no address", "There is no email address for the client."),
    ],
)
def test_clients_who_should_not_be_emailed_are_not(
    tomorrow_at_ten: Any, client_record: Any, mailoutbox: list[Any], change: str, reason: str
) -> None:
    if change == "no reminders":
        CommunicationPreferences.objects.create(
            client=client_record, reminder_channel=ReminderChannel.NONE
        )
    elif change == "no email":
        client_record.may_email = False
        client_record.save(update_fields=["may_email"])
    else:
        client_record.email = ""
        client_record.save(update_fields=["email"])
    run = reminders.send_due_reminders(now=at(dt.date(2027, 3, 1), 12))
    assert run.skipped == 1 and not mailoutbox
    assert Reminder.objects.get().reason == reason


def test_a_moved_session_is_reminded_at_its_new_time(
    tomorrow_at_ten: Any, practitioner: Any, mailoutbox: list[Any]
) -> None:
    reminders.create_due(at(dt.date(2027, 3, 1), 10, 30))
    actions.move_appointment(
        by=practitioner,
        appointment=tomorrow_at_ten,
        day=dt.date(2027, 3, 2),
        time=dt.time(15),
        duration_minutes=50,
        location="Room 2",
        online_link="",
        initiator="client",
    )
    run = reminders.send_due_reminders(now=at(dt.date(2027, 3, 1), 10, 31))
    assert run.skipped == 1 and not mailoutbox
    run = reminders.send_due_reminders(now=at(dt.date(2027, 3, 1), 15))
    assert run.sent == 1 and "at 15:00" in mailoutbox[0].subject


def test_the_practice_sets_the_lead_time_or_switches_reminders_off(
    tomorrow_at_ten: Any, practitioner: Any, mailoutbox: list[Any]
) -> None:
    actions.change_diary_settings(by=practitioner, reminders_enabled=True, reminder_hours_before=48)
    assert reminders.send_due_reminders(now=at(dt.date(2027, 2, 28), 10)).sent == 1
    actions.change_diary_settings(
        by=practitioner, reminders_enabled=False, reminder_hours_before=48
    )
    assert reminders.send_due_reminders(now=at(dt.date(2027, 3, 2), 9)).created == 0
    assert AuditEvent.objects.filter(action=Action.REMINDER_SETTINGS_CHANGED).count() == 2


def test_failures_are_retried_with_back_off_then_shown_to_the_owner(
    tomorrow_at_ten: Any,
    settings: Any,
    as_user: Any,
    practitioner: Any,
    colleague: Any,
    client_record: Any,
    mailoutbox: list[Any],
) -> None:
    settings.EMAIL_BACKEND = "tests.scheduling.test_reminders.RefusingBackend"
    start = at(dt.date(2027, 3, 1), 10)
    attempts_at = [start]
    for wait in (5, 10, 20, 40):
        attempts_at.append(attempts_at[-1] + dt.timedelta(minutes=wait))
    for n, moment in enumerate(attempts_at, start=1):
        early = reminders.send_due_reminders(now=moment - dt.timedelta(minutes=1))
        assert early.retrying == early.failed == 0, f"attempt {n} came early"
        run = reminders.send_due_reminders(now=moment)
        assert Reminder.objects.get().attempts == n
        assert (run.retrying, run.failed) == ((1, 0) if n < 5 else (0, 1))
    reminder = Reminder.objects.get()
    assert reminder.state == Reminder.State.FAILED
    assert reminder.reason == "The email could not be sent (SMTPServerDisconnected)."
    assert AuditEvent.objects.get(action=Action.REMINDER_FAILED).detail == {
        "attempts": 5,
        "error": "SMTPServerDisconnected",
    }
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    assert reminders.send_due_reminders(now=start + dt.timedelta(hours=5)).sent == 0
    with time_machine.travel(start + dt.timedelta(hours=2), tick=False):
        home = as_user(practitioner).get(reverse("home")).content.decode()
        assert "1 appointment reminder could not be sent" in home
        assert "could not be sent" not in as_user(colleague).get(reverse("home")).content.decode()
        page = as_user(practitioner).get(reverse("scheduling:settings")).content.decode()
        assert "The email could not be sent (SMTPServerDisconnected). (5 tries)" in page
        sessions = as_user(practitioner).get(reverse("scheduling:client", args=[client_record.pk]))
        assert "Could not be sent" in sessions.content.decode()
        assert as_user(colleague).get(reverse("scheduling:settings")).status_code == 404


def test_the_sent_log_on_the_clients_sessions_page(
    tomorrow_at_ten: Any, as_user: Any, practitioner: Any, client_record: Any, mailoutbox: list[Any]
) -> None:
    reminders.send_due_reminders(now=at(dt.date(2027, 3, 1), 12))
    page = as_user(practitioner).get(reverse("scheduling:client", args=[client_record.pk]))
    assert f"For Tue 2 Mar 2027, 10:00: Sent on 1 Mar, 12:00 to {client_record.email}" in (
        page.content.decode()
    )


def test_the_command_sends_what_is_due(
    tomorrow_at_ten: Any, mailoutbox: list[Any], capsys: Any
) -> None:
    with time_machine.travel(at(dt.date(2027, 3, 1), 12), tick=False):
        call_command("sendreminders")
    assert len(mailoutbox) == 1
    assert "Reminders: 1 sent, 0 not needed, 0 to try again, 0 failed." in capsys.readouterr().out


def test_settings_from_the_page(as_user: Any, practitioner: Any) -> None:
    http = as_user(practitioner)
    refused = http.post(
        reverse("scheduling:settings"), {"reminders_enabled": "on", "reminder_hours_before": "500"}
    )
    assert "Send it at most 168 hours (a week) before." in refused.content.decode()
    saved = http.post(
        reverse("scheduling:settings"), {"reminders_enabled": "on", "reminder_hours_before": "36"}
    )
    assert saved.status_code == 302
    assert (
        actions.diary_settings(practitioner.active_membership.practice_id).reminder_hours_before
        == 36
    )
