"""The reflective journal: the practitioner's alone, encrypted, and tagged entries reviewed for
subject access requests like process notes."""

from __future__ import annotations

import uuid
from pathlib import Path
from typing import Any

import pytest
from django.db import connection
from django.urls import reverse
from django.utils import timezone

from frame.audit.models import Action, AuditEvent
from frame.development import actions
from frame.development.models import JournalEntry, KeptRecord
from frame.notes.models import RetentionClass
from tests.development.sweep import sweep_journal_entry
from tests.factories import CareTeamMemberFactory, ClientFactory
from tests.portal.factories import portal_user_for, signed_in_client

pytestmark = pytest.mark.django_db


def test_a_practitioner_writes_an_entry_tagged_by_case_code(
    practitioner: Any, client_record: Any, as_user: Any
) -> None:
    http = as_user(practitioner)
    response = http.post(
        reverse("development:journal"),
        {
            "written_on": timezone.localdate().strftime("%d/%m/%Y"),
            "text": "Irritation I could not place; my father's voice?",
            "case_code": client_record.case_code.lower(),
        },
    )
    assert response.status_code == 302
    entry = JournalEntry.objects.get()
    assert entry.author == practitioner and entry.client == client_record
    assert entry.subject_access_review is True
    assert entry.retention_class == RetentionClass.PROCESS
    page = http.get(reverse("development:journal")).content.decode()
    assert client_record.case_code in page
    assert client_record.family_name not in page  # shown by case code only
    assert "subject access request" in page
    event = AuditEvent.objects.get(action=Action.JOURNAL_ENTRY_SAVED)
    assert event.detail == {"how": "written", "tagged": True, "tag_changed": False}
    assert event.client_id == str(client_record.pk)


def test_a_case_code_off_the_caseload_is_refused_keeping_the_text(
    practitioner: Any, practice: Any, colleague: Any, as_user: Any
) -> None:
    not_mine = ClientFactory(practice=practice, created_by=colleague)
    CareTeamMemberFactory(client=not_mine, user=colleague)
    response = as_user(practitioner).post(
        reverse("development:journal"),
        {
            "written_on": timezone.localdate().strftime("%d/%m/%Y"),
            "text": "Kept words",
            "case_code": not_mine.case_code,
        },
    )
    assert response.status_code == 400
    assert b"No client with that case code is on your caseload" in response.content
    assert b"Kept words" in response.content
    assert not JournalEntry.objects.exists()


def test_an_empty_entry_is_refused_in_plain_words(practitioner: Any, as_user: Any) -> None:
    response = as_user(practitioner).post(
        reverse("development:journal"), {"written_on": "01/02/2026", "text": ""}
    )
    assert response.status_code == 400
    assert b"Write something before saving." in response.content


@pytest.mark.parametrize("persona", ["colleague", "administrator", "outsider"])
def test_nobody_else_reaches_an_entry_not_even_the_owner(
    persona: str, practitioner: Any, colleague: Any, request: Any, as_user: Any
) -> None:
    # The colleague writes; the owner (practitioner) must not see it either.
    author = practitioner if persona != "colleague" else colleague
    other = request.getfixturevalue(persona) if persona != "colleague" else practitioner
    entry = sweep_journal_entry(author)
    url = reverse("development:journal_entry", args=[entry.pk])
    assert as_user(author).get(url).status_code == 200
    http = as_user(other)
    assert http.get(url).status_code == 404
    assert http.post(url, {"text": "overwrite", "written_on": "01/01/2026"}).status_code == 404
    listing = http.get(reverse("development:journal"))
    assert b"noticed my own tiredness" not in listing.content
    assert JournalEntry.objects.get().text.startswith("Felt protective")


def test_administrators_and_portal_clients_have_no_journal(
    administrator: Any, practitioner: Any, client_record: Any, as_user: Any
) -> None:
    assert as_user(administrator).get(reverse("development:journal")).status_code == 404
    portal = signed_in_client(portal_user_for(client_record, invited_by=practitioner))
    assert portal.get(reverse("development:journal")).status_code == 404


def test_the_review_list_holds_the_practitioners_own_tagged_entries_only(
    practitioner: Any, colleague: Any, client_record: Any, as_user: Any
) -> None:
    CareTeamMemberFactory(client=client_record, user=colleague)
    today = timezone.localdate()
    mine = actions.save_journal_entry(
        by=practitioner, text="Mine about them", written_on=today, client=client_record
    )
    actions.save_journal_entry(by=practitioner, text="Mine, untagged", written_on=today)
    actions.save_journal_entry(
        by=colleague, text="The colleague's", written_on=today, client=client_record
    )
    url = reverse("development:journal_review", args=[client_record.pk])
    page = as_user(practitioner).get(url).content.decode()
    assert "Mine about them" in page
    assert "Mine, untagged" not in page and "The colleague's" not in page
    assert "usually disclosable" in page
    event = AuditEvent.objects.get(action=Action.JOURNAL_SAR_LIST_VIEWED)
    assert event.client_id == str(client_record.pk) and event.actor_id == practitioner.pk
    assert mine.subject_access_review


def test_the_review_list_is_not_found_off_the_care_team(
    client_record: Any, colleague: Any, administrator: Any, as_user: Any
) -> None:
    url = reverse("development:journal_review", args=[client_record.pk])
    assert as_user(colleague).get(url).status_code == 404
    assert as_user(administrator).get(url).status_code == 404


def test_the_card_counts_tagged_entries_for_their_author_alone(
    practitioner: Any, colleague: Any, client_record: Any, as_user: Any
) -> None:
    card = reverse("clients:card", args=[client_record.pk])
    assert b"Your reflective journal" not in as_user(practitioner).get(card).content
    actions.save_journal_entry(
        by=practitioner, text="About them", written_on=timezone.localdate(), client=client_record
    )
    assert b"1 of your journal entry is tagged" in as_user(practitioner).get(card).content
    CareTeamMemberFactory(client=client_record, user=colleague)
    assert b"Your reflective journal" not in as_user(colleague).get(card).content


def test_entries_are_never_deleted(practitioner: Any) -> None:
    entry = sweep_journal_entry(practitioner)
    with pytest.raises(KeptRecord):
        entry.delete()
    with pytest.raises(KeptRecord):
        JournalEntry.objects.all().delete()


def test_viewing_an_entry_is_audited(practitioner: Any, as_user: Any) -> None:
    entry = sweep_journal_entry(practitioner)
    as_user(practitioner).get(reverse("development:journal_entry", args=[entry.pk]))
    event = AuditEvent.objects.filter(action=Action.JOURNAL_VIEWED).last()
    assert event is not None and event.object_id == str(entry.pk)


@pytest.mark.skipif(connection.vendor != "sqlite", reason="the raw file check runs on SQLite")
@pytest.mark.django_db(transaction=True)
def test_journal_and_cpd_text_is_absent_from_the_raw_database_file(
    practitioner: Any, client_record: Any, tmp_path: Path
) -> None:
    canary = f"CANARY-{uuid.uuid4().hex}"
    actions.save_journal_entry(
        by=practitioner,
        text=f"Countertransference {canary}",
        written_on=timezone.localdate(),
        client=client_record,
    )
    from tests.development.sweep import cpd_values

    actions.save_cpd_activity(
        by=practitioner, values=cpd_values(learnt=f"L {canary}", impact=f"I {canary}")
    )
    copy = tmp_path / "copy.sqlite3"
    with connection.cursor() as cursor:
        cursor.execute("VACUUM INTO %s", [str(copy)])
    raw = copy.read_bytes()
    assert client_record.family_name.encode() in raw  # the scan does see plain text
    assert canary.encode() not in raw
    assert canary in JournalEntry.objects.get().text


def test_a_tag_stays_when_the_author_has_left_the_care_team(
    practitioner: Any, colleague: Any, client_record: Any, as_user: Any
) -> None:
    link = CareTeamMemberFactory(client=client_record, user=colleague)
    entry = actions.save_journal_entry(
        by=colleague, text="First thoughts", written_on=timezone.localdate(), client=client_record
    )
    link.delete()
    response = as_user(colleague).post(
        reverse("development:journal_entry", args=[entry.pk]),
        {
            "written_on": timezone.localdate().strftime("%d/%m/%Y"),
            "text": "Second thoughts",
            "case_code": client_record.case_code,
        },
    )
    assert response.status_code == 302
    entry.refresh_from_db()
    assert entry.text == "Second thoughts" and entry.client == client_record
    untagged = as_user(colleague).post(
        reverse("development:journal_entry", args=[entry.pk]),
        {"written_on": timezone.localdate().strftime("%d/%m/%Y"), "text": "Third", "case_code": ""},
    )
    assert untagged.status_code == 302
    event = AuditEvent.objects.filter(action=Action.JOURNAL_ENTRY_SAVED).last()
    assert event is not None
    assert event.detail == {"how": "edited", "tagged": False, "tag_changed": True}


@pytest.mark.parametrize("page", ["journal", "review"])
def test_journal_pages_use_the_same_queries_whatever_the_journal_holds(
    page: str, practitioner: Any, client_record: Any, as_user: Any
) -> None:
    from django.test.utils import CaptureQueriesContext

    http = as_user(practitioner)
    url = (
        reverse("development:journal")
        if page == "journal"
        else reverse("development:journal_review", args=[client_record.pk])
    )

    def write(count: int) -> None:
        for number in range(count):
            actions.save_journal_entry(
                by=practitioner,
                text=f"Reflection {number}",
                written_on=timezone.localdate(),
                client=client_record,
            )

    write(1)
    http.get(url)
    with CaptureQueriesContext(connection) as small:
        http.get(url)
    write(12)
    with CaptureQueriesContext(connection) as large:
        response = http.get(url)
    assert response.content.count(b"Reflection ") >= 13
    assert len(large.captured_queries) == len(small.captured_queries)
