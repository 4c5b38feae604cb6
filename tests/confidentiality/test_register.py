"""The confidentiality register: who may see it, what it records, and that it only grows."""

from __future__ import annotations

import datetime as dt
import uuid
from pathlib import Path
from typing import Any

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import connection
from django.test import RequestFactory
from django.urls import reverse

from frame.accounts.models import Role
from frame.audit.models import Action, AuditEvent
from frame.clients.access import access_client_view
from frame.confidentiality import actions, panels
from frame.confidentiality.models import RegisterEntry, RegisterIsAppendOnly
from frame.confidentiality.selectors import held_client_ids, is_held
from tests.confidentiality.sweep import not_sharing, sharing
from tests.factories import CareTeamMemberFactory, ClientFactory, MembershipFactory
from tests.portal.factories import portal_user_for, signed_in_client

pytestmark = pytest.mark.django_db


def _urls(client: Any, entry: RegisterEntry) -> list[str]:
    return [
        reverse("confidentiality:register", args=[client.pk]),
        reverse("confidentiality:entry_new", args=[client.pk]),
        reverse("confidentiality:entry", args=[client.pk, entry.pk]),
        reverse("confidentiality:correct", args=[client.pk, entry.pk]),
    ]


@pytest.fixture
def entry(client_record: Any, practitioner: Any) -> RegisterEntry:
    return actions.record_entry(client=client_record, by=practitioner, data=not_sharing())


# --- Who may see it ---------------------------------------------------------------------------


def test_the_author_on_the_care_team_sees_every_page(
    entry: RegisterEntry, client_record: Any, practitioner: Any, as_user: Any
) -> None:
    http = as_user(practitioner)
    for url in _urls(client_record, entry):
        assert http.get(url).status_code == 200, url
    page = http.get(reverse("confidentiality:entry", args=[client_record.pk, entry.pk]))
    assert "Passive ideation, protective factors strong" in page.content.decode()


@pytest.mark.parametrize("persona", ["colleague", "administrator", "outsider", "supervisor"])
def test_everyone_else_gets_not_found(
    persona: str,
    entry: RegisterEntry,
    client_record: Any,
    practice: Any,
    request: Any,
    as_user: Any,
) -> None:
    if persona == "supervisor":
        user = MembershipFactory(practice=practice, role=Role.SUPERVISOR).user
    else:
        user = request.getfixturevalue(persona)
    http = as_user(user)
    for url in _urls(client_record, entry):
        assert http.get(url).status_code == 404, (persona, url)
        for response in (http.get(url), http.post(url, {"decision": "share"})):
            assert response.status_code in {404, 405}, (persona, url)
            assert b"Passive ideation" not in response.content
    assert RegisterEntry.objects.count() == 1


def test_a_care_team_colleague_sees_only_their_own_entries(
    entry: RegisterEntry, client_record: Any, colleague: Any, as_user: Any
) -> None:
    CareTeamMemberFactory(client=client_record, user=colleague)
    http = as_user(colleague)
    listing = http.get(reverse("confidentiality:register", args=[client_record.pk]))
    assert listing.status_code == 200
    assert str(entry.pk).encode() not in listing.content
    detail = reverse("confidentiality:entry", args=[client_record.pk, entry.pk])
    assert http.get(detail).status_code == 404
    assert (
        http.get(reverse("confidentiality:correct", args=[client_record.pk, entry.pk])).status_code
        == 404
    )


def test_the_author_taken_off_the_care_team_loses_access(
    client_record: Any, colleague: Any, as_user: Any
) -> None:
    link = CareTeamMemberFactory(client=client_record, user=colleague)
    own = actions.record_entry(client=client_record, by=colleague, data=not_sharing())
    link.delete()
    response = as_user(colleague).get(
        reverse("confidentiality:entry", args=[client_record.pk, own.pk])
    )
    assert response.status_code == 404


def test_the_owner_sees_entries_for_clients_they_do_not_work_with(
    practice: Any, practitioner: Any, colleague: Any, as_user: Any
) -> None:
    theirs = ClientFactory(practice=practice, created_by=colleague)
    CareTeamMemberFactory(client=theirs, user=colleague)
    written = actions.record_entry(client=theirs, by=colleague, data=sharing())
    http = as_user(practitioner)  # the owner, not on this care team
    listing = http.get(reverse("confidentiality:register", args=[theirs.pk]))
    assert listing.status_code == 200
    assert str(written.pk).encode() in listing.content
    assert b"Record a decision" not in listing.content  # only the care team records
    detail = http.get(reverse("confidentiality:entry", args=[theirs.pk, written.pk]))
    assert b"MASH-2026-0412" in detail.content
    assert http.get(reverse("confidentiality:entry_new", args=[theirs.pk])).status_code == 404


def test_a_portal_client_gets_not_found(
    entry: RegisterEntry, client_record: Any, practitioner: Any
) -> None:
    http = signed_in_client(portal_user_for(client_record, invited_by=practitioner))
    for url in _urls(client_record, entry):
        assert http.get(url).status_code == 404, url


def test_actions_refuse_someone_off_the_care_team(client_record: Any, colleague: Any) -> None:
    with pytest.raises(PermissionDenied):
        actions.record_entry(client=client_record, by=colleague, data=not_sharing())


# --- Every view is audited --------------------------------------------------------------------


def test_the_list_and_each_entry_viewed_are_audited(
    entry: RegisterEntry, client_record: Any, practitioner: Any, as_user: Any
) -> None:
    http = as_user(practitioner)
    http.get(reverse("confidentiality:register", args=[client_record.pk]))
    http.get(reverse("confidentiality:entry", args=[client_record.pk, entry.pk]))
    listed = AuditEvent.objects.get(action=Action.REGISTER_VIEWED)
    assert listed.client_id == str(client_record.pk) and listed.actor_id == practitioner.pk
    viewed = AuditEvent.objects.get(action=Action.REGISTER_ENTRY_VIEWED)
    assert viewed.object_id == str(entry.pk)
    recorded = AuditEvent.objects.get(action=Action.REGISTER_ENTRY_RECORDED)
    assert recorded.detail == {"decision": "not_share"}  # never a word of the entry


# --- Append-only ------------------------------------------------------------------------------


def test_an_entry_cannot_be_saved_again(entry: RegisterEntry) -> None:
    entry.reasons = "Changed my mind"
    with pytest.raises(RegisterIsAppendOnly):
        entry.save()
    assert RegisterEntry.objects.get().reasons.startswith("Passive ideation")


def test_an_entry_cannot_be_updated_or_deleted_in_bulk_or_alone(entry: RegisterEntry) -> None:
    with pytest.raises(RegisterIsAppendOnly):
        RegisterEntry.objects.filter(pk=entry.pk).update(decision="share")
    with pytest.raises(RegisterIsAppendOnly):
        RegisterEntry.objects.bulk_update([entry], ["decision"])
    with pytest.raises(RegisterIsAppendOnly):
        RegisterEntry.objects.all().delete()
    with pytest.raises(RegisterIsAppendOnly):
        entry.delete()
    assert RegisterEntry.objects.get().decision == "not_share"


def test_a_correction_is_a_new_entry_linked_to_the_old(
    entry: RegisterEntry, client_record: Any, practitioner: Any, as_user: Any
) -> None:
    http = as_user(practitioner)
    form = http.get(reverse("confidentiality:correct", args=[client_record.pk, entry.pk]))
    assert b"Passive ideation" in form.content  # starts from what was written
    posted = _posted(not_sharing(reasons="Corrected: also spoke to GP with consent."))
    response = http.post(
        reverse("confidentiality:correct", args=[client_record.pk, entry.pk]), posted
    )
    assert response.status_code == 302
    correction = RegisterEntry.objects.exclude(pk=entry.pk).get()
    assert correction.corrects_id == entry.pk
    old_page = http.get(reverse("confidentiality:entry", args=[client_record.pk, entry.pk]))
    assert b"Corrected by the entry of" in old_page.content
    assert b"Passive ideation" in old_page.content  # the old wording is kept as it was
    assert b"Correct this entry" not in old_page.content
    event = AuditEvent.objects.get(action=Action.REGISTER_ENTRY_CORRECTED)
    assert event.detail == {"decision": "not_share", "corrects": str(entry.pk)}
    # Correcting the old one again leads to the correction, and writes nothing.
    again = http.get(reverse("confidentiality:correct", args=[client_record.pk, entry.pk]))
    assert again.status_code == 302
    assert again["Location"].endswith(f"{correction.pk}/")
    with pytest.raises(ValidationError):
        actions.record_entry(
            client=client_record, by=practitioner, data=not_sharing(), corrects=entry
        )
    assert RegisterEntry.objects.count() == 2


# --- What an entry must say -------------------------------------------------------------------


def _posted(data: Any) -> dict[str, Any]:
    posted: dict[str, Any] = {}
    for name, value in data.as_dict().items():
        if value is None:
            continue
        if isinstance(value, dt.date):
            posted[name] = value.strftime("%d/%m/%Y")
        elif isinstance(value, dt.time):
            posted[name] = value.strftime("%H:%M")
        else:
            posted[name] = value
    return posted


def test_an_entry_without_decision_basis_or_reasons_is_refused_naming_each(
    client_record: Any, practitioner: Any, as_user: Any
) -> None:
    posted = _posted(not_sharing(decision="", basis=[], reasons=""))
    response = as_user(practitioner).post(
        reverse("confidentiality:entry_new", args=[client_record.pk]), posted
    )
    assert response.status_code == 400
    body = response.content.decode()
    assert "There are 3 problems" in body
    assert "Choose the decision: share, share part of it, or not share." in body
    assert "Choose the basis you considered: at least one." in body
    assert "Give the reasons for the decision." in body
    assert "Spoke of wanting to" in body  # what was typed is still there
    assert not RegisterEntry.objects.exists()


def test_sharing_needs_what_with_whom_how_when_and_the_gdpr_conditions(
    client_record: Any, practitioner: Any
) -> None:
    data = sharing(
        what_shared="", shared_with="", shared_how="", shared_on=None, article_6="", article_9=""
    )
    found = actions.problems(data)
    assert set(found) == {
        "what_shared",
        "shared_with",
        "shared_how",
        "shared_on",
        "article_6",
        "article_9",
    }
    with pytest.raises(ValidationError):
        actions.record_entry(client=client_record, by=practitioner, data=data)


def test_not_telling_the_client_needs_a_reason(client_record: Any, practitioner: Any) -> None:
    found = actions.problems(not_sharing(client_told="not_told", client_told_detail=""))
    assert "tipping off" in found["client_told_detail"]


def test_a_share_is_recorded_with_everything_and_shown(
    client_record: Any, practitioner: Any, as_user: Any
) -> None:
    http = as_user(practitioner)
    response = http.post(
        reverse("confidentiality:entry_new", args=[client_record.pk]), _posted(sharing())
    )
    assert response.status_code == 302
    saved = RegisterEntry.objects.get()
    assert saved.legal_hold is True
    assert saved.author == practitioner
    assert saved.shared_how == "phone" and saved.shared_time == dt.time(14, 30)
    page = http.get(response["Location"]).content.decode()
    assert "Children&#x27;s services front door" in page
    assert "DPA 2018 Schedule 1 para 18" in page
    assert "Yes, afterwards" in page


# --- Legal hold ---------------------------------------------------------------------------------


def test_held_client_ids_names_clients_with_any_entry(
    entry: RegisterEntry, client_record: Any, practice: Any, practitioner: Any
) -> None:
    other = ClientFactory(practice=practice, created_by=practitioner)
    assert held_client_ids() == {client_record.pk}
    assert held_client_ids(among=[other.pk]) == set()
    assert is_held(client_record.pk) and not is_held(other.pk)


# --- The client card --------------------------------------------------------------------------


def test_the_card_shows_the_register_to_the_care_team_only(
    entry: RegisterEntry, client_record: Any, practitioner: Any, administrator: Any, as_user: Any
) -> None:
    card = reverse("clients:card", args=[client_record.pk])
    mine = as_user(practitioner).get(card).content.decode()
    assert "Confidentiality register" in mine and "1 decision about sharing" in mine
    theirs = as_user(administrator).get(card)
    assert theirs.status_code == 200
    assert b"Confidentiality register" not in theirs.content
    request = RequestFactory().get(card)
    request.user = administrator
    view = access_client_view(administrator, client_record.pk)
    assert panels.register_section(request, view) is None


# --- Encryption at rest and constant queries -----------------------------------------------------


@pytest.mark.skipif(connection.vendor != "sqlite", reason="the raw file check runs on SQLite")
@pytest.mark.django_db(transaction=True)
def test_register_text_is_absent_from_the_raw_database_file(
    client_record: Any, practitioner: Any, tmp_path: Path
) -> None:
    canary = f"CANARY-{uuid.uuid4().hex}"
    actions.record_entry(
        client=client_record,
        by=practitioner,
        data=sharing(
            concern=f"c {canary}",
            facts=f"f {canary}",
            reasons=f"r {canary}",
            what_shared=f"w {canary}",
            shared_with=f"s {canary}",
            reference_numbers=f"n {canary}",
            advice=f"a {canary}",
        ),
    )
    copy = tmp_path / "copy.sqlite3"
    with connection.cursor() as cursor:
        cursor.execute("VACUUM INTO %s", [str(copy)])
    raw = copy.read_bytes()
    assert client_record.family_name.encode() in raw
    assert canary.encode() not in raw
    assert canary in RegisterEntry.objects.get().reasons


def test_the_register_page_uses_the_same_queries_whatever_its_size(
    client_record: Any, practitioner: Any, as_user: Any, django_assert_max_num_queries: Any
) -> None:
    http = as_user(practitioner)
    url = reverse("confidentiality:register", args=[client_record.pk])
    first = actions.record_entry(client=client_record, by=practitioner, data=not_sharing())
    http.get(url)
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as small:
        http.get(url)
    latest = first
    for _ in range(6):
        latest = actions.record_entry(
            client=client_record, by=practitioner, data=not_sharing(), corrects=latest
        )
        actions.record_entry(client=client_record, by=practitioner, data=sharing())
    with CaptureQueriesContext(connection) as large:
        response = http.get(url)
    assert response.content.count(b"Corrected on") == 6
    assert len(large.captured_queries) == len(small.captured_queries)


# --- The owner's practice-wide list -----------------------------------------------------------


def test_the_owner_sees_every_decision_in_the_practice(
    practice: Any,
    practitioner: Any,
    colleague: Any,
    administrator: Any,
    outsider: Any,
    as_user: Any,
) -> None:
    theirs = ClientFactory(practice=practice, created_by=colleague, family_name="Quenby")
    CareTeamMemberFactory(client=theirs, user=colleague)
    written = actions.record_entry(client=theirs, by=colleague, data=sharing())
    url = reverse("confidentiality:practice")
    page = as_user(practitioner).get(url)
    assert page.status_code == 200
    assert b"Quenby" in page.content
    assert reverse("confidentiality:entry", args=[theirs.pk, written.pk]).encode() in page.content
    event = AuditEvent.objects.filter(action=Action.REGISTER_VIEWED).last()
    assert event is not None and event.detail == {"page": "practice"}
    for other in (colleague, administrator):
        assert as_user(other).get(url).status_code == 404
    elsewhere = as_user(outsider).get(url)  # another practice's owner: their own, empty list
    assert elsewhere.status_code == 200 and b"Quenby" not in elsewhere.content
