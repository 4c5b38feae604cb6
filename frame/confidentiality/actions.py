"""Every write to the confidentiality register, each with its audit event in one transaction.

Audit details name things (the decision, the entry corrected), never a word of what was written.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field, fields
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone

from frame.audit.actions import record
from frame.audit.models import Action
from frame.clients.access import Section, may_see
from frame.clients.models import Client
from frame.confidentiality.models import (
    SHARING,
    Article6,
    Article9,
    AtRisk,
    Basis,
    ClientTold,
    Consulted,
    Decision,
    FollowUp,
    RegisterEntry,
    SharedHow,
)

MAX_TEXT = 10_000
VIEWED_PAGES = frozenset({"register", "entry", "correct", "practice"})


@dataclass
class EntryData:
    """What a practitioner records about one decision (clinical-domain.md §6.3)."""

    concern_arose_on: dt.date | None = None
    concern: str = ""
    facts: str = ""
    at_risk: list[str] = field(default_factory=list)
    at_risk_detail: str = ""
    basis: list[str] = field(default_factory=list)
    basis_detail: str = ""
    article_6: str = ""
    article_9: str = ""
    consulted: list[str] = field(default_factory=list)
    advice: str = ""
    client_told: str = ""
    client_told_detail: str = ""
    decision: str = ""
    decided_on: dt.date | None = None
    reasons: str = ""
    what_shared: str = ""
    shared_with: str = ""
    shared_how: str = ""
    shared_on: dt.date | None = None
    shared_time: dt.time | None = None
    reference_numbers: str = ""
    follow_up: str = ""
    review_on: dt.date | None = None

    @classmethod
    def from_entry(cls, entry: RegisterEntry) -> EntryData:
        return cls(**{f.name: getattr(entry, f.name) for f in fields(cls)})

    def as_dict(self) -> dict[str, Any]:
        return {f.name: getattr(self, f.name) for f in fields(self)}


# Free text (encrypted in the model); the rest are dates and choices.
TEXT_FIELDS = (
    "concern",
    "facts",
    "at_risk_detail",
    "basis_detail",
    "advice",
    "client_told_detail",
    "reasons",
    "what_shared",
    "shared_with",
    "reference_numbers",
    "follow_up",
)
SHARE_FIELDS = ("what_shared", "shared_with", "shared_how", "shared_on")


def problems(data: EntryData) -> dict[str, str]:
    """What is missing or wrong, by field, in plain words. Empty when the entry can be saved."""
    found: dict[str, str] = {}
    today = timezone.localdate()
    for name in TEXT_FIELDS:
        if len(getattr(data, name)) > MAX_TEXT:
            found[name] = f"Keep this under {MAX_TEXT:,} characters, or summarise and refer."
    if not data.concern.strip():
        found["concern"] = "Describe the concern: what was said or seen that raised the question."
    if data.concern_arose_on is None:
        found["concern_arose_on"] = "Give the date the concern arose."
    elif data.concern_arose_on > today:
        found["concern_arose_on"] = "The date the concern arose cannot be in the future."
    if set(data.at_risk) - set(AtRisk.values):
        found["at_risk"] = "Choose from the options listed."
    if not data.basis:
        found["basis"] = "Choose the basis you considered: at least one."
    elif set(data.basis) - set(Basis.values):
        found["basis"] = "Choose from the options listed."
    elif Basis.OTHER in data.basis and not data.basis_detail.strip():
        found["basis_detail"] = "You chose “Other”: say which basis you considered."
    if set(data.consulted) - set(Consulted.values):
        found["consulted"] = "Choose from the options listed."
    if data.client_told not in ClientTold.values:
        found["client_told"] = "Say whether the client was told: before, afterwards, or not."
    elif data.client_told == ClientTold.NOT_TOLD and not data.client_told_detail.strip():
        found["client_told_detail"] = (
            "Say why the client was not told, for example that telling them would have "
            "increased the risk or amounted to tipping off."
        )
    if data.decision not in Decision.values:
        found["decision"] = "Choose the decision: share, share part of it, or not share."
    if data.decided_on is None:
        found["decided_on"] = "Give the date of the decision."
    elif data.decided_on > today:
        found["decided_on"] = "The date of the decision cannot be in the future."
    elif data.concern_arose_on is not None and data.decided_on < data.concern_arose_on:
        found["decided_on"] = "The decision cannot come before the concern arose."
    if not data.reasons.strip():
        found["reasons"] = (
            "Give the reasons for the decision. A decision not to share needs its reasons too."
        )
    if data.article_6 and data.article_6 not in Article6.values:
        found["article_6"] = "Choose from the options listed."
    if data.article_9 and data.article_9 not in Article9.values:
        found["article_9"] = "Choose from the options listed."
    if data.shared_how and data.shared_how not in SharedHow.values:
        found["shared_how"] = "Choose from the options listed."
    if data.decision in SHARING:
        _check_sharing(data, found, today)
    elif data.decision == Decision.NOT_SHARE:
        filled = [name for name in SHARE_FIELDS if getattr(data, name)]
        if filled or data.reference_numbers.strip() or data.shared_time is not None:
            found["what_shared"] = (
                "You decided not to share, so leave the details of what was shared empty "
                "(or change the decision)."
            )
    if (
        data.review_on is not None
        and data.decided_on is not None
        and data.review_on < data.decided_on
    ):
        found["review_on"] = "The review date cannot come before the decision."
    return found


def _check_sharing(data: EntryData, found: dict[str, str], today: dt.date) -> None:
    if not data.what_shared.strip():
        found["what_shared"] = "Say exactly what was shared."
    if not data.shared_with.strip():
        found["shared_with"] = "Say who it was shared with: the agency and the person."
    if not data.shared_how:
        found.setdefault("shared_how", "Say how it was shared.")
    if data.shared_on is None:
        found["shared_on"] = "Give the date it was shared."
    elif data.shared_on > today:
        found["shared_on"] = "The date it was shared cannot be in the future."
    if not data.article_6:
        found.setdefault("article_6", "Choose the UK GDPR Article 6 basis the sharing relied on.")
    if not data.article_9:
        found.setdefault(
            "article_9", "Choose the Article 9 condition for sharing health information."
        )


def _require_author(by: Any, client: Client) -> None:
    """Only someone on the client's care team records decisions about the client."""
    if not may_see(by, client, Section.CLINICAL):
        raise PermissionDenied("Only the client's care team can record in the register.")


def _clean(data: EntryData) -> EntryData:
    cleaned = EntryData(**data.as_dict())
    for name in TEXT_FIELDS:
        setattr(cleaned, name, getattr(cleaned, name).strip())
    cleaned.at_risk = sorted(set(cleaned.at_risk))
    cleaned.basis = [b for b in Basis.values if b in set(cleaned.basis)]
    cleaned.consulted = [c for c in Consulted.values if c in set(cleaned.consulted)]
    return cleaned


@transaction.atomic
def record_entry(
    *, client: Client, by: Any, data: EntryData, corrects: RegisterEntry | None = None
) -> RegisterEntry:
    """Write one entry. With `corrects`, the new entry replaces that one (which stays, linked)."""
    _require_author(by, client)
    found = problems(data)
    if found:
        raise ValidationError(found)
    if corrects is not None:
        _check_correctable(corrects, client=client, by=by)
    entry = RegisterEntry(client=client, author=by, corrects=corrects, **_clean(data).as_dict())
    try:
        with transaction.atomic():
            entry.save()
    except IntegrityError:
        # Someone else corrected the same entry a moment ago (corrects is unique).
        raise ValidationError(
            "This entry has just been corrected by someone else: open the latest one."
        ) from None
    detail: dict[str, Any] = {"decision": entry.decision}
    if corrects is not None:
        detail["corrects"] = str(corrects.pk)
    record(
        action=Action.REGISTER_ENTRY_CORRECTED if corrects else Action.REGISTER_ENTRY_RECORDED,
        actor=by,
        target=entry,
        client=client,
        detail=detail,
    )
    return entry


def _check_correctable(old: RegisterEntry, *, client: Client, by: Any) -> None:
    if old.client_id != client.pk:
        raise PermissionDenied("A correction belongs to the same client as the entry it corrects.")
    membership = getattr(by, "active_membership", None)
    if old.author_id != by.pk and not (membership is not None and membership.is_owner):
        raise PermissionDenied("Only the author or the practice owner can correct an entry.")
    if RegisterEntry.objects.filter(corrects=old).exists():
        raise ValidationError("This entry has already been corrected: correct the latest one.")


@transaction.atomic
def add_follow_up(
    *, entry: RegisterEntry, by: Any, text: str, next_review_on: dt.date | None
) -> FollowUp:
    """What happened next. The entry stays as written; its review date moves to the new one."""
    client = entry.client
    _require_author(by, client)
    membership = getattr(by, "active_membership", None)
    if entry.author_id != by.pk and not (membership is not None and membership.is_owner):
        raise PermissionDenied("Only the author or the practice owner can follow an entry up.")
    if RegisterEntry.objects.filter(corrects=entry).exists():
        raise ValidationError("This entry has been corrected: add the follow-up to the correction.")
    text = text.strip()
    found: dict[str, str] = {}
    if not text:
        found["text"] = "Say what happened next: the outcome, or what was done."
    elif len(text) > MAX_TEXT:
        found["text"] = f"Keep this under {MAX_TEXT:,} characters."
    if next_review_on is not None and next_review_on < timezone.localdate():
        found["next_review_on"] = "The next review date cannot be in the past."
    if found:
        raise ValidationError(found)
    follow_up = FollowUp(entry=entry, author=by, text=text, next_review_on=next_review_on)
    follow_up.save()
    record(
        action=Action.REGISTER_FOLLOW_UP_ADDED,
        actor=by,
        target=entry,
        client=client,
        detail={"follow_up": str(follow_up.pk), "review_planned": next_review_on is not None},
    )
    return follow_up


def record_viewed(
    *, client: Client, by: Any, page: str, entry: RegisterEntry | None = None
) -> None:
    if page not in VIEWED_PAGES:
        raise ValueError(f"Unknown page: {page}")
    action = Action.REGISTER_VIEWED if entry is None else Action.REGISTER_ENTRY_VIEWED
    record(action=action, actor=by, target=entry, client=client, detail={"page": page})


def record_practice_viewed(*, by: Any) -> None:
    """The owner's practice-wide list (no one client)."""
    record(action=Action.REGISTER_VIEWED, actor=by, detail={"page": "practice"})
