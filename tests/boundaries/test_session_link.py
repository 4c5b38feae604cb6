"""A boundary event explored in session links to that session's note (issue 3, item 6)."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.core.exceptions import ValidationError
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from frame.audit.models import Action, AuditEvent
from frame.boundaries import actions
from frame.boundaries.models import BoundaryEvent, BoundaryEventRevision, Kind
from frame.notes import actions as notes
from frame.scheduling import actions as scheduling
from frame.scheduling.models import Appointment
from tests.boundaries.conftest import WHAT_CANARY
from tests.clients.conftest import audit_text
from tests.factories import CareTeamMemberFactory, ClientFactory

NOTE_CANARY = "Canary-note: we talked about the flowers"


def _session(client: Any, practitioner: Any, days_ago: int, *, sign: bool = True) -> Appointment:
    appointment = scheduling.book_appointment(
        by=practitioner,
        client=client,
        practitioner=practitioner,
        day=timezone.localdate() - dt.timedelta(days=days_ago),
        time=dt.time(14, 0),
        duration_minutes=50,
    )
    notes.save_draft(
        appointment=appointment,
        sections=[("What the client brought", NOTE_CANARY)],
        risk_noted=False,
        by=practitioner,
    )
    if sign:
        notes.sign_note(appointment=appointment, by=practitioner)
    return appointment


def _form(**fields: Any) -> dict[str, Any]:
    occurred = timezone.localdate() - dt.timedelta(days=20)
    return {
        "kind": Kind.GIFT,
        "occurred_on": occurred.strftime("%d/%m/%Y"),
        "what_happened": WHAT_CANARY,
        "response": "",
        "gift_outcome": "declined",
        "gift_value_pounds": "",
        "to_explore": "on",
        "explored_on": "",
        "explored_in_session_id": "",
        "taken_to_supervision_on": "",
    } | fields


@pytest.fixture
def other_client(practice: Any, practitioner: Any) -> Any:
    other = ClientFactory(practice=practice, status="active")
    CareTeamMemberFactory(client=other, user=practitioner)
    return other


def test_choosing_a_session_stores_it_fills_the_date_and_links_to_the_note(
    practitioner: Any, client_record: Any, as_user: Any
) -> None:
    appointment = _session(client_record, practitioner, days_ago=7)
    http = as_user(practitioner)
    response = http.post(
        reverse("boundaries:event_new", args=[client_record.pk]),
        _form(explored_in_session_id=str(appointment.session_note.pk)),
    )
    assert response.status_code == 302
    event = BoundaryEvent.objects.get(client=client_record)
    assert event.explored_in_session_id == appointment.session_note.pk
    assert event.explored_on == timezone.localdate(appointment.starts_at)
    audit = AuditEvent.objects.get(action=Action.BOUNDARY_EVENT_RECORDED, object_id=str(event.pk))
    assert "explored_in_session_id" in audit.detail["fields"]
    assert NOTE_CANARY not in audit_text() and WHAT_CANARY not in audit_text()

    note_url = reverse("notes:note", args=[appointment.pk])
    when = timezone.localtime(appointment.starts_at).strftime("%-d %B %Y")
    for page in (
        reverse("boundaries:log", args=[client_record.pk]),
        reverse("boundaries:event_edit", args=[client_record.pk, event.pk]),
    ):
        html = http.get(page).content.decode()
        assert f'<a href="{note_url}">Explored in session on' in html, page
        assert when in html
        assert NOTE_CANARY not in html  # a link, not the note's text
    # The link leads somewhere the practitioner can read.
    assert http.get(note_url).status_code == 200


def test_a_date_already_given_is_kept(practitioner: Any, client_record: Any) -> None:
    appointment = _session(client_record, practitioner, days_ago=7)
    given = timezone.localdate() - dt.timedelta(days=6)
    event = actions.record_event(
        client=client_record,
        by=practitioner,
        kind=Kind.OTHER,
        occurred_on=timezone.localdate() - dt.timedelta(days=20),
        what_happened=WHAT_CANARY,
        explored_on=given,
        explored_in_session_id=appointment.session_note.pk,
    )
    assert event.explored_on == given


def test_linking_on_follow_up_keeps_the_history_and_audits_field_names(
    practitioner: Any, client_record: Any, make_event: Any, as_user: Any
) -> None:
    event = make_event(
        kind=Kind.OTHER,
        occurred_on=timezone.localdate() - dt.timedelta(days=20),
        gift_outcome="",
        gift_value_pounds=None,
    )
    appointment = _session(client_record, practitioner, days_ago=3)
    response = as_user(practitioner).post(
        reverse("boundaries:event_edit", args=[client_record.pk, event.pk]),
        _form(
            kind=Kind.OTHER,
            gift_outcome="",
            occurred_on=event.occurred_on.strftime("%d/%m/%Y"),
            what_happened=event.what_happened,
            response=event.response,
            explored_in_session_id=str(appointment.session_note.pk),
        ),
    )
    assert response.status_code == 302
    event.refresh_from_db()
    assert event.explored_in_session_id == appointment.session_note.pk
    assert event.explored_on == timezone.localdate(appointment.starts_at)
    revision = BoundaryEventRevision.objects.get(event=event)
    assert revision.changed_fields == ["explored_in_session_id", "explored_on"]
    assert revision.previous["explored_in_session_id"] is None
    audit = AuditEvent.objects.get(action=Action.BOUNDARY_EVENT_UPDATED, object_id=str(event.pk))
    assert audit.detail == {"fields": ["explored_in_session_id", "explored_on"]}

    # Unlinking later keeps the link in the history, as a plain id.
    actions.update_event(event=event, by=practitioner, changes={"explored_in_session_id": None})
    latest = BoundaryEventRevision.objects.filter(event=event).first()
    assert latest is not None
    assert latest.previous["explored_in_session_id"] == str(appointment.session_note.pk)


def test_a_note_of_another_client_is_refused_and_nothing_saved(
    practitioner: Any, client_record: Any, other_client: Any, make_event: Any, as_user: Any
) -> None:
    theirs = _session(other_client, practitioner, days_ago=7)
    http = as_user(practitioner)
    response = http.post(
        reverse("boundaries:event_new", args=[client_record.pk]),
        _form(explored_in_session_id=str(theirs.session_note.pk)),
    )
    assert response.status_code == 200
    assert "Please choose one of this client&#x27;s sessions from the list." in (
        response.content.decode()
    )
    assert WHAT_CANARY in response.content.decode()  # what was typed is kept
    assert not BoundaryEvent.objects.filter(client=client_record).exists()

    # The action refuses it itself, for callers other than the form.
    with pytest.raises(ValidationError) as refused:
        actions.record_event(
            client=client_record,
            by=practitioner,
            kind=Kind.OTHER,
            occurred_on=timezone.localdate() - dt.timedelta(days=20),
            what_happened=WHAT_CANARY,
            explored_in_session_id=theirs.session_note.pk,
        )
    assert "explored_in_session_id" in refused.value.message_dict
    event = make_event(occurred_on=timezone.localdate() - dt.timedelta(days=20))
    with pytest.raises(ValidationError):
        actions.update_event(
            event=event,
            by=practitioner,
            changes={"explored_in_session_id": theirs.session_note.pk},
        )
    event.refresh_from_db()
    assert event.explored_in_session_id is None
    assert not BoundaryEventRevision.objects.filter(event=event).exists()


def test_a_malformed_session_id_is_a_plain_error(
    practitioner: Any, client_record: Any, as_user: Any
) -> None:
    response = as_user(practitioner).post(
        reverse("boundaries:event_new", args=[client_record.pk]),
        _form(explored_in_session_id="not-a-session"),
    )
    assert response.status_code == 200
    assert "Please choose one of this client&#x27;s sessions from the list." in (
        response.content.decode()
    )
    assert not BoundaryEvent.objects.exists()


def test_the_select_offers_only_this_clients_noted_sessions_newest_first(
    practitioner: Any, client_record: Any, other_client: Any, as_user: Any
) -> None:
    older = _session(client_record, practitioner, days_ago=14, sign=False)
    newer = _session(client_record, practitioner, days_ago=7)
    no_note = scheduling.book_appointment(
        by=practitioner,
        client=client_record,
        practitioner=practitioner,
        day=timezone.localdate() - dt.timedelta(days=10),
        time=dt.time(14, 0),
        duration_minutes=50,
    )
    theirs = _session(other_client, practitioner, days_ago=5)
    html = (
        as_user(practitioner)
        .get(reverse("boundaries:event_new", args=[client_record.pk]))
        .content.decode()
    )
    assert str(newer.session_note.pk) in html and str(older.session_note.pk) in html
    assert html.index(str(newer.session_note.pk)) < html.index(str(older.session_note.pk))
    assert "(note signed)" in html and "(note in draft)" in html
    assert str(theirs.session_note.pk) not in html
    assert str(no_note.pk) not in html
    assert NOTE_CANARY not in html


def test_linked_sessions_keep_the_pages_query_count_constant(
    practitioner: Any, client_record: Any, as_user: Any
) -> None:
    http = as_user(practitioner)
    log = reverse("boundaries:log", args=[client_record.pk])

    def linked_event(days_ago: int) -> BoundaryEvent:
        appointment = _session(client_record, practitioner, days_ago=days_ago)
        return actions.record_event(
            client=client_record,
            by=practitioner,
            kind=Kind.OTHER,
            occurred_on=timezone.localdate() - dt.timedelta(days=60),
            what_happened=WHAT_CANARY,
            explored_in_session_id=appointment.session_note.pk,
        )

    def count(url: str) -> int:
        with CaptureQueriesContext(connection) as captured:
            assert http.get(url).status_code == 200
        return len(captured.captured_queries)

    first = linked_event(days_ago=1)
    http.get(log)  # the first request of a sign-in does one-off work of its own
    edit = reverse("boundaries:event_edit", args=[client_record.pk, first.pk])
    small = (count(log), count(edit), count(reverse("clients:card", args=[client_record.pk])))
    for days_ago in range(2, 6):
        linked_event(days_ago=days_ago)
    large = (count(log), count(edit), count(reverse("clients:card", args=[client_record.pk])))
    assert small == large
    assert http.get(log).content.decode().count("Explored in session on") == 5
