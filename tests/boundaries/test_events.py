"""Boundary events: recorded, corrected with their history kept, set aside when made in error,
never deleted, and never written to the audit trail as text."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import connection
from django.urls import reverse
from django.utils import timezone

from frame.audit.models import Action, AuditEvent
from frame.boundaries import actions
from frame.boundaries.models import BoundaryEvent, BoundaryEventRevision, GiftOutcome, Kind
from frame.clients.models import RecordsAreNotDeleted
from tests.boundaries.conftest import RESPONSE_CANARY, WHAT_CANARY
from tests.clients.conftest import audit_text

TODAY = dt.date(2026, 3, 10)


@pytest.fixture(autouse=True)
def _today(monkeypatch: Any) -> None:
    monkeypatch.setattr(timezone, "localdate", lambda *args, **kwargs: TODAY)


def _record(client: Any, by: Any, **fields: Any) -> BoundaryEvent:
    values = {
        "kind": Kind.GIFT,
        "occurred_on": dt.date(2026, 3, 2),
        "what_happened": WHAT_CANARY,
        "response": RESPONSE_CANARY,
        "gift_outcome": GiftOutcome.DECLINED,
        "gift_value_pounds": 15,
    }
    return actions.record_event(client=client, by=by, **(values | fields))


def test_an_event_is_recorded_encrypted_and_audited_without_its_text(
    practitioner: Any, client_record: Any
) -> None:
    event = _record(client_record, practitioner)
    stored = BoundaryEvent.objects.get(pk=event.pk)
    assert stored.what_happened == WHAT_CANARY
    assert stored.response == RESPONSE_CANARY
    with connection.cursor() as cursor:
        cursor.execute("SELECT what_happened, response FROM boundaries_boundaryevent")
        raw = cursor.fetchone()
    assert WHAT_CANARY not in raw[0] and RESPONSE_CANARY not in raw[1]
    audit = AuditEvent.objects.get(action=Action.BOUNDARY_EVENT_RECORDED)
    assert audit.client_id == str(client_record.pk)
    assert audit.detail["kind"] == "gift"
    assert "what_happened" in audit.detail["fields"]
    assert WHAT_CANARY not in audit_text() and RESPONSE_CANARY not in audit_text()


def test_only_the_care_team_can_record_an_event(
    colleague: Any, administrator: Any, outsider: Any, client_record: Any
) -> None:
    for user in (colleague, administrator, outsider):
        with pytest.raises(PermissionDenied):
            _record(client_record, user)
    assert not BoundaryEvent.objects.exists()


@pytest.mark.parametrize(
    ("fields", "field", "message"),
    [
        ({"what_happened": "   "}, "what_happened", "what happened"),
        ({"occurred_on": dt.date(2026, 3, 11)}, "occurred_on", "future"),
        ({"explored_on": dt.date(2026, 3, 1)}, "explored_on", "before it happened"),
        ({"explored_on": dt.date(2026, 3, 12)}, "explored_on", "future"),
        ({"taken_to_supervision_on": dt.date(2026, 2, 1)}, "taken_to_supervision_on", "before"),
        ({"kind": Kind.CHANCE_ENCOUNTER}, "gift_outcome", "only for gifts"),
    ],
)
def test_events_that_do_not_add_up_are_refused_in_plain_words(
    practitioner: Any, client_record: Any, fields: dict[str, Any], field: str, message: str
) -> None:
    with pytest.raises(ValidationError) as refused:
        _record(client_record, practitioner, **fields)
    assert message in " ".join(refused.value.message_dict[field])
    assert not BoundaryEvent.objects.exists()
    assert not AuditEvent.objects.filter(action=Action.BOUNDARY_EVENT_RECORDED).exists()


def test_a_date_explored_or_taken_means_it_was_planned(
    practitioner: Any, client_record: Any
) -> None:
    event = _record(
        client_record,
        practitioner,
        to_explore=False,
        explored_on=dt.date(2026, 3, 9),
        taken_to_supervision_on=dt.date(2026, 3, 9),
    )
    assert event.to_explore and event.to_supervision
    assert not event.awaiting_exploration and not event.awaiting_supervision


def test_a_correction_keeps_the_earlier_version(practitioner: Any, client_record: Any) -> None:
    event = _record(client_record, practitioner)
    changed = actions.update_event(
        event=event,
        by=practitioner,
        changes={"what_happened": "Offered a small box of chocolates.", "to_supervision": True},
    )
    assert changed == ["to_supervision", "what_happened"]
    event.refresh_from_db()
    assert event.what_happened == "Offered a small box of chocolates."
    assert event.edited_at is not None
    revision = BoundaryEventRevision.objects.get(event=event)
    assert revision.previous_what_happened == WHAT_CANARY
    assert revision.previous_response == RESPONSE_CANARY
    assert revision.previous["to_supervision"] is False
    assert revision.previous["occurred_on"] == "2026-03-02"
    assert revision.changed_fields == ["to_supervision", "what_happened"]
    audit = AuditEvent.objects.get(action=Action.BOUNDARY_EVENT_UPDATED)
    assert audit.detail == {"fields": ["to_supervision", "what_happened"]}
    assert WHAT_CANARY not in audit_text()
    assert "chocolates" not in audit_text()


def test_an_edit_that_changes_nothing_writes_nothing(practitioner: Any, client_record: Any) -> None:
    event = _record(client_record, practitioner)
    unchanged = {"gift_value_pounds": 15, "kind": Kind.GIFT}
    assert actions.update_event(event=event, by=practitioner, changes=unchanged) == []
    assert not BoundaryEventRevision.objects.exists()
    assert not AuditEvent.objects.filter(action=Action.BOUNDARY_EVENT_UPDATED).exists()


def test_a_refused_edit_leaves_the_event_and_its_history_as_they_were(
    practitioner: Any, client_record: Any
) -> None:
    event = _record(client_record, practitioner)
    with pytest.raises(ValidationError):
        actions.update_event(
            event=event, by=practitioner, changes={"explored_on": dt.date(2020, 1, 1)}
        )
    stored = BoundaryEvent.objects.get(pk=event.pk)
    assert stored.explored_on is None and stored.edited_at is None
    assert not BoundaryEventRevision.objects.exists()


def test_an_event_recorded_in_error_is_kept_and_frozen(
    practitioner: Any, client_record: Any
) -> None:
    event = _record(client_record, practitioner)
    with pytest.raises(ValidationError):
        actions.mark_in_error(event=event, by=practitioner, reason="  ")
    actions.mark_in_error(event=event, by=practitioner, reason="Written on the wrong record.")
    event.refresh_from_db()
    assert event.in_error and event.recorded_in_error_by == practitioner
    assert event.error_reason == "Written on the wrong record."
    assert not event.awaiting_exploration
    with pytest.raises(ValidationError):
        actions.update_event(event=event, by=practitioner, changes={"what_happened": "Changed"})
    audit = AuditEvent.objects.get(action=Action.BOUNDARY_EVENT_IN_ERROR)
    assert audit.detail == {"kind": "gift"}
    assert "wrong record" not in audit_text()


def test_events_are_never_deleted(practitioner: Any, client_record: Any) -> None:
    event = _record(client_record, practitioner)
    with pytest.raises(RecordsAreNotDeleted):
        event.delete()
    with pytest.raises(RecordsAreNotDeleted):
        BoundaryEvent.objects.all().delete()
    assert BoundaryEvent.objects.filter(pk=event.pk).exists()


# --- Pages -----------------------------------------------------------------------------------


def test_recording_an_event_through_the_page(
    as_user: Any, practitioner: Any, client_record: Any
) -> None:
    http = as_user(practitioner)
    url = reverse("boundaries:event_new", args=[client_record.pk])
    assert http.get(url).status_code == 200
    response = http.post(
        url,
        {
            "kind": "social_media",
            "occurred_on": "04/03/2026",
            "what_happened": WHAT_CANARY,
            "response": "",
            "to_explore": "on",
        },
    )
    assert response.status_code == 302
    event = BoundaryEvent.objects.get()
    assert event.kind == Kind.SOCIAL_MEDIA and event.occurred_on == dt.date(2026, 3, 4)
    assert event.to_explore and not event.to_supervision
    log = http.get(reverse("boundaries:log", args=[client_record.pk]))
    assert WHAT_CANARY.encode() in log.content
    assert b"Not yet explored in session" in log.content


def test_bad_input_is_explained_and_nothing_typed_is_lost(
    as_user: Any, practitioner: Any, client_record: Any
) -> None:
    http = as_user(practitioner)
    response = http.post(
        reverse("boundaries:event_new", args=[client_record.pk]),
        {
            "kind": "chance_encounter",
            "occurred_on": "31/02/2026",
            "what_happened": WHAT_CANARY,
            "gift_value_pounds": "lots",
        },
    )
    assert response.status_code == 200
    page = response.content.decode()
    assert "There are 2 problems" in page
    assert "for example 12/04/1988" in page or "day, month and year" in page
    assert "whole number of pounds" in page
    assert WHAT_CANARY in page  # still in the form
    assert not BoundaryEvent.objects.exists()


def test_gift_details_on_another_kind_are_refused_next_to_the_field(
    as_user: Any, practitioner: Any, client_record: Any
) -> None:
    response = as_user(practitioner).post(
        reverse("boundaries:event_new", args=[client_record.pk]),
        {
            "kind": "chance_encounter",
            "occurred_on": "04/03/2026",
            "what_happened": WHAT_CANARY,
            "gift_outcome": "accepted",
        },
    )
    assert response.status_code == 200
    assert "only for gifts" in response.content.decode()
    assert not BoundaryEvent.objects.exists()


def test_editing_through_the_page_shows_the_history(
    as_user: Any, practitioner: Any, client_record: Any
) -> None:
    event = _record(client_record, practitioner)
    http = as_user(practitioner)
    url = reverse("boundaries:event_edit", args=[client_record.pk, event.pk])
    form = {
        "kind": "gift",
        "occurred_on": "02/03/2026",
        "what_happened": "A card, which I kept.",
        "response": RESPONSE_CANARY,
        "gift_outcome": "accepted",
        "gift_value_pounds": "15",
        "to_explore": "on",
        "explored_on": "09/03/2026",
    }
    assert http.post(url, form).status_code == 302
    page = http.get(url).content.decode()
    assert WHAT_CANARY in page  # the earlier wording, kept
    assert "A card, which I kept." in page


def test_marking_in_error_through_the_page(
    as_user: Any, practitioner: Any, client_record: Any
) -> None:
    event = _record(client_record, practitioner)
    http = as_user(practitioner)
    url = reverse("boundaries:event_error", args=[client_record.pk, event.pk])
    assert b"There is a problem" in http.post(url, {"reason": ""}).content
    assert http.post(url, {"reason": "Wrong client."}).status_code == 302
    page = http.get(reverse("boundaries:log", args=[client_record.pk])).content.decode()
    assert "Recorded in error" in page and "Wrong client." in page
    edit = http.get(reverse("boundaries:event_edit", args=[client_record.pk, event.pk]))
    assert b"can no longer be changed" in edit.content
    assert b"<form" not in edit.content.split(b"<main")[1]
