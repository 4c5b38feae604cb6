"""Every change to supervision records, packs and shares.

Keyword-only arguments, an explicit actor (`by=`), one transaction, and the audit event inside
it. Audit details hold ids, kinds and counts — never what anyone wrote, and never a client's name.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone

from frame.accounts.models import User
from frame.audit.actions import record
from frame.audit.models import Action
from frame.clients.access import Section, may_see
from frame.clients.models import Client
from frame.supervision import packs, rules
from frame.supervision.access import is_supervisee, is_supervisor, supervisors_for
from frame.supervision.models import (
    BreakMonth,
    CaseAction,
    CaseDiscussion,
    Pack,
    PackShare,
    Requirement,
    Supervision,
    SupervisorNote,
)

MAX_TEXT = 5000
MAX_ACTIONS = 10
LONGEST_SHARE_DAYS = 366
VIEWED_PAGES = frozenset({"log", "supervision", "pack", "packs", "record"})


def _require_supervisee(by: User) -> None:
    if not is_supervisee(by):
        raise PermissionDenied("Only owners and practitioners keep a supervision log.")


def _require_own(by: User, owner_id: Any) -> None:
    _require_supervisee(by)
    if owner_id != by.pk:
        raise PermissionDenied("Supervision records belong to their practitioner alone.")


def _text_limits(**texts: str) -> None:
    errors = {
        name: f"Please keep this to {MAX_TEXT} characters or fewer."
        for name, text in texts.items()
        if len(text) > MAX_TEXT
    }
    if errors:
        raise ValidationError(errors)


# --- The log ------------------------------------------------------------------------------------


@transaction.atomic
def record_supervision(
    *,
    by: User,
    held_on: dt.date,
    minutes: int,
    kind: str,
    supervisor_name: str,
    group_size: int | None = None,
    learning: str = "",
) -> Supervision:
    _require_supervisee(by)
    errors: dict[str, str] = {}
    if kind not in rules.GROUP_KINDS and group_size == 1:
        group_size = None  # "1" for a one-to-one session says nothing more
    try:
        rules.check_entry(kind, minutes, group_size)
    except rules.RuleError as error:
        errors[error.field or "minutes"] = str(error)
    if held_on > timezone.localdate():
        errors["held_on"] = "The date of the supervision cannot be in the future."
    supervisor_name = supervisor_name.strip()
    if not supervisor_name:
        errors["supervisor_name"] = "Please give your supervisor's name."
    if errors:
        raise ValidationError(errors)
    _text_limits(learning=learning)
    supervision = Supervision(
        practitioner=by,
        held_on=held_on,
        minutes=minutes,
        kind=kind,
        group_size=group_size,
        supervisor_name=supervisor_name[:150],
        learning=learning.strip(),
    )
    supervision.full_clean()
    supervision.save(force_insert=True)
    record(
        action=Action.SUPERVISION_RECORDED,
        actor=by,
        target=supervision,
        detail={"kind": kind, "minutes": minutes, "group_size": group_size},
    )
    return supervision


@transaction.atomic
def mark_in_error(*, supervision: Supervision, by: User, reason: str) -> None:
    """Set a wrong entry aside: it stays in the log, greyed, with the reason, counting nothing.

    To correct a mistake (a wrong date or length), mark the entry in error and record it again.
    """
    _require_own(by, supervision.practitioner_id)
    if supervision.in_error:
        return
    if not reason.strip():
        raise ValidationError({"reason": "Please say why this entry was recorded in error."})
    _text_limits(reason=reason)
    supervision.recorded_in_error_at = timezone.now()
    supervision.error_reason = reason.strip()
    supervision.save(update_fields=["recorded_in_error_at", "error_reason"])
    record(action=Action.SUPERVISION_IN_ERROR, actor=by, target=supervision, detail={})


@transaction.atomic
def add_case(
    *,
    supervision: Supervision,
    by: User,
    client: Client,
    discussed: str,
    learnt: str = "",
    actions: Sequence[str] = (),
) -> CaseDiscussion:
    """A client discussed in a supervision, with what was learnt and the actions that follow."""
    _require_own(by, supervision.practitioner_id)
    if supervision.in_error:
        raise ValidationError("This entry was marked as recorded in error: cases cannot be added.")
    if not may_see(by, client, Section.CLINICAL):
        raise PermissionDenied("A case discussed must be a client on your caseload.")
    errors: dict[str, str] = {}
    if not discussed.strip():
        errors["discussed"] = "Please say briefly what was discussed."
    todo = [a.strip() for a in actions if a.strip()]
    if len(todo) > MAX_ACTIONS:
        errors["actions"] = f"Please list at most {MAX_ACTIONS} actions, one a line."
    if errors:
        raise ValidationError(errors)
    _text_limits(discussed=discussed, learnt=learnt, actions="\n".join(todo))
    discussion = CaseDiscussion.objects.create(
        supervision=supervision, client=client, discussed=discussed.strip(), learnt=learnt.strip()
    )
    CaseAction.objects.bulk_create(
        [
            CaseAction(discussion=discussion, client=client, practitioner=by, text=text)
            for text in todo
        ]
    )
    record(
        action=Action.SUPERVISION_CASE_RECORDED,
        actor=by,
        target=discussion,
        client=client,
        detail={"supervision": str(supervision.pk), "actions": len(todo)},
    )
    return discussion


@transaction.atomic
def mark_action_done(*, action: CaseAction, by: User) -> None:
    _require_own(by, action.practitioner_id)
    if action.done_at is not None:
        return
    action.done_at = timezone.now()
    action.save(update_fields=["done_at"])
    record(
        action=Action.SUPERVISION_ACTION_DONE,
        actor=by,
        target=action,
        client=action.client_id,
        detail={},
    )


@transaction.atomic
def set_requirement(*, by: User, rule: str, monthly_minutes: int) -> Requirement:
    _require_supervisee(by)
    if rule not in rules.Rule.__members__.values():
        raise ValidationError({"rule": "Please choose one of the options listed."})
    if not 1 <= monthly_minutes <= 24 * 60:
        raise ValidationError(
            {"monthly_minutes": "The monthly minimum must be between 1 minute and 24 hours."}
        )
    requirement, _ = Requirement.objects.update_or_create(
        practitioner=by,
        defaults={"rule": rule, "monthly_minutes": monthly_minutes, "changed_at": timezone.now()},
    )
    record(
        action=Action.SUPERVISION_REQUIREMENT_CHANGED,
        actor=by,
        target=requirement,
        detail={"rule": rule, "monthly_minutes": monthly_minutes},
    )
    return requirement


def requirement_for(user: Any) -> rules.Requirement:
    stored = Requirement.objects.filter(practitioner=user).first()
    return stored.as_rule() if stored is not None else rules.Requirement()


@transaction.atomic
def record_break(*, by: User, month: dt.date, reason: str) -> BreakMonth:
    """A month documented as a break from practice, so it is not counted as short."""
    _require_supervisee(by)
    month = rules.month_of(month)
    errors: dict[str, str] = {}
    latest = rules.next_month(rules.month_of(timezone.localdate()))
    if month > latest:
        errors["month"] = "A break can be documented for this month or next, not further ahead."
    elif BreakMonth.objects.filter(practitioner=by, month=month).exists():
        errors["month"] = f"{month:%B %Y} is already documented as a break."
    if not reason.strip():
        errors["reason"] = "Please say briefly why there was a break (for example, no clients)."
    if errors:
        raise ValidationError(errors)
    _text_limits(reason=reason)
    made = BreakMonth.objects.create(practitioner=by, month=month, reason=reason.strip())
    record(
        action=Action.SUPERVISION_BREAK_RECORDED,
        actor=by,
        target=made,
        detail={"month": month.isoformat()},
    )
    return made


# --- Packs and sharing --------------------------------------------------------------------------


@transaction.atomic
def build_pack(*, by: User, chosen: packs.Chosen) -> Pack:
    """Build and store a pseudonymised pack from the items the practitioner chose."""
    _require_supervisee(by)
    if not chosen.client_ids and not chosen.event_ids and not chosen.flag_ids:
        raise ValidationError("Please choose at least one item to take to supervision.")
    content, cases = packs.build(by, chosen, timezone.localdate())
    if cases == 0:
        raise ValidationError("None of the chosen items could be found on your caseload.")
    pack = Pack.objects.create(practitioner=by, content=content, case_count=cases)
    record(
        action=Action.SUPERVISION_PACK_BUILT,
        actor=by,
        target=pack,
        detail={"cases": cases, "events": len(chosen.event_ids), "flags": len(chosen.flag_ids)},
    )
    return pack


@transaction.atomic
def share_pack(*, pack: Pack, by: User, supervisor: User | None, expires_on: dt.date) -> PackShare:
    _require_own(by, pack.practitioner_id)
    errors: dict[str, str] = {}
    today = timezone.localdate()
    if supervisor is None or not supervisors_for(by).filter(pk=supervisor.pk).exists():
        errors["supervisor"] = "Please choose a supervisor in your practice."
    if expires_on <= today:
        errors["expires_on"] = "The date the share ends must be in the future."
    elif expires_on > today + dt.timedelta(days=LONGEST_SHARE_DAYS):
        errors["expires_on"] = "Please share for a year at most."
    if errors or supervisor is None:
        raise ValidationError(errors)
    share, created = PackShare.objects.select_for_update().get_or_create(
        pack=pack, supervisor=supervisor, defaults={"expires_on": expires_on}
    )
    if not created:
        share.expires_on = expires_on
        share.revoked_at = None
        share.shared_at = timezone.now()
        share.save(update_fields=["expires_on", "revoked_at", "shared_at"])
    record(
        action=Action.SUPERVISION_PACK_SHARED,
        actor=by,
        target=share,
        detail={
            "pack": str(pack.pk),
            "supervisor": supervisor.pk,
            "expires_on": expires_on.isoformat(),
        },
    )
    return share


@transaction.atomic
def withdraw_share(*, share: PackShare, by: User) -> None:
    _require_own(by, share.pack.practitioner_id)
    if share.revoked_at is not None:
        return
    share.revoked_at = timezone.now()
    share.save(update_fields=["revoked_at"])
    record(
        action=Action.SUPERVISION_SHARE_WITHDRAWN,
        actor=by,
        target=share,
        detail={"pack": str(share.pack_id), "supervisor": share.supervisor_id},
    )


@transaction.atomic
def add_supervisor_note(*, share: PackShare, by: User, text: str) -> SupervisorNote:
    """A supervisor's own note on a pack shared with them (and live)."""
    if not is_supervisor(by) or share.supervisor_id != by.pk or not share.is_live:
        raise PermissionDenied("Only the supervisor the pack is shared with can add notes.")
    if not text.strip():
        raise ValidationError({"text": "Please write your note before saving."})
    _text_limits(text=text)
    note = SupervisorNote.objects.create(pack=share.pack, author=by, text=text.strip())
    record(
        action=Action.SUPERVISOR_NOTE_ADDED,
        actor=by,
        target=note,
        detail={"pack": str(share.pack_id)},
    )
    return note


# --- Reads worth recording ----------------------------------------------------------------------


@transaction.atomic
def record_viewed(*, by: User, page: str, target: Any = None) -> None:
    if page not in VIEWED_PAGES:
        raise ValueError(f"Unknown page name for the audit trail: {page}")
    action = Action.SUPERVISION_PACK_VIEWED if page == "pack" else Action.SUPERVISION_VIEWED
    record(action=action, actor=by, target=target, detail={"page": page})


@transaction.atomic
def record_shared_viewed(*, share: PackShare, by: User) -> None:
    record(
        action=Action.SUPERVISION_SHARED_PACK_VIEWED,
        actor=by,
        target=share.pack,
        detail={"share": str(share.pk), "practitioner": share.pack.practitioner_id},
    )


@transaction.atomic
def record_export(*, by: User, what: str, target: Any = None) -> None:
    action = (
        Action.SUPERVISION_PACK_DOWNLOADED
        if what == "pack_pdf"
        else Action.SUPERVISION_RECORD_EXPORTED
    )
    record(action=action, actor=by, target=target, detail={"what": what})
