"""The service outcomes report page and CSV, and one client's episode page."""

from __future__ import annotations

import csv
import datetime as dt
import io
from typing import Any

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from frame.accounts.models import Role
from frame.audit.models import Action, AuditEvent
from frame.lib.spreadsheet import safe_cell, to_csv
from tests.factories import MembershipFactory
from tests.outcomes.builders import course

pytestmark = pytest.mark.django_db

FIRST = dt.date(2025, 9, 1)
PERIOD = {"start": "2025-04-01", "end": "2026-03-31"}


def _recovered(practice: Any, practitioner: Any) -> Any:
    return course(
        practice, practitioner, first=FIRST, sessions=6, start_scores=(16, 12), end_scores=(4, 3)
    )


def _worse(practice: Any, practitioner: Any) -> Any:
    return course(
        practice, practitioner, first=FIRST, sessions=4, start_scores=(8, 5), end_scores=(15, 6)
    )


def _csv(response: Any) -> list[list[str]]:
    return list(csv.reader(io.StringIO(response.content.decode())))


def test_an_owner_sees_the_practice_and_each_practitioner(
    as_user: Any, practice: Any, practitioner: Any, colleague: Any
) -> None:
    _recovered(practice, practitioner)
    _worse(practice, colleague)
    response = as_user(practitioner).get("/outcomes/", PERIOD)
    assert response.status_code == 200
    overall = response.context["overall"]
    assert overall.counts["episodes"] == 2
    assert overall.counts["paired"] == 2
    rates = {rate.key: rate for rate in overall.rates()}
    assert (rates["recovery"].numerator, rates["recovery"].denominator) == (1, 1)
    assert (rates["deterioration"].numerator, rates["deterioration"].denominator) == (1, 2)
    by_name = {group.label: group.counts for group in response.context["per_practitioner"]}
    assert by_name["Robin Ashdown"]["recovered"] == 1
    assert by_name["Sam Okafor"]["deteriorated"] == 1
    page = response.content.decode()
    assert "Reliable recovery" in page and "1 of 1" in page and "Sam Okafor" in page
    event = AuditEvent.objects.get(action=Action.OUTCOMES_REPORT_VIEWED)
    assert event.detail == {"start": "2025-04-01", "end": "2026-03-31", "scope": "practice"}


def test_a_practitioner_sees_their_own_caseload_only(
    as_user: Any, practice: Any, practitioner: Any, colleague: Any
) -> None:
    _recovered(practice, practitioner)
    _worse(practice, colleague)
    response = as_user(colleague).get("/outcomes/", PERIOD)
    assert response.status_code == 200
    assert response.context["overall"].counts["episodes"] == 1
    assert response.context["overall"].counts["deteriorated"] == 1
    assert response.context["per_practitioner"] == []
    assert b"Robin Ashdown" not in response.content
    rows = _csv(as_user(colleague).get("/outcomes/report.csv", PERIOD))
    assert [row[0] for row in rows[4:]] == ["Your caseload"]


@pytest.mark.parametrize("role", [Role.ADMINISTRATOR, Role.SUPERVISOR])
def test_administrators_and_supervisors_get_not_found(
    as_user: Any, practice: Any, role: str
) -> None:
    user = MembershipFactory(practice=practice, role=role).user
    for path in ("/outcomes/", "/outcomes/report.csv"):
        assert as_user(user).get(path, PERIOD).status_code == 404


def test_the_period_is_checked_and_what_was_typed_is_kept(as_user: Any, practitioner: Any) -> None:
    http = as_user(practitioner)
    backwards = http.get("/outcomes/", {"start": "2026-03-01", "end": "2026-01-01"})
    assert backwards.status_code == 400
    page = backwards.content.decode()
    assert "The last day must be on or after the first day." in page
    assert 'value="2026-03-01"' in page and 'value="2026-01-01"' in page
    assert "overall" not in backwards.context
    nonsense = http.get("/outcomes/", {"start": "someday", "end": ""})
    assert "Enter the first day as a date" in nonsense.content.decode()
    assert "Enter the last day of the period." in nonsense.content.decode()
    assert http.get("/outcomes/report.csv", {"start": "x", "end": "y"}).status_code == 400
    assert not AuditEvent.objects.filter(action__startswith="outcomes.").exists()
    # With no period given, the last twelve months are shown.
    assert http.get("/outcomes/").status_code == 200


def test_the_csv_has_counts_and_rates_and_is_audited(
    as_user: Any, practice: Any, practitioner: Any
) -> None:
    _recovered(practice, practitioner)
    response = as_user(practitioner).get("/outcomes/report.csv", PERIOD)
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/csv")
    assert (
        'filename="service-outcomes-2025-04-01-to-2026-03-31.csv"'
        in (response["Content-Disposition"])
    )
    rows = _csv(response)
    header, whole = rows[3], rows[4]
    assert whole[0] == "Whole practice"
    row = dict(zip(header, whole, strict=True))
    assert row["Recovery: count"] == "1" and row["Recovery: out of"] == "1"
    assert row["Recovery: %"] == "100.0"
    assert row["Reliable deterioration: %"] == "0.0"
    assert AuditEvent.objects.filter(action=Action.OUTCOMES_REPORT_EXPORTED).count() == 1


def test_a_formula_in_a_practitioners_name_is_not_run_by_a_spreadsheet(
    as_user: Any, practice: Any, practitioner: Any
) -> None:
    for name in ('=HYPERLINK("http://x.example","y")', "+1", "-1+2", "@SUM(A1)", "\tx", "\rx"):
        MembershipFactory(practice=practice, role=Role.PRACTITIONER, user__full_name=name)
    rows = _csv(as_user(practitioner).get("/outcomes/report.csv", PERIOD))
    names = [row[0] for row in rows[5:]]
    assert '\'=HYPERLINK("http://x.example","y")' in names
    assert {"'+1", "'-1+2", "'@SUM(A1)", "'\tx", "'\rx"} <= set(names)
    for row in rows:
        for cell in row:
            assert not cell.startswith(("=", "+", "-", "@", "\t", "\r")), cell


def test_safe_cell_leaves_numbers_and_plain_text_alone() -> None:
    assert safe_cell(-3) == -3 and safe_cell(12.5) == 12.5
    assert safe_cell("Robin") == "Robin" and safe_cell(None) == ""
    assert safe_cell("=1+1") == "'=1+1"
    assert to_csv([["-5", -5]]) == "'-5,-5\r\n"


def test_the_report_costs_the_same_queries_at_any_size(
    as_user: Any, practice: Any, practitioner: Any, colleague: Any
) -> None:
    http = as_user(practitioner)
    _recovered(practice, practitioner)
    http.get("/outcomes/", PERIOD)  # the first request also sets up the signed-in session
    with CaptureQueriesContext(connection) as small:
        http.get("/outcomes/", PERIOD)
    for _ in range(5):
        _recovered(practice, practitioner)
        _worse(practice, colleague)
    with CaptureQueriesContext(connection) as large:
        response = http.get("/outcomes/", PERIOD)
    assert response.context["overall"].counts["episodes"] == 11
    assert len(large.captured_queries) == len(small.captured_queries)


def test_a_clients_episode_page_shows_the_classification(
    as_user: Any, practice: Any, practitioner: Any
) -> None:
    client = _recovered(practice, practitioner)
    response = as_user(practitioner).get(f"/outcomes/clients/{client.pk}/")
    assert response.status_code == 200
    episode = response.context["episode"]
    assert episode.recovery and episode.reliable_recovery and not episode.reliable_deterioration
    page = response.content.decode()
    assert "PHQ-9 16, GAD-7 12" in page and "PHQ-9 4, GAD-7 3" in page
    assert AuditEvent.objects.filter(
        action=Action.OUTCOMES_CLIENT_VIEWED, client_id=str(client.pk)
    ).exists()


def test_an_episode_without_paired_scores_says_why(
    as_user: Any, practice: Any, practitioner: Any
) -> None:
    client = course(
        practice, practitioner, first=FIRST, sessions=3, start_scores=(12, 9), end_scores=None
    )
    page = as_user(practitioner).get(f"/outcomes/clients/{client.pk}/").content.decode()
    assert "paired PHQ-9 and GAD-7 scores are needed" in page


def test_the_client_card_links_to_the_outcome(
    as_user: Any, practitioner: Any, client_record: Any
) -> None:
    page = as_user(practitioner).get(f"/clients/{client_record.pk}/").content.decode()
    assert f"/outcomes/clients/{client_record.pk}/" in page
    assert f"/outcomes/clients/{client_record.pk}/fhir.json" in page
