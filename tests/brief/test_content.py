"""What the brief says, section by section: each present when there is something to say, absent
(or saying so) when there is not, and always as of the session being prepared for.

Table-driven: each case builds a client's history, opens the brief for an appointment, and
states for each section it cares about either None (left out) or words that must be in it.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import pytest
from django.utils import timezone

from frame.contracts import actions as contracts
from frame.contracts import selectors as contract_selectors
from frame.contracts.terms import Terms
from frame.measures import actions as measures
from frame.measures import definitions
from frame.notes import actions as notes
from frame.scheduling import actions as scheduling
from tests.brief.conftest import brief_url, section_text
from tests.brief.factories import held_session, next_session, note_sections
from tests.contracts.conftest import agree, edit_clause
from tests.factories.boundaries import BoundaryEventFactory

pytestmark = pytest.mark.django_db


@dataclass
class World:
    client: Any
    by: Any
    template: Any


Setup = Callable[[World], Any]  # returns the appointment to brief, or None for the next session


@dataclass(frozen=True)
class Case:
    name: str
    setup: Setup
    expect: dict[str, list[str] | None]


def _nothing(w: World) -> None:
    return None


def _time_limited(w: World) -> None:
    contracts.set_client_terms(client=w.client, by=w.by, terms=Terms(planned_sessions=12))
    held_session(w.client, w.by, days_ago=14)
    held_session(w.client, w.by, days_ago=7)


def _open_ended(w: World) -> None:
    held_session(w.client, w.by, days_ago=7)


def _signed_note_with_addendum(w: World) -> None:
    done = held_session(
        w.client,
        w.by,
        days_ago=7,
        sections=note_sections(
            brought="Talked about the move to Bristol.", plan="Try the breathing exercise."
        ),
    )
    notes.add_addendum(appointment=done, text="Emailed to say the move is off.", by=w.by)


def _draft_only(w: World) -> None:
    held_session(
        w.client, w.by, days_ago=7, sections=note_sections(plan="A draft plan"), sign=False
    )


def _past_appointment(w: World) -> Any:
    held_session(w.client, w.by, days_ago=21, sections=note_sections(plan="Plan before it"))
    briefed = held_session(w.client, w.by, days_ago=14)
    held_session(w.client, w.by, days_ago=7, sections=note_sections(plan="Plan after it"))
    return briefed


def _words(w: World) -> None:
    held_session(w.client, w.by, days_ago=14, sections=note_sections(words="I am not my father."))
    held_session(w.client, w.by, days_ago=7, sections=note_sections(brought="Quiet session."))


def _recurring_themes(w: World) -> None:
    held_session(w.client, w.by, days_ago=21, sections=note_sections(themes="Grief; money worries"))
    held_session(w.client, w.by, days_ago=14, sections=note_sections(themes="grief, sleep"))
    held_session(w.client, w.by, days_ago=7, sections=note_sections(themes="Anger at work"))


def _one_theme_note(w: World) -> None:
    held_session(w.client, w.by, days_ago=7, sections=note_sections(themes="Anger at work"))


def _goals(w: World) -> None:
    today = timezone.localdate()
    goal = notes.add_goal(
        client=w.client,
        words="Sleep through the night",
        agreed_on=today - dt.timedelta(days=30),
        rating=3,
        by=w.by,
    )
    notes.rate_goal(goal=goal, rating=6, rated_on=today, occasion="session", by=w.by)
    closed = notes.add_goal(
        client=w.client, words="Find a new job", agreed_on=today, rating=2, by=w.by
    )
    notes.close_goal(goal=closed, closed_on=today, by=w.by)


def _long_rated_goal(w: World) -> None:
    """Rated weekly for 15 weeks: 1 at first, 9 now; the brief reads only the latest ten."""
    today = timezone.localdate()
    goal = notes.add_goal(
        client=w.client,
        words="Walk to the shops",
        agreed_on=today - dt.timedelta(weeks=15),
        rating=1,
        by=w.by,
    )
    for week in range(14, 0, -1):
        rating = 9 if week == 1 else 4 + week % 3
        day = today - dt.timedelta(weeks=week)
        notes.rate_goal(goal=goal, rating=rating, rated_on=day, occasion="session", by=w.by)


def _reviewed_then_more(w: World) -> None:
    contracts.set_client_terms(client=w.client, by=w.by, terms=Terms(review_every_sessions=2))
    agree(w.client, w.by)
    held_session(w.client, w.by, days_ago=28)
    held_session(w.client, w.by, days_ago=21)
    held_session(w.client, w.by, days_ago=14, kind="review")
    held_session(w.client, w.by, days_ago=7, sections=note_sections(plan="Carry on"))


def _phq9(w: World, answers: list[int], days_ago: int) -> None:
    measures.record_administration(
        client=w.client,
        instrument=definitions.get("phq9"),
        answers=answers,
        completed_on=timezone.localdate() - dt.timedelta(days=days_ago),
        by=w.by,
    )


def _improving_scores(w: World) -> None:
    _phq9(w, [3, 3, 3, 2, 2, 2, 2, 2, 0], 60)  # 19
    _phq9(w, [1, 1, 1, 1, 1, 0, 0, 0, 0], 7)  # 5


def _one_score(w: World) -> None:
    _phq9(w, [1, 1, 1, 1, 1, 1, 1, 1, 0], 7)


def _chance_encounter(w: World) -> None:
    contracts.set_chance_encounter(
        client=w.client, by=w.by, choice="nod_or_smile", note="Only if I'm alone"
    )


def _open_boundary_item(w: World) -> None:
    BoundaryEventFactory(client=w.client, created_by=w.by, occurred_on=timezone.localdate())


def _explored_boundary_item(w: World) -> None:
    BoundaryEventFactory(
        client=w.client,
        created_by=w.by,
        occurred_on=timezone.localdate() - dt.timedelta(days=3),
        explored_on=timezone.localdate(),
    )


def _review_due(w: World) -> None:
    contracts.set_client_terms(client=w.client, by=w.by, terms=Terms(review_every_sessions=2))
    agree(w.client, w.by)
    held_session(w.client, w.by, days_ago=14)
    held_session(w.client, w.by, days_ago=7)


def _agreed_and_nothing_due(w: World) -> None:
    agree(w.client, w.by)
    held_session(w.client, w.by, days_ago=7, sections=note_sections(plan="Signed plan"))


def _contract_changed(w: World) -> None:
    agree(w.client, w.by)
    latest = contract_selectors.latest_version(w.template)
    assert latest is not None
    first_clause = latest.clauses.all()[0]
    edit_clause(w.template, w.by, first_clause.key, "A new clause text.")


def _planned_break(w: World) -> None:
    agree(w.client, w.by)
    start = timezone.localdate() + dt.timedelta(weeks=3)
    scheduling.plan_break(
        by=w.by, practitioner=w.by, first_day=start, last_day=start + dt.timedelta(days=4)
    )


CASES = [
    Case(
        "a first session",
        _nothing,
        {
            "session": ["Session 1", "No sessions held before this one", "open-ended"],
            "coming-up": ["No contract agreed yet"],
            "last-session": None,
            "words": None,
            "themes": None,
            "goals": None,
            "measures": None,
            "chance-encounter": ["Not asked yet"],
            "boundaries": None,
        },
    ),
    Case(
        "time-limited work counts towards the agreed number",
        _time_limited,
        {"session": ["Session 3 of 12", "2 sessions held before this one, of 12 agreed"]},
    ),
    Case("open-ended work", _open_ended, {"session": ["Session 2", "open-ended"]}),
    Case(
        "the last signed note, its plan and addenda",
        _signed_note_with_addendum,
        {
            "last-session": [
                "Talked about the move to Bristol.",
                "Plan for next time Try the breathing exercise.",
                "Emailed to say the move is off.",
            ]
        },
    ),
    Case(
        "a draft note is not in the brief but is flagged",
        _draft_only,
        {"last-session": None, "coming-up": ["is still a draft"]},
    ),
    Case(
        "a past appointment's brief uses only what came before it",
        _past_appointment,
        {
            "last-session": ["Plan before it"],
            "session": ["has passed", "1 session held before this one"],
        },
    ),
    Case(
        "the client's own words from recent notes",
        _words,
        {"words": ["I am not my father."], "last-session": ["Quiet session."]},
    ),
    Case(
        "themes recurring across notes are marked",
        _recurring_themes,
        {"themes": ["grief (2 notes)", "Anger at work", "money worries"]},
    ),
    Case(
        "themes written once do not recur",
        _one_theme_note,
        {"themes": ["Nothing recurs yet", "Anger at work"]},
    ),
    Case(
        "open goals with their latest rating; closed goals left out",
        _goals,
        {"goals": ["Sleep through the night", "latest rating 6 out of 10", "From 3 at first"]},
    ),
    Case(
        "a goal rated many times: the latest rating, and where it started",
        _long_rated_goal,
        {"goals": ["latest rating 9 out of 10", "From 1 at first to 9 now"]},
    ),
    Case(
        "a review held recently is not due again yet",
        _reviewed_then_more,
        {"session": ["Session 5", "4 sessions held before this one"], "coming-up": None},
    ),
    Case(
        "questionnaire scores, first and latest, with reliable change",
        _improving_scores,
        {"measures": ["PHQ-9", "reliable improvement", "clinically significant", "19", "5"]},
    ),
    Case("a single score has no change yet", _one_score, {"measures": ["only one score so far"]}),
    Case(
        "the chance-encounter preference",
        _chance_encounter,
        {"chance-encounter": ["A nod or a smile only", "Only if I'm alone"]},
    ),
    Case(
        "an open boundary item",
        _open_boundary_item,
        {"boundaries": ["Social-media request", "to explore in session"]},
    ),
    Case("an explored boundary item is not open", _explored_boundary_item, {"boundaries": None}),
    Case(
        "a review due by the contract's rhythm",
        _review_due,
        {"coming-up": ["A review is due", "2 sessions held since the start"]},
    ),
    Case(
        "nothing due once agreed and signed",
        _agreed_and_nothing_due,
        {"coming-up": None, "last-session": ["Signed plan"]},
    ),
    Case(
        "a contract changed since it was agreed",
        _contract_changed,
        {"coming-up": ["has changed since it was agreed", "agree it again"]},
    ),
    Case("the practitioner's planned break", _planned_break, {"coming-up": ["Your planned break"]}),
]


@pytest.mark.parametrize("case", CASES, ids=lambda c: c.name)
def test_brief_content(
    case: Case, client_record: Any, practitioner: Any, template: Any, as_user: Any
) -> None:
    world = World(client=client_record, by=practitioner, template=template)
    appointment = case.setup(world) or next_session(client_record, practitioner)
    response = as_user(practitioner).get(brief_url(appointment))
    assert response.status_code == 200
    content = response.content.decode()
    for key, expected in case.expect.items():
        text = section_text(content, key)
        if expected is None:
            assert text is None, f"{key} should be left out, but says: {text}"
            continue
        assert text is not None, f"{key} is missing"
        for phrase in expected:
            assert phrase in text, f"{key}: {phrase!r} not in {text!r}"


def test_sections_keep_their_order(client_record: Any, practitioner: Any, as_user: Any) -> None:
    _signed_note_with_addendum(World(client=client_record, by=practitioner, template=None))
    content = as_user(practitioner).get(brief_url(next_session(client_record, practitioner)))
    text = content.content.decode()
    positions = [
        text.index(f'id="brief-{key}"') for key in ("session", "last-session", "chance-encounter")
    ]
    assert positions == sorted(positions)


def test_recurring_words_are_marked_in_the_notes(
    client_record: Any, practitioner: Any, as_user: Any
) -> None:
    _recurring_themes(World(client=client_record, by=practitioner, template=None))
    content = as_user(practitioner).get(brief_url(next_session(client_record, practitioner)))
    html = content.content.decode()
    assert "<mark>Grief</mark>" in html and "<mark>grief</mark>" in html
    assert "<mark>Anger</mark>" not in html
