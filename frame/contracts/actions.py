"""Every change to contracts, agreements and the client's preferences happens here.

Each action takes keyword arguments only and an explicit actor, runs in one transaction and
writes its audit event inside it. Audit details carry names, numbers and choices only: never
clause text, notes or anything a person typed about a client.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.text import slugify

from frame.accounts.models import Membership, Practice, User
from frame.audit.actions import record
from frame.audit.models import Action
from frame.clients import actions as client_actions
from frame.clients.access import Section, may_see
from frame.clients.models import Client
from frame.contracts import placeholders, selectors, uploads
from frame.contracts.default_template import DEFAULT_CLAUSES, DEFAULT_TEMPLATE_NAME
from frame.contracts.models import (
    PRACTITIONER_METHODS,
    Agreement,
    AgreementMethod,
    CalendarTitle,
    ChanceEncounterPreference,
    Clause,
    ClientContract,
    CommunicationPreferences,
    ContractTemplate,
    EncounterChoice,
    PracticeTerms,
    ReminderChannel,
    TemplateVersion,
)
from frame.contracts.terms import Terms, differences, terms_to_dict
from frame.lib.requestcontext import current

NOTE_LIMIT = 2000
TYPED_NAME_LIMIT = 200

# Names of the pages that record a CONTRACT_VIEWED event (a fixed vocabulary for the audit).
VIEWED_PAGES = frozenset(
    {"contract", "chance_encounter", "communication", "portal_contract", "portal_chance_encounter"}
)
DOWNLOADS = frozenset({"contract_pdf", "agreement_pdf", "agreement_scan"})


class OutdatedContract(Exception):
    """The contract someone agreed to is no longer the current one (a stale page or form)."""

    message = (
        "This contract has changed since the page was opened, so it cannot be agreed as it was. "
        "Please read the current version, which is shown below."
    )


# --- Who may do what ----------------------------------------------------------------------------


def _membership(by: User) -> Membership:
    membership = by.active_membership
    if membership is None:
        raise PermissionDenied("Only members of a practice can change contracts.")
    return membership


def _owner_of(by: User, practice_id: int) -> Membership:
    membership = _membership(by)
    if not membership.is_owner or membership.practice_id != practice_id:
        raise PermissionDenied("Only the practice's owners can change its contract templates.")
    return membership


def _care_team(by: User, client: Client, section: Section = Section.CLINICAL) -> Membership:
    membership = _membership(by)
    if not may_see(by, client, section):
        raise PermissionDenied("You cannot change this client's contract.")
    return membership


# --- Templates --------------------------------------------------------------------------------


@dataclass(frozen=True)
class ClauseDraft:
    """One clause as submitted for a new version. `key` is empty for a new clause."""

    title: str
    text: str
    key: str = ""


def _check_clauses(drafts: Sequence[ClauseDraft]) -> None:
    """Refuse, naming the clause and placeholder, anything Frame could not fill in."""
    if not drafts:
        raise ValidationError("A contract needs at least one clause.")
    errors = []
    for number, draft in enumerate(drafts, start=1):
        title = draft.title.strip() or f"Clause {number}"
        if not draft.title.strip():
            errors.append(f"Clause {number} needs a title.")
        if not draft.text.strip():
            errors.append(f"“{title}” has no text.")
        for part in (draft.title, draft.text):
            try:
                placeholders.check(part)
            except placeholders.PlaceholderError as error:
                errors.append(f"“{title}”: {error}")
    if errors:
        raise ValidationError(errors)


def _keys_for(drafts: Sequence[ClauseDraft]) -> list[str]:
    """Existing keys kept; new clauses get a key from their title, unique in this version."""
    taken = {d.key for d in drafts if d.key}
    keys = []
    for draft in drafts:
        if draft.key:
            keys.append(draft.key)
            continue
        base = slugify(draft.title)[:50] or "clause"
        key, n = base, 2
        while key in taken:
            key, n = f"{base}-{n}", n + 1
        taken.add(key)
        keys.append(key)
    return keys


def _write_version(
    *,
    template: ContractTemplate,
    number: int,
    drafts: Sequence[ClauseDraft],
    by: User | None,
    summary: str,
) -> TemplateVersion:
    version = TemplateVersion(template=template, number=number, created_by=by, summary=summary)
    version.save()
    Clause.objects.bulk_create(
        [
            Clause(
                version=version,
                position=position,
                key=key,
                title=d.title.strip(),
                text=d.text.strip(),
            )
            for position, (key, d) in enumerate(
                zip(_keys_for(drafts), drafts, strict=True), start=1
            )
        ]
    )
    return version


def ensure_templates(*, practice: Practice, by: User | None = None) -> ContractTemplate:
    """The practice's default template, creating Frame's own on first use."""
    existing = selectors.default_template(practice.pk)
    if existing is not None:
        return existing
    try:
        with transaction.atomic():
            template = ContractTemplate.objects.create(
                practice=practice, name=DEFAULT_TEMPLATE_NAME, is_default=True, created_by=None
            )
            _write_version(
                template=template,
                number=1,
                drafts=[ClauseDraft(c.title, c.text, c.key) for c in DEFAULT_CLAUSES],
                by=None,
                summary="Frame's starting contract.",
            )
            record(
                action=Action.CONTRACT_TEMPLATE_CREATED,
                actor=by,
                practice_id=practice.pk,
                target=template,
                detail={"source": "frame_default", "clauses": len(DEFAULT_CLAUSES)},
            )
    except IntegrityError:
        # Someone else's first visit created it a moment ago (PostgreSQL; SQLite serialises).
        pass
    created = selectors.default_template(practice.pk)
    assert created is not None  # noqa: S101 (just created, by us or by a concurrent request)
    return created


@transaction.atomic
def save_template_version(
    *, template: ContractTemplate, by: User, clauses: Sequence[ClauseDraft], summary: str = ""
) -> TemplateVersion | None:
    """A new version with these clauses, or None if nothing differs from the newest version."""
    _owner_of(by, template.practice_id)
    _check_clauses(clauses)
    list(ContractTemplate.objects.select_for_update().filter(pk=template.pk).values_list("pk"))
    latest = selectors.latest_version(template)
    old = list(latest.clauses.all()) if latest else []
    known_keys = {c.key for c in old}
    seen: set[str] = set()
    cleaned = []
    for draft in clauses:
        # A key not in the newest version (or repeated) is treated as a new clause.
        key = draft.key if draft.key in known_keys and draft.key not in seen else ""
        seen.add(key)
        cleaned.append(ClauseDraft(title=draft.title.strip(), text=draft.text.strip(), key=key))
    unchanged = [(c.key, c.title, c.text) for c in old] == [
        (d.key, d.title, d.text) for d in cleaned
    ]
    if latest is not None and unchanged:
        return None
    number = (latest.number if latest else 0) + 1
    version = _write_version(
        template=template, number=number, drafts=cleaned, by=by, summary=summary.strip()[:300]
    )
    record(
        action=Action.CONTRACT_TEMPLATE_VERSIONED,
        actor=by,
        target=version,
        detail={"template_id": str(template.pk), "version": number, "clauses": len(cleaned)},
    )
    return version


def _clean_name(name: str) -> str:
    name = re.sub(r"\s+", " ", name).strip()
    if not name:
        raise ValidationError({"name": "Please give the template a name."})
    if len(name) > 150:
        raise ValidationError({"name": "Please keep the name to 150 characters."})
    return name


@transaction.atomic
def copy_template(*, source: ContractTemplate, by: User, name: str) -> ContractTemplate:
    """A new template of the same practice, starting from the newest version of `source`."""
    _owner_of(by, source.practice_id)
    name = _clean_name(name)
    if ContractTemplate.objects.filter(practice_id=source.practice_id, name__iexact=name).exists():
        raise ValidationError({"name": "There is already a template with this name."})
    latest = selectors.latest_version(source)
    drafts = [ClauseDraft(c.title, c.text, c.key) for c in latest.clauses.all()] if latest else []
    template = ContractTemplate.objects.create(
        practice_id=source.practice_id, name=name, created_by=by
    )
    _write_version(
        template=template, number=1, drafts=drafts, by=by, summary=f"Copied from {source.name}."
    )
    record(
        action=Action.CONTRACT_TEMPLATE_CREATED,
        actor=by,
        target=template,
        detail={"source": "copy", "copied_from": str(source.pk), "clauses": len(drafts)},
    )
    return template


@transaction.atomic
def make_default_template(*, template: ContractTemplate, by: User) -> None:
    _owner_of(by, template.practice_id)
    if template.is_default:
        return
    ContractTemplate.objects.filter(practice_id=template.practice_id, is_default=True).update(
        is_default=False
    )
    ContractTemplate.objects.filter(pk=template.pk).update(is_default=True)
    template.is_default = True
    record(
        action=Action.CONTRACT_TEMPLATE_VERSIONED,
        actor=by,
        target=template,
        detail={"made_default": True},
    )


# --- Terms ------------------------------------------------------------------------------------


@transaction.atomic
def set_practice_terms(*, practice: Practice, by: User, terms: Terms) -> list[str]:
    """Store the practice's default terms; returns the names of the fields that changed."""
    _owner_of(by, practice.pk)
    before = selectors.practice_terms(practice.pk)
    changed = sorted(differences(before, terms))
    if not changed:
        return []
    PracticeTerms.objects.update_or_create(
        practice=practice,
        defaults={"values": terms_to_dict(terms), "updated_at": timezone.now(), "updated_by": by},
    )
    record(
        action=Action.PRACTICE_TERMS_CHANGED,
        actor=by,
        practice_id=practice.pk,
        detail={"fields": changed},
    )
    return changed


@transaction.atomic
def set_client_terms(
    *, client: Client, by: User, terms: Terms, template: ContractTemplate | None = None
) -> list[str]:
    """Store what differs from the practice's defaults as this client's own terms, and which
    template their contract uses (None: the practice's default). Returns what changed."""
    _care_team(by, client)
    if template is not None and template.practice_id != client.practice_id:
        raise PermissionDenied("That template belongs to another practice.")
    overrides = differences(selectors.practice_terms(client.practice_id), terms)
    row = ClientContract.objects.select_for_update().filter(client=client).first()
    old_overrides = row.overrides if row else {}
    old_template_id = row.template_id if row else None
    new_template_id = template.pk if template else None
    changed = sorted(
        name
        for name in {*overrides, *old_overrides}
        if overrides.get(name) != old_overrides.get(name)
    )
    if old_template_id != new_template_id:
        changed.append("template")
    if not changed:
        return []
    ClientContract.objects.update_or_create(
        client=client,
        defaults={
            "overrides": overrides,
            "template": template,
            "updated_at": timezone.now(),
            "updated_by": by,
        },
    )
    record(
        action=Action.CLIENT_TERMS_CHANGED,
        actor=by,
        client=client,
        target=client,
        detail={"fields": changed},
    )
    return changed


# --- Agreements -------------------------------------------------------------------------------


def _current_or_refuse(client: Client, version_id: str, sha256: str) -> selectors.CurrentContract:
    current = selectors.contract_for(client)
    if (
        current is None
        or str(current.version.pk) != str(version_id)
        or current.document.sha256 != sha256
    ):
        raise OutdatedContract()
    return current


def _refused(
    *, client: Client, actor: Any, method: str, version_id: str, actor_role: str = ""
) -> None:
    record(
        action=Action.CONTRACT_AGREEMENT_REFUSED,
        actor=actor,
        actor_role=actor_role,
        practice_id=client.practice_id,
        client=client,
        target=client,
        outcome="refused",
        detail={"method": method, "reason": "outdated", "version_id": str(version_id)[:40]},
    )


def _store_agreement(
    *,
    client: Client,
    current: selectors.CurrentContract,
    method: AgreementMethod,
    agreed_on: dt.date,
    recorded_by: User | None,
    typed_name: str = "",
    note: str = "",
    scan: uploads.StoredScan | None = None,
) -> Agreement:
    doc = current.document
    agreement = Agreement(
        client=client,
        version=current.version,
        terms=terms_to_dict(current.terms),
        text=doc.text,
        clauses=doc.clauses_json(),
        sha256=doc.sha256,
        method=method,
        agreed_on=agreed_on,
        typed_name=typed_name,
        source_ip=current_ip(),
        recorded_by=recorded_by,
        note=note,
    )
    if scan is not None:
        agreement.scan_name = scan.name
        agreement.scan_original_name = scan.original_name
        agreement.scan_content_type = scan.content_type
        agreement.scan_size = scan.size
        agreement.scan_key = scan.data_key
    agreement.save()
    return agreement


def current_ip() -> str:
    return current().source_ip[:64]


def record_agreement(
    *,
    client: Client,
    by: User,
    method: str,
    agreed_on: dt.date,
    version_id: str,
    sha256: str,
    note: str = "",
    scan: UploadedFile | None = None,
) -> Agreement:
    """The practitioner records that the client agreed the contract shown (in a session or on
    paper). Refuses with OutdatedContract if that contract is no longer the current one."""
    _care_team(by, client)
    if method not in PRACTITIONER_METHODS:
        raise ValidationError({"method": "Please say how the contract was agreed."})
    if agreed_on > timezone.localdate():
        raise ValidationError({"agreed_on": "The date agreed cannot be in the future."})
    if len(note) > NOTE_LIMIT:
        raise ValidationError({"note": f"Please keep the note to {NOTE_LIMIT} characters."})
    stored = uploads.store_scan(scan) if scan is not None else None
    try:
        with transaction.atomic():
            current = _current_or_refuse(client, version_id, sha256)
            agreement = _store_agreement(
                client=client,
                current=current,
                method=AgreementMethod(method),
                agreed_on=agreed_on,
                recorded_by=by,
                note=note.strip(),
                scan=stored,
            )
            record(
                action=Action.CONTRACT_AGREED,
                actor=by,
                client=client,
                target=agreement,
                detail={
                    "method": method,
                    "version": current.version.number,
                    "template_id": str(current.template.pk),
                    "scan": stored is not None,
                },
            )
    except OutdatedContract:
        if stored is not None:
            uploads.discard_scan(stored.name)
        _refused(client=client, actor=by, method=method, version_id=version_id)
        raise
    except BaseException:
        if stored is not None:
            uploads.discard_scan(stored.name)
        raise
    return agreement


def agree_in_portal(
    *,
    client: Client,
    by: User,
    version_id: str,
    sha256: str,
    typed_name: str,
    confirmed: Sequence[str],
) -> Agreement:
    """The client agrees the contract themselves in the portal: every section confirmed and
    their name typed. `by` is the client's own sign-in (the portal has checked it is theirs)."""
    typed_name = re.sub(r"\s+", " ", typed_name).strip()
    if len(typed_name) < 2:
        raise ValidationError({"typed_name": "Please type your name to agree."})
    if len(typed_name) > TYPED_NAME_LIMIT:
        raise ValidationError({"typed_name": "Please type just your name."})
    try:
        with transaction.atomic():
            current = _current_or_refuse(client, version_id, sha256)
            missing = [c.title for c in current.document.clauses if c.key not in set(confirmed)]
            if missing:
                raise ValidationError(
                    {"confirm": "Please confirm each section: " + "; ".join(missing) + "."}
                )
            agreement = _store_agreement(
                client=client,
                current=current,
                method=AgreementMethod.PORTAL,
                agreed_on=timezone.localdate(),
                recorded_by=None,
                typed_name=typed_name,
            )
            record(
                action=Action.CONTRACT_AGREED,
                actor=by,
                actor_role="client",
                practice_id=client.practice_id,
                client=client,
                target=agreement,
                detail={
                    "method": AgreementMethod.PORTAL.value,
                    "version": current.version.number,
                    "template_id": str(current.template.pk),
                },
            )
    except OutdatedContract:
        _refused(
            client=client,
            actor=by,
            actor_role="client",
            method=AgreementMethod.PORTAL.value,
            version_id=version_id,
        )
        raise
    return agreement


# --- Chance encounters ------------------------------------------------------------------------


def _encounter(choice: str, note: str) -> tuple[EncounterChoice, str]:
    if choice not in EncounterChoice.values:
        raise ValidationError({"choice": "Please choose one of the options."})
    note = note.strip()
    if len(note) > NOTE_LIMIT:
        raise ValidationError({"note": f"Please keep this to {NOTE_LIMIT} characters."})
    return EncounterChoice(choice), note


@transaction.atomic
def set_chance_encounter(
    *, client: Client, by: User, choice: str, note: str = ""
) -> ChanceEncounterPreference:
    """The practitioner records the client's wish (usually while contracting)."""
    _care_team(by, client)
    encounter_choice, note = _encounter(choice, note)
    row = ChanceEncounterPreference(
        client=client, choice=encounter_choice, note=note, recorded_by=by, by_client=False
    )
    row.save()
    record(
        action=Action.CHANCE_ENCOUNTER_SET,
        actor=by,
        client=client,
        target=row,
        detail={"choice": encounter_choice.value, "note": bool(note), "by": "practitioner"},
    )
    return row


@transaction.atomic
def set_chance_encounter_by_client(
    *, client: Client, by: User, choice: str, note: str = ""
) -> ChanceEncounterPreference:
    """The client changes their own wish in the portal, at any time (`by`: their sign-in)."""
    encounter_choice, note = _encounter(choice, note)
    row = ChanceEncounterPreference(
        client=client, choice=encounter_choice, note=note, recorded_by=None, by_client=True
    )
    row.save()
    record(
        action=Action.CHANCE_ENCOUNTER_SET,
        actor=by,
        actor_role="client",
        practice_id=client.practice_id,
        client=client,
        target=row,
        detail={"choice": encounter_choice.value, "note": bool(note), "by": "client"},
    )
    return row


# --- Communication preferences ----------------------------------------------------------------


@transaction.atomic
def set_communication_preferences(
    *,
    client: Client,
    by: User,
    reminder_channel: str,
    calendar_title: str,
    discreet_wording: bool,
) -> list[str]:
    """Reminder channel and calendar title here; discreet wording on the client record (through
    the clients app, which audits it). Returns the names of what changed."""
    _care_team(by, client, Section.CONTACT)
    if reminder_channel not in ReminderChannel.values:
        raise ValidationError({"reminder_channel": "Please choose how reminders are sent."})
    if calendar_title not in CalendarTitle.values:
        raise ValidationError({"calendar_title": "Please choose a calendar title."})
    row = CommunicationPreferences.objects.select_for_update().filter(client=client).first()
    before = (
        (row.reminder_channel, row.calendar_title)
        if row
        else (ReminderChannel.EMAIL.value, CalendarTitle.CASE_CODE.value)
    )
    changed = [
        name
        for name, old, new in (
            ("reminder_channel", before[0], reminder_channel),
            ("calendar_title", before[1], calendar_title),
        )
        if old != new
    ]
    if changed or row is None:
        CommunicationPreferences.objects.update_or_create(
            client=client,
            defaults={
                "reminder_channel": reminder_channel,
                "calendar_title": calendar_title,
                "updated_at": timezone.now(),
                "updated_by": by,
            },
        )
    if changed:
        record(
            action=Action.COMMUNICATION_CHANGED,
            actor=by,
            client=client,
            target=client,
            detail={
                "fields": changed,
                "reminder_channel": reminder_channel,
                "calendar_title": calendar_title,
            },
        )
    if client.discreet_wording != discreet_wording:
        client_actions.update_client(
            client=client, by=by, changes={"discreet_wording": discreet_wording}
        )
        changed.append("discreet_wording")
    return changed


# --- Reads worth recording --------------------------------------------------------------------


@transaction.atomic
def record_contract_viewed(*, client: Client, by: Any, page: str, actor_role: str = "") -> None:
    if page not in VIEWED_PAGES:
        raise ValueError(f"Unknown contract page {page!r}")
    record(
        action=Action.CONTRACT_VIEWED,
        actor=by,
        actor_role=actor_role,
        practice_id=client.practice_id,
        client=client,
        target=client,
        detail={"page": page},
    )


@transaction.atomic
def record_contract_downloaded(
    *, client: Client, by: Any, what: str, agreement: Agreement | None = None, actor_role: str = ""
) -> None:
    if what not in DOWNLOADS:
        raise ValueError(f"Unknown contract download {what!r}")
    record(
        action=Action.CONTRACT_DOWNLOADED,
        actor=by,
        actor_role=actor_role,
        practice_id=client.practice_id,
        client=client,
        target=agreement if agreement is not None else client,
        detail={"what": what},
    )
