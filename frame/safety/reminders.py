"""Emailing the care team about risk flags that nobody has acknowledged yet.

A flag raised at T, in a practice whose setting is H hours, is due its first reminder at T+H, its
second at T+2H and so on until it is acknowledged. Each (flag, period number) gets one
`FlagReminder` row, made under a unique key, so running this twice (or from two workers) never
sends twice. A failed email is tried again on the next runs, up to MAX_ATTEMPTS times.

The email says only that a flag is waiting: no client name, no summary, nothing clinical.
"""

from __future__ import annotations

import datetime as dt
import logging
import smtplib
from dataclasses import dataclass

from django.conf import settings
from django.core.mail import EmailMessage
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone

from frame.accounts.models import CLINICAL_ROLES
from frame.audit.actions import record
from frame.audit.models import Action
from frame.clients.models import CareTeamMember
from frame.safety.models import FlagReminder, RiskFlag, SafetySettings

logger = logging.getLogger(__name__)

DEFAULT_HOURS = 24
MAX_ATTEMPTS = 5
BATCH = 500

SUBJECT = "A risk flag is waiting for you in Frame"
BODY = """Hello,

A risk flag for one of your clients has not been acknowledged yet.

Please sign in to Frame to see it and record what you did:
{url}

For privacy, this email never says who the flag is about or why it was raised.

Frame
"""


@dataclass
class Run:
    due: int = 0
    sent: int = 0
    failed: int = 0


def _hours_by_practice(practice_ids: set[int]) -> dict[int, int]:
    stored = dict(
        SafetySettings.objects.filter(practice_id__in=practice_ids).values_list(
            "practice_id", "reminder_hours"
        )
    )
    return {pid: stored.get(pid, DEFAULT_HOURS) for pid in practice_ids}


def _make_due_rows(now: dt.datetime, run: Run) -> None:
    """A FlagReminder row for each open flag's current period, where there is none yet."""
    flags = list(
        RiskFlag.objects.filter(acknowledged_at__isnull=True, raised_at__lte=now)
        .select_related("client")
        .order_by("raised_at")[:BATCH]
    )
    if not flags:
        return
    hours = _hours_by_practice({flag.client.practice_id for flag in flags})
    made = set(FlagReminder.objects.filter(flag__in=flags).values_list("flag_id", "number"))
    for flag in flags:
        number = int((now - flag.raised_at) // dt.timedelta(hours=hours[flag.client.practice_id]))
        if number < 1 or (flag.pk, number) in made:
            continue
        try:
            with transaction.atomic():
                FlagReminder.objects.create(flag=flag, number=number, created_at=now)
        except IntegrityError:
            continue  # another run made it a moment ago
        run.due += 1


def _recipients(flag: RiskFlag) -> list[str]:
    """The clinical members of the client's care team, still active, with an email address."""
    return sorted(
        set(
            CareTeamMember.objects.filter(
                client_id=flag.client_id,
                user__is_active=True,
                user__membership__is_active=True,
                user__membership__role__in=CLINICAL_ROLES,
                user__membership__practice_id=flag.client.practice_id,
            )
            .exclude(user__email="")
            .values_list("user__email", flat=True)
        )
    )


def _send(reminder_id: int, now: dt.datetime, run: Run) -> None:
    with transaction.atomic():
        reminder = (
            FlagReminder.objects.select_for_update()
            .select_related("flag", "flag__client")
            .filter(pk=reminder_id, sent_at__isnull=True)
            .first()
        )
        if reminder is None:
            return  # someone else sent it
        if reminder.flag.acknowledged_at is not None:
            return  # acknowledged since the row was made: nothing to remind about
        reminder.attempts += 1
        reminder.save(update_fields=["attempts"])
    flag = reminder.flag
    to = _recipients(flag)
    if to:
        url = settings.FRAME_BASE_URL + reverse("safety:caseload")
        message = EmailMessage(subject=SUBJECT, body=BODY.format(url=url), bcc=to)
        try:
            message.send(fail_silently=False)
        except (OSError, smtplib.SMTPException) as error:
            # Only the error's type: an SMTP error can echo a recipient's address.
            logger.warning("Risk flag reminder could not be sent: %s", type(error).__name__)
            run.failed += 1
            return
    with transaction.atomic():
        reminder.sent_at = now
        reminder.recipients = len(to)
        reminder.save(update_fields=["sent_at", "recipients"])
        record(
            action=Action.RISK_FLAG_REMINDER_SENT,
            target=flag,
            client=flag.client,
            practice_id=flag.client.practice_id,
            detail={"number": reminder.number, "recipients": len(to)},
        )
    run.sent += 1


def send_flag_reminders(*, now: dt.datetime | None = None) -> Run:
    """Make the reminders that are due, then send every one not yet sent. Safe to run any time."""
    now = now or timezone.now()
    run = Run()
    _make_due_rows(now, run)
    waiting = list(
        FlagReminder.objects.filter(
            sent_at__isnull=True, attempts__lt=MAX_ATTEMPTS, flag__acknowledged_at__isnull=True
        )
        .order_by("created_at")
        .values_list("pk", flat=True)[:BATCH]
    )
    for reminder_id in waiting:
        _send(reminder_id, now, run)
    return run
