"""Every write the safety-plans app makes happens here, each with its audit event in one
transaction.

A client's suggestion is written as a Suggestion and nothing else: only the practitioner's
decision writes a version. Audit details carry ids, section keys and version numbers, never a
word of the plan or of a suggestion.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone

from frame.audit.actions import record
from frame.audit.models import Action
from frame.clients.access import Section, may_see
from frame.clients.models import Client
from frame.portal.models import Nation
from frame.safetyplans.models import (
    SECTION_KEYS,
    CrisisNation,
    MessagesStatement,
    PlanContact,
    SafetyPlan,
    SafetyPlanVersion,
    Suggestion,
    SuggestionStatus,
    pack_contacts,
    pack_sections,
)

CLIENT_ROLE = "client"  # as the portal records a client's own actions
MAX_SECTION = 5000
MAX_CONTACTS = 20
MAX_CONTACT_FIELD = 200
MAX_SUGGESTION = 3000
MAX_REPLY = 2000
MAX_STATEMENT = 600
VIEWED_PAGES = frozenset({"plan", "history", "compare", "suggestions", "portal"})
DOWNLOADS = frozenset({"pdf", "vcard"})


class PlanChangedMeanwhile(ValidationError):
    """Someone saved a newer version while this one was being written."""


def _require_clinical(by: Any, client: Client) -> None:
    """Actions check access themselves too: commands and other apps call them, not just views."""
    if not may_see(by, client, Section.CLINICAL):
        raise PermissionDenied("Only the client's care team can write a safety plan.")


def _require_own_portal(by: Any, client: Client) -> None:
    account = getattr(by, "portal_account", None)
    if account is None or account.client_id != client.pk or not account.is_active:
        raise PermissionDenied("Only the client can suggest changes to their own plan.")


def _clean_sections(sections: dict[str, str]) -> dict[str, str]:
    cleaned = {key: (sections.get(key) or "").strip() for key in SECTION_KEYS}
    if not any(cleaned.values()):
        raise ValidationError("Write something in at least one part of the plan.")
    for key, text in cleaned.items():
        if len(text) > MAX_SECTION:
            raise ValidationError(f"Keep each part under {MAX_SECTION} characters ({key}).")
    return cleaned


def _clean_contacts(contacts: list[PlanContact]) -> list[PlanContact]:
    kept = []
    for contact in contacts:
        row = PlanContact(
            name=contact.name.strip(),
            role=contact.role.strip(),
            phone=contact.phone.strip(),
            when=contact.when.strip(),
        )
        if not any((row.name, row.role, row.phone, row.when)):
            continue
        if not row.name or not row.phone:
            raise ValidationError("Give each contact a name and a phone number.")
        if any(len(value) > MAX_CONTACT_FIELD for value in (row.name, row.role, row.phone)):
            raise ValidationError(f"Keep contact details under {MAX_CONTACT_FIELD} characters.")
        kept.append(row)
    if len(kept) > MAX_CONTACTS:
        raise ValidationError(f"A plan can hold up to {MAX_CONTACTS} contacts.")
    return kept


def _write_version(
    *,
    plan: SafetyPlan,
    sections: dict[str, str],
    contacts: list[PlanContact],
    made_with_client_on: dt.date,
    by: Any,
) -> SafetyPlanVersion:
    """The next version of a plan that the caller has locked."""
    current = plan.current_version
    version = SafetyPlanVersion.objects.create(
        plan=plan,
        number=(current.number if current else 0) + 1,
        content=pack_sections(sections),
        contacts=pack_contacts(contacts),
        made_with_client_on=made_with_client_on,
        created_by=by,
    )
    plan.current_version = version
    # A plain save on the plan row: its manager refuses bulk updates.
    plan.save(update_fields=["current_version"])
    return version


def _locked_plan(client: Client) -> SafetyPlan:
    plan, _ = SafetyPlan.objects.get_or_create(client=client)
    # `of`: lock the plan row only; PostgreSQL cannot lock the nullable side of the outer join.
    return (
        SafetyPlan.objects.select_for_update(of=("self",))
        .select_related("current_version")
        .get(pk=plan.pk)
    )


@transaction.atomic
def save_plan(
    *,
    client: Client,
    sections: dict[str, str],
    contacts: list[PlanContact],
    made_with_client_on: dt.date,
    by: Any,
    expected_number: int = 0,
) -> SafetyPlanVersion:
    """Write the plan's next version. `expected_number` is the version the writer started from
    (0 for a new plan): if someone saved since, nothing is written."""
    _require_clinical(by, client)
    cleaned = _clean_sections(sections)
    kept = _clean_contacts(contacts)
    if made_with_client_on > timezone.localdate():
        raise ValidationError("The date you made the plan together cannot be in the future.")
    plan = _locked_plan(client)
    current_number = plan.current_version.number if plan.current_version else 0
    if current_number != expected_number:
        raise PlanChangedMeanwhile(
            "Someone saved a newer version of this plan while you were writing. Your words are "
            "still in the form: compare them with the newer version before saving again."
        )
    version = _write_version(
        plan=plan, sections=cleaned, contacts=kept, made_with_client_on=made_with_client_on, by=by
    )
    record(
        action=Action.SAFETY_PLAN_SAVED,
        actor=by,
        target=version,
        client=client,
        detail={"version": version.number, "contacts": len(kept)},
    )
    return version


@transaction.atomic
def suggest_change(*, client: Client, section: str, text: str, by: Any) -> Suggestion:
    """The client's own words for one part of their plan, kept for the practitioner to review.
    The plan itself is not touched."""
    _require_own_portal(by, client)
    if section not in SECTION_KEYS:
        raise ValidationError("Choose which part of your plan this is about.")
    text = text.strip()
    if not text:
        raise ValidationError("Write the change you would like before sending it.")
    if len(text) > MAX_SUGGESTION:
        raise ValidationError(f"Keep a suggestion under {MAX_SUGGESTION} characters.")
    plan = SafetyPlan.objects.filter(client=client, current_version__isnull=False).first()
    if plan is None or plan.current_version_id is None:
        raise ValidationError("There is no plan to suggest changes to yet.")
    suggestion = Suggestion.objects.create(
        plan=plan,
        based_on_id=plan.current_version_id,
        section=section,
        text=text,
        made_by=by,
    )
    record(
        action=Action.SAFETY_PLAN_SUGGESTED,
        actor=by,
        actor_role=CLIENT_ROLE,
        target=suggestion,
        client=client,
        practice_id=client.practice_id,
        detail={"section": section},
    )
    return suggestion


@transaction.atomic
def decide_suggestion(
    *,
    suggestion: Suggestion,
    client: Client,
    accept: bool,
    reply: str,
    by: Any,
    new_text: str = "",
) -> SafetyPlanVersion | None:
    """Accept (writing the plan's next version, with `new_text` in the suggested part) or
    decline, with a reply the client reads. Returns the new version when accepted."""
    _require_clinical(by, client)
    reply = reply.strip()
    if len(reply) > MAX_REPLY:
        raise ValidationError(f"Keep a reply under {MAX_REPLY} characters.")
    locked = Suggestion.objects.select_for_update().get(pk=suggestion.pk, plan__client=client)
    if not locked.is_pending:
        raise ValidationError("This suggestion has already been answered.")
    version = None
    if accept:
        new_text = new_text.strip()
        if not new_text:
            raise ValidationError("Write how this part of the plan will read.")
        if len(new_text) > MAX_SECTION:
            raise ValidationError(f"Keep each part under {MAX_SECTION} characters.")
        plan = _locked_plan(client)
        current = plan.current_version
        if current is None:  # a suggestion always starts from a version; kept for mypy
            raise ValidationError("There is no plan to change.")
        sections = current.sections
        sections[locked.section] = new_text
        version = _write_version(
            plan=plan,
            sections=_clean_sections(sections),
            contacts=current.contact_list,
            # The client wrote these words on the day they suggested them.
            made_with_client_on=timezone.localdate(locked.made_at),
            by=by,
        )
    else:
        if not reply:
            raise ValidationError("Say a few words to the client about why, before declining.")
    locked.status = SuggestionStatus.ACCEPTED if accept else SuggestionStatus.DECLINED
    locked.reply = reply
    locked.decided_at = timezone.now()
    locked.decided_by = by
    locked.resulting_version = version
    # One row, through save(): the manager refuses bulk updates.
    locked.save(update_fields=["status", "reply", "decided_at", "decided_by", "resulting_version"])
    record(
        action=Action.SAFETY_PLAN_SUGGESTION_DECIDED,
        actor=by,
        target=locked,
        client=client,
        detail={
            "status": locked.status,
            "section": locked.section,
            "version": version.number if version else None,
        },
    )
    return version


def record_viewed(*, client: Client, by: Any, page: str, target: Any = None) -> None:
    if page not in VIEWED_PAGES:
        raise ValueError(f"Unknown page: {page}")
    if page == "portal":
        record(
            action=Action.SAFETY_PLAN_VIEWED,
            actor=by,
            actor_role=CLIENT_ROLE,
            target=target,
            client=client,
            practice_id=client.practice_id,
            detail={"page": page},
        )
        return
    record(
        action=Action.SAFETY_PLAN_VIEWED,
        actor=by,
        target=target,
        client=client,
        detail={"page": page},
    )


def record_downloaded(
    *, client: Client, by: Any, kind: str, version: SafetyPlanVersion, by_client: bool
) -> None:
    if kind not in DOWNLOADS:
        raise ValueError(f"Unknown download: {kind}")
    record(
        action=Action.SAFETY_PLAN_DOWNLOADED,
        actor=by,
        actor_role=CLIENT_ROLE if by_client else "",
        target=version,
        client=client,
        practice_id=client.practice_id,
        detail={"kind": kind, "version": version.number},
    )


@transaction.atomic
def set_crisis_nation(*, client: Client, nation: str, by: Any) -> None:
    """Record which nation's crisis lines the client should see ("" forgets it)."""
    _require_clinical(by, client)
    if nation and nation not in Nation.values:
        raise ValidationError("Choose England, Scotland, Wales or Northern Ireland.")
    existing = CrisisNation.objects.select_for_update().filter(client=client).first()
    if not nation:
        if existing is not None:
            existing.delete()  # a preference, not part of the record
    elif existing is None:
        CrisisNation.objects.create(client=client, nation=nation, changed_by=by)
    else:
        existing.nation = nation
        existing.changed_by = by
        existing.changed_at = timezone.now()
        existing.save(update_fields=["nation", "changed_by", "changed_at"])
    record(
        action=Action.CRISIS_NATION_SET,
        actor=by,
        client=client,
        detail={"nation": nation or "unknown"},
    )


@transaction.atomic
def set_messages_statement(*, practice_id: int, text: str, by: Any) -> MessagesStatement:
    membership = getattr(by, "active_membership", None)
    if membership is None or membership.practice_id != practice_id or not membership.is_owner:
        raise PermissionDenied("Only the practice owner changes this statement.")
    text = text.strip()
    if not text:
        raise ValidationError("Write when messages are and are not read.")
    if len(text) > MAX_STATEMENT:
        raise ValidationError(f"Keep the statement under {MAX_STATEMENT} characters.")
    statement, _ = MessagesStatement.objects.update_or_create(
        practice_id=practice_id,
        defaults={"text": text, "changed_by": by, "changed_at": timezone.now()},
    )
    record(action=Action.MESSAGES_STATEMENT_CHANGED, actor=by, practice_id=practice_id)
    return statement
