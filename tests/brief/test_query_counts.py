"""The brief costs the same number of queries for a client with 3 sessions as with 30."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from frame.contracts import actions as contracts
from frame.measures import actions as measures
from frame.measures import definitions
from frame.notes import actions as notes
from tests.brief.conftest import brief_url, section_text
from tests.brief.factories import history, next_session
from tests.factories import CareTeamMemberFactory, ClientFactory
from tests.factories.boundaries import BoundaryEventFactory

pytestmark = pytest.mark.django_db

EVERY_SECTION = (
    "session",
    "coming-up",
    "last-session",
    "words",
    "themes",
    "goals",
    "measures",
    "chance-encounter",
    "boundaries",
)


def _client_with(practice: Any, by: Any, sessions: int, hour: int) -> Any:
    """A client with `sessions` weekly notes (each with an addendum), and as many goal ratings,
    questionnaire scores and open boundary items, so every section has something to show."""
    client = ClientFactory(practice=practice, created_by=by)
    CareTeamMemberFactory(client=client, user=by)
    history(client, by, sessions, hour=hour)
    today = timezone.localdate()
    goal = notes.add_goal(
        client=client,
        words="Feel steadier",
        agreed_on=today - dt.timedelta(days=400),
        rating=2,
        by=by,
    )
    for n in range(sessions):
        day = today - dt.timedelta(days=7 * (sessions - n))
        notes.rate_goal(goal=goal, rating=n % 11, rated_on=day, occasion="session", by=by)
        measures.record_administration(
            client=client,
            instrument=definitions.get("gad7"),
            answers=[n % 4] * 7,
            completed_on=day,
            by=by,
        )
        BoundaryEventFactory(client=client, created_by=by, occurred_on=day)
    contracts.set_chance_encounter(client=client, by=by, choice="say_hello")
    return client


def _queries(http: Any, path: str) -> tuple[int, str]:
    with CaptureQueriesContext(connection) as captured:
        response = http.get(path)
    assert response.status_code == 200
    return len(captured.captured_queries), response.content.decode()


def test_the_brief_does_not_grow_with_the_history(
    practice: Any, practitioner: Any, as_user: Any
) -> None:
    http = as_user(practitioner)
    counts = []
    for sessions, hour in ((3, 9), (30, 11)):
        client = _client_with(practice, practitioner, sessions, hour)
        appointment = next_session(client, practitioner, hour=hour)
        http.get(brief_url(appointment))  # warm the session and caches
        count, content = _queries(http, brief_url(appointment))
        for key in EVERY_SECTION:
            assert section_text(content, key) is not None, f"{key} missing at {sessions}"
        counts.append(count)
    assert counts[0] == counts[1], f"3 sessions: {counts[0]} queries; 30 sessions: {counts[1]}"
