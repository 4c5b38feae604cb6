"""The CPD record: activities with what they taught, yearly totals, and exports for renewal."""

from __future__ import annotations

import csv
import datetime as dt
import io
import shutil
import subprocess
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from frame.audit.models import Action, AuditEvent
from frame.development import actions
from frame.development.export import safe_cell
from frame.development.models import CpdActivity
from tests.development.sweep import cpd_values, sweep_cpd_activity

pytestmark = pytest.mark.django_db

PDFTOTEXT = shutil.which("pdftotext") or "/usr/bin/pdftotext"


def _posted(values: dict[str, Any]) -> dict[str, str]:
    out = {}
    for name, value in values.items():
        out[name] = value.strftime("%d/%m/%Y") if isinstance(value, dt.date) else str(value)
    return out


def test_an_activity_is_recorded_and_counted_in_its_year(practitioner: Any, as_user: Any) -> None:
    http = as_user(practitioner)
    done_on = dt.date(2025, 3, 14)
    response = http.post(
        reverse("development:cpd_new"), _posted(cpd_values(done_on=done_on, hours="1.5"))
    )
    assert response.status_code == 302
    assert response["Location"].endswith("?year=2025")
    saved = CpdActivity.objects.get()
    assert saved.hours == Decimal("1.5") and saved.practitioner == practitioner
    page = http.get(response["Location"]).content.decode()
    assert "1.5 hours" in page and "Working with shame" in page
    event = AuditEvent.objects.get(action=Action.CPD_RECORDED)
    assert event.detail["kind"] == "course"


@pytest.mark.parametrize(
    ("hours", "message"),
    [
        ("0", "The hours must be more than 0."),
        ("-2", "The hours must be more than 0."),
        ("200.5", "more than 200 hours for one activity"),
        ("lots", "Give the hours as a number, for example 1.5."),
        ("1.255", "at most two decimal places"),
    ],
)
def test_hours_out_of_range_are_refused_keeping_what_was_typed(
    hours: str, message: str, practitioner: Any, as_user: Any
) -> None:
    response = as_user(practitioner).post(
        reverse("development:cpd_new"), _posted(cpd_values(hours=hours))
    )
    assert response.status_code == 400
    assert message in response.content.decode()
    assert b"How shame shows up as withdrawal" in response.content
    assert not CpdActivity.objects.exists()


def test_missing_parts_are_named(practitioner: Any, as_user: Any) -> None:
    response = as_user(practitioner).post(reverse("development:cpd_new"), {"hours": "2"})
    body = response.content.decode()
    assert response.status_code == 400
    assert "Name the activity" in body
    assert "Choose what kind of activity it was." in body
    assert "Say what you learnt" in body


def test_an_edit_is_saved_and_audited_with_what_changed(practitioner: Any, as_user: Any) -> None:
    activity = sweep_cpd_activity(practitioner)
    url = reverse("development:cpd_activity", args=[activity.pk])
    response = as_user(practitioner).post(
        url, _posted(cpd_values(hours="7", impact="I now name silence gently."))
    )
    assert response.status_code == 302
    activity.refresh_from_db()
    assert activity.hours == Decimal("7") and activity.impact == "I now name silence gently."
    event = AuditEvent.objects.get(action=Action.CPD_UPDATED)
    assert event.detail == {"kind": "course", "changed": ["hours", "impact"]}


@pytest.mark.parametrize("persona", ["colleague", "administrator", "outsider"])
def test_a_cpd_record_is_its_practitioners_alone(
    persona: str, practitioner: Any, request: Any, as_user: Any
) -> None:
    activity = sweep_cpd_activity(practitioner)
    http = as_user(request.getfixturevalue(persona))
    url = reverse("development:cpd_activity", args=[activity.pk])
    assert http.get(url).status_code == 404
    assert http.post(url, _posted(cpd_values(hours="1"))).status_code == 404
    if persona == "administrator":
        assert http.get(reverse("development:cpd")).status_code == 404
    else:  # their own, empty record
        assert b"Working with shame" not in http.get(reverse("development:cpd")).content
        csv_text = http.get(reverse("development:cpd_csv")).content.decode()
        assert "Working with shame" not in csv_text
    assert CpdActivity.objects.get().hours == Decimal("6")


def test_a_registration_year_start_regroups_the_totals(practitioner: Any, as_user: Any) -> None:
    for day in (dt.date(2025, 3, 31), dt.date(2025, 4, 1)):
        actions.save_cpd_activity(by=practitioner, values=cpd_values(done_on=day, hours="2"))
    http = as_user(practitioner)
    assert "4 hours" in http.get(reverse("development:cpd") + "?year=2025").content.decode()
    response = http.post(reverse("development:cpd_year"), {"start_month": "4", "start_day": "1"})
    assert response.status_code == 302
    page = http.get(reverse("development:cpd") + "?year=2025").content.decode()
    assert "1 April 2025 to 31 March 2026" in page
    assert "2 hours" in page
    refused = http.post(reverse("development:cpd_year"), {"start_month": "2", "start_day": "30"})
    assert refused.status_code == 400
    assert b"does not have a day 30 every year" in refused.content


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ('=HYPERLINK("http://x")', '\'=HYPERLINK("http://x")'),
        ("+1", "'+1"),
        ("-2", "'-2"),
        ("@SUM(A1)", "'@SUM(A1)"),
        ("\tTabbed", "'\tTabbed"),
        ("\rReturn", "'\rReturn"),
        ("Plain", "Plain"),
        ("", ""),
    ],
)
def test_csv_cells_that_would_run_as_formulas_become_text(value: str, expected: str) -> None:
    assert safe_cell(value) == expected


def test_the_csv_export_lists_the_year_with_its_total(practitioner: Any, as_user: Any) -> None:
    actions.save_cpd_activity(
        by=practitioner,
        values=cpd_values(activity="=cmd|' /C calc'!A0", done_on=dt.date(2025, 5, 1)),
    )
    actions.save_cpd_activity(
        by=practitioner, values=cpd_values(done_on=dt.date(2025, 6, 1), hours="1.25")
    )
    actions.save_cpd_activity(by=practitioner, values=cpd_values(done_on=dt.date(2024, 6, 1)))
    response = as_user(practitioner).get(reverse("development:cpd_csv") + "?year=2025")
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/csv")
    assert "cpd-2025.csv" in response["Content-Disposition"]
    rows = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))
    assert rows[0][:4] == ["Date", "Activity", "Kind", "Hours"]
    assert rows[1][1] == "'=cmd|' /C calc'!A0"
    assert rows[2][0] == "2025-06-01" and rows[2][3] == "1.25"
    assert rows[1][3] == "6"
    assert rows[-1][0] == "Total for 2025" and rows[-1][3] == "7.25"
    event = AuditEvent.objects.get(action=Action.CPD_EXPORTED)
    assert event.detail == {"year": 2025, "format": "csv"}


def test_the_pdf_export_has_each_activity_and_the_total(
    practitioner: Any, as_user: Any, tmp_path: Path
) -> None:
    actions.save_cpd_activity(by=practitioner, values=cpd_values(done_on=dt.date(2025, 5, 1)))
    response = as_user(practitioner).get(reverse("development:cpd_pdf") + "?year=2025")
    assert response.status_code == 200
    assert response.content.startswith(b"%PDF-")
    path = tmp_path / "cpd.pdf"
    path.write_bytes(response.content)
    text = " ".join(
        subprocess.run([PDFTOTEXT, str(path), "-"], capture_output=True, check=True)
        .stdout.decode()
        .split()
    )
    assert "Working with shame: a one-day workshop" in text
    assert "Total: 6 hours" in text
    assert "I slow down when a client goes quiet." in text
    assert "Robin Ashdown" in text


def test_a_nonsense_year_is_not_found(practitioner: Any, as_user: Any) -> None:
    http = as_user(practitioner)
    assert http.get(reverse("development:cpd") + "?year=abc").status_code == 404
    assert http.get(reverse("development:cpd_csv") + "?year=99999").status_code == 404


def test_the_cpd_page_uses_the_same_queries_whatever_the_record_holds(
    practitioner: Any, as_user: Any
) -> None:
    http = as_user(practitioner)
    url = reverse("development:cpd") + "?year=2025"
    actions.save_cpd_activity(by=practitioner, values=cpd_values(done_on=dt.date(2025, 2, 1)))
    http.get(url)
    with CaptureQueriesContext(connection) as small:
        http.get(url)
    for month in range(2, 13):
        for year in (2023, 2024, 2025):
            actions.save_cpd_activity(
                by=practitioner, values=cpd_values(done_on=dt.date(year, month, 3))
            )
    with CaptureQueriesContext(connection) as large:
        response = http.get(url)
    assert b"72 hours" in response.content
    assert len(large.captured_queries) == len(small.captured_queries)
