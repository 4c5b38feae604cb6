"""Gather what a preparation pack is made from, for the pseudonymiser. Read-only.

Everything is loaded for all chosen clients at once — a fixed number of queries however many
clients, events, notes or questionnaires there are. Only clients the practitioner sees clinically
(their care team) are ever loaded: the ids come through `clients_for`.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any

from django.db.models import Count, F, Q, QuerySet, Window
from django.db.models.functions import RowNumber

from frame.boundaries.models import BoundaryEvent
from frame.clients import lifecycle
from frame.clients.access import Section, clients_for
from frame.clients.models import Client, Person
from frame.measures import definitions
from frame.measures.models import Administration
from frame.notes.models import NoteStatus, SessionNote
from frame.safety.access import flags_awaiting_supervision
from frame.safety.models import RiskFlag
from frame.scheduling.counting import COUNTED_KINDS
from frame.scheduling.models import HELD_STATUSES, Appointment
from frame.supervision import pseudonymise as p

RECENT_NOTES = 3  # themes come from the latest three signed notes
THEMES_HEADING = "themes"
CASELOAD_LIMIT = 200

GENDERS = (
    ("", "Not given"),
    ("woman", "Woman"),
    ("man", "Man"),
    ("non-binary", "Non-binary"),
    ("another", "Another gender"),
)
GENDER_LABELS = dict(GENDERS)


def events_to_take(user: Any) -> QuerySet[BoundaryEvent]:
    """Boundary events marked "take to supervision", not yet taken, on the user's caseload."""
    return (
        BoundaryEvent.objects.filter(
            client__in=clients_for(user, section=Section.CLINICAL),
            to_supervision=True,
            taken_to_supervision_on__isnull=True,
            recorded_in_error_at__isnull=True,
        )
        .select_related("client")
        .only("id", "kind", "occurred_on", "client__id", "client__case_code")
        .order_by("occurred_on", "id")
    )


def flags_to_take(user: Any) -> QuerySet[RiskFlag]:
    """Risk flags marked "take to supervision", not yet taken, on the user's caseload.

    Through the safety app's own access function: its flags are its to scope.
    """
    return flags_awaiting_supervision(user).only(
        "id", "source", "raised_at", "client__id", "client__case_code"
    )


def caseload(user: Any) -> QuerySet[Client]:
    """Clients on the user's caseload (archived ones aside), to pick from by case code."""
    return (
        clients_for(user, section=Section.CLINICAL)
        .exclude(status=lifecycle.ARCHIVED)
        .only("id", "case_code")
        .order_by("case_code")
    )


@dataclass(frozen=True)
class Chosen:
    client_ids: Sequence[Any]
    event_ids: Sequence[Any]
    genders: dict[str, str]  # client id (text) → a key of GENDERS
    flag_ids: Sequence[Any] = ()


def _identifiers(client: Client, people: Iterable[Person]) -> p.Identifiers:
    people = list(people)
    return p.Identifiers(
        names=[
            client.given_name,
            client.family_name,
            client.preferred_name,
            client.emergency_contact_name,
            client.gp_name,
            *(person.name for person in people),
        ],
        organisations=[
            client.employer,
            client.gp_surgery,
            *(person.organisation for person in people),
        ],
        address=client.address,
        postcode=client.postcode,
        email=client.email,
        phones=[client.phone, client.gp_phone, client.emergency_contact_phone],
        date_of_birth=client.date_of_birth,
    )


def _themes(sections: list[tuple[str, str]]) -> list[str]:
    return [
        text for heading, text in sections if THEMES_HEADING in heading.lower() and text.strip()
    ]


def sources(user: Any, chosen: Chosen) -> list[p.CaseSource]:
    """The material for each chosen client (and each client of a chosen event), by case code."""
    events = list(events_to_take(user).filter(pk__in=list(chosen.event_ids)))
    flags = list(flags_to_take(user).filter(pk__in=list(chosen.flag_ids)))
    wanted = (
        {str(c) for c in chosen.client_ids}
        | {str(e.client_id) for e in events}
        | {str(f.client_id) for f in flags}
    )
    if not wanted:
        return []
    clients = list(
        clients_for(user, section=Section.CLINICAL, among=Q(pk__in=sorted(wanted))).order_by(
            "case_code"
        )
    )
    ids = [c.pk for c in clients]
    people: dict[Any, list[Person]] = defaultdict(list)
    for person in Person.objects.filter(client_id__in=ids):  # removed people are still named
        people[person.client_id].append(person)
    held = dict(
        Appointment.objects.filter(
            client_id__in=ids, status__in=sorted(HELD_STATUSES), kind__in=sorted(COUNTED_KINDS)
        )
        .values("client_id")
        .annotate(n=Count("id"))
        .values_list("client_id", "n")
    )
    themes: dict[Any, list[str]] = defaultdict(list)
    recent = (
        SessionNote.objects.filter(client_id__in=ids, status=NoteStatus.SIGNED)
        .annotate(
            rank=Window(RowNumber(), partition_by=[F("client_id")], order_by=F("signed_at").desc())
        )
        .filter(rank__lte=RECENT_NOTES)
        .order_by("client_id", "-signed_at")
    )
    for note in recent:
        themes[note.client_id].extend(_themes(note.sections))
    scores: dict[Any, dict[str, list[Administration]]] = defaultdict(lambda: defaultdict(list))
    for given in (
        Administration.objects.filter(client_id__in=ids, valid=True, total__isnull=False)
        .only("client_id", "instrument", "completed_on", "recorded_at", "total", "band")
        .order_by("completed_on", "recorded_at")
    ):
        scores[given.client_id][given.instrument].append(given)
    by_client: dict[Any, list[p.Event]] = defaultdict(list)
    full = BoundaryEvent.objects.filter(pk__in=[e.pk for e in events]).order_by("occurred_on")
    for event in full:
        by_client[event.client_id].append(
            p.Event(
                kind=event.get_kind_display(),
                month=f"{event.occurred_on:%B %Y}",
                text=event.what_happened,
            )
        )
    flagged: dict[Any, list[p.Event]] = defaultdict(list)
    for flag in RiskFlag.objects.filter(pk__in=[f.pk for f in flags]).order_by("raised_at"):
        flagged[flag.client_id].append(
            p.Event(
                kind=flag.get_source_display(),
                month=f"{flag.raised_at:%B %Y}",
                text=" ".join(part for part in (flag.summary, flag.reason) if part.strip()),
            )
        )
    found = []
    for client in clients:
        found.append(
            p.CaseSource(
                case_code=client.case_code,
                identifiers=_identifiers(client, people[client.pk]),
                gender=_gender(chosen.genders.get(str(client.pk), "")),
                sessions_so_far=held.get(client.pk, 0),
                themes=themes[client.pk],
                trends=[_trend(name, given) for name, given in sorted(scores[client.pk].items())],
                events=by_client[client.pk],
                flags=flagged[client.pk],
            )
        )
    return found


def _gender(key: str) -> str:
    """The label the practitioner chose, or nothing: "not given" is left out of the pack."""
    return GENDER_LABELS.get(key, "") if key else ""


def _trend(instrument: str, given: list[Administration]) -> p.Trend:
    try:
        title = definitions.get(instrument).short_title
    except Exception:  # an instrument retired since: show its id
        title = instrument
    first, latest = given[0], given[-1]
    return p.Trend(
        instrument=title,
        first=first.total_display,
        first_band=first.band,
        latest=latest.total_display,
        latest_band=latest.band,
        completions=len(given),
    )


def build(user: Any, chosen: Chosen, on: dt.date) -> tuple[str, int]:
    """The pack's JSON and its number of cases."""
    found = sources(user, chosen)
    return p.build_pack(found, on), len(found)
