"""A small fictional practice to explore Frame with (`frame demo`).

Everything goes through the same actions the pages use (creating the practice, inviting and
accepting, adding clients, moving them along the lifecycle, care teams, people in their lives), so
the demo's audit trail looks exactly like a real one. Everyone and everything in it is made up.
"""

from __future__ import annotations

import datetime as dt
import random
from dataclasses import dataclass
from typing import Any

from django.db import transaction
from django.test.utils import override_settings
from django.utils import timezone

from frame.accounts import actions as accounts
from frame.accounts.models import Practice, Role, User
from frame.clients import actions as clients
from frame.clients import lifecycle
from frame.clients.models import Client
from frame.demo import fiction

DEMO_PRACTICE = "Kestrel House Counselling"


@dataclass(frozen=True)
class StaffMember:
    full_name: str
    email: str
    role: str


STAFF = (
    StaffMember("Imogen Ashdale", "imogen.ashdale@example.org", Role.OWNER),
    StaffMember("Tomasz Penhallow", "tomasz.penhallow@example.org", Role.PRACTITIONER),
    StaffMember("Adaeze Morrow", "adaeze.morrow@example.org", Role.PRACTITIONER),
    StaffMember("Priya Lindqvist", "priya.lindqvist@example.org", Role.ADMINISTRATOR),
)

# Forty clients at every stage: a few new enquiries, most in active work, some ended or archived.
STATUS_MIX = (
    [lifecycle.ENQUIRY] * 5
    + [lifecycle.ASSESSMENT] * 5
    + [lifecycle.ACTIVE] * 18
    + [lifecycle.ENDED] * 7
    + [lifecycle.ARCHIVED] * 5
)

# How each client reached their status, one step at a time, as the pages would have done it.
PATHS: dict[str, tuple[str, ...]] = {
    lifecycle.ENQUIRY: (),
    lifecycle.ASSESSMENT: (lifecycle.ASSESSMENT,),
    lifecycle.ACTIVE: (lifecycle.ASSESSMENT, lifecycle.ACTIVE),
    lifecycle.ENDED: (lifecycle.ASSESSMENT, lifecycle.ACTIVE, lifecycle.ENDED),
    lifecycle.ARCHIVED: (
        lifecycle.ASSESSMENT,
        lifecycle.ACTIVE,
        lifecycle.ENDED,
        lifecycle.ARCHIVED,
    ),
}

EMERGENCY_RELATIONSHIPS = ("Partner", "Mother", "Father", "Sister", "Brother", "Friend")


class DemoRefused(Exception):
    """Frame already holds a practice; the demo never mixes made-up records with real ones."""


@dataclass(frozen=True)
class DemoResult:
    practice: Practice
    staff: list[User]
    clients: int
    people: int


def _identity(rng: random.Random, given: str, family: str, number: int) -> dict[str, Any]:
    address, postcode = fiction.fictional_address(rng)
    return {
        "given_name": given,
        "family_name": family,
        "preferred_name": rng.choice(fiction.GIVEN_NAMES) if number % 9 == 4 else "",
        "pronouns": rng.choice(fiction.PRONOUNS),
        "date_of_birth": dt.date(1952, 1, 1) + dt.timedelta(days=rng.randrange(19_000)),
        "email": fiction.email_for(given, family, number),
        "phone": fiction.drama_mobile(100 + number),
        "address": address,
        "postcode": postcode,
        "may_leave_voicemail": rng.random() < 0.5,
        "may_email": rng.random() < 0.8,
        "may_text": rng.random() < 0.4,
        "discreet_wording": True,
        "safe_contact_notes": rng.choice(fiction.SAFE_CONTACT_NOTES),
    }


def _clinical(rng: random.Random, number: int) -> dict[str, Any]:
    gp = rng.randrange(len(fiction.SURGERIES))
    return {
        "gp_name": fiction.GP_NAMES[gp],
        "gp_surgery": fiction.SURGERIES[gp],
        "gp_phone": fiction.drama_landline(gp),
        "emergency_contact_name": (
            f"{rng.choice(fiction.GIVEN_NAMES)} {rng.choice(fiction.FAMILY_NAMES)}"
        ),
        "emergency_contact_relationship": rng.choice(EMERGENCY_RELATIONSHIPS),
        "emergency_contact_phone": fiction.drama_mobile(500 + number),
        "referral_source": rng.choice(fiction.REFERRAL_SOURCES),
        "referral_reason": rng.choice(fiction.REFERRAL_REASONS),
    }


def _add_people(rng: random.Random, client: Client, by: User) -> int:
    count = rng.choice((0, 1, 1, 2, 3))
    for _ in range(count):
        relationship = rng.choice(fiction.RELATIONSHIPS)
        organisations = fiction.ORGANISATIONS.get(relationship, ())
        clients.add_person(
            client=client,
            by=by,
            name=f"{rng.choice(fiction.GIVEN_NAMES)} {rng.choice(fiction.FAMILY_NAMES)}",
            relationship=relationship,
            organisation=rng.choice(organisations) if organisations else "",
        )
    return count


def _create_staff(password: str) -> list[User]:
    owner_spec, *colleagues = STAFF
    owner = accounts.create_practice(
        practice_name=DEMO_PRACTICE,
        full_name=owner_spec.full_name,
        email=owner_spec.email,
        password=password,
    )
    practice = owner.membership.practice
    staff = [owner]
    for spec in colleagues:
        # The same invite-and-accept path a real colleague takes, so the audit trail shows it.
        sent = accounts.invite_member(practice=practice, email=spec.email, role=spec.role, by=owner)
        staff.append(
            accounts.accept_invitation(
                invitation=sent.invitation, full_name=spec.full_name, password=password
            )
        )
    return staff


def _names(rng: random.Random, count: int) -> list[tuple[str, str]]:
    pairs: list[tuple[str, str]] = []
    while len(pairs) < count:
        pair = (rng.choice(fiction.GIVEN_NAMES), rng.choice(fiction.FAMILY_NAMES))
        if pair not in pairs and pair[1] not in {family for _, family in pairs}:
            pairs.append(pair)
    return pairs


def load_demo(*, password: str) -> DemoResult:
    """Create the demo practice, its four staff and forty clients. Refuses if a practice exists."""
    rng = random.Random("frame-demo")  # noqa: S311  (the same demo every time, not a secret)
    today = timezone.localdate()
    # Invitations to made-up example.org addresses are accepted here and now; sending them
    # anywhere (or printing them, with their links) would only add noise.
    with (
        override_settings(EMAIL_BACKEND="django.core.mail.backends.dummy.EmailBackend"),
        transaction.atomic(),
    ):
        existing = Practice.objects.first()
        if existing is not None:
            raise DemoRefused(
                f"This Frame already has a practice ({existing.name}). The demo only loads into "
                "an empty Frame, so made-up clients can never mix with real records."
            )
        staff = _create_staff(password)
        clinicians, administrator = staff[:3], staff[3]
        people = 0
        statuses = list(STATUS_MIX)
        rng.shuffle(statuses)
        for number, ((given, family), status) in enumerate(
            zip(_names(rng, len(statuses)), statuses, strict=True)
        ):
            practitioner = clinicians[number % len(clinicians)]
            path = PATHS[status]
            started = today - dt.timedelta(days=rng.randrange(60, 700))
            step_days = (today - started).days // (len(path) + 1)
            identity = _identity(rng, given, family, number)
            if status == lifecycle.ENQUIRY and number % 2 == 0:
                # The administrator takes some enquiries by phone and passes them on.
                client = clients.create_client(
                    by=administrator,
                    details=identity,
                    practitioners=[practitioner],
                    effective_date=started,
                )
            else:
                client = clients.create_client(
                    by=practitioner,
                    details=identity | _clinical(rng, number),
                    effective_date=started,
                )
            for step, next_status in enumerate(path, start=1):
                clients.change_status(
                    client=client,
                    by=practitioner,
                    to_status=next_status,
                    effective_date=started + dt.timedelta(days=step * step_days),
                )
            if number % 8 == 3:  # some clients also see a colleague, e.g. for couples work
                colleague = clinicians[(number + 1) % len(clinicians)]
                clients.add_care_team_member(client=client, by=practitioner, user=colleague)
            people += _add_people(rng, client, practitioner)
    return DemoResult(
        practice=staff[0].membership.practice, staff=staff, clients=len(statuses), people=people
    )
