"""The dual-relationship check: who in the practice, or in my own life, might this enquiry be?

An enquiry (its own name, email, phone, postcode and employer, its emergency contact and the
people it names) is screened against every current and past client of the practice, the people
they named and their emergency contacts, and the practitioner's declared circle. The matching
itself is `matching.py`; this module gathers the records (a fixed handful of queries, however
large the practice) and turns matches into what one practitioner may see:

- their own clients (on their care team) and their own circle: names and the reason;
- a colleague's client: only that there is a match, its kind and the client's case code.

Each practitioner on the enquiry's care team gets their own check, against their own circle and
caseload, and sees only their own. The writes are in `actions.py`.
"""

from __future__ import annotations

import hashlib
import json
import uuid
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any, cast

from frame.accounts.models import User
from frame.boundaries import matching
from frame.boundaries.models import CircleEntry, EnquiryPart, Target
from frame.clients import lifecycle
from frame.clients.models import CareTeamMember, Client, Person

# Edits to these fields of an enquiry can change what the check finds.
SCREENED_FIELDS = frozenset(
    {
        "given_name",
        "family_name",
        "preferred_name",
        "email",
        "phone",
        "postcode",
        "employer",
        "emergency_contact_name",
        "emergency_contact_phone",
    }
)
# A check stores at most this many matches (the strongest first); the count says how many more.
MAX_STORED_MATCHES = 100

_CLIENT_COLUMNS = (
    "id",
    "given_name",
    "family_name",
    "preferred_name",
    "case_code",
    "email",
    "phone",
    "postcode",
    "employer",
    "emergency_contact_name",
    "emergency_contact_phone",
)


def _names(given: str, family: str, preferred: str) -> tuple[str, ...]:
    names = [f"{given} {family}"]
    if preferred and preferred != given:
        names.append(f"{preferred} {family}")
    return tuple(names)


def _client_records(row: tuple[Any, ...]) -> list[matching.Record]:
    cid, given, family, preferred, _code, email, phone, postcode, employer, e_name, e_phone = row
    records = [
        matching.Record(
            ref=("client", cid),
            names=_names(given, family, preferred),
            emails=(email,) if email else (),
            phones=(phone,) if phone else (),
            postcodes=(postcode,) if postcode else (),
            organisations=(employer,) if employer else (),
        )
    ]
    if e_name or e_phone:
        records.append(
            matching.Record(
                ref=("emergency", cid),
                names=(e_name,) if e_name else (),
                phones=(e_phone,) if e_phone else (),
            )
        )
    return records


@dataclass
class PracticeRecords:
    """Everyone the practice has on record, ready to match, and what to say about each."""

    index: matching.Index
    client_names: dict[uuid.UUID, str] = field(default_factory=dict)
    people: list[tuple[str, str]] = field(default_factory=list)  # name, relationship
    emergency: dict[uuid.UUID, tuple[str, str]] = field(default_factory=dict)

    @classmethod
    def load(cls, practice_id: int) -> PracticeRecords:
        """Two queries: every client, then every person any client named (removed ones too)."""
        with matching.collection_paused():
            return cls._load(practice_id)

    @classmethod
    def _load(cls, practice_id: int) -> PracticeRecords:
        records: list[matching.Record] = []
        client_names: dict[uuid.UUID, str] = {}
        by_case_code: dict[str, uuid.UUID] = {}
        emergency: dict[uuid.UUID, tuple[str, str]] = {}
        rows = Client.objects.filter(practice_id=practice_id).values_list(*_CLIENT_COLUMNS)
        for row in rows.iterator(chunk_size=5000):
            records.extend(_client_records(row))
            given, family, preferred = row[1], row[2], row[3]
            known_as = f" ({preferred})" if preferred and preferred != given else ""
            client_names[row[0]] = f"{given}{known_as} {family}"
            by_case_code[row[4]] = row[0]
            if row[9] or row[10]:
                emergency[row[0]] = (row[9], "")
        # People are tied to their client by case code (unique in a practice), so tens of
        # thousands of ids need not be read and converted; a match needs only the name.
        people: list[tuple[str, str]] = []
        named = Person.objects.filter(client__practice_id=practice_id).values_list(
            "client__case_code", "name", "relationship"
        )
        for code, name, relationship in named.iterator(chunk_size=5000):
            ref = ("person", by_case_code[code], len(people))
            records.append(matching.Record(ref=ref, names=(name,)))
            people.append((name, relationship))
        return cls(
            index=matching.Index(records),
            client_names=client_names,
            people=people,
            emergency=emergency,
        )


def enquiry_queries(client: Client) -> list[matching.Record]:
    """The parts of an enquiry to look up: the person, their emergency contact, who they named."""
    queries = [
        matching.Record(
            ref=(EnquiryPart.ENQUIRY, None),
            names=_names(client.given_name, client.family_name, client.preferred_name),
            emails=(client.email,) if client.email else (),
            phones=(client.phone,) if client.phone else (),
            postcodes=(client.postcode,) if client.postcode else (),
            organisations=(client.employer,) if client.employer else (),
        )
    ]
    if client.emergency_contact_name or client.emergency_contact_phone:
        queries.append(
            matching.Record(
                ref=(EnquiryPart.EMERGENCY_CONTACT, None),
                names=(client.emergency_contact_name,) if client.emergency_contact_name else (),
                phones=(client.emergency_contact_phone,) if client.emergency_contact_phone else (),
            )
        )
    for pid, name in Person.objects.current().filter(client=client).values_list("id", "name"):
        queries.append(matching.Record(ref=(EnquiryPart.PERSON, pid), names=(name,)))
    return queries


@dataclass(frozen=True)
class Found:
    """One match, resolved into what this practitioner may be shown."""

    enquiry_part: str
    field: str
    how: str
    target: str
    target_client_id: uuid.UUID | None
    circle_entry_id: uuid.UUID | None
    shown: dict[str, str]

    @property
    def visible(self) -> bool:
        return self.target in {Target.CIRCLE, Target.OWN_CLIENT, Target.OWN_CLIENT_CONTACT}

    def sort_key(self) -> tuple[int, int, int, str]:
        strength = list(matching.How).index(matching.How(self.how))
        field = list(matching.Field).index(matching.Field(self.field))
        return (0 if self.visible else 1, strength, field, "")

    def identity(self) -> str:
        """Everything that makes this match what it is; equal identities, equal matches."""
        return json.dumps(
            [
                self.enquiry_part,
                self.field,
                self.how,
                self.target,
                str(self.target_client_id or ""),
                str(self.circle_entry_id or ""),
                self.shown.get("enquiry_value", ""),
                self.shown.get("match_value", ""),
                self.shown.get("person_ref", ""),
            ]
        )


def _enquiry_label(client: Client, part: Any, people: dict[uuid.UUID, tuple[str, str]]) -> str:
    kind, ref = part
    if kind == EnquiryPart.ENQUIRY:
        return client.display_name
    if kind == EnquiryPart.EMERGENCY_CONTACT:
        return f"{client.emergency_contact_name or 'their emergency contact'} (emergency contact)"
    name, relationship = people.get(ref, ("someone they named", ""))
    return f"{name} ({relationship})" if relationship else name


def resolve(
    client: Client,
    match: matching.Match,
    *,
    practice: PracticeRecords,
    own_clients: set[uuid.UUID],
    circle: dict[uuid.UUID, CircleEntry],
    enquiry_people: dict[uuid.UUID, tuple[str, str]],
) -> Found | None:
    """What this practitioner may see of one match; None for a match with the enquiry itself."""
    part_kind, part_ref = cast(tuple[str, Any], match.query)
    ref = cast(tuple[Any, ...], match.record)
    shown = {
        "enquiry_value": match.query_value,
        "enquiry_label": _enquiry_label(client, match.query, enquiry_people),
    }
    if part_kind == EnquiryPart.PERSON:
        shown["person_ref"] = str(part_ref)
    if ref[0] == "circle":
        entry = circle[ref[1]]
        shown |= {
            "match_value": match.record_value,
            "who": entry.label,
            "relationship": entry.relationship,
            "organisation": entry.organisation if entry.name else "",
            "town": entry.town,
        }
        return Found(str(part_kind), match.field, match.how, Target.CIRCLE, None, entry.pk, shown)
    client_id = ref[1]
    if client_id == client.pk:
        return None  # the enquiry's own record and the people it named
    own = client_id in own_clients
    if ref[0] == "client":
        target = Target.OWN_CLIENT if own else Target.COLLEAGUE_CLIENT
        if own:
            shown |= {"match_value": match.record_value, "who": practice.client_names[client_id]}
    else:
        target = Target.OWN_CLIENT_CONTACT if own else Target.COLLEAGUE_CLIENT_CONTACT
        if own:
            if ref[0] == "person":
                name, relationship = practice.people[ref[2]]
            else:
                name, relationship = practice.emergency[client_id][0], "emergency contact"
            shown |= {
                "match_value": match.record_value,
                "who": name,
                "relationship": relationship,
                "named_by": practice.client_names[client_id],
            }
    return Found(str(part_kind), match.field, match.how, target, client_id, None, shown)


@dataclass(frozen=True)
class Outcome:
    found: list[Found]  # the strongest first, at most MAX_STORED_MATCHES
    total: int
    fingerprint: str


def fingerprint(found: Iterable[Found]) -> str:
    identities = sorted(f.identity() for f in found)
    return hashlib.sha256("\n".join(identities).encode()).hexdigest()


def check(client: Client, practitioner: User, practice: PracticeRecords) -> Outcome:
    """Screen `client` for `practitioner`: against the practice, and against their own circle."""
    own_clients = set(
        CareTeamMember.objects.filter(
            user=practitioner, client__practice_id=client.practice_id
        ).values_list("client_id", flat=True)
    )
    circle = {entry.pk: entry for entry in CircleEntry.objects.filter(owner=practitioner)}
    enquiry_people = dict(
        (pid, (name, relationship))
        for pid, name, relationship in Person.objects.current()
        .filter(client=client)
        .values_list("id", "name", "relationship")
    )
    queries = enquiry_queries(client)
    circle_index = matching.Index(entry.as_record() for entry in circle.values())
    matches = [m for q in queries for m in practice.index.search(q)]
    matches += [m for q in queries for m in circle_index.search(q)]
    found: dict[str, Found] = {}
    for match in matches:
        resolved = resolve(
            client,
            match,
            practice=practice,
            own_clients=own_clients,
            circle=circle,
            enquiry_people=enquiry_people,
        )
        if resolved is not None:
            found.setdefault(resolved.identity(), resolved)
    ordered = sorted(found.values(), key=lambda f: (f.sort_key(), f.identity()))
    return Outcome(
        found=ordered[:MAX_STORED_MATCHES], total=len(ordered), fingerprint=fingerprint(ordered)
    )


def practitioners_to_screen(client: Client) -> list[User]:
    """Owners and practitioners of the practice on the client's care team."""
    return list(
        User.objects.filter(
            care_team_links__client=client,
            membership__practice_id=client.practice_id,
            membership__is_active=True,
            membership__role__in=["owner", "practitioner"],
        ).order_by("pk")
    )


def is_screened_status(status: str) -> bool:
    """Checks run by themselves while someone is an enquiry: before they are accepted."""
    return status == lifecycle.ENQUIRY


# --- Listening to the clients app ------------------------------------------------------------


def _on_client_changed(
    sender: Any, *, client: Client, by: User, change: str, **kwargs: Any
) -> None:
    from frame.boundaries import actions

    if not is_screened_status(client.status):
        return
    fields = set(kwargs.get("fields", ()))
    if change == "details" and not fields & SCREENED_FIELDS:
        return
    if change == "people" and "name" not in fields:
        return
    actions.screen_enquiry(client=client, by=by, trigger=change, only_new=change == "care_team")


def connect() -> None:
    from frame.clients.signals import client_details_changed

    client_details_changed.connect(_on_client_changed, dispatch_uid="boundaries.screen_enquiry")
