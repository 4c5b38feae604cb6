"""Every change to a client record, and every read worth recording, happens here.

Each action takes keyword arguments only and an explicit actor (`by=`), runs in one transaction
and writes its audit event inside that same transaction, so a change and its record of who made
it stand or fall together. Audit details carry names of fields and statuses only, never what was
typed. Nothing here deletes a client: clients are archived.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping, Sequence
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone

from frame.accounts.models import Membership, Role, User
from frame.audit.actions import record
from frame.audit.models import Action
from frame.clients import lifecycle
from frame.clients.access import ADMINISTRATIVE_SECTIONS, Section, may_see
from frame.clients.models import (
    ADMINISTRATIVE_FIELDS,
    EDITABLE_FIELDS,
    PERSON_FIELDS,
    CareTeamMember,
    Client,
    Person,
    StatusChange,
    new_case_code,
)
from frame.clients.signals import client_details_changed

# Names of the read-only pages that record a CLIENT_VIEWED event (kept to a fixed vocabulary).
VIEWED_PAGES = frozenset({"card", "edit", "status", "care_team", "person"})

_CASE_CODE_ATTEMPTS = 20


def _membership(by: User) -> Membership:
    membership = by.active_membership
    if membership is None:
        raise PermissionDenied("Only members of a practice can change client records.")
    return membership


def _require(by: User, client: Client, section: Section) -> Membership:
    """Actions check access themselves too: commands and later apps call them, not just views."""
    membership = _membership(by)
    if not may_see(by, client, section):
        raise PermissionDenied("You cannot change this part of this client's record.")
    return membership


def _fields_for(membership: Membership) -> tuple[str, ...]:
    if membership.is_clinical:
        return EDITABLE_FIELDS
    if membership.role == Role.ADMINISTRATOR:
        return ADMINISTRATIVE_FIELDS
    return ()


def _check_field_names(names: Iterable[str], allowed: Sequence[str]) -> None:
    names = set(names)
    unknown = names - set(EDITABLE_FIELDS)
    if unknown:
        raise ValueError(f"Not editable client fields: {', '.join(sorted(unknown))}")
    refused = names - set(allowed)
    if refused:
        raise PermissionDenied("Administrators cannot see or change clinical parts of a record.")


def _unique_case_code(practice_id: int) -> str:
    # 31^6 codes: a clash is rare, and checking inside the write transaction makes it safe.
    for _ in range(_CASE_CODE_ATTEMPTS):
        code = new_case_code()
        if not Client.objects.filter(practice_id=practice_id, case_code=code).exists():
            return code
    raise RuntimeError("Could not find a free case code; the practice may need longer codes.")


def _clinical_colleagues(
    practice_id: int, users: Iterable[User], *, field: str = "practitioners"
) -> list[User]:
    """The given users, checked to be active owners or practitioners of this practice."""
    users = list({user.pk: user for user in users}.values())
    if not users:
        return []
    eligible = set(
        Membership.objects.filter(
            practice_id=practice_id,
            user__in=users,
            is_active=True,
            role__in=[Role.OWNER, Role.PRACTITIONER],
        ).values_list("user_id", flat=True)
    )
    if any(user.pk not in eligible for user in users):
        raise ValidationError(
            {field: "Only practitioners and owners of this practice can join a care team."}
        )
    return users


def _changed_fields(instance: Any, changes: Mapping[str, Any]) -> list[str]:
    return sorted(name for name, value in changes.items() if getattr(instance, name) != value)


def _all_but(model: type[Any], names: Iterable[str]) -> set[str]:
    """Field names to leave out of validation: only what changed needs checking again."""
    return {f.name for f in model._meta.fields} - set(names)


def _lock(client: Client) -> None:
    """Hold the client's row until commit (PostgreSQL); SQLite's write lock already serialises."""
    list(Client.objects.select_for_update().filter(pk=client.pk).values_list("pk", flat=True))


@transaction.atomic
def create_client(
    *,
    by: User,
    details: Mapping[str, Any],
    status: str = lifecycle.ENQUIRY,
    practitioners: Sequence[User] = (),
    effective_date: dt.date | None = None,
) -> Client:
    """A new client record, its first status, its care team and the audit event for all three.

    Owners and practitioners join the care team of clients they add (with any colleagues they
    name). Administrators take enquiries for someone else: they name the practitioner(s), the
    record starts as an enquiry, and they cannot fill in anything clinical.
    """
    membership = _membership(by)
    allowed = _fields_for(membership)
    if not allowed:
        raise PermissionDenied("Your role cannot add client records.")
    _check_field_names(details, allowed)
    lifecycle.check_initial(status)
    if membership.is_clinical:
        team = [by, *_clinical_colleagues(membership.practice_id, practitioners)]
        team = list({user.pk: user for user in team}.values())
    else:
        if status != lifecycle.ENQUIRY:
            raise PermissionDenied("Administrators add new clients as enquiries.")
        team = _clinical_colleagues(membership.practice_id, practitioners)
        if not team:
            raise ValidationError(
                {"practitioners": "Choose the practitioner who will respond to this enquiry."}
            )
    when = effective_date or timezone.localdate()
    _check_effective_date(when, after=None)

    client = Client(
        practice_id=membership.practice_id,
        created_by=by,
        status=status,
        case_code=_unique_case_code(membership.practice_id),
        **details,
    )
    client.refresh_search_keys()
    client.full_clean()
    client.save(force_insert=True)
    CareTeamMember.objects.bulk_create([CareTeamMember(client=client, user=u) for u in team])
    StatusChange.objects.create(
        client=client, from_status="", to_status=status, effective_date=when, changed_by=by
    )
    record(
        action=Action.CLIENT_CREATED,
        actor=by,
        target=client,
        client=client,
        detail={
            "status": status,
            "fields": sorted(name for name, value in details.items() if value not in ("", None)),
            "care_team": sorted(user.pk for user in team),
        },
    )
    _announce(client, by, "created", sorted(details))
    return client


@transaction.atomic
def update_client(*, client: Client, by: User, changes: Mapping[str, Any]) -> list[str]:
    """Apply `changes` (field name → new value); returns the names of the fields that changed.

    Status is not changed here but through `change_status`, which keeps its history.
    """
    membership = _membership(by)
    _check_field_names(changes, _fields_for(membership))
    # Clinical staff change a record only while on its care team, whichever part they change.
    _require(by, client, Section.CLINICAL if membership.is_clinical else Section.IDENTITY)
    changed = _changed_fields(client, changes)
    if not changed:
        return []
    before = {name: getattr(client, name) for name in changed}
    for name in changed:
        setattr(client, name, changes[name])
    try:
        client.full_clean(exclude=_all_but(Client, changed), validate_constraints=False)
    except ValidationError:
        # Leave the caller's object as it was: nothing was saved, so nothing should look saved.
        for name, value in before.items():
            setattr(client, name, value)
        raise
    client.save(update_fields=changed)
    record(
        action=Action.CLIENT_UPDATED,
        actor=by,
        target=client,
        client=client,
        detail={"fields": changed},
    )
    _announce(client, by, "details", changed)
    return changed


def _announce(client: Client, by: User, change: str, fields: Sequence[str] = ()) -> None:
    client_details_changed.send(
        sender=Client, client=client, by=by, change=change, fields=tuple(fields)
    )


def _check_effective_date(when: dt.date, *, after: dt.date | None) -> None:
    if when > timezone.localdate():
        raise ValidationError({"effective_date": "The date of the change cannot be in the future."})
    if after is not None and when < after:
        raise ValidationError(
            {
                "effective_date": "The date cannot be earlier than the last change of status "
                f"({after.day} {after:%B %Y})."
            }
        )


@transaction.atomic
def change_status(
    *, client: Client, by: User, to_status: str, effective_date: dt.date | None = None
) -> StatusChange:
    """Move the client along the lifecycle, keeping the date it took effect and who did it."""
    _require(by, client, Section.CLINICAL)
    # Read the status again inside the transaction (locking the row on PostgreSQL), so two people
    # changing it at once cannot both succeed from the same starting point.
    current = Client.objects.select_for_update().values_list("status", flat=True).get(pk=client.pk)
    lifecycle.check_transition(current, to_status)
    last = (
        StatusChange.objects.filter(client=client)
        .order_by("-changed_at", "-id")
        .values_list("effective_date", flat=True)
        .first()
    )
    when = effective_date or timezone.localdate()
    _check_effective_date(when, after=last)
    now = timezone.now()
    change = StatusChange.objects.create(
        client=client,
        from_status=current,
        to_status=to_status,
        changed_at=now,
        effective_date=when,
        changed_by=by,
    )
    client.status = to_status
    client.status_changed_at = now
    client.save(update_fields=["status", "status_changed_at"])
    record(
        action=Action.CLIENT_STATUS_CHANGED,
        actor=by,
        target=client,
        client=client,
        detail={"from": current, "to": to_status, "effective_date": when.isoformat()},
    )
    return change


@transaction.atomic
def add_care_team_member(*, client: Client, by: User, user: User) -> CareTeamMember:
    _require(by, client, Section.CLINICAL)
    _lock(client)
    _clinical_colleagues(client.practice_id, [user], field="user")
    if CareTeamMember.objects.filter(client=client, user=user).exists():
        raise ValidationError({"user": f"{user} is already on the care team."})
    member = CareTeamMember.objects.create(client=client, user=user)
    record(
        action=Action.CARE_TEAM_CHANGED,
        actor=by,
        target=client,
        client=client,
        detail={"added": user.pk},
    )
    _announce(client, by, "care_team")
    return member


@transaction.atomic
def remove_care_team_member(*, client: Client, by: User, user: User) -> None:
    """Take someone off the care team. A client always keeps at least one practitioner."""
    _require(by, client, Section.CLINICAL)
    _lock(client)
    members = list(CareTeamMember.objects.filter(client=client).select_related("user__membership"))
    leaving = [m for m in members if m.user_id == user.pk]
    if not leaving:
        raise ValidationError({"user": f"{user} is not on the care team."})
    staying = [
        m
        for m in members
        if m.user_id != user.pk and _is_active_clinician(m.user, practice_id=client.practice_id)
    ]
    if not staying:
        raise ValidationError(
            {
                "user": "A client must keep at least one practitioner. Add the colleague who "
                "will take over first, then remove this person."
            }
        )
    CareTeamMember.objects.filter(pk=leaving[0].pk).delete()
    record(
        action=Action.CARE_TEAM_CHANGED,
        actor=by,
        target=client,
        client=client,
        detail={"removed": user.pk},
    )


def _is_active_clinician(user: User, *, practice_id: int) -> bool:
    membership = user.active_membership
    return (
        membership is not None and membership.practice_id == practice_id and membership.is_clinical
    )


@transaction.atomic
def add_person(
    *, client: Client, by: User, name: str, relationship: str, organisation: str = ""
) -> Person:
    """Someone in the client's life: a partner, a parent, a GP, a social worker."""
    _require(by, client, Section.CLINICAL)
    person = Person(client=client, name=name, relationship=relationship, organisation=organisation)
    person.full_clean()
    person.save(force_insert=True)
    record(
        action=Action.PERSON_ADDED,
        actor=by,
        target=person,
        client=client,
        detail={"fields": [f for f in PERSON_FIELDS if getattr(person, f)]},
    )
    _announce(client, by, "people", [f for f in PERSON_FIELDS if getattr(person, f)])
    return person


@transaction.atomic
def update_person(*, person: Person, by: User, changes: Mapping[str, Any]) -> list[str]:
    unknown = set(changes) - set(PERSON_FIELDS)
    if unknown:
        raise ValueError(f"Not editable person fields: {', '.join(sorted(unknown))}")
    _require(by, person.client, Section.CLINICAL)
    if person.removed_at is not None:
        raise ValidationError("This person has been removed from the record.")
    changed = _changed_fields(person, changes)
    if not changed:
        return []
    before = {name: getattr(person, name) for name in changed}
    for name in changed:
        setattr(person, name, changes[name])
    try:
        person.full_clean(exclude=_all_but(Person, changed))
    except ValidationError:
        for name, value in before.items():
            setattr(person, name, value)
        raise
    person.save(update_fields=changed)
    record(
        action=Action.PERSON_UPDATED,
        actor=by,
        target=person,
        client=person.client,
        detail={"fields": changed},
    )
    _announce(person.client, by, "people", changed)
    return changed


@transaction.atomic
def remove_person(*, person: Person, by: User) -> None:
    """Mark the person as no longer part of the record. The row stays, for conflict checks."""
    _require(by, person.client, Section.CLINICAL)
    if person.removed_at is not None:
        return
    person.removed_at = timezone.now()
    person.save(update_fields=["removed_at"])
    record(
        action=Action.PERSON_REMOVED,
        actor=by,
        target=person,
        client=person.client,
        detail={},
    )


# --- Reads worth recording ------------------------------------------------------------------------


@transaction.atomic
def record_client_viewed(*, client: Client, by: User, page: str) -> None:
    """Reading a client record is itself an event in a counselling practice: log every view."""
    if page not in VIEWED_PAGES:
        raise ValueError(f"Unknown page name for the audit trail: {page}")
    membership = _membership(by)
    shown = set(ADMINISTRATIVE_SECTIONS) | ({Section.CLINICAL} if membership.is_clinical else set())
    sections = sorted(str(section) for section in shown)
    record(
        action=Action.CLIENT_VIEWED,
        actor=by,
        target=client,
        client=client,
        detail={"page": page, "sections": sections},
    )


@transaction.atomic
def record_client_search(*, by: User, status: str, results: int) -> None:
    """A search of the client list. The words searched for are never recorded."""
    record(
        action=Action.CLIENT_LIST_SEARCHED,
        actor=by,
        detail={"status": status, "results": results},
    )


@transaction.atomic
def record_access_report_viewed(*, client: Client, by: User) -> None:
    record(
        action=Action.AUDIT_VIEWED,
        actor=by,
        target=client,
        client=client,
        detail={"report": "client_access"},
    )
