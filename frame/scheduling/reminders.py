"""Sending appointment reminders: due ones found, each sent once, failures retried with back-off.

`send_due_reminders()` is safe to run as often as anyone likes, from several processes at once:
a reminder row is made once per appointment and time (a unique key), and each attempt first
claims the row by moving its next attempt into the future, so two senders never send the same
reminder. A failed attempt is tried again after 5, 10, 20 and 40 minutes; after the fifth it is
marked as failed, recorded in the audit trail and shown to the practice's owners.
"""

from __future__ import annotations

import datetime as dt
import logging
import smtplib
from dataclasses import dataclass, field
from typing import Any
from zoneinfo import ZoneInfo

from django.conf import settings
from django.core.mail import EmailMessage
from django.db import transaction
from django.db.models import F
from django.utils import timezone

from frame.audit.actions import record
from frame.audit.models import Action
from frame.contracts.selectors import communication_preferences_for
from frame.scheduling.models import Appointment, DiarySettings, Reminder, Status
from frame.scheduling.wording import ReminderFacts, compose

logger = logging.getLogger(__name__)

MAX_ATTEMPTS = 5
FIRST_RETRY = dt.timedelta(minutes=5)
# No practice reminds more than a week ahead; the search for due reminders looks no further.
LONGEST_LEAD = dt.timedelta(hours=168)
BATCH = 200
DEFAULT_HOURS = 24


def backoff(attempts: int) -> dt.timedelta:
    """The wait after `attempts` failed tries: 5, 10, 20, 40 minutes."""
    factor: int = 2 ** max(attempts - 1, 0)
    return FIRST_RETRY * factor


@dataclass
class Run:
    created: int = 0
    sent: int = 0
    skipped: int = 0
    retrying: int = 0
    failed: int = 0
    problems: list[str] = field(default_factory=list)


def _lead_times() -> dict[int, dt.timedelta | None]:
    """Each practice's reminder lead time; None where reminders are switched off."""
    return {
        row.practice_id: dt.timedelta(hours=row.reminder_hours_before)
        if row.reminders_enabled
        else None
        for row in DiarySettings.objects.all()
    }


def create_due(now: dt.datetime) -> int:
    """Make the reminder rows that have come due (once each, whoever else is doing the same)."""
    leads = _lead_times()
    default = dt.timedelta(hours=DEFAULT_HOURS)
    upcoming = Appointment.objects.filter(
        status=Status.PLANNED, starts_at__gt=now, starts_at__lte=now + LONGEST_LEAD
    ).values_list("pk", "practice_id", "client_id", "starts_at")
    candidates = [
        (pk, practice_id, client_id, starts_at, lead)
        for pk, practice_id, client_id, starts_at in upcoming.iterator()
        if (lead := leads.get(practice_id, default)) is not None and starts_at - lead <= now
    ]
    made = set(
        Reminder.objects.filter(appointment_id__in=[c[0] for c in candidates]).values_list(
            "appointment_id", "starts_at"
        )
    )
    rows = []
    for pk, practice_id, client_id, starts_at, lead in candidates:
        if (pk, starts_at) in made:
            continue
        rows.append(
            Reminder(
                practice_id=practice_id,
                client_id=client_id,
                appointment_id=pk,
                starts_at=starts_at,
                due_at=starts_at - lead,
                next_attempt_at=now,
            )
        )
    # Another sender may have made some of these a moment ago; the unique key keeps one of each.
    Reminder.objects.bulk_create(rows, batch_size=500, ignore_conflicts=True)
    return len(rows)


def _claim(reminder: Reminder, now: dt.datetime) -> bool:
    """Take this attempt: only one sender moves the row on from the state it read."""
    taken = Reminder.objects.filter(
        pk=reminder.pk,
        state=Reminder.State.PENDING,
        attempts=reminder.attempts,
        next_attempt_at__lte=now,
    ).update(attempts=F("attempts") + 1, next_attempt_at=now + backoff(reminder.attempts + 1))
    reminder.attempts += 1
    return taken == 1


def _finish(reminder: Reminder, state: str, *, reason: str = "", now: dt.datetime) -> None:
    reminder.state = state
    reminder.reason = reason[:200]
    fields = ["state", "reason"]
    if state == Reminder.State.SENT:
        reminder.sent_at = now
        fields.append("sent_at")
    reminder.save(update_fields=fields)


def _why_not(appointment: Appointment | None, reminder: Reminder) -> str:
    """Why this reminder should not go out now, or "" if it should."""
    if appointment is None or appointment.status != Status.PLANNED:
        return "The appointment was cancelled or changed."
    if appointment.starts_at != reminder.starts_at:
        return "The appointment was moved; a reminder for the new time is sent instead."
    client = appointment.client
    if not communication_preferences_for(client).sends_reminders:
        return "The client chose not to have reminders."
    if not client.may_email:
        return "The client's safe-contact preferences say not to email."
    if not client.email:
        return "There is no email address for the client."
    return ""


def _message(appointment: Appointment) -> EmailMessage:
    zone = ZoneInfo(settings.TIME_ZONE)
    client = appointment.client
    words = compose(
        ReminderFacts(
            starts_at=appointment.starts_at.astimezone(zone),
            minutes=appointment.duration_minutes,
            practitioner_name=appointment.practitioner.full_name,
            practice_name=appointment.practitioner.active_membership.practice.name
            if appointment.practitioner.active_membership
            else "",
            location=appointment.location,
            online_link=appointment.online_link,
            discreet=client.discreet_wording,
        )
    )
    return EmailMessage(subject=words.subject, body=words.body, to=[client.email])


def _attempt(reminder: Reminder, now: dt.datetime, run: Run) -> None:
    appointment = (
        Appointment.objects.select_related("client", "practitioner")
        .filter(reminders=reminder)
        .first()
    )
    reason = _why_not(appointment, reminder)
    if reason or appointment is None:
        _finish(reminder, Reminder.State.SKIPPED, reason=reason, now=now)
        run.skipped += 1
        return
    try:
        _message(appointment).send(fail_silently=False)
    except (OSError, smtplib.SMTPException) as error:
        kind = type(error).__name__
        logger.warning(
            "Reminder %s not sent (attempt %s): %s", reminder.pk, reminder.attempts, kind
        )
        if reminder.attempts >= MAX_ATTEMPTS:
            with transaction.atomic():
                _finish(
                    reminder,
                    Reminder.State.FAILED,
                    reason=f"The email could not be sent ({kind}).",
                    now=now,
                )
                record(
                    action=Action.REMINDER_FAILED,
                    actor_role="system",
                    practice_id=reminder.practice_id,
                    target=reminder,
                    client=reminder.client_id,
                    outcome="failed",
                    detail={"attempts": reminder.attempts, "error": kind},
                )
            run.failed += 1
            run.problems.append(kind)
        else:
            Reminder.objects.filter(pk=reminder.pk).update(reason=f"Retrying after {kind}."[:200])
            run.retrying += 1
        return
    with transaction.atomic():
        reminder.recipient = appointment.client.email
        reminder.save(update_fields=["recipient"])
        _finish(reminder, Reminder.State.SENT, now=now)
        record(
            action=Action.REMINDER_SENT,
            actor_role="system",
            practice_id=reminder.practice_id,
            target=reminder,
            client=reminder.client_id,
            detail={"attempts": reminder.attempts},
        )
    run.sent += 1


def send_due_reminders(*, now: dt.datetime | None = None) -> Run:
    """Create and send every reminder that is due, retrying earlier failures whose time has come."""
    now = now or timezone.now()
    run = Run(created=create_due(now))
    queue = list(
        Reminder.objects.filter(state=Reminder.State.PENDING, next_attempt_at__lte=now).order_by(
            "next_attempt_at", "pk"
        )[:BATCH]
    )
    for reminder in queue:
        if _claim(reminder, now):
            _attempt(reminder, now, run)
    return run


def describe(run: Run) -> dict[str, Any]:
    return {
        "created": run.created,
        "sent": run.sent,
        "skipped": run.skipped,
        "retrying": run.retrying,
        "failed": run.failed,
    }
