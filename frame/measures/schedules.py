"""Which scheduled questionnaires are due: one portal request per schedule and coming appointment.

The worker (see tasks.py) calls `send_due()` every so often. It looks at planned appointments
starting within `WINDOW`, matches each active schedule of the same client against them, and
creates the request once: a unique constraint on (schedule, appointment) makes a second run (or a
second worker) a no-op. Appointment kinds carry "review" and "ending", so those rules need no
other app; a practitioner can also send any schedule's questionnaire by hand from its page.
"""

from __future__ import annotations

import datetime as dt
import logging
from dataclasses import dataclass
from typing import Any

from django.db import IntegrityError
from django.db.models import Exists, OuterRef
from django.utils import timezone

from frame.clients.access import Section, may_see
from frame.measures import actions, definitions
from frame.measures.models import MeasureSchedule, QuestionnaireRequest, ScheduleRule
from frame.portal.models import PortalAccount
from frame.scheduling.models import Appointment, Kind, Status
from frame.scheduling.selectors import session_number, with_session_numbers

logger = logging.getLogger(__name__)

# How far ahead a questionnaire goes out: time to fill it in before the session.
WINDOW = dt.timedelta(hours=72)
# The kinds of appointment that are part of the work (not "other" meetings).
WORK_KINDS = (Kind.ASSESSMENT, Kind.SESSION, Kind.REVIEW, Kind.ENDING)


def matches(schedule: MeasureSchedule, appointment: Any, *, already_sent: bool) -> bool:
    """Whether `schedule` wants a questionnaire before `appointment` (read with session numbers).

    `already_sent`: the schedule has sent one before (for "at the start", which happens once).
    """
    rule = schedule.rule
    kind = appointment.kind
    if kind not in WORK_KINDS:
        return False
    if rule == ScheduleRule.EVERY_SESSION:
        return True
    if rule == ScheduleRule.AT_REVIEW:
        return bool(kind == Kind.REVIEW)
    if rule == ScheduleRule.AT_END:
        return bool(kind == Kind.ENDING)
    if rule == ScheduleRule.AT_START:
        return not already_sent and int(getattr(appointment, "number_before", 0)) == 0
    if rule == ScheduleRule.EVERY_NTH:
        number = session_number(appointment)
        return (
            number is not None and schedule.every_n is not None and number % schedule.every_n == 0
        )
    return False


@dataclass(frozen=True)
class Run:
    sent: int
    skipped: int

    def as_dict(self) -> dict[str, int]:
        return {"sent": self.sent, "skipped": self.skipped}


def send_due(*, now: dt.datetime | None = None) -> Run:
    """Create (and email) every scheduled request due now. Safe to run as often as you like."""
    now = now or timezone.now()
    active_portal = PortalAccount.objects.filter(
        client=OuterRef("client"), status=PortalAccount.Status.ACTIVE
    )
    schedules = list(
        MeasureSchedule.objects.filter(ended_at__isnull=True)
        .filter(Exists(active_portal))
        .select_related("client__practice", "created_by")
    )
    if not schedules:
        return Run(sent=0, skipped=0)
    client_ids = {s.client_id for s in schedules}
    appointments = list(
        with_session_numbers(
            Appointment.objects.filter(
                client_id__in=client_ids,
                status=Status.PLANNED,
                starts_at__gt=now,
                starts_at__lte=now + WINDOW,
            )
        ).order_by("starts_at")
    )
    schedule_ids = [s.pk for s in schedules]
    done = set(
        QuestionnaireRequest.objects.filter(schedule_id__in=schedule_ids).values_list(
            "schedule_id", "appointment_id"
        )
    )
    has_sent = {schedule_id for schedule_id, _ in done}
    sent = skipped = 0
    for schedule in schedules:
        for appointment in appointments:
            if appointment.client_id != schedule.client_id:
                continue
            if (schedule.pk, appointment.pk) in done:
                continue
            if not matches(schedule, appointment, already_sent=schedule.pk in has_sent):
                continue
            if _send(schedule, appointment):
                sent += 1
                has_sent.add(schedule.pk)
            else:
                skipped += 1
    return Run(sent=sent, skipped=skipped)


def _send(schedule: MeasureSchedule, appointment: Any) -> bool:
    # Sent in the name of whoever set the schedule up, only while they are still on the care team.
    if not may_see(schedule.created_by, schedule.client, Section.CLINICAL):
        return False
    try:
        instrument = definitions.get(schedule.instrument)
    except definitions.UnknownInstrument:
        return False
    try:
        # The request is written in its own transaction; the email goes after it, outside.
        actions.send_to_portal(
            client=schedule.client,
            instrument=instrument,
            by=schedule.created_by,
            schedule=schedule,
            appointment=appointment,
            check_access=False,
        )
    except IntegrityError:
        return False  # another worker sent it a moment ago
    except actions.NotSendable as error:
        logger.info("Scheduled questionnaire not sent: %s", error.messages[0])
        return False
    return True
