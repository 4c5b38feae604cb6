"""Drafts survive a session that ends while typing; no typed text is ever stored in the clear."""

from __future__ import annotations

import re
import uuid
from pathlib import Path
from typing import Any

import pytest
from django.db import connection
from django.test import Client as HttpClient
from django.urls import reverse
from django.utils import timezone

from frame.notes import actions
from frame.notes.models import KeptDraft, NoteVersion, SessionNote
from tests.factories import CareTeamMemberFactory

pytestmark = pytest.mark.django_db


def keeper_from(page: Any) -> str:
    found = re.search(rb'name="keeper" value="([^"]+)"', page.content)
    assert found, "the note form carries its keeper token"
    return found.group(1).decode()


def typed(keeper: str, text: str) -> dict[str, str]:
    return {"keeper": keeper, "section_0": text, "section_1": "", "risk_noted": "yes"}


def test_a_save_after_the_session_ended_is_kept_and_lands_in_the_draft_after_sign_in(
    appointment: Any, practitioner: Any, as_user: Any
) -> None:
    url = reverse("notes:note", args=[appointment.pk])
    keeper = keeper_from(as_user(practitioner).get(url))
    expired = HttpClient()  # the same browser, its session gone
    response = expired.post(url, typed(keeper, "Words typed while the session ran out"))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("account_login"))
    assert url in response["Location"]  # back to the note after signing in
    kept = KeptDraft.objects.get()
    assert kept.user == practitioner and kept.appointment == appointment
    assert not SessionNote.objects.exists()  # nothing written into the record without sign-in

    page = as_user(practitioner).get(url)
    assert b"Words typed while the session ran out" in page.content
    note = SessionNote.objects.get(appointment=appointment)
    assert note.sections[0][1] == "Words typed while the session ran out"
    assert note.risk_noted is True
    assert NoteVersion.objects.get(note=note).how == "kept"
    assert not KeptDraft.objects.exists()


def test_an_autosave_after_the_session_ended_says_the_text_is_kept(
    appointment: Any, practitioner: Any, as_user: Any
) -> None:
    url = reverse("notes:note", args=[appointment.pk])
    keeper = keeper_from(as_user(practitioner).get(url))
    response = HttpClient().post(url, typed(keeper, "Autosaved late"), HTTP_X_AUTOSAVE="1")
    assert response.status_code == 401
    assert response.json()["kept"] is True
    assert response.json()["sign_in"].startswith(reverse("account_login"))
    assert KeptDraft.objects.get().sections[0][1] == "Autosaved late"


def test_kept_text_goes_to_its_writer_only(
    appointment: Any, practitioner: Any, colleague: Any, client_record: Any, as_user: Any
) -> None:
    CareTeamMemberFactory(client=client_record, user=colleague)
    url = reverse("notes:note", args=[appointment.pk])
    keeper = keeper_from(as_user(practitioner).get(url))
    HttpClient().post(url, typed(keeper, "Only for the writer"))
    page = as_user(colleague).get(url)
    assert b"Only for the writer" not in page.content
    assert KeptDraft.objects.filter(user=practitioner).exists()


@pytest.mark.parametrize("keeper", ["", "forged:token", "not-even-close"])
def test_without_a_genuine_token_nothing_is_kept(appointment: Any, keeper: str) -> None:
    url = reverse("notes:note", args=[appointment.pk])
    response = HttpClient().post(url, typed(keeper, "Anonymous text"))
    assert response.status_code == 302 and response["Location"].startswith(reverse("account_login"))
    assert not KeptDraft.objects.exists()


def test_a_token_for_one_session_keeps_nothing_for_another(
    appointment: Any, practitioner: Any, client_record: Any, as_user: Any
) -> None:
    from tests.notes.factories import notes_for_sessions

    keeper = keeper_from(as_user(practitioner).get(reverse("notes:note", args=[appointment.pk])))
    notes_for_sessions(client_record, practitioner, 1)
    other = SessionNote.objects.get().appointment
    HttpClient().post(reverse("notes:note", args=[other.pk]), typed(keeper, "Misdirected"))
    assert not KeptDraft.objects.exists()


def test_text_kept_for_a_note_signed_meanwhile_is_offered_as_an_addendum(
    appointment: Any, practitioner: Any, as_user: Any
) -> None:
    url = reverse("notes:note", args=[appointment.pk])
    keeper = keeper_from(as_user(practitioner).get(url))
    HttpClient().post(url, typed(keeper, "Late afterthought"))
    actions.save_draft(
        appointment=appointment, sections=[("Themes", "Loss")], risk_noted=False, by=practitioner
    )
    actions.sign_note(appointment=appointment, by=practitioner)
    page = as_user(practitioner).get(url)
    assert b"could not go into the draft" in page.content
    assert b"Late afterthought" in page.content
    assert SessionNote.objects.get().sections == [("Themes", "Loss")]
    assert KeptDraft.objects.exists()  # kept until it finds its place
    as_user(practitioner).post(
        reverse("notes:addendum", args=[appointment.pk]), {"text": "Late afterthought"}
    )
    assert not KeptDraft.objects.exists()


@pytest.mark.skipif(connection.vendor != "sqlite", reason="the raw file check runs on SQLite")
@pytest.mark.django_db(transaction=True)  # committed rows, and VACUUM needs no open transaction
def test_canary_text_is_absent_from_the_raw_database_file(
    appointment: Any, practitioner: Any, client_record: Any, tmp_path: Path
) -> None:
    canary = f"CANARY-{uuid.uuid4().hex}"
    actions.save_draft(
        appointment=appointment,
        sections=[("What the client brought", f"Draft {canary}")],
        risk_noted=False,
        by=practitioner,
    )
    actions.sign_note(appointment=appointment, by=practitioner)
    actions.add_addendum(appointment=appointment, text=f"Addendum {canary}", by=practitioner)
    actions.save_process_note(client=client_record, text=f"Process {canary}", by=practitioner)
    actions.add_goal(
        client=client_record,
        words=f"Goal {canary}",
        agreed_on=timezone.localdate(),
        rating=4,
        by=practitioner,
    )
    actions.keep_draft(
        user=practitioner,
        appointment=appointment,
        sections=[("Themes", f"Kept {canary}")],
        risk_noted=None,
    )
    copy = tmp_path / "copy.sqlite3"
    with connection.cursor() as cursor:
        cursor.execute("VACUUM INTO %s", [str(copy)])
    raw = copy.read_bytes()
    assert client_record.family_name.encode() in raw  # the scan does see plain text
    assert canary.encode() not in raw
    # And the program still reads every piece back.
    assert canary in SessionNote.objects.get().sections[0][1]
