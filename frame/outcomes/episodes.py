"""What an episode of care is, and one client's episode worked out in Python.

An episode is a client's course of care: every attended treatment session, first to last, for a
client whose work has ended. Frame keeps one episode per client record (there is no referral model
yet), so the episode ends on the date of the client's last attended treatment session, and it
"ends in a period" when that date falls inside it. See
docs/decisions/ for the full definition and what it leaves out.

This module is the reference: `client_episode` reads one client's rows and classifies them with
frame.measures.change.classify_episode. The practice-wide report (report.py) must give exactly
the same answers by database aggregation; tests/outcomes prove that on randomised data.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal

from django.utils import timezone

from frame.clients.models import Client, Status
from frame.measures.change import NHS_TALKING_THERAPIES, Episode, classify_episode
from frame.measures.models import Administration
from frame.scheduling.models import HELD_STATUSES, Appointment, Kind

# A client is counted only once their work has ended (archived records ended first).
ENDED_STATUSES = (Status.ENDED, Status.ARCHIVED)
# Treatment sessions: the assessment (and "other" bookings) are not treatment, as in NHS
# Talking Therapies' "finished a course of treatment" count.
TREATMENT_KINDS = (Kind.SESSION, Kind.REVIEW, Kind.ENDING)
HELD = tuple(sorted(HELD_STATUSES))
PHQ9 = "phq9"
GAD7 = "gad7"


@dataclass(frozen=True)
class Pair:
    """A PHQ-9 and a GAD-7 completed on the same day, both with a total."""

    on: dt.date
    phq9: int
    gad7: int


@dataclass(frozen=True)
class ClientEpisode:
    client_id: object
    ended: bool  # the client's work has ended (otherwise the course is still going)
    sessions: int  # attended treatment sessions
    first_session: dt.datetime | None
    last_session: dt.datetime | None
    practitioner_id: int | None  # who held the last attended treatment session
    first_pair: Pair | None
    last_pair: Pair | None  # None unless a second pair on a later day exists
    episode: Episode | None  # None unless finished (2+ sessions) with paired scores at both ends

    @property
    def finished(self) -> bool:
        return self.sessions >= NHS_TALKING_THERAPIES.min_sessions

    @property
    def paired(self) -> bool:
        return self.finished and self.last_pair is not None


def _latest_per_day(rows: list[Administration]) -> dict[dt.date, Decimal]:
    """The total of the last-recorded valid administration on each day (ties: the larger id)."""
    chosen: dict[dt.date, Administration] = {}
    for row in rows:
        if not row.valid or row.total is None:
            continue
        current = chosen.get(row.completed_on)
        if current is None or (row.recorded_at, row.pk.hex) > (
            current.recorded_at,
            current.pk.hex,
        ):
            chosen[row.completed_on] = row
    return {day: row.total for day, row in chosen.items() if row.total is not None}


def pairs_for(administrations: list[Administration]) -> list[Pair]:
    """Every day with both a PHQ-9 and a GAD-7 total, earliest first."""
    phq = _latest_per_day([a for a in administrations if a.instrument == PHQ9])
    gad = _latest_per_day([a for a in administrations if a.instrument == GAD7])
    return [Pair(day, int(phq[day]), int(gad[day])) for day in sorted(set(phq) & set(gad))]


def client_episode(client: Client) -> ClientEpisode:
    """One client's episode, read in three queries and classified in Python."""
    sessions = list(
        Appointment.objects.filter(client=client, status__in=HELD, kind__in=TREATMENT_KINDS)
        .order_by("starts_at", "pk")
        .values_list("starts_at", "practitioner_id")
    )
    administrations = list(
        Administration.objects.filter(client=client, instrument__in=[PHQ9, GAD7]).only(
            "id", "instrument", "completed_on", "valid", "total", "recorded_at"
        )
    )
    pairs = pairs_for(administrations)
    first_pair = pairs[0] if pairs else None
    last_pair = pairs[-1] if len(pairs) >= 2 else None
    count = len(sessions)
    episode: Episode | None = None
    if count >= NHS_TALKING_THERAPIES.min_sessions and first_pair and last_pair:
        episode = classify_episode(
            phq9=(first_pair.phq9, last_pair.phq9),
            gad7=(first_pair.gad7, last_pair.gad7),
            sessions=count,
        )
    return ClientEpisode(
        client_id=client.pk,
        ended=client.status in ENDED_STATUSES,
        sessions=count,
        first_session=sessions[0][0] if sessions else None,
        last_session=sessions[-1][0] if sessions else None,
        practitioner_id=sessions[-1][1] if sessions else None,
        first_pair=first_pair,
        last_pair=last_pair,
        episode=episode,
    )


def period_bounds(start: dt.date, end: dt.date) -> tuple[dt.datetime, dt.datetime]:
    """The period as aware datetimes: from the start of `start` to the start of the day after
    `end`, in the practice's time zone, so a session late on the last day still counts."""
    zone = timezone.get_current_timezone()
    return (
        dt.datetime.combine(start, dt.time.min, tzinfo=zone),
        dt.datetime.combine(end + dt.timedelta(days=1), dt.time.min, tzinfo=zone),
    )


def ends_in(item: ClientEpisode, start: dt.date, end: dt.date) -> bool:
    """Whether this client's episode counts in a report for the period."""
    if not item.ended or item.last_session is None:
        return False
    low, high = period_bounds(start, end)
    return low <= item.last_session < high
