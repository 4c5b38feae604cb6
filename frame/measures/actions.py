"""Every write the measures app makes happens here, each with its audit event in one transaction.

Audit details carry instrument ids, item numbers and counts: never wording a practice imported,
never an answer, never a note.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone

from frame.accounts.models import Practice, User
from frame.audit.actions import record
from frame.audit.models import Action
from frame.clients.access import Section, may_see
from frame.clients.models import Client
from frame.clients.signals import risk_indicated
from frame.measures import scoring
from frame.measures.definitions import Instrument
from frame.measures.models import Administration, ImportedWording, Mode, RiskAlert
from frame.measures.wording import Wording

# The pages that record a MEASURES_VIEWED event (a fixed vocabulary, never free text).
VIEWED_PAGES = frozenset({"list", "administration", "alert"})
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
    locked.client = alert.client
    locked.administration = alert.administration
    return locked


@transaction.atomic
def record_viewed(*, client: Client, by: User, page: str) -> None:
    if page not in VIEWED_PAGES:
        raise ValueError(f"Unknown page {page!r}")
    record(action=Action.MEASURES_VIEWED, actor=by, client=client, detail={"page": page})
