"""Process notes (their author's alone, with the disclosure statement) and goals rated 0 to 10."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.core.exceptions import ValidationError
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from frame.audit.models import AuditEvent
from frame.notes import actions, selectors
from frame.notes.models import GoalRating, ProcessNote, RetentionClass, SignedNoteIsLocked
from tests.factories import CareTeamMemberFactory

pytestmark = pytest.mark.django_db

TODAY = dt.date(2025, 3, 3)


def test_process_notes_are_kept_apart_with_their_own_retention_class(
    client_record: Any, practitioner: Any, as_user: Any
) -> None:
    http = as_user(practitioner)
    url = reverse("notes:process", args=[client_record.pk])
    page = http.get(url)
    assert b"usually disclosable to the client" in page.content
    assert (
        http.post(url, {"text": "I felt protective of her today.", "appointment": ""}).status_code
        == 302
    )
    note = ProcessNote.objects.get()
    assert note.retention_class == RetentionClass.PROCESS
    assert note.author == practitioner
    assert (
        b"I felt protective"
        not in http.get(reverse("notes:timeline", args=[client_record.pk])).content
    )
    edit = reverse("notes:process_note", args=[client_record.pk, note.pk])
    assert b"I felt protective" in http.get(edit).content
    assert http.post(edit, {"text": "Revised reflection", "appointment": ""}).status_code == 302
    assert ProcessNote.objects.get().text == "Revised reflection"
    assert not any("reflection" in str(e.detail) for e in AuditEvent.objects.all())


def test_process_notes_are_their_authors_alone(
    client_record: Any, practitioner: Any, colleague: Any, as_user: Any
) -> None:
    CareTeamMemberFactory(client=client_record, user=colleague)
    note = actions.save_process_note(client=client_record, text="Mine alone", by=practitioner)
    http = as_user(colleague)
    assert (
        http.get(reverse("notes:process_note", args=[client_record.pk, note.pk])).status_code == 404
    )
    listing = http.get(reverse("notes:process", args=[client_record.pk]))
    assert listing.status_code == 200 and b"Mine alone" not in listing.content


def test_an_empty_process_note_is_refused_and_nothing_typed_is_lost(
    client_record: Any, practitioner: Any, as_user: Any
) -> None:
    http = as_user(practitioner)
    url = reverse("notes:process", args=[client_record.pk])
    empty = http.post(url, {"text": "   ", "appointment": ""})
    assert empty.status_code == 400 and b"There is a problem" in empty.content
    wrong = http.post(url, {"text": "Kept reflection", "appointment": "junk"})
    assert wrong.status_code == 400 and b"Kept reflection" in wrong.content
    assert not ProcessNote.objects.exists()


def test_goals_are_rated_over_time_and_shown_with_a_trend(
    client_record: Any, practitioner: Any, as_user: Any
) -> None:
    goal = actions.add_goal(
        client=client_record,
        words="Feel less on edge at work",
        agreed_on=TODAY,
        rating=2,
        by=practitioner,
    )
    for weeks, rating in ((2, 4), (6, 7)):
        actions.rate_goal(
            goal=goal,
            rating=rating,
            rated_on=TODAY + dt.timedelta(weeks=weeks),
            occasion="review",
            by=practitioner,
        )
    (summary,) = selectors.goals_for(client_record)
    assert summary.trend.ratings == [2, 4, 7]
    assert (
        summary.trend.summary
        == "Ratings out of 10, oldest first: 2, 4, 7. From 2 at first to 7 now."
    )
    card = as_user(practitioner).get(reverse("clients:card", args=[client_record.pk]))
    assert b"Feel less on edge at work" in card.content
    assert b"From 2 at first to 7 now." in card.content
    assert b'<polyline points="0.0,18 50.0,14 100.0,8"' in card.content
    assert b"style=" not in card.content


def test_trend_shapes() -> None:
    assert selectors.trend_of([]).summary == "Not rated yet."
    assert selectors.trend_of([5]).summary == "Rated 5 out of 10."
    assert selectors.trend_of([*range(11), 10]).ratings == [2, 3, 4, 5, 6, 7, 8, 9, 10, 10]


@pytest.mark.parametrize("rating", [-1, 11])
def test_ratings_outside_0_to_10_are_refused(
    client_record: Any, practitioner: Any, rating: int
) -> None:
    goal = actions.add_goal(
        client=client_record, words="Sleep", agreed_on=TODAY, rating=None, by=practitioner
    )
    with pytest.raises(ValidationError, match="0 to 10"):
        actions.rate_goal(
            goal=goal, rating=rating, rated_on=TODAY, occasion="session", by=practitioner
        )
    assert not GoalRating.objects.exists()


def test_rating_form_errors_keep_what_was_typed(
    client_record: Any, practitioner: Any, as_user: Any
) -> None:
    goal = actions.add_goal(
        client=client_record, words="Sleep", agreed_on=TODAY, rating=None, by=practitioner
    )
    response = as_user(practitioner).post(
        reverse("notes:goal", args=[client_record.pk, goal.pk]),
        {"rating": "12", "rated_on": "2025-03-10", "occasion": "session"},
    )
    assert response.status_code == 400 and b'value="2025-03-10"' in response.content


def test_ratings_are_append_only_and_goals_are_closed_not_deleted(
    client_record: Any, practitioner: Any, as_user: Any
) -> None:
    goal = actions.add_goal(
        client=client_record, words="Sleep", agreed_on=TODAY, rating=3, by=practitioner
    )
    rating = GoalRating.objects.get()
    with pytest.raises(SignedNoteIsLocked):
        rating.save()
    with pytest.raises(SignedNoteIsLocked):
        GoalRating.objects.all().update(rating=9)
    with pytest.raises(SignedNoteIsLocked):
        goal.delete()
    response = as_user(practitioner).post(
        reverse("notes:goal", args=[client_record.pk, goal.pk]), {"close": "1"}
    )
    assert response.status_code == 302
    goal.refresh_from_db()
    assert goal.closed_on == timezone.localdate()
    with pytest.raises(ValidationError, match="closed"):
        actions.rate_goal(goal=goal, rating=5, rated_on=TODAY, occasion="ending", by=practitioner)


@pytest.mark.parametrize("persona", ["administrator", "colleague", "outsider"])
def test_goals_and_process_notes_are_for_the_care_team_only(
    persona: str, client_record: Any, practitioner: Any, as_user: Any, request: Any
) -> None:
    actions.add_goal(
        client=client_record, words="Private goal", agreed_on=TODAY, rating=1, by=practitioner
    )
    http = as_user(request.getfixturevalue(persona))
    for name in ("notes:goals", "notes:process"):
        response = http.get(reverse(name, args=[client_record.pk]))
        assert response.status_code == 404 and b"Private goal" not in response.content
    card = http.get(reverse("clients:card", args=[client_record.pk]))
    assert b"Private goal" not in card.content


def test_the_card_sections_issue_constant_queries(
    client_record: Any, practitioner: Any, as_user: Any
) -> None:
    from tests.notes.factories import notes_for_sessions

    http = as_user(practitioner)
    url = reverse("clients:card", args=[client_record.pk])
    goal = actions.add_goal(
        client=client_record, words="One", agreed_on=TODAY, rating=1, by=practitioner
    )
    notes_for_sessions(client_record, practitioner, 1)
    http.get(url)
    with CaptureQueriesContext(connection) as small:
        http.get(url)
    for n in range(8):
        actions.rate_goal(goal=goal, rating=n, rated_on=TODAY, occasion="session", by=practitioner)
        actions.add_goal(
            client=client_record, words=f"Goal {n}", agreed_on=TODAY, rating=n, by=practitioner
        )
    notes_for_sessions(client_record, practitioner, 8, start_week=2)
    with CaptureQueriesContext(connection) as large:
        assert b"Goal 7" in http.get(url).content
    assert len(large.captured_queries) == len(small.captured_queries)
