"""Read-only views of checks and boundary events for pages, the card and the home panel.

Each function issues a fixed number of queries, whatever the data holds.
"""

from __future__ import annotations

import json
import uuid
from dataclasses import dataclass
from typing import Any

from django.db.models import Exists, OuterRef, QuerySet

from frame.accounts.models import User
from frame.boundaries import matching
from frame.boundaries.models import (
    BoundaryEvent,
    EnquiryPart,
    Screening,
    ScreeningDecision,
    ScreeningMatch,
    Target,
)
from frame.clients import lifecycle
from frame.clients.models import CareTeamMember
from frame.notes.models import NoteStatus, SessionNote

_FIELD_WORDS = {
    matching.Field.NAME: "name",
    matching.Field.EMAIL: "email address",
    matching.Field.PHONE: "phone number",
    matching.Field.POSTCODE: "postcode",
    matching.Field.ORGANISATION: "employer",
}

_REASONS = {
    matching.How.SAME: "the same, leaving aside capitals, accents, spaces and punctuation",
    matching.How.FIRST_AND_FAMILY: "the same given and family names; middle names differ",
    matching.How.INITIAL: "the same family name, with an initial that fits",
    matching.How.ONE_LETTER: "one letter different",
}


def reason(how: str) -> str:
    """Why two values matched, in plain words."""
    return _REASONS[matching.How(how)]


@dataclass(frozen=True)
class MatchRow:
    """One match as this practitioner may see it."""

    reason: str
    field_words: str
    enquiry_label: str
    enquiry_value: str
    # Shown only for the practitioner's own clients and circle:
    detailed: bool
    target: str
    who: str = ""
    relationship: str = ""
    organisation: str = ""
    town: str = ""
    named_by: str = ""
    match_value: str = ""
    case_code: str = ""

    @property
    def in_circle(self) -> bool:
        return self.target == Target.CIRCLE


def _row(match: ScreeningMatch, *, own_clients: set[uuid.UUID]) -> MatchRow:
    shown: dict[str, str] = json.loads(match.shown) if match.shown else {}
    target = match.target
    # Someone who has since left the matched client's care team no longer sees their details.
    still_own = target == Target.CIRCLE or match.target_client_id in own_clients
    if target == Target.OWN_CLIENT and not still_own:
        target = Target.COLLEAGUE_CLIENT
    elif target == Target.OWN_CLIENT_CONTACT and not still_own:
        target = Target.COLLEAGUE_CLIENT_CONTACT
    detailed = target in {Target.CIRCLE, Target.OWN_CLIENT, Target.OWN_CLIENT_CONTACT}
    common = {
        "reason": reason(match.how),
        "field_words": _FIELD_WORDS[matching.Field(match.field)],
        "enquiry_label": shown.get("enquiry_label", ""),
        "enquiry_value": shown.get("enquiry_value", ""),
        "target": target,
    }
    if not detailed:
        code = match.target_client.case_code if match.target_client is not None else ""
        return MatchRow(detailed=False, case_code=code, **common)
    return MatchRow(
        detailed=True,
        who=shown.get("who", ""),
        relationship=shown.get("relationship", ""),
        organisation=shown.get("organisation", ""),
        town=shown.get("town", ""),
        named_by=shown.get("named_by", ""),
        match_value=shown.get("match_value", ""),
        **common,
    )


@dataclass(frozen=True)
class CheckView:
    screening: Screening
    rows: list[MatchRow]
    decision: ScreeningDecision | None
    more: int  # matches found but not stored (beyond the strongest MAX_STORED_MATCHES)

    @property
    def needs_decision(self) -> bool:
        return self.screening.match_count > 0 and self.decision is None


def check_view(user: User, screening: Screening, *, limit: int | None = None) -> CheckView:
    """The rows of a check (three queries), and the decision made on it, if any."""
    matches_qs = screening.matches.select_related("target_client").only(
        "id",
        "screening_id",
        "position",
        "enquiry_part",
        "field",
        "how",
        "target",
        "shown",
        "circle_entry_id",
        "target_client_id",
        "target_client__case_code",
    )
    matches = list(matches_qs[:limit] if limit is not None else matches_qs)
    client_ids = {m.target_client_id for m in matches if m.target_client_id is not None}
    own = set(
        CareTeamMember.objects.filter(user=user, client_id__in=client_ids).values_list(
            "client_id", flat=True
        )
    )
    decision = screening.decisions.select_related("decided_by").first()
    rows = [_row(match, own_clients=own) for match in matches]
    return CheckView(
        screening=screening,
        rows=rows,
        decision=decision,
        more=max(screening.match_count - len(rows), 0),
    )


def earlier_decisions(user: User, screening: Screening, limit: int = 20) -> list[Any]:
    """Decisions this practitioner made on earlier runs of the same check, newest first."""
    return list(
        ScreeningDecision.objects.filter(
            screening__client_id=screening.client_id, screening__practitioner=user
        )
        .exclude(screening=screening)
        .select_related("screening")[:limit]
    )


def undecided_enquiries(user: User, limit: int) -> list[Screening]:
    """The user's latest checks of enquiries that found something and await their decision."""
    newer = Screening.objects.filter(
        client=OuterRef("client"), practitioner=user, created_at__gt=OuterRef("created_at")
    )
    decided = ScreeningDecision.objects.filter(screening=OuterRef("pk"))
    on_team = CareTeamMember.objects.filter(client=OuterRef("client"), user=user)
    return list(
        Screening.objects.filter(
            practitioner=user, client__status=lifecycle.ENQUIRY, match_count__gt=0
        )
        .filter(~Exists(newer), ~Exists(decided), Exists(on_team))
        .select_related("client")
        .only(
            "id",
            "match_count",
            "created_at",
            "client__id",
            "client__given_name",
            "client__family_name",
            "client__preferred_name",
        )
        .order_by("created_at", "id")[:limit]
    )


def recent_events(client_id: Any, limit: int) -> list[BoundaryEvent]:
    """The latest entries, newest first: one more than `limit`, to tell if there are more."""
    return list(
        BoundaryEvent.objects.filter(client_id=client_id).order_by("-occurred_on", "-created_at")[
            : limit + 1
        ]
    )


def events_for_client(client_id: Any) -> QuerySet[BoundaryEvent]:
    return BoundaryEvent.objects.filter(client_id=client_id).order_by(
        "-occurred_on", "-created_at", "-id"
    )


PART_LABELS = dict(EnquiryPart.choices)


# --- Sessions where an event was explored -----------------------------------------------------

SESSION_CHOICES = 50  # the latest sessions offered on the event form; keeps the query bounded


@dataclass(frozen=True)
class SessionLink:
    """A session note an event was explored in: enough to link to it, none of its text."""

    note_id: uuid.UUID
    appointment_id: uuid.UUID
    starts_at: Any
    signed: bool


def _session_links(notes: QuerySet[SessionNote]) -> list[SessionLink]:
    rows = notes.values_list("id", "appointment_id", "appointment__starts_at", "status")
    return [
        SessionLink(note_id=n, appointment_id=a, starts_at=s, signed=st == NoteStatus.SIGNED)
        for n, a, s, st in rows
    ]


def session_choices(client_id: Any, also: uuid.UUID | None = None) -> list[SessionLink]:
    """This client's latest sessions that have a note, newest first (one query).

    `also` keeps an event's current session in the list even when it is older than the latest.
    """
    notes = SessionNote.objects.filter(client_id=client_id)
    latest = _session_links(notes.order_by("-appointment__starts_at", "-id")[:SESSION_CHOICES])
    if also is not None and all(link.note_id != also for link in latest):
        latest += _session_links(notes.filter(pk=also))
    return latest


def attach_session_links(client_id: Any, events: Any) -> None:
    """Give each event whose exploration is linked to a session its `explored_session` (one
    query for all of them, none when no event is linked)."""
    events = list(events)
    ids = {e.explored_in_session_id for e in events if e.explored_in_session_id is not None}
    links = (
        {
            link.note_id: link
            for link in _session_links(SessionNote.objects.filter(client_id=client_id, pk__in=ids))
        }
        if ids
        else {}
    )
    for event in events:
        event.explored_session = links.get(event.explored_in_session_id)
