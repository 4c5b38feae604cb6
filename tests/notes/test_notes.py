"""Session notes: drafts and their history, signing, addenda, and the locks on signed notes."""

from __future__ import annotations

from typing import Any

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse

from frame.audit.models import Action, AuditEvent
from frame.notes import actions
from frame.notes.models import (
    Addendum,
    NoteStatus,
    NoteVersion,
    SessionNote,
    SignedNoteIsLocked,
)

pytestmark = pytest.mark.django_db

BROUGHT = "What the client brought"


def write(appointment: Any, by: Any, text: str, risk: bool | None = False) -> SessionNote:
    return actions.save_draft(
        appointment=appointment, sections=[(BROUGHT, text), ("Themes", "")], risk_noted=risk, by=by
    )


def signed_note(appointment: Any, by: Any) -> SessionNote:
    write(appointment, by, "Talked about her sister's wedding.")
    return actions.sign_note(appointment=appointment, by=by)


def test_every_save_keeps_a_version_and_the_history_is_complete(
    appointment: Any, practitioner: Any
) -> None:
    write(appointment, practitioner, "First thoughts")
    write(appointment, practitioner, "First thoughts, then more")
    write(appointment, practitioner, "First thoughts, then more")  # unchanged: no new version
    note = actions.sign_note(appointment=appointment, by=practitioner)
    versions = list(NoteVersion.objects.filter(note=note).order_by("number"))
    assert [(v.number, v.how) for v in versions] == [(1, "saved"), (2, "saved"), (3, "signed")]
    assert [v.sections[0][1] for v in versions] == [
        "First thoughts",
        "First thoughts, then more",
        "First thoughts, then more",
    ]
    assert all(v.saved_by == practitioner for v in versions)
    assert note.version == 3 and note.status == NoteStatus.SIGNED


def test_signing_an_empty_note_is_refused(appointment: Any, practitioner: Any) -> None:
    write(appointment, practitioner, "   ")
    with pytest.raises(ValidationError, match="nothing written"):
        actions.sign_note(appointment=appointment, by=practitioner)
    assert SessionNote.objects.get(appointment=appointment).status == NoteStatus.DRAFT


def test_signing_needs_the_risk_question_answered(appointment: Any, practitioner: Any) -> None:
    write(appointment, practitioner, "Some text", risk=None)
    with pytest.raises(ValidationError, match="risk"):
        actions.sign_note(appointment=appointment, by=practitioner)


def test_a_signed_note_cannot_be_saved_updated_or_deleted(
    appointment: Any, practitioner: Any
) -> None:
    note = signed_note(appointment, practitioner)
    fresh = SessionNote.objects.get(pk=note.pk)
    fresh.content = "tampered"
    with pytest.raises(SignedNoteIsLocked):
        fresh.save()
    with pytest.raises(SignedNoteIsLocked):
        SessionNote.objects.filter(pk=note.pk).update(status=NoteStatus.DRAFT)
    with pytest.raises(SignedNoteIsLocked):
        SessionNote.objects.filter(pk=note.pk).delete()
    with pytest.raises(SignedNoteIsLocked):
        fresh.delete()
    assert (
        SessionNote.objects.get(pk=note.pk).sections[0][1] == "Talked about her sister's wedding."
    )


def test_a_copy_loaded_before_signing_cannot_overwrite_the_signed_note(
    appointment: Any, practitioner: Any
) -> None:
    write(appointment, practitioner, "Draft")
    stale = SessionNote.objects.get(appointment=appointment)
    actions.sign_note(appointment=appointment, by=practitioner)
    stale.content = "overwritten"
    with pytest.raises(SignedNoteIsLocked):
        stale.save()


def test_versions_and_addenda_are_append_only(appointment: Any, practitioner: Any) -> None:
    note = signed_note(appointment, practitioner)
    addendum = actions.add_addendum(appointment=appointment, text="Client phoned.", by=practitioner)
    version = NoteVersion.objects.filter(note=note).first()
    assert version is not None
    for row in (version, addendum):
        with pytest.raises(SignedNoteIsLocked):
            row.save()
        with pytest.raises(SignedNoteIsLocked):
            row.delete()
    with pytest.raises(SignedNoteIsLocked):
        Addendum.objects.filter(pk=addendum.pk).update(added_by=practitioner)
    with pytest.raises(SignedNoteIsLocked):
        NoteVersion.objects.all().delete()


def test_changing_a_signed_note_through_actions_is_refused(
    appointment: Any, practitioner: Any
) -> None:
    signed_note(appointment, practitioner)
    with pytest.raises(actions.NoteIsSigned):
        write(appointment, practitioner, "Something new")


def test_addenda_are_attributed_and_time_stamped(
    appointment: Any, practitioner: Any, colleague: Any
) -> None:
    signed_note(appointment, practitioner)
    addendum = actions.add_addendum(
        appointment=appointment, text="  Client rang to say thank you.  ", by=practitioner
    )
    assert addendum.added_by == practitioner and addendum.added_at is not None
    assert Addendum.objects.get(pk=addendum.pk).text == "Client rang to say thank you."
    event = AuditEvent.objects.filter(action=Action.NOTE_ADDENDUM_ADDED).get()
    assert event.actor_id == practitioner.pk and "thank" not in str(event.detail)


def test_an_addendum_to_a_draft_is_refused(appointment: Any, practitioner: Any) -> None:
    write(appointment, practitioner, "Draft")
    with pytest.raises(ValidationError, match="still a draft"):
        actions.add_addendum(appointment=appointment, text="More", by=practitioner)
    assert not Addendum.objects.exists()


def test_no_typed_text_reaches_the_audit_trail(appointment: Any, practitioner: Any) -> None:
    write(appointment, practitioner, "Secretword in the draft")
    actions.sign_note(appointment=appointment, by=practitioner)
    actions.add_addendum(appointment=appointment, text="Secretword later", by=practitioner)
    assert AuditEvent.objects.filter(action__startswith="notes.").count() == 3
    assert not any("Secretword" in str(e.detail) for e in AuditEvent.objects.all())


# --- Pages -------------------------------------------------------------------------------------


def form_data(text: str, **extra: str) -> dict[str, str]:
    return {"section_0": text, "section_1": "", "risk_noted": "no", **extra}


def test_write_save_sign_and_add_an_addendum_through_the_pages(
    appointment: Any, practitioner: Any, as_user: Any
) -> None:
    http = as_user(practitioner)
    url = reverse("notes:note", args=[appointment.pk])
    page = http.get(url)
    assert page.status_code == 200 and b"What the client brought" in page.content
    assert b"data-autosave" in page.content and b"<script>" not in page.content
    assert http.post(url, form_data("She spoke of the move.")).status_code == 302
    assert (
        SessionNote.objects.get(appointment=appointment).sections[0][1] == "She spoke of the move."
    )
    response = http.post(url, form_data("She spoke of the move.", sign="1"))
    assert response.status_code == 302
    assert SessionNote.objects.get(appointment=appointment).is_signed
    signed_page = http.get(url)
    assert b"Signed by" in signed_page.content and b"She spoke of the move." in signed_page.content
    response = http.post(
        reverse("notes:addendum", args=[appointment.pk]), {"text": "Phoned later."}
    )
    assert response.status_code == 302
    assert b"Phoned later." in http.get(url).content


def test_autosave_answers_in_json_and_keeps_a_version(
    appointment: Any, practitioner: Any, as_user: Any
) -> None:
    http = as_user(practitioner)
    url = reverse("notes:note", args=[appointment.pk])
    response = http.post(url, form_data("Typed so far"), HTTP_X_AUTOSAVE="1")
    assert response.status_code == 200 and response.json()["saved"] is True
    assert NoteVersion.objects.get().how == "autosaved"


def test_signing_an_empty_note_through_the_page_is_refused_clearly(
    appointment: Any, practitioner: Any, as_user: Any
) -> None:
    http = as_user(practitioner)
    response = http.post(reverse("notes:note", args=[appointment.pk]), form_data("", sign="1"))
    assert response.status_code == 400
    assert b"nothing written" in response.content
    assert not SessionNote.objects.filter(status=NoteStatus.SIGNED).exists()


def test_a_failed_signing_keeps_the_typed_text(
    appointment: Any, practitioner: Any, as_user: Any
) -> None:
    http = as_user(practitioner)
    data = {"section_0": "Kept words here", "section_1": "", "sign": "1"}  # risk left unanswered
    response = http.post(reverse("notes:note", args=[appointment.pk]), data)
    assert response.status_code == 400
    assert b"Kept words here" in response.content and b"has not been signed" in response.content


def test_a_crafted_edit_of_a_signed_note_is_refused_and_the_text_kept(
    appointment: Any, practitioner: Any, as_user: Any
) -> None:
    signed_note(appointment, practitioner)
    http = as_user(practitioner)
    response = http.post(
        reverse("notes:note", args=[appointment.pk]), form_data("Rewritten history")
    )
    assert response.status_code == 409
    assert b"This note is signed, so it was not changed" in response.content
    assert b"Rewritten history" in response.content  # offered in the addendum box
    assert SessionNote.objects.get().sections[0][1] == "Talked about her sister's wedding."
    assert AuditEvent.objects.filter(action=Action.NOTE_CHANGE_REFUSED, outcome="refused").exists()


def test_an_addendum_to_a_draft_through_the_page_is_refused_and_shown_again(
    appointment: Any, practitioner: Any, as_user: Any
) -> None:
    write(appointment, practitioner, "Draft")
    http = as_user(practitioner)
    response = http.post(reverse("notes:addendum", args=[appointment.pk]), {"text": "My addendum"})
    assert response.status_code == 400
    assert (
        b"Addenda are for signed notes" in response.content and b"My addendum" in response.content
    )


def test_only_the_author_changes_a_draft(
    appointment: Any, practitioner: Any, colleague: Any, client_record: Any
) -> None:
    from tests.factories import CareTeamMemberFactory

    CareTeamMemberFactory(client=client_record, user=colleague)
    write(appointment, practitioner, "Mine")
    with pytest.raises(PermissionDenied, match="author"):
        write(appointment, colleague, "Theirs")


def test_history_page_lists_every_version(
    appointment: Any, practitioner: Any, as_user: Any
) -> None:
    write(appointment, practitioner, "One")
    write(appointment, practitioner, "Two")
    page = as_user(practitioner).get(reverse("notes:history", args=[appointment.pk]))
    assert b"Version 1" in page.content and b"Version 2" in page.content
    assert b"One" in page.content and b"Two" in page.content


@pytest.mark.parametrize("persona", ["administrator", "colleague", "outsider"])
def test_notes_are_for_the_care_team_only(
    persona: str,
    appointment: Any,
    practitioner: Any,
    client_record: Any,
    as_user: Any,
    request: Any,
) -> None:
    write(appointment, practitioner, "Private")
    http = as_user(request.getfixturevalue(persona))
    for url in (
        reverse("notes:note", args=[appointment.pk]),
        reverse("notes:history", args=[appointment.pk]),
        reverse("notes:timeline", args=[client_record.pk]),
    ):
        response = http.get(url)
        assert response.status_code == 404 and b"Private" not in response.content
    card = as_user(request.getfixturevalue(persona)).get(
        reverse("clients:card", args=[client_record.pk])
    )
    assert b"Session notes" not in card.content


def test_the_practice_adjusts_the_headings(
    appointment: Any, practitioner: Any, as_user: Any, client_record: Any
) -> None:
    http = as_user(practitioner)  # the practitioner persona is the practice's owner
    response = http.post(reverse("notes:template"), {"headings": "Presenting\n\nWhat helped\n"})
    assert response.status_code == 302
    page = http.get(reverse("notes:note", args=[appointment.pk]))
    assert b"Presenting" in page.content and b"What helped" in page.content
    assert b"What the client brought" not in page.content


def test_timeline_queries_stay_constant(
    client_record: Any, practitioner: Any, as_user: Any, django_assert_max_num_queries: Any
) -> None:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from tests.notes.factories import notes_for_sessions

    http = as_user(practitioner)
    url = reverse("notes:timeline", args=[client_record.pk])
    notes_for_sessions(client_record, practitioner, 2)
    http.get(url)  # the first request of a session records the session itself
    with CaptureQueriesContext(connection) as small:
        assert http.get(url).status_code == 200
    notes_for_sessions(client_record, practitioner, 12, start_week=3)
    with CaptureQueriesContext(connection) as large:
        page = http.get(url)
    assert page.content.count(b"<tr>") == 15  # header row and fourteen notes
    assert len(large.captured_queries) == len(small.captured_queries)
