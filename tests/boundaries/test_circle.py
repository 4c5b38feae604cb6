"""The declared circle: one practitioner's own, encrypted, and nobody else's business."""

from __future__ import annotations

from typing import Any

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import connection
from django.urls import reverse

from frame.audit.models import Action, AuditEvent
from frame.boundaries import actions
from frame.boundaries.models import CircleEntry
from tests.boundaries.conftest import CIRCLE_CANARY
from tests.clients.conftest import audit_text
from tests.factories.boundaries import CircleEntryFactory


def test_an_entry_is_stored_encrypted_and_audited_without_its_contents(practitioner: Any) -> None:
    entry = actions.add_circle_entry(
        by=practitioner,
        name=CIRCLE_CANARY,
        relationship="Cousin",
        organisation="Mendip Choir",
        town="Wells",
    )
    with connection.cursor() as cursor:
        cursor.execute("SELECT name, relationship, organisation, town FROM boundaries_circleentry")
        raw = " ".join(cursor.fetchone())
    for plain in (CIRCLE_CANARY, "Cousin", "Mendip Choir", "Wells"):
        assert plain not in raw
    assert CircleEntry.objects.get(pk=entry.pk).name == CIRCLE_CANARY
    audit = AuditEvent.objects.get(action=Action.CIRCLE_ENTRY_ADDED)
    assert audit.detail == {"fields": ["name", "relationship", "organisation", "town"]}
    assert audit.client_id == ""
    assert CIRCLE_CANARY not in audit_text() and "Mendip" not in audit_text()


def test_an_entry_needs_a_name_or_an_organisation(practitioner: Any) -> None:
    with pytest.raises(ValidationError) as refused:
        actions.add_circle_entry(by=practitioner, relationship="Neighbour", town="Frome")
    assert "a name, an organisation, or both" in str(refused.value)
    assert actions.add_circle_entry(by=practitioner, organisation="Frome Rowing Club").pk


def test_only_practitioners_keep_a_circle_and_only_their_own(
    practitioner: Any, colleague: Any, administrator: Any
) -> None:
    with pytest.raises(PermissionDenied):
        actions.add_circle_entry(by=administrator, name="Ann Other")
    entry = CircleEntryFactory(owner=practitioner, name=CIRCLE_CANARY)
    with pytest.raises(PermissionDenied):
        actions.update_circle_entry(entry=entry, by=colleague, changes={"name": "Changed"})
    with pytest.raises(PermissionDenied):
        actions.remove_circle_entry(entry=entry, by=colleague)
    entry.refresh_from_db()
    assert entry.name == CIRCLE_CANARY


def test_editing_and_removing_are_audited_by_field_name_only(practitioner: Any) -> None:
    entry = actions.add_circle_entry(by=practitioner, name=CIRCLE_CANARY)
    changed = actions.update_circle_entry(
        entry=entry, by=practitioner, changes={"town": "Bruton", "name": CIRCLE_CANARY}
    )
    assert changed == ["town"]
    actions.remove_circle_entry(entry=entry, by=practitioner)
    assert not CircleEntry.objects.exists()
    assert list(
        AuditEvent.objects.filter(action__startswith="boundaries.circle").values_list(
            "action", "detail"
        )
    ) == [
        (Action.CIRCLE_ENTRY_ADDED, {"fields": ["name"]}),
        (Action.CIRCLE_ENTRY_UPDATED, {"fields": ["town"]}),
        (Action.CIRCLE_ENTRY_REMOVED, {}),
    ]
    assert "Bruton" not in audit_text() and CIRCLE_CANARY not in audit_text()


def test_the_circle_pages_work_for_their_practitioner(as_user: Any, practitioner: Any) -> None:
    http = as_user(practitioner)
    assert b"Nobody yet" in http.get(reverse("boundaries:circle")).content
    response = http.post(
        reverse("boundaries:circle_new"),
        {"name": CIRCLE_CANARY, "relationship": "Cousin", "organisation": "", "town": "Wells"},
    )
    assert response.status_code == 302
    entry = CircleEntry.objects.get(owner=practitioner)
    listing = http.get(reverse("boundaries:circle")).content.decode()
    assert CIRCLE_CANARY in listing and "Cousin" in listing
    edit_url = reverse("boundaries:circle_edit", args=[entry.pk])
    assert CIRCLE_CANARY.encode() in http.get(edit_url).content
    assert http.post(edit_url, {"name": CIRCLE_CANARY, "town": "Bath"}).status_code == 302
    entry.refresh_from_db()
    assert entry.town == "Bath" and entry.relationship == ""
    remove_url = reverse("boundaries:circle_remove", args=[entry.pk])
    assert b"Remove" in http.get(remove_url).content
    assert http.post(remove_url).status_code == 302
    assert not CircleEntry.objects.exists()


def test_a_blank_entry_is_refused_with_what_was_typed_kept(as_user: Any, practitioner: Any) -> None:
    response = as_user(practitioner).post(
        reverse("boundaries:circle_new"), {"relationship": "Old school friend", "town": "Frome"}
    )
    assert response.status_code == 200
    page = response.content.decode()
    assert "There is a problem" in page and "a name, an organisation, or both" in page
    assert "Old school friend" in page
    assert not CircleEntry.objects.exists()


def test_the_circle_is_listed_in_alphabetical_order_and_paginated(
    as_user: Any, practitioner: Any, settings: Any
) -> None:
    settings.FRAME_PAGE_SIZE = 2
    for name in ("Cara Dunn", "Aled Bryn", "Beth Carr"):
        CircleEntryFactory(owner=practitioner, name=name)
    http = as_user(practitioner)
    first = http.get(reverse("boundaries:circle")).content.decode()
    assert first.index("Aled Bryn") < first.index("Beth Carr") and "Cara Dunn" not in first
    second = http.get(reverse("boundaries:circle"), {"page": "2"}).content.decode()
    assert "Cara Dunn" in second and "Aled Bryn" not in second
    assert http.get(reverse("boundaries:circle"), {"page": "nonsense"}).status_code == 200


@pytest.mark.parametrize("persona", ["colleague", "administrator", "outsider"])
def test_nobody_else_reaches_an_entry_not_even_to_learn_it_exists(
    request: Any, as_user: Any, practitioner: Any, persona: str
) -> None:
    entry = CircleEntryFactory(owner=practitioner, name=CIRCLE_CANARY)
    http = as_user(request.getfixturevalue(persona))
    for name in ("boundaries:circle_edit", "boundaries:circle_remove"):
        url = reverse(name, args=[entry.pk])
        for response in (http.get(url), http.post(url, {"name": "Taken over"})):
            assert response.status_code == 404
            assert CIRCLE_CANARY.encode() not in response.content
    entry.refresh_from_db()
    assert entry.name == CIRCLE_CANARY


def test_the_owner_of_the_practice_cannot_see_a_colleagues_circle(
    as_user: Any, practitioner: Any, colleague: Any
) -> None:
    entry = CircleEntryFactory(owner=colleague, name=CIRCLE_CANARY)
    http = as_user(practitioner)  # the practice owner
    assert http.get(reverse("boundaries:circle_edit", args=[entry.pk])).status_code == 404
    own_list = http.get(reverse("boundaries:circle"))
    assert own_list.status_code == 200 and CIRCLE_CANARY.encode() not in own_list.content


def test_administrators_have_no_circle_pages(as_user: Any, administrator: Any) -> None:
    http = as_user(administrator)
    for name in ("boundaries:circle", "boundaries:circle_new", "boundaries:awaiting"):
        assert http.get(reverse(name)).status_code == 404
