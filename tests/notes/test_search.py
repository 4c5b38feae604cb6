"""Searching your own signed notes by words, over a keyed blind index of the words."""

from __future__ import annotations

from io import StringIO
from typing import Any

import pytest
from django.core.management import call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from frame.audit.models import AuditEvent
from frame.clients.models import CareTeamMember
from frame.lib import crypto
from frame.notes import actions, search
from frame.notes.models import NoteSearchToken
from tests.endings.factories import session
from tests.factories import CareTeamMemberFactory, ClientFactory

pytestmark = pytest.mark.django_db

RARE = "Quillfeather"


def _signed(client: Any, by: Any, text: str, *, days_ago: int = 1, addendum: str = "") -> Any:
    appointment = session(client, by, days_from_now=-days_ago)
    actions.save_draft(
        appointment=appointment, sections=[("Themes", text)], risk_noted=False, by=by
    )
    actions.sign_note(appointment=appointment, by=by)
    if addendum:
        actions.add_addendum(appointment=appointment, text=addendum, by=by)
    return appointment


def _search(http: Any, q: str, page: int | None = None) -> Any:
    data = {"q": q} if page is None else {"q": q, "page": str(page)}
    return http.post(reverse("notes:search"), data)


def test_signed_notes_are_found_by_their_words_whatever_the_case_and_accents(
    client_record: Any, practitioner: Any, as_user: Any
) -> None:
    found = _signed(client_record, practitioner, f"Zoë DIDN'T sleep; the {RARE} dream returned.")
    _signed(client_record, practitioner, "A quiet session about work.", days_ago=8)
    http = as_user(practitioner)
    for query in ("zoe", "Didnt", "didn\u2019t", f"{RARE.lower()} dream", "ZOË  sleep"):
        response = _search(http, query)
        assert response.status_code == 200, query
        body = response.content.decode()
        assert "1 note found" in body, query
        assert reverse("notes:note", args=[found.pk]) in body
    excerpt = _search(http, "dream").content.decode()
    assert f"{RARE} dream returned" in excerpt
    assert "No notes found" in _search(http, "dream work").content.decode()  # every word needed


@pytest.mark.parametrize(
    ("query", "message"),
    [
        ("", "Type one or more words to search for."),
        ("   ", "Type one or more words to search for."),
        ("the and of", "too short or too common"),
        ("x " * 101, "Keep a search under 200 characters."),
        ("one two three four five six seven eight nine", "at most 8 words"),
    ],
)
def test_searches_that_cannot_run_say_why_and_keep_the_words(
    practitioner: Any, as_user: Any, query: str, message: str
) -> None:
    response = _search(as_user(practitioner), query)
    assert response.status_code == 400
    assert message in response.content.decode()
    if query.strip() and len(query) <= 200:
        assert f'value="{query}"' in response.content.decode()
    assert not AuditEvent.objects.filter(action="notes.searched").exists()


def test_drafts_are_not_searched_but_addenda_are(
    client_record: Any, practitioner: Any, as_user: Any
) -> None:
    draft = session(client_record, practitioner, days_from_now=-2)
    actions.save_draft(
        appointment=draft, sections=[("Themes", f"Draft {RARE}")], risk_noted=None, by=practitioner
    )
    http = as_user(practitioner)
    assert "No notes found" in _search(http, RARE).content.decode()
    _signed(client_record, practitioner, "Nothing rare here.", addendum=f"Later: {RARE}")
    body = _search(http, RARE).content.decode()
    assert "1 note found" in body and "Found in an addendum." in body


def test_only_your_own_notes_on_your_current_care_team_are_found(
    client_record: Any, practitioner: Any, colleague: Any, outsider: Any, as_user: Any
) -> None:
    CareTeamMemberFactory(client=client_record, user=colleague)
    _signed(client_record, practitioner, f"Mine: {RARE}")
    _signed(client_record, colleague, f"Theirs: {RARE}", days_ago=3)
    other = ClientFactory(practice=outsider.active_membership.practice, created_by=outsider)
    CareTeamMemberFactory(client=other, user=outsider)
    _signed(other, outsider, f"Elsewhere: {RARE}")
    assert "1 note found" in _search(as_user(practitioner), RARE).content.decode()
    assert "1 note found" in _search(as_user(colleague), RARE).content.decode()
    assert "1 note found" in _search(as_user(outsider), RARE).content.decode()
    CareTeamMember.objects.filter(client=client_record, user=colleague).delete()
    assert "No notes found" in _search(as_user(colleague), RARE).content.decode()


@pytest.mark.parametrize("persona", ["administrator"])
def test_people_without_clinical_access_cannot_search(
    persona: str, request: Any, as_user: Any, client_record: Any, practitioner: Any
) -> None:
    _signed(client_record, practitioner, f"Private {RARE}")
    http = as_user(request.getfixturevalue(persona))
    assert http.get(reverse("notes:search")).status_code == 404
    assert _search(http, RARE).status_code == 404


def test_the_audit_trail_says_a_search_happened_never_what_was_searched(
    client_record: Any, practitioner: Any, as_user: Any
) -> None:
    _signed(client_record, practitioner, f"About {RARE}")
    _search(as_user(practitioner), RARE)
    event = AuditEvent.objects.get(action="notes.searched")
    assert event.detail == {"words": 1, "results": 1, "page": 1}
    assert not any(RARE.lower() in str(e.detail).lower() for e in AuditEvent.objects.all())


def test_the_index_holds_keyed_hashes_never_words_and_differs_between_practices(
    client_record: Any, practitioner: Any, outsider: Any
) -> None:
    _signed(client_record, practitioner, f"{RARE} {RARE} harbour")
    with connection.cursor() as cursor:
        cursor.execute("SELECT token FROM notes_notesearchtoken")
        stored = {row[0] for row in cursor.fetchall()}
    assert len(stored) == 2  # distinct words only
    assert not any("quill" in value or "harbour" in value for value in stored)
    ring = crypto.keyring()
    key = ring.keys[ring.primary]
    ours = search.token(key, client_record.practice_id, RARE.lower())
    theirs = search.token(key, outsider.active_membership.practice_id, RARE.lower())
    assert ours in stored and theirs != ours


def test_notes_stay_findable_after_key_rotation_and_reindexing_moves_them(
    client_record: Any, practitioner: Any, as_user: Any, settings: Any
) -> None:
    _signed(client_record, practitioner, f"Before rotation {RARE}")
    old = crypto.keyring()
    settings.FRAME_KEYRING = old.with_new_primary().to_json()
    crypto.reset_keyring_cache()
    new = crypto.keyring()
    http = as_user(practitioner)
    assert "1 note found" in _search(http, RARE).content.decode()
    assert set(NoteSearchToken.objects.values_list("key_id", flat=True)) == {old.primary}
    out = StringIO()
    call_command("reindexnotes", stdout=out)
    assert "Indexed 1 signed note" in out.getvalue()
    assert set(NoteSearchToken.objects.values_list("key_id", flat=True)) == {new.primary}
    assert "1 note found" in _search(http, RARE).content.decode()
    assert AuditEvent.objects.filter(action="notes.search_rebuilt").exists()


def _queries(http: Any, q: str, page: int | None = None) -> int:
    with CaptureQueriesContext(connection) as context:
        assert _search(http, q, page).status_code == 200
    return len(context.captured_queries)


def test_search_uses_the_same_queries_however_many_notes_and_paginates(
    client_record: Any, practitioner: Any, as_user: Any, settings: Any
) -> None:
    settings.FRAME_PAGE_SIZE = 3
    for days in range(1, 3):
        _signed(client_record, practitioner, f"Session {RARE} number {days}", days_ago=days)
    http = as_user(practitioner)
    _queries(http, RARE)  # the first request of a session does one-off work
    few = _queries(http, RARE)
    second = ClientFactory(practice=client_record.practice, created_by=practitioner)
    CareTeamMemberFactory(client=second, user=practitioner)
    for days in range(3, 11):
        _signed(second, practitioner, f"Later {RARE} and more {days}", days_ago=days)
    assert _queries(http, RARE) == few
    assert _queries(http, RARE, page=2) == few
    last = _search(http, RARE, page=4).content.decode()
    assert "10 notes found" in last and "Page 4 of 4" in last and "Newer results" in last
    assert _search(http, RARE, page=99).status_code == 200  # past the end: the last page


def test_the_search_page_is_linked_from_the_notes_area(
    client_record: Any, practitioner: Any, as_user: Any
) -> None:
    page = as_user(practitioner).get(reverse("notes:timeline", args=[client_record.pk]))
    assert reverse("notes:search").encode() in page.content
    form = as_user(practitioner).get(reverse("notes:search")).content.decode()
    assert 'method="post"' in form and "Words to find" in form
