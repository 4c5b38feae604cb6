"""A large, deterministic synthetic practice for benchmarks (`frame seed`).

The same number of clients and the same seed always give the same names, case codes, statuses,
people and care-team spread, so benchmark runs on different machines measure the same data. Rows
are written with `bulk_create` in batches inside one transaction: 100,000 clients load in well under
two minutes on SQLite, and an interrupted seed leaves nothing half-written. One audit event
(`DATA_SEEDED`, with counts only) records the load instead of one event per row.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import random
import uuid
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from typing import TypeVar

from django.db import connection, transaction
from django.utils import timezone

from frame.accounts.models import Membership, Practice, Role, User
from frame.audit.actions import record
from frame.audit.models import Action
from frame.clients.models import (
    CASE_CODE_ALPHABET,
    CareTeamMember,
    Client,
    Person,
    StatusChange,
)
from frame.demo import fiction

# Four clinicians share the caseload (the owner and three practitioners), plus one administrator.
CLINICIANS = 4
DEFAULT_BATCH = 5_000

T = TypeVar("T")


class SeedRefused(Exception):
    """The database already holds a practice; seeding would mix synthetic and real records."""


@dataclass(frozen=True)
class PersonPlan:
    id: uuid.UUID
    name: str
    relationship: str
    organisation: str


@dataclass(frozen=True)
class ClientPlan:
    id: uuid.UUID
    case_code: str
    given_name: str
    family_name: str
    preferred_name: str
    pronouns: str
    date_of_birth: dt.date
    email: str
    phone: str
    address: str
    postcode: str
    may_leave_voicemail: bool
    may_text: bool
    referral_source: str
    referral_reason: str
    safe_contact_notes: str
    gp: int
    status: str
    days_ago: int
    # Indexes into the clinicians list: the first is the main practitioner.
    care_team: tuple[int, ...]
    people: tuple[PersonPlan, ...] = field(default=())


@dataclass(frozen=True)
class SeedResult:
    practice: Practice
    staff: list[User]
    clients: int
    people: int
    care_team_links: int
    status_changes: int


def seed_user_email(seed: int, index: int) -> str:
    """Staff address for seed S: 0 is the owner, 1 to 3 practitioners, 4 the administrator."""
    return f"seed{seed}.staff{index}@example.org"


def _rng_uuid(rng: random.Random) -> uuid.UUID:
    return uuid.UUID(int=rng.getrandbits(128), version=4)


def plan_clients(*, count: int, seed: int) -> Iterator[ClientPlan]:
    """The synthetic caseload, generated lazily and identically for the same count and seed."""
    # Not for security: a seeded generator is the point, so that runs are reproducible.
    rng = random.Random(f"frame-seed-{seed}")  # noqa: S311
    statuses = [status for status, _ in fiction.STATUS_WEIGHTS]
    weights = [weight for _, weight in fiction.STATUS_WEIGHTS]
    used_codes: set[str] = set()
    for number in range(count):
        code = "".join(rng.choices(CASE_CODE_ALPHABET, k=6))
        while code in used_codes:  # about five collisions in 100,000; redraw deterministically
            code = "".join(rng.choices(CASE_CODE_ALPHABET, k=6))
        used_codes.add(code)
        given = rng.choice(fiction.GIVEN_NAMES)
        family = rng.choice(fiction.FAMILY_NAMES)
        address, postcode = fiction.fictional_address(rng)
        main = rng.randrange(CLINICIANS)
        care_team: tuple[int, ...] = (main,)
        if rng.random() < 0.1:  # some clients are seen by two practitioners (e.g. couples work)
            care_team = (main, (main + rng.randrange(1, CLINICIANS)) % CLINICIANS)
        people = []
        for _ in range(rng.choice((0, 1, 1, 2, 3))):
            relationship = rng.choice(fiction.RELATIONSHIPS)
            organisations = fiction.ORGANISATIONS.get(relationship, ())
            people.append(
                PersonPlan(
                    id=_rng_uuid(rng),
                    name=f"{rng.choice(fiction.GIVEN_NAMES)} {rng.choice(fiction.FAMILY_NAMES)}",
                    relationship=relationship,
                    organisation=rng.choice(organisations) if organisations else "",
                )
            )
        yield ClientPlan(
            id=_rng_uuid(rng),
            case_code=code,
            given_name=given,
            family_name=family,
            preferred_name=rng.choice(fiction.GIVEN_NAMES) if rng.random() < 0.08 else "",
            pronouns=rng.choice(fiction.PRONOUNS),
            date_of_birth=dt.date(1950, 1, 1) + dt.timedelta(days=rng.randrange(20_000)),
            email=fiction.email_for(given, family, number),
            phone=fiction.drama_mobile(rng.randrange(1000)),
            address=address,
            postcode=postcode,
            may_leave_voicemail=rng.random() < 0.5,
            may_text=rng.random() < 0.4,
            referral_source=rng.choice(fiction.REFERRAL_SOURCES),
            referral_reason=rng.choice(fiction.REFERRAL_REASONS),
            safe_contact_notes=rng.choice(fiction.SAFE_CONTACT_NOTES),
            gp=rng.randrange(len(fiction.SURGERIES)),
            status=rng.choices(statuses, weights)[0],
            days_ago=rng.randrange(1, 3000),
            care_team=care_team,
            people=tuple(people),
        )


def _batches(items: Iterable[T], size: int) -> Iterator[list[T]]:
    batch: list[T] = []
    for item in items:
        batch.append(item)
        if len(batch) == size:
            yield batch
            batch = []
    if batch:
        yield batch


def _create_staff(practice: Practice, seed: int, password: str) -> list[User]:
    rng = random.Random(f"frame-seed-staff-{seed}")  # noqa: S311  (reproducible names only)
    roles = [Role.OWNER, Role.PRACTITIONER, Role.PRACTITIONER, Role.PRACTITIONER]
    roles.append(Role.ADMINISTRATOR)
    staff = []
    for index, role in enumerate(roles):
        user = User(
            email=seed_user_email(seed, index),
            full_name=f"{rng.choice(fiction.GIVEN_NAMES)} {rng.choice(fiction.FAMILY_NAMES)}",
        )
        user.set_password(password)
        user.save()
        Membership.objects.create(user=user, practice=practice, role=role)
        staff.append(user)
    return staff


def _client_row(plan: ClientPlan, practice: Practice, creator: User, now: dt.datetime) -> Client:
    created = now - dt.timedelta(days=plan.days_ago)
    steps = len(STATUS_PATHS[plan.status])
    client = Client(
        id=plan.id,
        practice=practice,
        case_code=plan.case_code,
        given_name=plan.given_name,
        family_name=plan.family_name,
        preferred_name=plan.preferred_name,
        pronouns=plan.pronouns,
        date_of_birth=plan.date_of_birth,
        email=plan.email,
        phone=plan.phone,
        address=plan.address,
        postcode=plan.postcode,
        may_leave_voicemail=plan.may_leave_voicemail,
        may_email=True,
        may_text=plan.may_text,
        discreet_wording=True,
        safe_contact_notes=plan.safe_contact_notes,
        gp_name=fiction.GP_NAMES[plan.gp],
        gp_surgery=fiction.SURGERIES[plan.gp],
        gp_phone=fiction.drama_landline(plan.gp),
        referral_source=plan.referral_source,
        referral_reason=plan.referral_reason,
        status=plan.status,
        status_changed_at=created + (now - created) / steps * (steps - 1),
        created_at=created,
        created_by=creator,
    )
    # bulk_create never calls save(), which is where the search keys are normally kept in step.
    client.refresh_search_keys()
    return client


# The way each client reached their current status, so the card shows a believable history.
STATUS_PATHS: dict[str, tuple[str, ...]] = {
    "enquiry": ("enquiry",),
    "assessment": ("enquiry", "assessment"),
    "active": ("assessment", "active"),
    "ended": ("assessment", "active", "ended"),
    "archived": ("assessment", "active", "ended", "archived"),
}


def _history(plan: ClientPlan, row: Client, by: User, now: dt.datetime) -> Iterator[StatusChange]:
    path = STATUS_PATHS[plan.status]
    span = (now - row.created_at) / len(path)
    previous = ""
    for step, status in enumerate(path):
        changed_at = row.created_at + span * step
        yield StatusChange(
            client_id=plan.id,
            from_status=previous,
            to_status=status,
            changed_at=changed_at,
            effective_date=timezone.localdate(changed_at),
            changed_by=by,
        )
        previous = status


@contextlib.contextmanager
def _rollback_data_on_disk() -> Iterator[None]:
    """Keep SQLite's temporary rollback data in files while seeding, not in memory.

    Frame's settings put SQLite's temporary storage in memory, which suits everyday requests. In
    one transaction of several hundred thousand rows that storage grows with every row (about
    8 KB per client), so a large seed would need gigabytes of memory; on disk it stays flat.
    """
    if connection.vendor != "sqlite" or connection.in_atomic_block:
        yield  # SQLite only changes it outside a transaction; a caller's small seed is fine
        return
    with connection.cursor() as cursor:
        cursor.execute("PRAGMA temp_store")
        previous = int(cursor.fetchone()[0])
        cursor.execute("PRAGMA temp_store = FILE")
    try:
        yield
    finally:
        with connection.cursor() as cursor:
            cursor.execute(f"PRAGMA temp_store = {previous}")


def seed_practice(
    *,
    clients: int,
    seed: int,
    password: str,
    progress: Callable[[int], None] | None = None,
    batch_size: int = DEFAULT_BATCH,
) -> SeedResult:
    """Create a synthetic practice with `clients` clients. Refuses if any practice exists."""
    if clients < 0:
        raise ValueError("The number of clients cannot be negative.")
    now = timezone.now()
    people_count = links_count = changes_count = 0
    with _rollback_data_on_disk(), transaction.atomic():
        if Practice.objects.exists():
            raise SeedRefused(
                "This database already has a practice. Seed data only goes into an empty Frame, "
                "so synthetic records can never mix with real ones."
            )
        practice = Practice.objects.create(name=f"Synthetic practice (seed {seed})")
        staff = _create_staff(practice, seed, password)
        clinicians = staff[:CLINICIANS]
        done = 0
        for batch in _batches(plan_clients(count=clients, seed=seed), batch_size):
            rows = [
                _client_row(plan, practice, clinicians[plan.care_team[0]], now) for plan in batch
            ]
            Client.objects.bulk_create(rows)
            links = [
                CareTeamMember(client_id=plan.id, user=clinicians[index], added_at=row.created_at)
                for plan, row in zip(batch, rows, strict=True)
                for index in plan.care_team
            ]
            CareTeamMember.objects.bulk_create(links)
            changes = [
                change
                for plan, row in zip(batch, rows, strict=True)
                for change in _history(plan, row, clinicians[plan.care_team[0]], now)
            ]
            StatusChange.objects.bulk_create(changes)
            people = [
                Person(
                    id=person.id,
                    client_id=plan.id,
                    name=person.name,
                    relationship=person.relationship,
                    organisation=person.organisation,
                    added_at=row.created_at,
                )
                for plan, row in zip(batch, rows, strict=True)
                for person in plan.people
            ]
            Person.objects.bulk_create(people)
            people_count += len(people)
            links_count += len(links)
            changes_count += len(changes)
            done += len(batch)
            if progress is not None:
                progress(done)
        record(
            action=Action.DATA_SEEDED,
            practice_id=practice.pk,
            target=practice,
            detail={
                "seed": seed,
                "clients": clients,
                "people": people_count,
                "care_team_links": links_count,
                "status_changes": changes_count,
                "staff": len(staff),
            },
        )
    return SeedResult(
        practice=practice,
        staff=staff,
        clients=clients,
        people=people_count,
        care_team_links=links_count,
        status_changes=changes_count,
    )
