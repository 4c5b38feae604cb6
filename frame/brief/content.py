"""The brief's own sections, built by reading other apps' records (never writing them).

Each builder takes the access-checked `BriefSubject` and returns its template context, or None
when there is nothing to say. Each issues a fixed number of queries, whatever the client's history
holds: notes are read as the latest RECENT_NOTES only, lists are cut to a few rows, and counts are
worked out from single columns. Everything is "as of" the appointment being prepared for, so the
brief for a past session shows what was known before that session.

Registered with `frame.brief.sections` from apps.py, so they render in one list with the sections
other apps add (risk status, ending countdown), ordered by `order`.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass
from decimal import Decimal
from typing import Any, TypeVar

from django.db.models import Count, OuterRef, Prefetch, Q, Subquery
from django.utils import timezone

from frame.boundaries.models import AWAITING, BoundaryEvent
from frame.brief import sections, themes
from frame.brief.sections import BriefSubject
from frame.contracts import selectors as contracts
from frame.measures import definitions
from frame.measures.change import Reliable, classify, convention_for
from frame.measures.models import Administration
from frame.notes import selectors as notes
from frame.notes.models import Addendum, Goal, GoalRating, NoteStatus, SessionNote
from frame.scheduling import selectors as scheduling
from frame.scheduling.counting import COUNTED_KINDS, COUNTING_RULE, REVIEW_KIND, SessionCount
from frame.scheduling.models import CANCELLED_STATUSES, HELD_STATUSES, Appointment, Kind
from frame.scheduling.selectors import NUMBERED_STATUSES

# The latest signed notes read (and decrypted) for the words, themes and last session.
RECENT_NOTES = 6
WORDS_SHOWN = 3
ADDENDA_SHOWN = 10
OPEN_ITEMS_SHOWN = 5
SUMMARY_CHARS = 600

_T = TypeVar("_T")


def _memo(subject: BriefSubject, name: str, make: Callable[[], _T]) -> _T:
    """Work shared by several sections (the recent notes), done once per brief.

    Kept on the appointment instance, which each request loads afresh, so nothing outlives the
    page being built.
    """
    store: dict[str, Any] = subject.appointment.__dict__.setdefault("_brief_memo", {})
    if name not in store:
        store[name] = make()
    value: _T = store[name]
    return value


# --- Reading notes by their headings ------------------------------------------------------------

SUMMARY, THEMES, WORDS, PLAN = "summary", "themes", "words", "plan"


def heading_role(heading: str) -> str:
    """What a heading holds. Practices choose their own headings, so this reads their words:
    "Themes", "The client's own words worth remembering", "Plan for next time"; everything else
    is part of the summary."""
    folded = heading.casefold()
    if "theme" in folded:
        return THEMES
    if "word" in folded:
        return WORDS
    if "plan" in folded or "next time" in folded:
        return PLAN
    return SUMMARY


@dataclass(frozen=True)
class ReadNote:
    note: SessionNote
    starts_at: dt.datetime
    parts: dict[str, list[tuple[str, str]]]  # role -> [(heading, text)], text stripped, non-empty

    def text(self, role: str) -> str:
        return "\n\n".join(text for _, text in self.parts.get(role, []))


def _shorten(text: str, limit: int = SUMMARY_CHARS) -> str:
    if len(text) <= limit:
        return text
    return text[:limit].rsplit(" ", 1)[0] + "…"


def recent_notes(subject: BriefSubject) -> list[ReadNote]:
    """The client's latest signed notes from sessions before this appointment, newest first."""

    def read() -> list[ReadNote]:
        rows = (
            SessionNote.objects.filter(
                client=subject.client,
                status=NoteStatus.SIGNED,
                appointment__starts_at__lt=subject.appointment.starts_at,
            )
            .select_related("appointment")
            .order_by("-appointment__starts_at", "-created_at")[:RECENT_NOTES]
        )
        result = []
        for note in rows:
            parts: dict[str, list[tuple[str, str]]] = {}
            for heading, text in note.sections:
                if text.strip():
                    parts.setdefault(heading_role(heading), []).append((heading, text.strip()))
            result.append(ReadNote(note=note, starts_at=note.appointment.starts_at, parts=parts))
        return result

    return _memo(subject, "recent_notes", read)


# --- 10: this session -----------------------------------------------------------------------------


def held_before(subject: BriefSubject, planned: int | None, review_every: int) -> SessionCount:
    """The counted sessions held before this appointment, and reviews among them (one query).

    Counted in the database from the (client, starts_at, kind, status) index, so the cost does
    not grow with the number of sessions held.
    """
    earlier = Appointment.objects.filter(
        client=subject.client,
        kind__in=list(COUNTED_KINDS),
        status__in=list(HELD_STATUSES),
        starts_at__lt=subject.appointment.starts_at,
    )
    last_review = earlier.filter(kind=REVIEW_KIND).order_by("-starts_at").values("starts_at")[:1]
    counts = earlier.aggregate(
        held=Count("pk"),
        reviews=Count("pk", filter=Q(kind=REVIEW_KIND)),
        after_review=Count("pk", filter=Q(starts_at__gt=Subquery(last_review))),
    )
    reviewed = counts["reviews"] > 0
    return SessionCount(
        held=counts["held"],
        planned=planned,
        review_every=review_every,
        since_review=counts["after_review"] if reviewed else counts["held"],
        reviewed=reviewed,
    )


def this_session(subject: BriefSubject) -> dict[str, Any] | None:
    """ "Session 5 of 12", numbered as the diary numbers it (sessions held or still planned
    before it), and the held sessions counted for reviews as the client card counts them."""
    appointment = subject.appointment
    terms = contracts.terms_for(subject.client)
    held = held_before(subject, terms.planned_sessions, terms.review_every_sessions)
    numbered = appointment.kind in COUNTED_KINDS and appointment.status in NUMBERED_STATUSES
    number = None
    if numbered:
        before = Appointment.objects.filter(
            client=subject.client,
            kind__in=list(COUNTED_KINDS),
            status__in=NUMBERED_STATUSES,
            starts_at__lt=appointment.starts_at,
        ).count()
        number = before + 1
    return {
        "appointment": appointment,
        "client": subject.client,
        "number": number,
        "label": held.label(number) if number is not None else "",
        "planned": terms.planned_sessions,
        "held": held,
        "is_past": appointment.ends_at < timezone.now(),
        "is_cancelled": appointment.status in CANCELLED_STATUSES,
        "counting_rule": COUNTING_RULE,
        "_held": held,  # for the "coming up" section, read through the memo below
    }


def _session_context(subject: BriefSubject) -> dict[str, Any]:
    return _memo(subject, "session", lambda: this_session(subject) or {})


# --- 20: due or coming up -------------------------------------------------------------------------


def coming_up(subject: BriefSubject) -> dict[str, Any] | None:
    """A review due, a contract to agree (again), a note not yet signed, planned breaks."""
    appointment = subject.appointment
    client = subject.client
    held = _session_context(subject)["_held"]
    is_review = appointment.kind == Kind.REVIEW
    review_due = held.review_due and not is_review
    status = contracts.agreement_status(client)
    last_held = (
        Appointment.objects.filter(
            client=client, status__in=list(HELD_STATUSES), starts_at__lt=appointment.starts_at
        )
        .order_by("-starts_at", "-id")
        .values("pk", "starts_at", "session_note__status")
        .first()
    )
    unsigned = None
    if last_held is not None and last_held["session_note__status"] != NoteStatus.SIGNED:
        unsigned = {
            "appointment_id": last_held["pk"],
            "starts_at": last_held["starts_at"],
            "draft": last_held["session_note__status"] == NoteStatus.DRAFT,
        }
    breaks = scheduling.upcoming_breaks([appointment.practitioner])
    contract_due = not status.agreed or status.needs_reagreement
    if not (review_due or is_review or contract_due or unsigned is not None or breaks):
        return None
    return {
        "client": client,
        "is_review": is_review,
        "review_due": review_due,
        "held": held,
        "not_agreed": not status.agreed,
        "needs_reagreement": status.needs_reagreement,
        "changes": len(status.changes),
        "unsigned": unsigned,
        "breaks": breaks,
    }


# --- 30: last session -----------------------------------------------------------------------------


def last_session(subject: BriefSubject) -> dict[str, Any] | None:
    """The latest signed note before this session: a summary, the plan, and any addenda."""
    read = recent_notes(subject)
    if not read:
        return None
    latest = read[0]
    addenda = list(
        Addendum.objects.filter(note=latest.note)
        .select_related("added_by")
        .order_by("-added_at")[: ADDENDA_SHOWN + 1]
    )
    return {
        "note": latest.note,
        "starts_at": latest.starts_at,
        "summary": [(h, _shorten(t)) for h, t in latest.parts.get(SUMMARY, [])],
        "plan": [(h, t) for h, t in latest.parts.get(PLAN, [])],
        "addenda": list(reversed(addenda[:ADDENDA_SHOWN])),
        "more_addenda": len(addenda) > ADDENDA_SHOWN,
    }


# --- 40: the client's words -----------------------------------------------------------------------


def words_to_remember(subject: BriefSubject) -> dict[str, Any] | None:
    found = [
        {"starts_at": n.starts_at, "appointment_id": n.note.appointment_id, "text": n.text(WORDS)}
        for n in recent_notes(subject)
        if n.text(WORDS)
    ]
    if not found:
        return None
    return {"client": subject.client, "words": found[:WORDS_SHOWN]}


# --- 50: recurring themes -------------------------------------------------------------------------


def recurring_themes(subject: BriefSubject) -> dict[str, Any] | None:
    read = recent_notes(subject)
    found = themes.analyse([(n.starts_at, n.note.appointment_id, n.text(THEMES)) for n in read])
    if not found.notes:
        return None
    return {"themes": found, "recurs_in": themes.RECURS_IN}


# --- 60: goals ------------------------------------------------------------------------------------


def goals(subject: BriefSubject) -> dict[str, Any] | None:
    """Open goals with their latest ratings and the trend (two queries).

    Only the latest TREND_POINTS ratings of each goal are read (a window query), with the very
    first rating and the count alongside, so a goal rated every week for ten years costs the same
    as one rated twice. The trend and its words are those of the goals page.
    """
    ratings = GoalRating.objects.filter(goal=OuterRef("pk"))
    first = ratings.order_by("rated_on", "recorded_at").values("rating")[:1]
    count = ratings.order_by().values("goal").annotate(n=Count("pk")).values("n")
    latest = GoalRating.objects.order_by("-rated_on", "-recorded_at")
    open_goals = list(
        Goal.objects.filter(client=subject.client, closed_on__isnull=True)
        .annotate(first_rating=Subquery(first), rating_count=Subquery(count))
        .prefetch_related(Prefetch("ratings", latest[: notes.TREND_POINTS], to_attr="latest"))
    )
    if not open_goals:
        return None
    summaries = []
    for goal in open_goals:
        shown = list(reversed(goal.latest))
        values = [r.rating for r in shown]
        if (goal.rating_count or 0) > len(shown):
            values = [goal.first_rating, *values]  # "from N at first" stays true
        summaries.append(notes.GoalSummary(goal=goal, ratings=shown, trend=notes.trend_of(values)))
    return {"client": subject.client, "goals": summaries}


# --- 70: questionnaires ---------------------------------------------------------------------------

_RELIABLE_WORDS = {
    Reliable.IMPROVEMENT: "reliable improvement",
    Reliable.DETERIORATION: "reliable deterioration",
    Reliable.NONE: "no reliable change",
}


@dataclass(frozen=True)
class MeasureTrend:
    instrument_id: str
    title: str
    count: int
    first_total: str
    first_on: dt.date
    latest_total: str
    latest_on: dt.date
    latest_band: str
    change: str  # in words: "reliable improvement, clinically significant"


def _display(total: Decimal, decimals: int) -> str:
    return str(total.quantize(Decimal(1).scaleb(-decimals)))


def measure_trends(subject: BriefSubject) -> dict[str, Any] | None:
    """Per questionnaire: the first and latest valid scores and the change between them.

    One query: the scores are grouped by instrument in the database, first and latest picked by
    correlated subqueries, so the rows returned are one per instrument however many there are.
    """
    on_or_before = timezone.localtime(subject.appointment.starts_at).date()
    valid = Administration.objects.filter(
        client=subject.client, valid=True, total__isnull=False, completed_on__lte=on_or_before
    )

    def pick(field: str, *, latest: bool) -> Subquery:
        order = ("-completed_on", "-recorded_at") if latest else ("completed_on", "recorded_at")
        rows = valid.filter(instrument=OuterRef("instrument")).order_by(*order)
        return Subquery(rows.values(field)[:1])

    rows = (
        valid.order_by()
        .values("instrument")
        .annotate(
            count=Count("pk"),
            first_total=pick("total", latest=False),
            first_on=pick("completed_on", latest=False),
            latest_total=pick("total", latest=True),
            latest_on=pick("completed_on", latest=True),
            latest_band=pick("band", latest=True),
        )
        .order_by("instrument")
    )
    trends = []
    for row in rows:
        try:
            instrument = definitions.get(row["instrument"])
        except definitions.UnknownInstrument:
            continue  # a retired instrument: its results stay on the questionnaires page
        first, latest = Decimal(row["first_total"]), Decimal(row["latest_total"])
        if row["count"] > 1:
            change = classify(first, latest, convention_for(instrument))
            words = _RELIABLE_WORDS.get(change.reliable, "") if change.reliable else ""
            if not words:
                words = "no reliable-change threshold is known for this questionnaire"
            if change.clinically_significant:
                words += ", clinically significant"
        else:
            words = "only one score so far"
        trends.append(
            MeasureTrend(
                instrument_id=instrument.id,
                title=instrument.short_title or instrument.title,
                count=row["count"],
                first_total=_display(first, instrument.decimals),
                first_on=row["first_on"],
                latest_total=_display(latest, instrument.decimals),
                latest_on=row["latest_on"],
                latest_band=row["latest_band"] or "",
                change=words,
            )
        )
    if not trends:
        return None
    return {"client": subject.client, "trends": trends}


# --- 80: chance encounters ------------------------------------------------------------------------


def chance_encounter(subject: BriefSubject) -> dict[str, Any] | None:
    """Always shown: "not asked yet" is itself worth knowing before meeting."""
    return {
        "client": subject.client,
        "preference": contracts.chance_encounter_for(subject.client),
    }


# --- 90: open boundary items ----------------------------------------------------------------------


def open_boundary_items(subject: BriefSubject) -> dict[str, Any] | None:
    items = list(
        BoundaryEvent.objects.filter(client=subject.client)
        .filter(AWAITING)
        .order_by("occurred_on", "id")
        .only(
            "id",
            "client_id",
            "kind",
            "occurred_on",
            "to_explore",
            "explored_on",
            "to_supervision",
            "taken_to_supervision_on",
            "recorded_in_error_at",
        )[: OPEN_ITEMS_SHOWN + 1]
    )
    if not items:
        return None
    return {
        "client": subject.client,
        "items": items[:OPEN_ITEMS_SHOWN],
        "more": len(items) > OPEN_ITEMS_SHOWN,
    }


CORE_SECTIONS = (
    ("session", 10, this_session),
    ("coming-up", 20, coming_up),
    ("last-session", 30, last_session),
    ("words", 40, words_to_remember),
    ("themes", 50, recurring_themes),
    ("goals", 60, goals),
    ("measures", 70, measure_trends),
    ("chance-encounter", 80, chance_encounter),
    ("boundaries", 90, open_boundary_items),
)


def register_all() -> None:
    for key, order, build in CORE_SECTIONS:
        sections.register(
            sections.BriefSection(
                key=key,
                order=order,
                template=f"brief/sections/{key.replace('-', '_')}.html",
                build=_session_context if build is this_session else build,
            )
        )
