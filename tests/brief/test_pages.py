"""The brief's pages: who may open them (the care team only), the PDF, the audit trail, and the
ways in from the home page and the client card."""

from __future__ import annotations

import datetime as dt
import shutil
import subprocess
from pathlib import Path
from typing import Any

import pytest
from django.db import connection
from django.test import RequestFactory
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from frame.audit.models import Action, AuditEvent
from frame.brief import panels
from frame.clients import actions as client_actions
from frame.notes import actions as notes
from frame.scheduling import actions as scheduling
from tests.brief.conftest import brief_url, words
from tests.brief.factories import held_session, next_session, note_sections
from tests.factories import CareTeamMemberFactory, ClientFactory
from tests.portal.factories import portal_user_for, signed_in_client

pytestmark = pytest.mark.django_db

PDFTOTEXT = shutil.which("pdftotext") or "/usr/bin/pdftotext"
PLAN_CANARY = "Canary-plan: bring the letter from the tribunal"


def pdf_url(appointment: Any) -> str:
    return reverse("brief:appointment_pdf", args=[appointment.pk])


@pytest.fixture
def prepared(client_record: Any, practitioner: Any) -> Any:
    """A signed note with a plan, and the next session to prepare for."""
    held_session(client_record, practitioner, days_ago=7, sections=note_sections(plan=PLAN_CANARY))
    return next_session(client_record, practitioner)


# --- Who may read it ------------------------------------------------------------------------------


def test_the_care_team_reads_the_brief(prepared: Any, practitioner: Any, as_user: Any) -> None:
    response = as_user(practitioner).get(brief_url(prepared))
    assert response.status_code == 200
    assert PLAN_CANARY in response.content.decode()


@pytest.mark.parametrize("persona", ["colleague", "administrator", "outsider"])
@pytest.mark.parametrize("url", [brief_url, pdf_url], ids=["page", "pdf"])
def test_anyone_else_on_staff_gets_not_found(
    prepared: Any, persona: str, url: Any, request: Any, as_user: Any
) -> None:
    response = as_user(request.getfixturevalue(persona)).get(url(prepared))
    assert response.status_code == 404
    assert PLAN_CANARY.encode() not in response.content
    assert b"Feltham" not in response.content
    assert not AuditEvent.objects.filter(
        action__in=[Action.BRIEF_VIEWED, Action.BRIEF_DOWNLOADED]
    ).exists()


def test_leaving_the_care_team_closes_the_brief(
    prepared: Any, client_record: Any, practitioner: Any, colleague: Any, as_user: Any
) -> None:
    CareTeamMemberFactory(client=client_record, user=colleague)
    assert as_user(colleague).get(brief_url(prepared)).status_code == 200
    client_actions.remove_care_team_member(client=client_record, by=practitioner, user=colleague)
    assert as_user(colleague).get(brief_url(prepared)).status_code == 404


@pytest.mark.parametrize("url", [brief_url, pdf_url], ids=["page", "pdf"])
def test_a_portal_client_gets_not_found_even_for_their_own_session(
    prepared: Any, client_record: Any, practitioner: Any, url: Any
) -> None:
    http = signed_in_client(portal_user_for(client_record, invited_by=practitioner))
    response = http.get(url(prepared))
    assert response.status_code == 404
    assert PLAN_CANARY.encode() not in response.content


def test_signed_out_visitors_are_sent_to_sign_in(prepared: Any, client: Any) -> None:
    response = client.get(brief_url(prepared))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("account_login"))


def test_an_unknown_appointment_is_not_found(practitioner: Any, as_user: Any) -> None:
    missing = reverse("brief:appointment", args=["00000000-0000-0000-0000-000000000000"])
    assert as_user(practitioner).get(missing).status_code == 404


def test_posting_is_refused(prepared: Any, practitioner: Any, as_user: Any) -> None:
    assert as_user(practitioner).post(brief_url(prepared)).status_code == 405


def test_a_cancelled_appointment_still_has_its_brief(
    prepared: Any, practitioner: Any, as_user: Any
) -> None:
    scheduling.record_attendance(
        by=practitioner,
        appointment=prepared,
        outcome="cancelled_by_client",
        told_at=timezone.now(),
    )
    response = as_user(practitioner).get(brief_url(prepared))
    assert response.status_code == 200
    assert "This appointment was cancelled" in words(response.content.decode())


# --- The audit trail ------------------------------------------------------------------------------


def test_reading_the_brief_is_audited_without_clinical_text(
    prepared: Any, client_record: Any, practitioner: Any, as_user: Any
) -> None:
    as_user(practitioner).get(brief_url(prepared))
    event = AuditEvent.objects.get(action=Action.BRIEF_VIEWED)
    assert event.actor_id == practitioner.pk
    assert event.client_id == str(client_record.pk)
    assert event.object_id == str(prepared.pk)
    assert "last-session" in event.detail["sections"]
    everything = "\n".join(str(row) for row in AuditEvent.objects.values_list())
    assert "Canary-plan" not in everything


# --- The PDF -------------------------------------------------------------------------------------


def _pdf_text(content: bytes, tmp_path: Path) -> str:
    assert content.startswith(b"%PDF-")
    path = tmp_path / "brief.pdf"
    path.write_bytes(content)
    done = subprocess.run([PDFTOTEXT, "-layout", str(path), "-"], capture_output=True, check=True)
    return " ".join(done.stdout.decode().split())


def test_the_pdf_holds_the_brief(
    prepared: Any, client_record: Any, practitioner: Any, as_user: Any, tmp_path: Path
) -> None:
    notes.add_goal(
        client=client_record,
        words="Sleep through the night",
        agreed_on=timezone.localdate(),
        rating=4,
        by=practitioner,
    )
    response = as_user(practitioner).get(pdf_url(prepared))
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert response["Content-Disposition"].startswith("attachment;")
    assert "Feltham" not in response["Content-Disposition"]  # the file name never names the client
    assert client_record.case_code in response["Content-Disposition"]
    text = _pdf_text(response.content, tmp_path)
    assert "Before we meet: Morgan Feltham" in text
    assert PLAN_CANARY in text
    assert "Sleep through the night" in text
    assert "Confidential clinical information" in text
    event = AuditEvent.objects.get(action=Action.BRIEF_DOWNLOADED)
    assert event.object_id == str(prepared.pk)


# --- Ways in -------------------------------------------------------------------------------------


def _home_panel(user: Any) -> dict[str, Any] | None:
    request = RequestFactory().get("/")
    request.user = user
    return panels.next_appointments(request)


def _tomorrow(client: Any, by: Any, *, hour: int) -> Any:
    return scheduling.book_appointment(
        by=by,
        client=client,
        practitioner=by,
        day=timezone.localdate() + dt.timedelta(days=1),
        time=dt.time(hour, 0),
        duration_minutes=50,
    )


def test_home_lists_tomorrows_appointments_with_their_briefs(
    client_record: Any, practitioner: Any, as_user: Any
) -> None:
    tomorrow = _tomorrow(client_record, practitioner, hour=9)
    later = next_session(client_record, practitioner, days_ahead=3)
    content = as_user(practitioner).get(reverse("home")).content.decode()
    assert "Before we meet" in content
    assert brief_url(tomorrow) in content
    assert brief_url(later) not in content  # only today and tomorrow


def test_home_panel_leaves_out_cancelled_and_other_peoples_appointments(
    client_record: Any, practitioner: Any, colleague: Any
) -> None:
    cancelled = _tomorrow(client_record, practitioner, hour=9)
    scheduling.record_attendance(
        by=practitioner,
        appointment=cancelled,
        outcome="cancelled_by_client",
        told_at=timezone.now(),
    )
    assert _home_panel(practitioner) is None
    kept = _tomorrow(client_record, practitioner, hour=11)
    panel = _home_panel(practitioner)
    assert panel is not None
    assert [appointment.pk for appointment, _ in panel["appointments"]] == [kept.pk]
    assert _home_panel(colleague) is None


def test_home_panel_queries_do_not_grow_with_the_day(practice: Any, practitioner: Any) -> None:
    counts = []
    for extra in (1, 6):
        for n in range(extra):
            someone = ClientFactory(practice=practice, created_by=practitioner)
            CareTeamMemberFactory(client=someone, user=practitioner)
            _tomorrow(someone, practitioner, hour=8 + n + len(counts) * 6)
        with CaptureQueriesContext(connection) as captured:
            panel = _home_panel(practitioner)
        assert panel is not None
        counts.append(len(captured.captured_queries))
    assert counts[0] == counts[1]


def test_the_card_links_to_the_next_sessions_brief(
    prepared: Any, client_record: Any, practitioner: Any, administrator: Any, as_user: Any
) -> None:
    card = reverse("clients:card", args=[client_record.pk])
    assert brief_url(prepared) in as_user(practitioner).get(card).content.decode()
    assert brief_url(prepared) not in as_user(administrator).get(card).content.decode()


def test_the_card_has_no_brief_link_without_a_next_session(
    client_record: Any, practitioner: Any, as_user: Any
) -> None:
    held_session(client_record, practitioner, days_ago=7)
    content = as_user(practitioner).get(reverse("clients:card", args=[client_record.pk]))
    assert 'id="brief-next"' not in content.content.decode()


def test_the_pdf_uses_its_print_stylesheet_and_fetches_nothing_else(
    prepared: Any, practitioner: Any, as_user: Any, monkeypatch: Any
) -> None:
    from frame.lib import pdf

    fetchers: list[Any] = []
    original_init = pdf.StaticOnlyFetcher.__init__

    def remember(self: Any) -> None:
        original_init(self)
        fetchers.append(self)

    monkeypatch.setattr(pdf.StaticOnlyFetcher, "__init__", remember)
    assert as_user(practitioner).get(pdf_url(prepared)).status_code == 200
    (fetcher,) = fetchers
    assert [url.rsplit("/", 2)[-2:] for url in fetcher.fetched] == [["brief", "pdf.css"]]
    assert fetcher.refused == []
