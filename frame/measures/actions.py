"""Every write the measures app makes happens here, each with its audit event in one transaction.

Audit details carry instrument ids, item numbers and counts: never wording a practice imported,
never an answer, never a note.
"""

from __future__ import annotations

import datetime as dt
import logging
import secrets
import smtplib
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.mail import EmailMessage
from django.db import transaction
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone

from frame.accounts.models import Practice, User, hash_token
from frame.audit.actions import record
from frame.audit.models import Action
from frame.clients.access import Section, may_see
from frame.clients.models import Client
from frame.clients.signals import risk_acknowledged, risk_indicated
from frame.measures import scoring
from frame.measures.definitions import Instrument
from frame.measures.models import (
    Administration,
    ChartShare,
    ImportedWording,
    MeasureSchedule,
    Mode,
    QuestionnaireRequest,
    RequestStatus,
    RiskAlert,
    ScheduleRule,
)
from frame.measures.selectors import wording_for
from frame.measures.wording import Wording
from frame.portal.models import PortalAccount

logger = logging.getLogger(__name__)

# The pages that record a MEASURES_VIEWED event (a fixed vocabulary, never free text).
VIEWED_PAGES = frozenset({"list", "administration", "alert", "progress", "schedules", "requests"})
# Portal pages a client opens that show their own answers or scores.
CLIENT_VIEWED_PAGES = frozenset({"questionnaire", "chart"})
MAX_NOTE = 5000


@transaction.atomic
def import_wording(*, practice: Practice, wording: Wording, by: Any) -> ImportedWording:
    """Store (or replace) a practice's wording for a licensed instrument.

    `wording` has already been checked against the definition by `frame.measures.wording.check`.
    `by` is the person importing, or None when it comes from the command line.
    """
    instrument = wording.instrument
    stored, created = ImportedWording.objects.select_for_update().update_or_create(
        practice=practice,
        instrument=instrument.id,
        defaults={
            "instrument_version": instrument.version,
            "instructions": wording.instructions,
            "items": {str(number): text for number, text in wording.items.items()},
            "option_labels": {key: list(labels) for key, labels in wording.option_labels.items()},
            "imported_at": timezone.now(),
            "imported_by": by,
        },
    )
    record(
        action=Action.MEASURE_WORDING_IMPORTED,
        actor=by,
        target=stored,
        practice_id=practice.pk,
        detail={
            "instrument": instrument.id,
            "instrument_version": instrument.version,
            "items": len(wording.items),
            "replaced": not created,
        },
    )
    return stored


def _require_clinical(by: User, client: Client) -> None:
    """Actions check access themselves too: later apps and commands call them, not just views."""
    if not may_see(by, client, Section.CLINICAL):
        raise PermissionDenied("Only the client's care team can record or see questionnaires.")


def _stored_answer(answer: scoring.Answer) -> int | str | None:
    # Measured values are kept as text so a mark of 7.3 stays exactly 7.3.
    if answer is None or isinstance(answer, int):
        return answer
    return str(answer)


@transaction.atomic
def record_administration(
    *,
    client: Client,
    instrument: Instrument,
    answers: Sequence[scoring.Answer],
    completed_on: dt.date,
    by: User,
    mode: Mode = Mode.IN_SESSION,
) -> Administration:
    """Store one completed questionnaire with its score, and raise an alert for each risk item.

    The answers, the score, every risk alert and their audit events are written in this one
    transaction: either all of them are kept, or none.
    """
    _require_clinical(by, client)
    if instrument.is_goal_based:
        raise ValidationError("Goal ratings are recorded with the client's goals.")
    if completed_on > timezone.localdate():
        raise ValidationError({"completed_on": "The date cannot be in the future."})
    try:
        result = scoring.score(instrument, answers)
    except scoring.AnswerError as error:
        raise ValidationError(str(error)) from None
    if result.answered == 0:
        raise ValidationError("Nothing was answered, so there is nothing to record.")
    administration = Administration.objects.create(
        client=client,
        instrument=instrument.id,
        instrument_version=result.instrument_version,
        scoring_version=result.scoring_version,
        mode=mode,
        completed_on=completed_on,
        answers=[_stored_answer(a) for a in answers],
        valid=result.valid,
        total=result.total,
        band=result.band or "",
        prorated=result.prorated,
        missing_items=list(result.missing_items),
        risk_items=list(result.risk_items),
        recorded_by=by,
    )
    record(
        action=Action.MEASURE_RECORDED,
        actor=by,
        target=administration,
        client=client,
        detail={
            "instrument": instrument.id,
            "instrument_version": result.instrument_version,
            "scoring_version": result.scoring_version,
            "mode": str(mode),
            "valid": result.valid,
            "prorated": result.prorated,
        },
    )
    for item in result.risk_items:
        value = result.item_values[item - 1]
        assert value is not None  # noqa: S101  (a triggered item was answered)
        alert = RiskAlert.objects.create(
            client=client, administration=administration, item=item, value=value
        )
        record(
            action=Action.RISK_ALERT_RAISED,
            actor=by,
            target=alert,
            client=client,
            detail={"instrument": instrument.id, "item": item},
        )
        risk_indicated.send(
            sender=RiskAlert,
            client=client,
            by=by,
            source="measure",
            record=alert,
            detail={"instrument": instrument.id, "item": item, "value": value},
        )
    return administration


@transaction.atomic
def acknowledge_alert(*, alert: RiskAlert, note: str, by: User) -> RiskAlert:
    """Close an alert with the practitioner's note of what they did or decided (kept encrypted)."""
    _require_clinical(by, alert.client)
    note = (note or "").strip()
    if not note:
        raise ValidationError({"note": "Write a note of what you did or decided."})
    if len(note) > MAX_NOTE:
        raise ValidationError({"note": f"Keep the note to {MAX_NOTE:,} characters or fewer."})
    # Lock the row: two people acknowledging at once must not both succeed.
    locked = RiskAlert.objects.select_for_update().get(pk=alert.pk)
    if locked.acknowledged_at is not None:
        raise ValidationError("This alert has already been acknowledged.")
    locked.acknowledged_at = timezone.now()
    locked.acknowledged_by = by
    locked.acknowledgement_note = note
    locked.save(update_fields=["acknowledged_at", "acknowledged_by", "acknowledgement_note"])
    record(
        action=Action.RISK_ALERT_ACKNOWLEDGED,
        actor=by,
        target=locked,
        client=alert.client,
        detail={"instrument": alert.administration.instrument, "item": alert.item},
    )
    risk_acknowledged.send(sender=RiskAlert, client=alert.client, by=by, record=locked, note=note)
    locked.client = alert.client
    locked.administration = alert.administration
    return locked


@transaction.atomic
def record_viewed(*, client: Client, by: User, page: str) -> None:
    if page not in VIEWED_PAGES:
        raise ValueError(f"Unknown page {page!r}")
    record(action=Action.MEASURES_VIEWED, actor=by, client=client, detail={"page": page})


# --- Sent to the client's portal ------------------------------------------------------------------

REQUEST_DAYS = 7


class NotSendable(ValidationError):
    """A questionnaire that cannot go to this client's portal, with the reason in plain words."""


@dataclass(frozen=True)
class RequestSent:
    request: QuestionnaireRequest
    emailed: bool


def _active_portal_account(client: Client) -> PortalAccount | None:
    return PortalAccount.objects.filter(client=client, status=PortalAccount.Status.ACTIVE).first()


def request_link(token: str) -> str:
    return settings.FRAME_BASE_URL + reverse("portal:questionnaire_link", args=[token])


def send_to_portal(
    *,
    client: Client,
    instrument: Instrument,
    by: User,
    schedule: MeasureSchedule | None = None,
    appointment: Any = None,
    check_access: bool = True,
) -> RequestSent:
    """Put a questionnaire in the client's portal and email them a link to it.

    The request is saved first (in one transaction with its audit event); the email is sent
    after, outside it. The email is only a nudge: if it cannot be sent the questionnaire still
    waits on the client's portal home page, and `emailed` says so. The worker passes
    `check_access=False` and a schedule: it has checked the schedule's author itself.
    """
    request, message = _record_request(
        client=client,
        instrument=instrument,
        by=by,
        schedule=schedule,
        appointment=appointment,
        check_access=check_access,
    )
    emailed = False
    if message is not None:
        try:
            message.send(fail_silently=False)
            emailed = True
        except (OSError, smtplib.SMTPException) as error:
            logger.warning("Questionnaire email could not be sent: %s", type(error).__name__)
    return RequestSent(request=request, emailed=emailed)


@transaction.atomic
def _record_request(
    *,
    client: Client,
    instrument: Instrument,
    by: User,
    schedule: MeasureSchedule | None,
    appointment: Any,
    check_access: bool,
) -> tuple[QuestionnaireRequest, EmailMessage | None]:
    if check_access:
        _require_clinical(by, client)
    if instrument.is_goal_based:
        raise NotSendable("Goal ratings are recorded with the client's goals.")
    if _active_portal_account(client) is None:
        raise NotSendable(
            "This client has no active portal account, so there is nowhere to send it. "
            "Invite them to the portal first, or record their answers in session."
        )
    if wording_for(client.practice_id, instrument) is None:
        raise NotSendable(
            f"Your practice has not imported its licensed wording for {instrument.short_title} "
            "yet, so it cannot be shown to the client."
        )
    now = timezone.now()
    token = secrets.token_urlsafe(32)
    request = QuestionnaireRequest.objects.create(
        client=client,
        instrument=instrument.id,
        instrument_version=instrument.version,
        requested_by=by,
        created_at=now,
        expires_at=now + dt.timedelta(days=REQUEST_DAYS),
        token_hash=hash_token(token),
        answers=[None] * len(instrument.items),
        schedule=schedule,
        appointment=appointment,
    )
    record(
        action=Action.MEASURE_REQUESTED,
        actor=by if check_access else None,
        actor_role="" if check_access else "system",
        target=request,
        client=client,
        practice_id=client.practice_id,
        detail={
            "instrument": instrument.id,
            "scheduled": schedule is not None,
            "schedule": str(schedule.pk) if schedule is not None else "",
        },
    )
    email = client.email.strip()
    if not email or not client.may_email:
        return request, None
    context = {
        "name": client.preferred_name or client.given_name,
        "practice": client.practice,
        "practitioner": by,
        "link": request_link(token),
        "days": REQUEST_DAYS,
        "discreet": client.discreet_wording,
    }
    message = EmailMessage(
        subject=render_to_string("measures/email/request_subject.txt", context).strip(),
        body=render_to_string("measures/email/request_message.txt", context),
        to=[email],
    )
    return request, message


@transaction.atomic
def withdraw_request(*, request: QuestionnaireRequest, by: User) -> QuestionnaireRequest:
    _require_clinical(by, request.client)
    locked = QuestionnaireRequest.objects.select_for_update().get(pk=request.pk)
    if locked.status != RequestStatus.OPEN:
        raise ValidationError(
            "This questionnaire is no longer waiting, so there is nothing to withdraw."
        )
    locked.status = RequestStatus.WITHDRAWN
    locked.withdrawn_at = timezone.now()
    locked.withdrawn_by = by
    locked.save(update_fields=["status", "withdrawn_at", "withdrawn_by"])
    record(
        action=Action.MEASURE_REQUEST_WITHDRAWN,
        actor=by,
        target=locked,
        client=request.client,
        detail={"instrument": locked.instrument, "answered": locked.answered_count},
    )
    locked.client = request.client
    return locked


def _require_own_request(by: User, request: QuestionnaireRequest) -> None:
    """Only the client themselves, through their own active portal account, answers it."""
    if not PortalAccount.objects.filter(
        user_id=by.pk, client_id=request.client_id, status=PortalAccount.Status.ACTIVE
    ).exists():
        raise PermissionDenied("Only the client can answer their own questionnaire.")


class RequestClosed(ValidationError):
    """Sent already, withdrawn or expired (perhaps a moment ago, in another tab)."""


def _lock_open(request: QuestionnaireRequest) -> QuestionnaireRequest:
    locked = QuestionnaireRequest.objects.select_for_update().get(pk=request.pk)
    if not locked.is_open:
        raise RequestClosed("This questionnaire is closed now, so it cannot be changed.")
    return locked


def _check_answers(instrument: Instrument, answers: Sequence[scoring.Answer]) -> None:
    if len(answers) != len(instrument.items):
        raise ValidationError("The answers do not match the questionnaire.")


@transaction.atomic
def save_progress(
    *, request: QuestionnaireRequest, answers: Sequence[scoring.Answer], by: User
) -> QuestionnaireRequest:
    """Keep what the client has answered so far. Nothing is scored: it is not finished."""
    _require_own_request(by, request)
    locked = _lock_open(request)
    _check_answers(locked.definition, answers)
    locked.answers = [_stored_answer(a) for a in answers]
    locked.progress_saved_at = timezone.now()
    locked.save(update_fields=["answers", "progress_saved_at"])
    record(
        action=Action.MEASURE_PROGRESS_SAVED,
        actor=by,
        actor_role="client",
        target=locked,
        client=request.client,
        practice_id=request.client.practice_id,
        detail={"instrument": locked.instrument, "answered": locked.answered_count},
    )
    locked.client = request.client
    return locked


def unanswered_items(instrument: Instrument, answers: Sequence[scoring.Answer]) -> list[int]:
    """Scored items still blank: a questionnaire sent to the portal is submitted whole."""
    return [
        item.number
        for item, answer in zip(instrument.items, answers, strict=True)
        if item.scored and answer is None
    ]


@transaction.atomic
def submit_request(
    *, request: QuestionnaireRequest, answers: Sequence[scoring.Answer], by: User
) -> Administration:
    """The client sends their finished answers: scored, stored, and any risk alert raised.

    Like `record_administration`, the administration, every risk alert, the risk signal and the
    audit events are in this one transaction; the client is the actor. A questionnaire with a
    scored item left blank is refused (the caller keeps the answers with `save_progress`), so a
    half-finished one is never scored as if it were complete.
    """
    _require_own_request(by, request)
    locked = _lock_open(request)
    client = request.client
    instrument = locked.definition
    _check_answers(instrument, answers)
    if instrument.version != locked.instrument_version:
        raise ValidationError(
            "This questionnaire has changed since it was sent. Your practitioner can send the "
            "new one."
        )
    missing = unanswered_items(instrument, answers)
    if missing:
        numbers = ", ".join(str(n) for n in missing)
        raise ValidationError(
            f"Please answer every question before sending. Still to answer: {numbers}."
        )
    try:
        result = scoring.score(instrument, answers)
    except scoring.AnswerError as error:
        raise ValidationError(str(error)) from None
    administration = Administration.objects.create(
        client=client,
        instrument=instrument.id,
        instrument_version=result.instrument_version,
        scoring_version=result.scoring_version,
        mode=Mode.PORTAL,
        completed_on=timezone.localdate(),
        answers=[_stored_answer(a) for a in answers],
        valid=result.valid,
        total=result.total,
        band=result.band or "",
        prorated=result.prorated,
        missing_items=list(result.missing_items),
        risk_items=list(result.risk_items),
        recorded_by=by,
    )
    audit: dict[str, Any] = {
        "actor": by,
        "actor_role": "client",
        "client": client,
        "practice_id": client.practice_id,
    }
    record(
        action=Action.MEASURE_RECORDED,
        target=administration,
        detail={
            "instrument": instrument.id,
            "instrument_version": result.instrument_version,
            "scoring_version": result.scoring_version,
            "mode": str(Mode.PORTAL),
            "valid": result.valid,
            "prorated": result.prorated,
        },
        **audit,
    )
    # The same alerts and signal as answers entered in session (see record_administration).
    for item in result.risk_items:
        value = result.item_values[item - 1]
        assert value is not None  # noqa: S101  (a triggered item was answered)
        alert = RiskAlert.objects.create(
            client=client, administration=administration, item=item, value=value
        )
        record(
            action=Action.RISK_ALERT_RAISED,
            target=alert,
            detail={"instrument": instrument.id, "item": item},
            **audit,
        )
        risk_indicated.send(
            sender=RiskAlert,
            client=client,
            by=by,
            source="measure",
            record=alert,
            detail={"instrument": instrument.id, "item": item, "value": value},
        )
    locked.answers = administration.answers
    locked.status = RequestStatus.COMPLETED
    locked.completed_at = timezone.now()
    locked.administration = administration
    locked.save(update_fields=["answers", "status", "completed_at", "administration"])
    return administration


@transaction.atomic
def record_client_viewed(*, client: Client, by: User, page: str) -> None:
    if page not in CLIENT_VIEWED_PAGES:
        raise ValueError(f"Unknown page {page!r}")
    record(
        action=Action.MEASURES_VIEWED,
        actor=by,
        actor_role="client",
        client=client,
        practice_id=client.practice_id,
        detail={"page": page},
    )


# --- Schedules ------------------------------------------------------------------------------------


@transaction.atomic
def add_schedule(
    *, client: Client, instrument: Instrument, rule: str, every_n: int | None, by: User
) -> MeasureSchedule:
    _require_clinical(by, client)
    if instrument.is_goal_based:
        raise ValidationError({"instrument": "Goal ratings are recorded with the client's goals."})
    rule = ScheduleRule(rule)
    if rule == ScheduleRule.EVERY_NTH:
        if every_n is None or every_n < 2:
            raise ValidationError({"every_n": "Choose how often: every 2nd session or more."})
    else:
        every_n = None
    duplicate = MeasureSchedule.objects.filter(
        client=client, instrument=instrument.id, rule=rule, every_n=every_n, ended_at__isnull=True
    ).exists()
    if duplicate:
        raise ValidationError("This schedule is already in place.")
    schedule = MeasureSchedule.objects.create(
        client=client, instrument=instrument.id, rule=rule, every_n=every_n, created_by=by
    )
    record(
        action=Action.MEASURE_SCHEDULE_ADDED,
        actor=by,
        target=schedule,
        client=client,
        detail={"instrument": instrument.id, "rule": str(rule), "every_n": every_n},
    )
    return schedule


@transaction.atomic
def end_schedule(*, schedule: MeasureSchedule, by: User) -> MeasureSchedule:
    _require_clinical(by, schedule.client)
    updated = MeasureSchedule.objects.filter(pk=schedule.pk, ended_at__isnull=True).update(
        ended_at=timezone.now(), ended_by=by
    )
    if not updated:
        raise ValidationError("This schedule has already ended.")
    record(
        action=Action.MEASURE_SCHEDULE_ENDED,
        actor=by,
        target=schedule,
        client=schedule.client,
        detail={"instrument": schedule.instrument, "rule": schedule.rule},
    )
    schedule.refresh_from_db(fields=["ended_at", "ended_by"])
    return schedule


# --- Progress charts shared with the client -------------------------------------------------------


@transaction.atomic
def share_chart(*, client: Client, instrument: Instrument, by: User) -> ChartShare:
    """Show the client their chart for one questionnaire, as it stands now.

    An earlier share of the same questionnaire is replaced, so the client sees one chart each.
    """
    _require_clinical(by, client)
    if _active_portal_account(client) is None:
        raise ValidationError(
            "This client has no active portal account, so there is nowhere to share it."
        )
    scores = Administration.objects.filter(client=client, instrument=instrument.id, valid=True)
    if not scores.exists():
        raise ValidationError("There are no scores to share yet.")
    now = timezone.now()
    replaced = ChartShare.objects.filter(
        client=client, instrument=instrument.id, withdrawn_at__isnull=True
    ).update(withdrawn_at=now, withdrawn_by=by)
    share = ChartShare.objects.create(
        client=client, instrument=instrument.id, shared_by=by, shared_at=now
    )
    record(
        action=Action.MEASURE_CHART_SHARED,
        actor=by,
        target=share,
        client=client,
        detail={"instrument": instrument.id, "replaced_earlier": bool(replaced)},
    )
    return share


@transaction.atomic
def withdraw_chart(*, share: ChartShare, by: User) -> ChartShare:
    _require_clinical(by, share.client)
    updated = ChartShare.objects.filter(pk=share.pk, withdrawn_at__isnull=True).update(
        withdrawn_at=timezone.now(), withdrawn_by=by
    )
    if not updated:
        raise ValidationError("This chart has already been withdrawn.")
    record(
        action=Action.MEASURE_CHART_WITHDRAWN,
        actor=by,
        target=share,
        client=share.client,
        detail={"instrument": share.instrument},
    )
    share.refresh_from_db(fields=["withdrawn_at", "withdrawn_by"])
    return share
