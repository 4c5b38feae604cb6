"""Every write to the journal and the CPD record, each with its audit event in one transaction.

Audit details name things (ids, a kind, which fields changed), never a word of what was written.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal, InvalidOperation
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone

from frame.audit.actions import record
from frame.audit.models import Action
from frame.clients.access import Section, may_see
from frame.clients.models import Client
from frame.development import years
from frame.development.access import clinical_membership
from frame.development.models import MAX_HOURS, CpdActivity, CpdKind, CpdYear, JournalEntry

MAX_JOURNAL = 20_000
MAX_CPD_TEXT = 5_000
MAX_ACTIVITY = 200
EXPORT_FORMATS = frozenset({"csv", "pdf"})


def _require_practitioner(by: Any) -> None:
    if clinical_membership(by) is None:
        raise PermissionDenied("Only practitioners keep a journal and a CPD record.")


# --- The reflective journal ----------------------------------------------------------------------


@transaction.atomic
def save_journal_entry(
    *,
    by: Any,
    text: str,
    written_on: dt.date,
    client: Client | None = None,
    entry: JournalEntry | None = None,
) -> JournalEntry:
    _require_practitioner(by)
    text = text.strip()
    if not text:
        raise ValidationError({"text": "Write something before saving."})
    if len(text) > MAX_JOURNAL:
        raise ValidationError({"text": f"Keep an entry under {MAX_JOURNAL:,} characters."})
    if written_on > timezone.localdate():
        raise ValidationError({"written_on": "The date cannot be in the future."})
    kept_tag = entry is not None and client is not None and entry.client_id == client.pk
    if client is not None and not kept_tag and not may_see(by, client, Section.CLINICAL):
        raise ValidationError({"case_code": "Tag only clients whose care team you are on."})
    tag_changed = entry is not None and entry.client_id != (client.pk if client else None)
    if entry is None:
        entry = JournalEntry(author=by)
        action = "written"
    elif entry.author_id != by.pk:
        raise PermissionDenied("A journal is its author's alone.")
    else:
        action = "edited"
    entry.text = text
    entry.written_on = written_on
    entry.client = client
    entry.updated_at = timezone.now()
    entry.save()
    record(
        action=Action.JOURNAL_ENTRY_SAVED,
        actor=by,
        target=entry,
        client=client,
        detail={"how": action, "tagged": client is not None, "tag_changed": tag_changed},
    )
    return entry


def record_journal_viewed(*, by: Any, entry: JournalEntry | None = None) -> None:
    client_id = entry.client_id if entry is not None else None
    record(action=Action.JOURNAL_VIEWED, actor=by, target=entry, client=client_id)


def record_review_list_viewed(*, by: Any, client: Client) -> None:
    record(action=Action.JOURNAL_SAR_LIST_VIEWED, actor=by, client=client)


# --- The CPD record -------------------------------------------------------------------------------

CPD_FIELDS = ("activity", "done_on", "hours", "kind", "learnt", "impact")


def cpd_problems(
    *,
    activity: str,
    done_on: dt.date | None,
    hours: Decimal | None,
    kind: str,
    learnt: str,
    impact: str,
) -> dict[str, str]:
    found: dict[str, str] = {}
    if not activity.strip():
        found["activity"] = "Name the activity, for example the course or the book."
    elif len(activity) > MAX_ACTIVITY:
        found["activity"] = f"Keep the name under {MAX_ACTIVITY} characters."
    if done_on is None:
        found["done_on"] = "Give the date of the activity."
    elif done_on > timezone.localdate():
        found["done_on"] = "Record an activity once it has happened: the date is in the future."
    if hours is None:
        found["hours"] = "Give the hours, for example 1.5."
    elif hours <= 0:
        found["hours"] = "The hours must be more than 0."
    elif hours > MAX_HOURS:
        found["hours"] = (
            f"That is more than {MAX_HOURS} hours for one activity: record a long course "
            "as one entry per module or term."
        )
    elif hours != hours.quantize(Decimal("0.01")):
        found["hours"] = "Give the hours to at most two decimal places, for example 1.25."
    if kind not in CpdKind.values:
        found["kind"] = "Choose what kind of activity it was."
    if not learnt.strip():
        found["learnt"] = "Say what you learnt, in a sentence or two."
    for name, value in (("learnt", learnt), ("impact", impact)):
        if len(value) > MAX_CPD_TEXT and name not in found:
            found[name] = f"Keep this under {MAX_CPD_TEXT:,} characters."
    return found


@transaction.atomic
def save_cpd_activity(
    *, by: Any, values: dict[str, Any], activity: CpdActivity | None = None
) -> CpdActivity:
    """Record an activity, or change one (CPD is not a clinical record: edits are allowed)."""
    _require_practitioner(by)
    cleaned: dict[str, Any] = {name: values.get(name) for name in CPD_FIELDS}
    for name in ("activity", "kind", "learnt", "impact"):
        cleaned[name] = (cleaned[name] or "").strip()
    hours = cleaned["hours"]
    if hours is not None and not isinstance(hours, Decimal):
        try:  # a command or an import may pass text or a number
            cleaned["hours"] = Decimal(str(hours))
        except InvalidOperation:
            raise ValidationError(
                {"hours": "Give the hours as a number, for example 1.5."}
            ) from None
    found = cpd_problems(**cleaned)
    if found:
        raise ValidationError(found)
    if activity is None:
        activity = CpdActivity(practitioner=by)
        changed = list(CPD_FIELDS)
        action = Action.CPD_RECORDED
    elif activity.practitioner_id != by.pk:
        raise PermissionDenied("A CPD record is its practitioner's alone.")
    else:
        changed = [name for name in CPD_FIELDS if getattr(activity, name) != cleaned[name]]
        if not changed:
            return activity
        action = Action.CPD_UPDATED
    for name, value in cleaned.items():
        setattr(activity, name, value)
    activity.updated_at = timezone.now()
    activity.save()
    record(
        action=action,
        actor=by,
        target=activity,
        detail={"kind": activity.kind, "changed": sorted(changed)},
    )
    return activity


def year_start_for(user: Any) -> years.YearStart:
    found = (
        CpdYear.objects.filter(practitioner=user).values_list("start_month", "start_day").first()
    )
    return years.YearStart(*found) if found else years.YearStart()


@transaction.atomic
def set_year_start(*, by: Any, month: int, day: int) -> years.YearStart:
    _require_practitioner(by)
    try:
        start = years.YearStart(month=month, day=day)
    except ValueError as error:
        raise ValidationError({"start_day": str(error)}) from None
    CpdYear.objects.update_or_create(
        practitioner=by,
        defaults={"start_month": month, "start_day": day, "changed_at": timezone.now()},
    )
    record(
        action=Action.CPD_YEAR_START_SET,
        actor=by,
        detail={"month": month, "day": day},
    )
    return start


def record_exported(*, by: Any, year: int, how: str) -> None:
    if how not in EXPORT_FORMATS:
        raise ValueError(f"Unknown export format: {how}")
    record(action=Action.CPD_EXPORTED, actor=by, detail={"year": year, "format": how})
