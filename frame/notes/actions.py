"""Every write the notes app makes happens here, each with its audit event in one transaction.

Audit details carry ids, statuses, counts and version numbers: never a heading's contents, never
a word of a note, an addendum, a process note or a goal.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone

from frame.accounts.models import Practice
from frame.audit.actions import record
from frame.audit.models import Action
from frame.clients.access import Section, may_see
from frame.clients.models import Client
from frame.clients.signals import risk_indicated
from frame.notes import search
from frame.notes.models import (
    Addendum,
    Goal,
    GoalRating,
    KeptDraft,
    NoteStatus,
    NoteTemplate,
    NoteVersion,
    ProcessNote,
    RatingOccasion,
    SessionNote,
    pack,
    unpack,
)
from frame.scheduling.models import Appointment

DEFAULT_HEADINGS = (
    "What the client brought",
    "Themes",
    "The client's own words worth remembering",
    "What we did",
    "Plan for next time",
)
MAX_HEADINGS = 12
MAX_HEADING = 120
MAX_SECTION = 20000
MAX_ADDENDUM = 10000
MAX_PROCESS_NOTE = 20000
MAX_GOAL = 500
VIEWED_PAGES = frozenset({"timeline", "note", "history", "process", "goals"})
# How a version came about (a fixed vocabulary, shown in the history).
HOW = frozenset({"saved", "autosaved", "kept", "signed"})


class NoteIsSigned(ValidationError):
    """Raised for any attempt to change a signed note other than by an addendum."""


def _require_clinical(by: Any, client: Client) -> None:
    """Actions check access themselves too: later apps and commands call them, not just views."""
    if not may_see(by, client, Section.CLINICAL):
        raise PermissionDenied("Only the client's care team can read or write notes.")


def headings_for(practice_id: int) -> list[str]:
    stored = NoteTemplate.objects.filter(practice_id=practice_id).values_list("headings", flat=True)
    found = stored.first()
    return list(found) if found else list(DEFAULT_HEADINGS)


@transaction.atomic
def set_template(*, practice: Practice, headings: Sequence[str], by: Any) -> NoteTemplate:
    cleaned = [h.strip() for h in headings if h.strip()]
    if not cleaned:
        raise ValidationError("Give at least one heading.")
    if len(cleaned) > MAX_HEADINGS:
        raise ValidationError(f"Use at most {MAX_HEADINGS} headings.")
    if any(len(h) > MAX_HEADING for h in cleaned):
        raise ValidationError(f"Keep each heading under {MAX_HEADING} characters.")
    if len(set(cleaned)) != len(cleaned):
        raise ValidationError("Each heading can appear only once.")
    template, _ = NoteTemplate.objects.update_or_create(
        practice=practice,
        defaults={"headings": cleaned, "changed_at": timezone.now(), "changed_by": by},
    )
    record(
        action=Action.NOTE_TEMPLATE_CHANGED,
        actor=by,
        target=template,
        practice_id=practice.pk,
        detail={"headings": len(cleaned)},
    )
    return template


def _check_sections(sections: Sequence[tuple[str, str]]) -> None:
    for heading, text in sections:
        if len(text) > MAX_SECTION:
            raise ValidationError(
                f"“{heading}” is longer than {MAX_SECTION} characters: shorten it to save."
            )


def _locked_note(appointment: Appointment) -> SessionNote | None:
    return SessionNote.objects.select_for_update().filter(appointment=appointment).first()


@transaction.atomic
def save_draft(
    *,
    appointment: Appointment,
    sections: Sequence[tuple[str, str]],
    risk_noted: bool | None,
    by: Any,
    how: str = "saved",
) -> SessionNote:
    """Save the draft note for `appointment` (starting it if need be) and keep a version.

    Saving exactly what is already stored adds no version, so autosave can run freely.
    """
    if how not in HOW:
        raise ValueError(f"Unknown way of saving: {how}")
    client = appointment.client
    _require_clinical(by, client)
    _check_sections(sections)
    note = _locked_note(appointment)
    if note is not None and note.is_signed:
        raise NoteIsSigned("This note is signed and can no longer be changed: add an addendum.")
    if note is not None and note.author_id != by.pk:
        raise PermissionDenied("Only the note's author can change its draft.")
    content = pack(list(sections))
    now = timezone.now()
    if note is None:
        note = SessionNote(client=client, appointment=appointment, author=by, created_at=now)
    elif note.content == content and note.risk_noted == risk_noted:
        return note
    note.content = content
    note.risk_noted = risk_noted
    note.version += 1
    note.updated_at = now
    note.save()
    NoteVersion.objects.create(
        note=note,
        number=note.version,
        content=content,
        risk_noted=risk_noted,
        saved_at=now,
        saved_by=by,
        how=how,
    )
    record(
        action=Action.NOTE_DRAFT_SAVED,
        actor=by,
        target=note,
        client=client,
        detail={"appointment": str(appointment.pk), "version": note.version, "how": how},
    )
    return note


@transaction.atomic
def keep_draft(
    *,
    user: Any,
    appointment: Appointment,
    sections: Sequence[tuple[str, str]],
    risk_noted: bool | None,
) -> KeptDraft:
    """Keep text that arrived after its writer's session ended, for them alone.

    The caller has already proved who wrote it (a signed form token); access is checked again
    when the text is applied, after they have signed in.
    """
    _check_sections(sections)
    kept = KeptDraft.objects.create(
        user=user, appointment=appointment, content=pack(list(sections)), risk_noted=risk_noted
    )
    record(
        action=Action.NOTE_DRAFT_KEPT,
        target=kept,
        client=appointment.client_id,
        practice_id=appointment.practice_id,
        detail={"appointment": str(appointment.pk), "for_user": user.pk},
    )
    return kept


@transaction.atomic
def apply_kept(*, appointment: Appointment, by: Any) -> KeptDraft | None:
    """Put text kept for `by` on this appointment into the draft, newest first.

    Returns the kept text if it could not go into the draft (the note was signed meanwhile), so
    the page can offer it for an addendum; it stays kept until an addendum is added.
    """
    kept = list(
        KeptDraft.objects.select_for_update()
        .filter(user=by, appointment=appointment)
        .order_by("-kept_at")
    )
    if not kept:
        return None
    latest = kept[0]
    note = SessionNote.objects.filter(appointment=appointment).first()
    if note is not None and note.is_signed:
        return latest
    save_draft(
        appointment=appointment,
        sections=unpack(latest.content),
        risk_noted=latest.risk_noted,
        by=by,
        how="kept",
    )
    KeptDraft.objects.filter(pk__in=[k.pk for k in kept]).delete()
    return None


def is_empty(sections: Sequence[tuple[str, str]]) -> bool:
    return not any(text.strip() for _, text in sections)


@transaction.atomic
def sign_note(*, appointment: Appointment, by: Any) -> SessionNote:
    client = appointment.client
    _require_clinical(by, client)
    note = _locked_note(appointment)
    if note is None or is_empty(note.sections):
        raise ValidationError("There is nothing written in this note yet, so it cannot be signed.")
    if note.is_signed:
        raise NoteIsSigned("This note is already signed.")
    if note.author_id != by.pk:
        raise PermissionDenied("Only the note's author can sign it.")
    if note.risk_noted is None:
        raise ValidationError("Say whether risk was noted in this session before signing.")
    now = timezone.now()
    note.status = NoteStatus.SIGNED
    note.signed_at = now
    note.version += 1
    note.updated_at = now
    note.save()
    NoteVersion.objects.create(
        note=note,
        number=note.version,
        content=note.content,
        risk_noted=note.risk_noted,
        saved_at=now,
        saved_by=by,
        how="signed",
    )
    search.index_note(note, practice_id=appointment.practice_id)
    record(
        action=Action.NOTE_SIGNED,
        actor=by,
        target=note,
        client=client,
        detail={"appointment": str(appointment.pk), "version": note.version},
    )
    if note.risk_noted:
        risk_indicated.send(
            sender=SessionNote,
            client=client,
            by=by,
            source="note",
            record=note,
            detail={"appointment": str(appointment.pk)},
        )
    return note


def record_refusal(*, appointment: Appointment, by: Any, attempted: str) -> None:
    """A changed signed note was refused: the attempt itself belongs in the audit trail."""
    record(
        action=Action.NOTE_CHANGE_REFUSED,
        actor=by,
        target=appointment,
        client=appointment.client_id,
        outcome="refused",
        detail={"appointment": str(appointment.pk), "attempted": attempted},
    )


@transaction.atomic
def add_addendum(*, appointment: Appointment, text: str, by: Any) -> Addendum:
    client = appointment.client
    _require_clinical(by, client)
    note = _locked_note(appointment)
    if note is None or not note.is_signed:
        raise ValidationError(
            "Addenda are for signed notes. This note is still a draft: change the draft instead."
        )
    text = text.strip()
    if not text:
        raise ValidationError("Write the addendum before adding it.")
    if len(text) > MAX_ADDENDUM:
        raise ValidationError(f"Keep an addendum under {MAX_ADDENDUM} characters.")
    addendum = Addendum.objects.create(note=note, text=text, added_by=by)
    search.index_note(note, practice_id=appointment.practice_id)
    # Text kept for this person after their session ended has now found its place.
    KeptDraft.objects.filter(user=by, appointment=appointment).delete()
    record(
        action=Action.NOTE_ADDENDUM_ADDED,
        actor=by,
        target=addendum,
        client=client,
        detail={"note": str(note.pk)},
    )
    return addendum


def record_viewed(*, client: Client, by: Any, page: str, target: Any = None) -> None:
    if page not in VIEWED_PAGES:
        raise ValueError(f"Unknown page: {page}")
    action = Action.PROCESS_NOTE_VIEWED if page == "process" else Action.NOTE_VIEWED
    record(action=action, actor=by, target=target, client=client, detail={"page": page})


@transaction.atomic
def save_process_note(
    *,
    client: Client,
    text: str,
    by: Any,
    appointment: Appointment | None = None,
    note: ProcessNote | None = None,
) -> ProcessNote:
    _require_clinical(by, client)
    text = text.strip()
    if not text:
        raise ValidationError("Write something before saving.")
    if len(text) > MAX_PROCESS_NOTE:
        raise ValidationError(f"Keep a process note under {MAX_PROCESS_NOTE} characters.")
    if appointment is not None and appointment.client_id != client.pk:
        raise ValidationError("Choose one of this client's sessions.")
    if note is None:
        note = ProcessNote(client=client, author=by)
    elif note.author_id != by.pk or note.client_id != client.pk:
        raise PermissionDenied("Process notes are their author's alone.")
    note.text = text
    note.appointment = appointment
    note.updated_at = timezone.now()
    note.save()
    record(
        action=Action.PROCESS_NOTE_SAVED,
        actor=by,
        target=note,
        client=client,
        detail={"appointment": str(appointment.pk) if appointment else ""},
    )
    return note


def _check_rating(rating: int) -> None:
    if not 0 <= rating <= 10:
        raise ValidationError("A rating is a whole number from 0 to 10.")


@transaction.atomic
def add_goal(
    *, client: Client, words: str, agreed_on: dt.date, rating: int | None, by: Any
) -> Goal:
    _require_clinical(by, client)
    words = words.strip()
    if not words:
        raise ValidationError("Write the goal in the client's own words.")
    if len(words) > MAX_GOAL:
        raise ValidationError(f"Keep a goal under {MAX_GOAL} characters.")
    if rating is not None:
        _check_rating(rating)
    goal = Goal.objects.create(client=client, words=words, agreed_on=agreed_on, created_by=by)
    record(
        action=Action.GOAL_ADDED,
        actor=by,
        target=goal,
        client=client,
        detail={"first_rating": rating is not None},
    )
    if rating is not None:
        rate_goal(goal=goal, rating=rating, rated_on=agreed_on, occasion="assessment", by=by)
    return goal


@transaction.atomic
def rate_goal(*, goal: Goal, rating: int, rated_on: dt.date, occasion: str, by: Any) -> GoalRating:
    _require_clinical(by, goal.client)
    _check_rating(rating)
    if occasion not in RatingOccasion.values:
        raise ValidationError("Choose when this rating was given.")
    if goal.closed_on is not None:
        raise ValidationError("This goal is closed: reopen it by adding it again.")
    if rated_on < goal.agreed_on:
        raise ValidationError("A rating cannot be from before the goal was agreed.")
    found = GoalRating.objects.create(
        goal=goal, rating=rating, rated_on=rated_on, occasion=occasion, recorded_by=by
    )
    record(
        action=Action.GOAL_RATED,
        actor=by,
        target=found,
        client=goal.client_id,
        detail={"goal": str(goal.pk), "rating": rating, "occasion": occasion},
    )
    return found


@transaction.atomic
def close_goal(*, goal: Goal, closed_on: dt.date, by: Any) -> Goal:
    _require_clinical(by, goal.client)
    if goal.closed_on is not None:
        raise ValidationError("This goal is already closed.")
    goal.closed_on = closed_on
    goal.save(update_fields=["closed_on"])
    record(action=Action.GOAL_CLOSED, actor=by, target=goal, client=goal.client_id)
    return goal


def record_search(*, by: Any, words: int, results: int, page: int) -> None:
    """A search happened: how many words and results, never what was searched for."""
    record(
        action=Action.NOTES_SEARCHED,
        actor=by,
        detail={"words": words, "results": results, "page": page},
    )


def rebuild_search_index(*, batch: int = 200) -> tuple[int, int]:
    """Rewrite the search index of every signed note with the primary key (after an upgrade
    or a key rotation). Returns (notes, index rows). Each batch is its own transaction, so a
    long run never holds the database; a note signed meanwhile is indexed by its own action."""
    notes = rows = 0
    last_pk = None
    while True:
        chunk = SessionNote.objects.filter(status=NoteStatus.SIGNED).select_related("appointment")
        if last_pk is not None:
            chunk = chunk.filter(pk__gt=last_pk)
        found = list(chunk.order_by("pk")[:batch])
        if not found:
            break
        with transaction.atomic():
            for note in found:
                rows += search.index_note(note, practice_id=note.appointment.practice_id)
        notes += len(found)
        last_pk = found[-1].pk
    record(action=Action.NOTE_SEARCH_REBUILT, detail={"notes": notes, "rows": rows})
    return notes, rows
