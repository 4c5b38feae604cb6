"""Every write the endings app makes, each with its audit event in one transaction.

Audit details carry kinds, dates, counts and ids: never a word of what was tried, the review or
the letter.
"""

from __future__ import annotations

import datetime as dt
import uuid
from collections.abc import Mapping
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone

from frame.accounts.models import Practice
from frame.audit.actions import record
from frame.audit.models import Action
from frame.clients import actions as client_actions
from frame.clients import lifecycle
from frame.clients.access import Section, may_see
from frame.clients.models import Client
from frame.contracts.selectors import terms_for
from frame.endings import letter, retention, selectors
from frame.endings.models import (
    Ending,
    EndingKind,
    PlannedEnding,
    RetentionPolicy,
    RetentionStart,
)
from frame.notes import actions as note_actions
from frame.notes.models import Goal

MAX_TEXT = 20000
MAX_LETTER = 20000
VIEWED_PAGES = frozenset({"plan", "record", "review", "letter"})
WORK_OVER = (lifecycle.ENDED, lifecycle.ARCHIVED)


class PlanChangedMeanwhile(ValidationError):
    """Someone else changed the planned ending after this form was opened."""


def _require_clinical(by: Any, client: Client) -> None:
    if not may_see(by, client, Section.CLINICAL):
        raise PermissionDenied("Only the client's care team can record endings.")


def _lock(client: Client) -> str:
    """Lock the client row (PostgreSQL) and read its status afresh inside the transaction."""
    status: str = (
        Client.objects.select_for_update().values_list("status", flat=True).get(pk=client.pk)
    )
    return status


def set_planned_ending(
    *,
    client: Client,
    by: Any,
    end_on: dt.date | None,
    sessions: int | None,
    based_on: uuid.UUID | None,
    withdraw: bool = False,
) -> PlannedEnding:
    """Set, change or withdraw the planned ending: always a new row, never an overwrite.

    `based_on` is the plan the person was looking at. If it is no longer the newest, someone
    changed it meanwhile and this change is refused, so nobody overwrites a change unseen.
    """
    try:
        return _set_planned_ending(
            client=client,
            by=by,
            end_on=end_on,
            sessions=sessions,
            based_on=based_on,
            withdraw=withdraw,
        )
    except PlanChangedMeanwhile:
        # Recorded after the refused transaction has rolled back, so the attempt stays visible.
        record(
            action=Action.PLANNED_ENDING_CHANGE_REFUSED,
            actor=by,
            target=client,
            client=client,
            outcome="refused",
            detail={"based_on": str(based_on or "")},
        )
        raise


@transaction.atomic
def _set_planned_ending(
    *,
    client: Client,
    by: Any,
    end_on: dt.date | None,
    sessions: int | None,
    based_on: uuid.UUID | None,
    withdraw: bool,
) -> PlannedEnding:
    _require_clinical(by, client)
    if _lock(client) in WORK_OVER:
        raise ValidationError("The work with this client has ended, so there is no ending to plan.")
    newest = selectors.latest_plan_row(client)
    if (newest.pk if newest else None) != based_on:
        raise PlanChangedMeanwhile(
            "Someone changed the planned ending while you had this page open. Their change is "
            "shown below; what you typed is still in the form, so check it and save again."
        )
    if withdraw:
        if newest is None or newest.withdrawn:
            raise ValidationError("There is no planned ending to withdraw.")
        end_on, sessions = None, None
    else:
        if end_on is None and sessions is None:
            raise ValidationError("Give an end date, a number of sessions, or both.")
        if end_on is not None and end_on < timezone.localdate():
            raise ValidationError(
                {"end_on": "The end date has passed. To end the work now, record the ending."}
            )
        if sessions is not None:
            held = selectors.attendance(client).held
            if not 1 <= sessions <= 200:
                raise ValidationError({"sessions": "Give a number of sessions from 1 to 200."})
            if sessions < held:
                raise ValidationError(
                    {
                        "sessions": f"{held} sessions have already been held: the agreed number "
                        "cannot be fewer."
                    }
                )
        if (
            newest is not None
            and not newest.withdrawn
            and (newest.end_on, newest.sessions) == (end_on, sessions)
        ):
            return newest  # nothing changed: no new row, no audit noise
    plan = PlannedEnding.objects.create(
        client=client,
        end_on=end_on,
        sessions=sessions,
        withdrawn=withdraw,
        replaces=newest,
        set_by=by,
    )
    record(
        action=Action.PLANNED_ENDING_SET,
        actor=by,
        target=plan,
        client=client,
        detail={
            "end_on": end_on.isoformat() if end_on else "",
            "sessions": sessions,
            "withdrawn": withdraw,
            "replaces": str(newest.pk) if newest else "",
        },
    )
    return plan


def _letter_for(client: Client, by: Any, kind: str, ended_on: dt.date, last: dt.date | None) -> str:
    return letter.prefill(
        planned=kind == EndingKind.PLANNED,
        client_name=client.preferred_name or client.given_name,
        practitioner_name=getattr(by, "full_name", "") or str(by),
        ended_on=ended_on,
        last_attended_on=last,
        sessions_held=selectors.attendance(client).held,
    )


def _goals_by_id(client: Client, ratings: Mapping[str, int]) -> dict[str, Goal]:
    goals = {str(g.pk): g for g in Goal.objects.filter(client=client, closed_on__isnull=True)}
    unknown = set(ratings) - set(goals)
    if unknown:
        raise ValidationError("One of the goals rated is not an open goal of this client.")
    for goal in goals.values():
        goal.client = client
    return goals


def _rate_goals(client: Client, ratings: Mapping[str, int], rated_on: dt.date, by: Any) -> int:
    """Final ratings go through the notes app, so they appear in each goal's history."""
    goals = _goals_by_id(client, ratings)
    for goal_id, rating in ratings.items():
        note_actions.rate_goal(
            goal=goals[goal_id], rating=rating, rated_on=rated_on, occasion="ending", by=by
        )
    return len(ratings)


def _clean_text(text: str, limit: int, what: str) -> str:
    text = text.strip()
    if len(text) > limit:
        raise ValidationError(f"Keep {what} under {limit} characters.")
    return text


def _end_status(client: Client, by: Any, ended_on: dt.date) -> None:
    """Set the status through the clients app's lifecycle action (in this transaction)."""
    try:
        client_actions.change_status(
            client=client, by=by, to_status=lifecycle.ENDED, effective_date=ended_on
        )
    except lifecycle.TransitionNotAllowed as error:
        raise ValidationError(str(error)) from None
    except ValidationError as error:
        if hasattr(error, "error_dict") and "effective_date" in error.error_dict:
            raise ValidationError({"ended_on": error.error_dict["effective_date"]}) from None
        raise


@transaction.atomic
def record_ending(
    *,
    client: Client,
    by: Any,
    kind: str,
    ended_on: dt.date,
    last_attended_on: dt.date | None = None,
    what_was_tried: str = "",
    what_changed: str = "",
    ratings: Mapping[str, int] | None = None,
) -> Ending:
    """End the work: set the status to ended, store the retention start dates, rate goals.

    Everything happens together or not at all: a refused status change leaves no ending behind.
    """
    _require_clinical(by, client)
    if kind not in EndingKind.values:
        raise ValidationError({"kind": "Say whether this ending was planned or not."})
    status = _lock(client)
    client.status = status
    # A client set to "ended" on their card has no ending details yet: record them now, without
    # changing the status a second time.
    completing = selectors.unrecorded_end(client) if status == lifecycle.ENDED else None
    if status in WORK_OVER and completing is None:
        raise ValidationError("The work with this client has already ended.")
    if ended_on > timezone.localdate():
        raise ValidationError({"ended_on": "The date the work ended cannot be in the future."})
    what_was_tried = _clean_text(what_was_tried, MAX_TEXT, "what was tried")
    what_changed = _clean_text(what_changed, MAX_TEXT, "what changed")
    if kind == EndingKind.UNPLANNED:
        if last_attended_on is None:
            raise ValidationError(
                {"last_attended_on": "Give the date the client last came to a session."}
            )
        if last_attended_on > ended_on:
            raise ValidationError(
                {"last_attended_on": "The last session attended cannot be after the ending."}
            )
        if not what_was_tried:
            raise ValidationError(
                {
                    "what_was_tried": "Say what was tried to reach the client, even if it was "
                    "nothing yet."
                }
            )
    else:
        last_attended_on, what_was_tried = None, ""
    if completing is None:
        _end_status(client, by, ended_on)
    ending = Ending.objects.create(
        client=client,
        kind=kind,
        ended_on=ended_on,
        planned=selectors.current_plan(client),
        last_attended_on=last_attended_on,
        what_was_tried=what_was_tried,
        what_changed=what_changed,
        letter=_letter_for(client, by, kind, ended_on, last_attended_on),
        recorded_by=by,
        review_saved_at=timezone.now() if what_changed else None,
    )
    periods = retention.periods_for(
        ended_on=ended_on,
        clinical_years=terms_for(client).retention_years,
        process_months=selectors.process_months_for(client.practice_id),
        date_of_birth=client.date_of_birth,
    )
    for period in periods:
        RetentionStart.objects.create(
            ending=ending,
            client=client,
            retention_class=period.retention_class,
            runs_from=period.runs_from,
            keep_until=period.keep_until,
            basis=period.basis,
        )
    rated = _rate_goals(client, ratings or {}, ended_on, by)
    record(
        action=Action.ENDING_RECORDED,
        actor=by,
        target=ending,
        client=client,
        detail={
            "kind": kind,
            "ended_on": ended_on.isoformat(),
            "status_already_ended": completing is not None,
            "final_ratings": rated,
            "retention": {p.retention_class: p.keep_until.isoformat() for p in periods},
        },
    )
    return ending


@transaction.atomic
def save_review(
    *, ending: Ending, by: Any, what_changed: str, ratings: Mapping[str, int] | None = None
) -> Ending:
    client = ending.client
    _require_clinical(by, client)
    ending.what_changed = _clean_text(what_changed, MAX_TEXT, "what changed")
    ending.review_saved_at = timezone.now()
    ending.save(update_fields=["what_changed", "review_saved_at"])
    rated = _rate_goals(client, ratings or {}, ending.ended_on, by)
    record(
        action=Action.ENDING_REVIEW_SAVED,
        actor=by,
        target=ending,
        client=client,
        detail={"final_ratings": rated},
    )
    return ending


@transaction.atomic
def save_letter(*, ending: Ending, by: Any, text: str) -> Ending:
    client = ending.client
    _require_clinical(by, client)
    text = _clean_text(text, MAX_LETTER, "the letter")
    if not text:
        raise ValidationError({"text": "The letter is empty. Write it before saving."})
    ending.letter = text
    ending.letter_saved_at = timezone.now()
    ending.save(update_fields=["letter", "letter_saved_at"])
    record(action=Action.ENDING_LETTER_SAVED, actor=by, target=ending, client=client)
    return ending


def record_letter_downloaded(*, ending: Ending, by: Any) -> None:
    record(action=Action.ENDING_LETTER_DOWNLOADED, actor=by, target=ending, client=ending.client)


def record_viewed(*, client: Client, by: Any, page: str, target: Any = None) -> None:
    if page not in VIEWED_PAGES:
        raise ValueError(f"Unknown page: {page}")
    record(
        action=Action.ENDING_VIEWED, actor=by, target=target, client=client, detail={"page": page}
    )


@transaction.atomic
def set_retention_policy(*, practice: Practice, by: Any, process_months: int) -> RetentionPolicy:
    membership = getattr(by, "active_membership", None)
    if membership is None or not membership.is_owner or membership.practice_id != practice.pk:
        raise PermissionDenied("Only the practice's owners set retention periods.")
    low, high = retention.PROCESS_MONTHS_LIMITS
    if not low <= process_months <= high:
        raise ValidationError({"process_months": f"Give a number of months from {low} to {high}."})
    policy, _ = RetentionPolicy.objects.update_or_create(
        practice=practice,
        defaults={"process_months": process_months, "changed_at": timezone.now(), "changed_by": by},
    )
    record(
        action=Action.RETENTION_POLICY_CHANGED,
        actor=by,
        target=policy,
        practice_id=practice.pk,
        detail={"process_months": process_months},
    )
    return policy
