"""Every change to boundary events, the declared circle and dual-relationship checks.

Keyword-only arguments, an explicit actor (`by=`), one transaction, and the audit event inside
it. Audit details name fields, kinds and statuses — never what anyone typed, never a name from
the declared circle, and never what a check found.
"""

from __future__ import annotations

import datetime as dt
import json
import uuid
from collections.abc import Mapping
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone

from frame.accounts.models import User
from frame.audit.actions import record
from frame.audit.models import Action
from frame.boundaries import screening as checks
from frame.boundaries.access import clinical_membership
from frame.boundaries.models import (
    CIRCLE_FIELDS,
    EVENT_FIELDS,
    EVENT_TEXT_FIELDS,
    BoundaryEvent,
    BoundaryEventRevision,
    CircleEntry,
    Decision,
    Kind,
    Screening,
    ScreeningDecision,
    ScreeningMatch,
)
from frame.clients import lifecycle
from frame.clients.access import Section, may_see
from frame.clients.models import Client
from frame.notes.models import SessionNote

# Names of the pages that record a BOUNDARIES_VIEWED event (a fixed vocabulary).
VIEWED_PAGES = frozenset({"log", "event", "check"})
TRIGGERS = frozenset({"created", "details", "people", "care_team", "circle", "requested"})


def _require_clinical(by: User, client: Client) -> None:
    """Actions check access themselves: views are not the only callers."""
    if clinical_membership(by) is None or not may_see(by, client, Section.CLINICAL):
        raise PermissionDenied("Only the client's care team can do this.")


# --- Boundary events -------------------------------------------------------------------------


def _link_session(event: BoundaryEvent) -> bool:
    """Check the chosen session note is this client's; fill the date explored from it if empty.

    Returns whether the date was filled in. A note of another client (a crafted id) is refused
    with the same words as one that does not exist.
    """
    if event.explored_in_session_id is None:
        return False
    note = (
        SessionNote.objects.filter(pk=event.explored_in_session_id, client_id=event.client_id)
        .select_related("appointment")
        .only("id", "client_id", "appointment__id", "appointment__starts_at")
        .first()
    )
    if note is None:
        raise ValidationError(
            {"explored_in_session_id": "Please choose one of this client's sessions from the list."}
        )
    if event.explored_on is None:
        event.explored_on = timezone.localdate(note.appointment.starts_at)
        return True
    return False


def _check_event(event: BoundaryEvent) -> None:
    """The rules a form cannot see on its own: dates in order, gift details only for gifts."""
    errors: dict[str, str] = {}
    today = timezone.localdate()
    if not (event.what_happened or "").strip():
        errors["what_happened"] = "Please say briefly what happened."
    if event.occurred_on and event.occurred_on > today:
        errors["occurred_on"] = "The date it happened cannot be in the future."
    for name, label in (
        ("explored_on", "explored in session"),
        ("taken_to_supervision_on", "taken to supervision"),
    ):
        when: dt.date | None = getattr(event, name)
        if when is None:
            continue
        if when > today:
            errors[name] = f"The date it was {label} cannot be in the future."
        elif event.occurred_on and when < event.occurred_on:
            errors[name] = f"The date it was {label} cannot be before it happened."
    if event.kind != Kind.GIFT and (event.gift_outcome or event.gift_value_pounds is not None):
        errors["gift_outcome"] = (
            "Gift details are only for gifts: choose “Gift” as the kind, or clear them."
        )
    if event.explored_on is not None:
        event.to_explore = True  # explored implies it was to be explored
    if event.taken_to_supervision_on is not None:
        event.to_supervision = True
    if errors:
        raise ValidationError(errors)


@transaction.atomic
def record_event(
    *,
    client: Client,
    by: User,
    kind: str,
    occurred_on: dt.date,
    what_happened: str,
    response: str = "",
    gift_outcome: str = "",
    gift_value_pounds: int | None = None,
    to_explore: bool = True,
    explored_on: dt.date | None = None,
    explored_in_session_id: uuid.UUID | None = None,
    to_supervision: bool = False,
    taken_to_supervision_on: dt.date | None = None,
) -> BoundaryEvent:
    _require_clinical(by, client)
    event = BoundaryEvent(
        client=client,
        created_by=by,
        kind=kind,
        occurred_on=occurred_on,
        what_happened=what_happened,
        response=response,
        gift_outcome=gift_outcome,
        gift_value_pounds=gift_value_pounds,
        to_explore=to_explore,
        explored_on=explored_on,
        explored_in_session_id=explored_in_session_id,
        to_supervision=to_supervision,
        taken_to_supervision_on=taken_to_supervision_on,
    )
    _link_session(event)
    _check_event(event)
    event.full_clean()
    event.save(force_insert=True)
    record(
        action=Action.BOUNDARY_EVENT_RECORDED,
        actor=by,
        target=event,
        client=client,
        detail={
            "kind": event.kind,
            "fields": sorted(n for n in EVENT_FIELDS if getattr(event, n) not in ("", None)),
        },
    )
    return event


def _snapshot(event: BoundaryEvent) -> dict[str, Any]:
    previous: dict[str, Any] = {}
    for name in EVENT_FIELDS:
        if name in EVENT_TEXT_FIELDS:
            continue
        value = getattr(event, name)
        if isinstance(value, dt.date):
            value = value.isoformat()
        elif isinstance(value, uuid.UUID):
            value = str(value)
        previous[name] = value
    return previous


@transaction.atomic
def update_event(*, event: BoundaryEvent, by: User, changes: Mapping[str, Any]) -> list[str]:
    """Correct or follow up an event. The version before the edit is kept as a revision."""
    unknown = set(changes) - set(EVENT_FIELDS)
    if unknown:
        raise ValueError(f"Not editable boundary-event fields: {', '.join(sorted(unknown))}")
    _require_clinical(by, event.client)
    if event.in_error:
        raise ValidationError("This entry was marked as recorded in error and cannot be changed.")
    # Read it afresh inside the transaction, so the revision holds what was really stored.
    stored = BoundaryEvent.objects.select_for_update().get(pk=event.pk)
    changed = sorted(name for name, value in changes.items() if getattr(stored, name) != value)
    if not changed:
        return []
    revision = BoundaryEventRevision(
        event=stored,
        changed_fields=changed,
        previous=_snapshot(stored),
        previous_what_happened=stored.what_happened,
        previous_response=stored.response,
        revised_by=by,
    )
    explored_before = stored.explored_on
    for name in changed:
        setattr(stored, name, changes[name])
    if _link_session(stored):  # the date explored came from the session chosen
        filled = {*changed, "explored_on"} - (
            {"explored_on"} if stored.explored_on == explored_before else set()
        )
        changed = revision.changed_fields = sorted(filled)
        if not changed:
            return []
    _check_event(stored)
    stored.full_clean()
    stored.edited_at = timezone.now()
    # The implied flags (explored → to explore) may change too, so save every editable field.
    stored.save(update_fields=[*EVENT_FIELDS, "edited_at"])
    revision.save(force_insert=True)
    record(
        action=Action.BOUNDARY_EVENT_UPDATED,
        actor=by,
        target=stored,
        client=stored.client_id,
        detail={"fields": changed},
    )
    for name in EVENT_FIELDS:
        setattr(event, name, getattr(stored, name))
    event.edited_at = stored.edited_at
    return changed


@transaction.atomic
def mark_in_error(*, event: BoundaryEvent, by: User, reason: str) -> None:
    """Set an entry aside as recorded in error. It stays on record, with the reason, greyed out."""
    _require_clinical(by, event.client)
    if event.in_error:
        return
    if not reason.strip():
        raise ValidationError({"reason": "Please say why this entry was recorded in error."})
    event.recorded_in_error_at = timezone.now()
    event.recorded_in_error_by = by
    event.error_reason = reason
    event.save(update_fields=["recorded_in_error_at", "recorded_in_error_by", "error_reason"])
    record(
        action=Action.BOUNDARY_EVENT_IN_ERROR,
        actor=by,
        target=event,
        client=event.client_id,
        detail={"kind": event.kind},
    )


# --- The declared circle ---------------------------------------------------------------------


def _require_keeper(by: User) -> None:
    if clinical_membership(by) is None:
        raise PermissionDenied("Only practitioners keep a declared circle.")


def _check_entry(entry: CircleEntry) -> None:
    for name in CIRCLE_FIELDS:
        setattr(entry, name, (getattr(entry, name) or "").strip())
    if not entry.name and not entry.organisation:
        raise ValidationError({"name": "Please give a name, an organisation, or both."})
    too_long = {
        name: f"Please keep this to {limit} characters or fewer."
        for name, limit in CIRCLE_LIMITS.items()
        if len(getattr(entry, name)) > limit
    }
    if too_long:
        raise ValidationError(too_long)


CIRCLE_LIMITS = {"name": 150, "relationship": 80, "organisation": 150, "town": 80}


@transaction.atomic
def add_circle_entry(
    *, by: User, name: str = "", relationship: str = "", organisation: str = "", town: str = ""
) -> CircleEntry:
    _require_keeper(by)
    entry = CircleEntry(
        owner=by, name=name, relationship=relationship, organisation=organisation, town=town
    )
    _check_entry(entry)
    entry.save(force_insert=True)
    record(
        action=Action.CIRCLE_ENTRY_ADDED,
        actor=by,
        target=entry,
        detail={"fields": [n for n in CIRCLE_FIELDS if getattr(entry, n)]},
    )
    rescreen_open_enquiries(practitioner=by, by=by)
    return entry


@transaction.atomic
def update_circle_entry(*, entry: CircleEntry, by: User, changes: Mapping[str, Any]) -> list[str]:
    unknown = set(changes) - set(CIRCLE_FIELDS)
    if unknown:
        raise ValueError(f"Not editable circle fields: {', '.join(sorted(unknown))}")
    _require_keeper(by)
    if entry.owner_id != by.pk:
        raise PermissionDenied("A declared circle can only be changed by its practitioner.")
    before = {name: getattr(entry, name) for name in CIRCLE_FIELDS}
    for name, value in changes.items():
        setattr(entry, name, value)
    try:
        _check_entry(entry)
    except ValidationError:
        for name, value in before.items():
            setattr(entry, name, value)
        raise
    changed = sorted(name for name in CIRCLE_FIELDS if getattr(entry, name) != before[name])
    if not changed:
        return []
    entry.updated_at = timezone.now()
    entry.save(update_fields=[*CIRCLE_FIELDS, "updated_at"])
    record(action=Action.CIRCLE_ENTRY_UPDATED, actor=by, target=entry, detail={"fields": changed})
    rescreen_open_enquiries(practitioner=by, by=by)
    return changed


@transaction.atomic
def remove_circle_entry(*, entry: CircleEntry, by: User) -> None:
    """Delete an entry. Past checks keep what they found, for the decisions made on them."""
    _require_keeper(by)
    if entry.owner_id != by.pk:
        raise PermissionDenied("A declared circle can only be changed by its practitioner.")
    record(action=Action.CIRCLE_ENTRY_REMOVED, actor=by, target=entry, detail={})
    entry.delete()
    rescreen_open_enquiries(practitioner=by, by=by)


# --- Dual-relationship checks ----------------------------------------------------------------


def _store(
    *, client: Client, practitioner: User, outcome: checks.Outcome, by: User, trigger: str
) -> Screening:
    latest = (
        Screening.objects.filter(client=client, practitioner=practitioner)
        .order_by("-created_at", "-id")
        .first()
    )
    now = timezone.now()
    if latest is not None and latest.fingerprint == outcome.fingerprint:
        latest.checked_at = now
        latest.save(update_fields=["checked_at"])
        run = latest
    else:
        run = Screening.objects.create(
            client=client,
            practitioner=practitioner,
            fingerprint=outcome.fingerprint,
            match_count=outcome.total,
            created_at=now,
            checked_at=now,
        )
        ScreeningMatch.objects.bulk_create(
            [
                ScreeningMatch(
                    screening=run,
                    position=position,
                    enquiry_part=found.enquiry_part,
                    field=found.field,
                    how=found.how,
                    target=found.target,
                    target_client_id=found.target_client_id,
                    circle_entry_id=found.circle_entry_id,
                    shown=json.dumps(found.shown, sort_keys=True),
                )
                for position, found in enumerate(outcome.found)
            ]
        )
    record(
        action=Action.DUAL_CHECK_RUN,
        actor=by,
        target=run,
        client=client,
        detail={"trigger": trigger, "for": practitioner.pk},
    )
    return run


@transaction.atomic
def screen_enquiry(
    *, client: Client, by: User, trigger: str, only_new: bool = False
) -> list[Screening]:
    """Check `client` for each practitioner on its care team (or only those not yet checked)."""
    if trigger not in TRIGGERS:
        raise ValueError(f"Unknown reason for a check: {trigger}")
    practitioners = checks.practitioners_to_screen(client)
    if only_new:
        done = set(
            Screening.objects.filter(client=client).values_list("practitioner_id", flat=True)
        )
        practitioners = [p for p in practitioners if p.pk not in done]
    if not practitioners:
        return []
    practice = checks.PracticeRecords.load(client.practice_id)
    return [
        _store(
            client=client,
            practitioner=practitioner,
            outcome=checks.check(client, practitioner, practice),
            by=by,
            trigger=trigger,
        )
        for practitioner in practitioners
    ]


@transaction.atomic
def run_check_now(*, client: Client, by: User) -> Screening:
    """The practitioner asks for their own check again (after updating their circle, say)."""
    _require_clinical(by, client)
    practice = checks.PracticeRecords.load(client.practice_id)
    outcome = checks.check(client, by, practice)
    return _store(client=client, practitioner=by, outcome=outcome, by=by, trigger="requested")


def rescreen_open_enquiries(*, practitioner: User, by: User) -> None:
    """After a change to their circle, check the practitioner's enquiries again (one load)."""
    membership = clinical_membership(practitioner)
    if membership is None:
        return
    enquiries = list(
        Client.objects.filter(
            practice_id=membership.practice_id,
            care_team__user=practitioner,
            status=lifecycle.ENQUIRY,
        )
    )
    if not enquiries:
        return
    practice = checks.PracticeRecords.load(membership.practice_id)
    for client in enquiries:
        outcome = checks.check(client, practitioner, practice)
        _store(client=client, practitioner=practitioner, outcome=outcome, by=by, trigger="circle")


@transaction.atomic
def record_decision(
    *, screening: Screening, by: User, decision: str, reason: str
) -> ScreeningDecision:
    """The practitioner's decision on what their latest check found, with their reason."""
    if screening.practitioner_id != by.pk:
        raise PermissionDenied("Only the practitioner whose check this is can decide on it.")
    client = Client.objects.get(pk=screening.client_id)
    _require_clinical(by, client)
    latest = (
        Screening.objects.filter(client_id=screening.client_id, practitioner=by)
        .order_by("-created_at", "-id")
        .values_list("pk", flat=True)
        .first()
    )
    if latest != screening.pk:
        raise ValidationError(
            "The check has found something different since you opened it. "
            "Please look at the latest results before deciding."
        )
    errors = {}
    if decision not in Decision.values:
        errors["decision"] = "Please choose one of the options listed."
    if not reason.strip():
        errors["reason"] = "Please give your reason, in a sentence or two."
    if errors:
        raise ValidationError(errors)
    made = ScreeningDecision.objects.create(
        screening=screening, decision=decision, reason=reason, decided_by=by
    )
    record(
        action=Action.DUAL_CHECK_DECIDED,
        actor=by,
        target=made,
        client=screening.client_id,
        detail={"fields": ["decision", "reason"]},
    )
    return made


# --- Reads worth recording -------------------------------------------------------------------


@transaction.atomic
def record_viewed(*, client: Client, by: User, page: str) -> None:
    if page not in VIEWED_PAGES:
        raise ValueError(f"Unknown page name for the audit trail: {page}")
    record(
        action=Action.BOUNDARIES_VIEWED,
        actor=by,
        target=client,
        client=client,
        detail={"page": page},
    )
