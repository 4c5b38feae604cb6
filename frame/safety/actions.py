"""Every write the safety app makes happens here, each with its audit event in one transaction.

Audit details carry ids, sources, version numbers and levels: never a reason, an action taken or
any other typed text.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone

from frame.accounts.models import Practice, User
from frame.audit.actions import record
from frame.audit.models import Action
from frame.clients.access import Section, may_see
from frame.clients.models import Client
from frame.safety.models import (
    ANSWER_FIELDS,
    TEXT_FIELDS,
    Answer,
    CurrentAssessment,
    FlagSource,
    Level,
    RiskAssessment,
    RiskAssessmentVersion,
    RiskFlag,
    SafetySettings,
)

# The pages that record a SAFETY_VIEWED event (a fixed vocabulary, never free text).
VIEWED_PAGES = frozenset({"client", "flag", "assessment", "version", "caseload"})
MAX_TEXT = 10_000
MEASURE_ALERT_TYPE = "measures.riskalert"
NOTE_TYPE = "notes.sessionnote"


def _require_clinical(by: Any, client: Client) -> None:
    """Actions check access themselves too: signals, commands and other apps call them."""
    if not may_see(by, client, Section.CLINICAL):
        raise PermissionDenied("Only the client's care team can see or record risk.")


def _clean_text(value: str, field: str, *, required: str = "") -> str:
    value = (value or "").strip()
    if required and not value:
        raise ValidationError({field: required})
    if len(value) > MAX_TEXT:
        raise ValidationError({field: f"Keep this to {MAX_TEXT:,} characters or fewer."})
    return value


def _number(value: Any) -> str:
    """2 rather than 2.00: answers are shown as the questionnaire gives them."""
    if isinstance(value, Decimal):
        return format(value.normalize(), "f")
    return str(value)


# --- Raising flags --------------------------------------------------------------------------------


def _measure_summary(alert: Any, detail: dict[str, Any]) -> str:
    from frame.measures import definitions  # measures is optional to this module's callers

    instrument_id = detail.get("instrument") or alert.administration.instrument
    try:
        title = definitions.get(instrument_id).short_title
    except Exception:  # an instrument retired since: its id still says what it was
        title = instrument_id
    value = detail.get("value", alert.value)
    return f"{title} item {detail.get('item', alert.item)} answered {_number(value)}"


def _note_summary(note: Any) -> str:
    when = timezone.localtime(note.appointment.starts_at).date()
    return f"Risk noted in the session note of {when.day} {when:%B %Y}"


@transaction.atomic
def raise_flag_for_record(
    *, client: Client, by: User, source: str, record_obj: Any, detail: dict[str, Any]
) -> RiskFlag:
    """A flag for a questionnaire risk alert or a session note signed with risk noted.

    Called (through the `risk_indicated` receiver) inside the transaction that stored the record,
    so the flag is kept or lost with it. One flag per record: raising twice returns the first.
    """
    if source == FlagSource.MEASURE:
        source_type, summary = MEASURE_ALERT_TYPE, _measure_summary(record_obj, detail)
    elif source == FlagSource.NOTE:
        source_type, summary = NOTE_TYPE, _note_summary(record_obj)
    else:
        raise ValueError(f"Unknown risk source {source!r}")
    existing = RiskFlag.objects.filter(source_type=source_type, source_id=record_obj.pk).first()
    if existing is not None:
        return existing
    flag = RiskFlag.objects.create(
        client=client,
        source=source,
        source_type=source_type,
        source_id=record_obj.pk,
        summary=summary[:200],
        raised_by=by,
    )
    record(
        action=Action.RISK_FLAG_RAISED,
        actor=by,
        # Clients answering in the portal have no staff role: say so, and name the practice.
        actor_role=by.role_name or "client",
        target=flag,
        client=client,
        practice_id=client.practice_id,
        detail={"source": source, "source_id": str(record_obj.pk)},
    )
    return flag


@transaction.atomic
def raise_flag(*, client: Client, reason: str, by: User, to_supervision: bool = False) -> RiskFlag:
    """A flag raised by hand, with the practitioner's reason (kept encrypted)."""
    _require_clinical(by, client)
    reason = _clean_text(reason, "reason", required="Say briefly why you are raising this flag.")
    flag = RiskFlag.objects.create(
        client=client,
        source=FlagSource.MANUAL,
        summary="Raised by hand",
        reason=reason,
        raised_by=by,
        to_supervision=to_supervision,
    )
    record(
        action=Action.RISK_FLAG_RAISED,
        actor=by,
        target=flag,
        client=client,
        detail={"source": str(FlagSource.MANUAL), "to_supervision": to_supervision},
    )
    return flag


# --- Acknowledging and supervision ----------------------------------------------------------------


@transaction.atomic
def acknowledge_flag(*, flag: RiskFlag, action_taken: str, by: User) -> RiskFlag:
    """Close a flag with what the practitioner did. The flag stays, marked acknowledged.

    A flag raised by a questionnaire also acknowledges the measures alert behind it, in this same
    transaction, so there is one place to act.
    """
    client = flag.client
    _require_clinical(by, client)
    action_taken = _clean_text(
        action_taken, "action_taken", required="Write what you did or decided."
    )
    # Lock the row: two people acknowledging at once must not both succeed.
    locked = RiskFlag.objects.select_for_update().get(pk=flag.pk)
    if locked.acknowledged_at is not None:
        raise ValidationError("This flag has already been acknowledged.")
    locked.acknowledged_at = timezone.now()
    locked.acknowledged_by = by
    locked.action_taken = action_taken
    locked.save(update_fields=["acknowledged_at", "acknowledged_by", "action_taken"])
    record(
        action=Action.RISK_FLAG_ACKNOWLEDGED,
        actor=by,
        target=locked,
        client=client,
        detail={"source": locked.source},
    )
    if locked.source_type == MEASURE_ALERT_TYPE:
        _acknowledge_measure_alert(locked, action_taken, by)
    locked.client = client
    return locked


def _acknowledge_measure_alert(flag: RiskFlag, note: str, by: User) -> None:
    from frame.measures.actions import acknowledge_alert
    from frame.measures.models import RiskAlert

    if flag.source_id is None:  # the model's constraint rules this out for measure flags
        return
    alert = RiskAlert.objects.select_related("client", "administration").get(pk=flag.source_id)
    if alert.acknowledged_at is None:  # it may have been acknowledged on the older page
        acknowledge_alert(alert=alert, note=note, by=by)


@transaction.atomic
def set_supervision(
    *, flag: RiskFlag, to_supervision: bool, taken_on: dt.date | None, by: User
) -> RiskFlag:
    """Mark a flag to take to supervision, and when it was taken. Works on closed flags too."""
    client = flag.client
    _require_clinical(by, client)
    if taken_on is not None:
        if taken_on > timezone.localdate():
            raise ValidationError({"taken_on": "The date cannot be in the future."})
        to_supervision = True
    locked = RiskFlag.objects.select_for_update().get(pk=flag.pk)
    locked.to_supervision = to_supervision
    locked.taken_to_supervision_on = taken_on
    locked.save(update_fields=["to_supervision", "taken_to_supervision_on"])
    record(
        action=Action.RISK_FLAG_SUPERVISION_CHANGED,
        actor=by,
        target=locked,
        client=client,
        detail={"to_supervision": to_supervision, "taken": taken_on is not None},
    )
    locked.client = client
    return locked


# --- Risk assessments -----------------------------------------------------------------------------


def _clean_assessment(data: dict[str, Any]) -> dict[str, Any]:
    errors: dict[str, str] = {}
    cleaned: dict[str, Any] = {}
    for name in ANSWER_FIELDS:
        value = data.get(name) or Answer.UNKNOWN
        if value not in Answer.values:
            errors[name] = "Choose yes, no or not known."
        cleaned[name] = value
    for name in TEXT_FIELDS:
        value = (data.get(name) or "").strip()
        if len(value) > MAX_TEXT:
            errors[name] = f"Keep this to {MAX_TEXT:,} characters or fewer."
        cleaned[name] = value
    if not cleaned["judgement"]:
        errors["judgement"] = "Write your overall judgement in your own words."
    level = data.get("level")
    if level not in Level.values:
        errors["level"] = "Choose the level that matches your judgement."
    cleaned["level"] = level
    needed = data.get("safety_plan_needed")
    if needed not in (True, False):
        errors["safety_plan_needed"] = "Say whether a safety plan is needed."
    cleaned["safety_plan_needed"] = needed
    review_on = data.get("review_on")
    if not isinstance(review_on, dt.date):
        errors["review_on"] = "Enter the date you will review this assessment."
    cleaned["review_on"] = review_on
    if errors:
        raise ValidationError(errors)
    return cleaned


@transaction.atomic
def save_assessment(
    *,
    client: Client,
    data: dict[str, Any],
    by: User,
    assessment: RiskAssessment | None = None,
    flag: RiskFlag | None = None,
) -> RiskAssessmentVersion:
    """Save a risk assessment as a new version; earlier versions are kept unchanged.

    With no `assessment`, a new one is started (optionally linked to the flag that prompted it).
    """
    _require_clinical(by, client)
    cleaned = _clean_assessment(data)
    if assessment is None:
        if flag is not None and flag.client_id != client.pk:
            raise ValidationError("That flag belongs to another client.")
        assessment = RiskAssessment.objects.create(client=client, flag=flag, created_by=by)
    elif assessment.client_id != client.pk:
        raise ValidationError("That assessment belongs to another client.")
    # Lock the assessment so two saves at once number their versions one after the other.
    locked = RiskAssessment.objects.select_for_update().get(pk=assessment.pk)
    number = locked.version_count + 1
    version = RiskAssessmentVersion.objects.create(
        assessment=locked, client=client, number=number, saved_by=by, **cleaned
    )
    locked.version_count = number
    locked.save(update_fields=["version_count"])
    CurrentAssessment.objects.update_or_create(
        client=client,
        defaults={
            "assessment": locked,
            "version": version,
            "review_on": version.review_on,
            "saved_at": version.saved_at,
        },
    )
    record(
        action=Action.RISK_ASSESSMENT_SAVED,
        actor=by,
        target=version,
        client=client,
        detail={
            "assessment": str(locked.pk),
            "version": number,
            "level": cleaned["level"],
            "safety_plan_needed": cleaned["safety_plan_needed"],
        },
    )
    locked.client = client
    version.assessment = locked
    return version


# --- Settings and views ---------------------------------------------------------------------------


@transaction.atomic
def update_settings(*, practice: Practice, reminder_hours: int, by: User) -> SafetySettings:
    membership = by.active_membership
    if membership is None or not membership.is_owner or membership.practice_id != practice.pk:
        raise PermissionDenied("Only the practice's owner can change safety settings.")
    if not 1 <= reminder_hours <= 168:
        raise ValidationError({"reminder_hours": "Choose between 1 and 168 hours (a week)."})
    stored, _ = SafetySettings.objects.select_for_update().update_or_create(
        practice=practice,
        defaults={"reminder_hours": reminder_hours, "updated_at": timezone.now(), "updated_by": by},
    )
    record(
        action=Action.SAFETY_SETTINGS_CHANGED,
        actor=by,
        target=stored,
        practice_id=practice.pk,
        detail={"reminder_hours": reminder_hours},
    )
    return stored


@transaction.atomic
def record_viewed(*, by: User, page: str, client: Client | None = None) -> None:
    if page not in VIEWED_PAGES:
        raise ValueError(f"Unknown page {page!r}")
    record(action=Action.SAFETY_VIEWED, actor=by, client=client, detail={"page": page})
