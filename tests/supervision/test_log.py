"""The supervision log: recording, refusing bad input, monthly totals, client hours, privacy."""

from __future__ import annotations

import csv
import datetime as dt
import io
import shutil
import subprocess
from pathlib import Path
from typing import Any

import pytest
import time_machine
from django.urls import reverse

from frame.audit.models import Action, AuditEvent
from frame.scheduling.models import Status
from frame.supervision import actions, selectors
from frame.supervision.models import Supervision
from tests.supervision.conftest import held_session

pytestmark = pytest.mark.django_db

PDFTOTEXT = shutil.which("pdftotext") or "/usr/bin/pdftotext"
LEARNING_CANARY = "Canary-learning: I notice I over-explain when anxious"
TODAY = dt.datetime(2026, 6, 15, 12, 0, tzinfo=dt.UTC)


def pdf_text(content: bytes, tmp_path: Path) -> str:
    assert content.startswith(b"%PDF-")
    path = tmp_path / "record.pdf"
    path.write_bytes(content)
    result = subprocess.run([PDFTOTEXT, "-layout", str(path), "-"], capture_output=True, check=True)
    return " ".join(result.stdout.decode().split())


def _post(practitioner: Any, as_user: Any, **fields: Any) -> Any:
    data = {
        "held_on": "10/06/2026",
        "minutes": "90",
        "kind": "individual",
        "group_size": "",
        "supervisor_name": "Pat Lindqvist",
        "learning": LEARNING_CANARY,
    }
    data.update(fields)
    return as_user(practitioner).post(reverse("supervision:new"), data)


@time_machine.travel(TODAY, tick=False)
def test_recording_a_supervision_computes_the_credit_and_is_audited(
    practitioner: Any, as_user: Any
) -> None:
    response = _post(practitioner, as_user, kind="group", group_size="5", minutes="150")
    made = Supervision.objects.get()
    assert response.status_code == 302
    assert response["Location"] == reverse("supervision:detail", args=[made.pk])
    assert made.creditable == 30  # 150 minutes in a group of 5
    event = AuditEvent.objects.get(action=Action.SUPERVISION_RECORDED)
    assert event.detail == {"kind": "group", "minutes": 150, "group_size": 5}
    page = as_user(practitioner).get(reverse("supervision:detail", args=[made.pk]))
    assert LEARNING_CANARY in page.content.decode()
    assert "30 min" in page.content.decode()
    assert not AuditEvent.objects.filter(detail__icontains="Canary").exists()


@time_machine.travel(TODAY, tick=False)
@pytest.mark.parametrize(
    ("fields", "message"),
    [
        ({"minutes": "0"}, "The length must be more than zero minutes."),
        ({"minutes": "-45"}, "The length must be more than zero minutes."),
        ({"kind": "group", "group_size": "1"}, "2 or more, including you"),
        ({"kind": "group", "group_size": ""}, "2 or more, including you"),
        ({"kind": "peer", "group_size": "0"}, "2 or more, including you"),
        ({"held_on": "20/06/2026"}, "cannot be in the future"),
        ({"supervisor_name": ""}, "Please enter the supervisor"),
        ({"minutes": "ninety"}, "Enter the length as a whole number."),
    ],
)
def test_bad_supervisions_are_refused_clearly_and_keep_what_was_typed(
    practitioner: Any, as_user: Any, fields: dict[str, str], message: str
) -> None:
    response = _post(practitioner, as_user, **fields)
    assert response.status_code == 200
    html = response.content.decode()
    assert message in html
    assert "There is a problem" in html or "There are" in html
    assert LEARNING_CANARY in html  # what they typed is still there
    assert not Supervision.objects.exists()


def test_the_actions_refuse_bad_input_too(practitioner: Any) -> None:
    from django.core.exceptions import ValidationError

    with pytest.raises(ValidationError) as error:
        actions.record_supervision(
            by=practitioner,
            held_on=dt.date(2026, 1, 5),
            minutes=-5,
            kind="group",
            group_size=1,
            supervisor_name="Pat",
        )
    assert "minutes" in error.value.message_dict


@time_machine.travel(TODAY, tick=False)
def test_client_hours_come_from_held_sessions_only(
    practitioner: Any, colleague: Any, client_record: Any
) -> None:
    at = dt.datetime(2026, 5, 4, 10, 0, tzinfo=dt.UTC)
    held_session(client_record, practitioner, at, 50)
    held_session(client_record, practitioner, at + dt.timedelta(days=1), 60, status=Status.LATE)
    for status in (Status.DID_NOT_ATTEND, Status.CANCELLED_BY_CLIENT, Status.PLANNED):
        held_session(client_record, practitioner, at + dt.timedelta(days=2), 50, status=status)
    held_session(client_record, colleague, at + dt.timedelta(days=3), 50)  # someone else's
    held_session(client_record, practitioner, dt.datetime(2026, 4, 30, 9, tzinfo=dt.UTC), 90)
    found = selectors.client_minutes_by_month(
        practitioner, dt.date(2026, 4, 1), dt.date(2026, 5, 1)
    )
    assert found == {dt.date(2026, 4, 1): 90, dt.date(2026, 5, 1): 110}


@time_machine.travel(TODAY, tick=False)
def test_the_log_shows_short_months_met_months_and_breaks(practitioner: Any, as_user: Any) -> None:
    def supervise(day: dt.date, minutes: int) -> None:
        actions.record_supervision(
            by=practitioner, held_on=day, minutes=minutes, kind="individual", supervisor_name="Pat"
        )

    supervise(dt.date(2026, 5, 12), 90)  # May met
    supervise(dt.date(2026, 4, 12), 60)  # April short
    actions.record_break(by=practitioner, month=dt.date(2026, 3, 1), reason="No clients")
    overview = selectors.overview(practitioner, dt.date(2026, 3, 1), dt.date(2026, 6, 1))
    assert [(m.month.month, m.status.value) for m in overview.months] == [
        (3, "break"),
        (4, "short"),
        (5, "met"),
        (6, "in_progress"),
    ]
    html = as_user(practitioner).get(reverse("supervision:log")).content.decode()
    assert "Documented break" in html
    assert "30 min short of 1 h 30 min" in html
    home = as_user(practitioner).get(reverse("home")).content.decode()
    assert "Short of your supervision requirement: April 2026" in home


@time_machine.travel(TODAY, tick=False)
def test_the_student_rule_uses_client_hours(
    practitioner: Any, client_record: Any, as_user: Any
) -> None:
    actions.set_requirement(by=practitioner, rule="student", monthly_minutes=90)
    for week in range(4):  # four 1-hour supervisions in May, weekly
        actions.record_supervision(
            by=practitioner,
            held_on=dt.date(2026, 5, 4) + dt.timedelta(weeks=week),
            minutes=60,
            kind="individual",
            supervisor_name="Pat",
        )
    start = dt.datetime(2026, 5, 1, 9, tzinfo=dt.UTC)
    for n in range(40):  # 40 client hours: 5 hours of supervision needed
        held_session(client_record, practitioner, start + dt.timedelta(hours=n), 60)
    (may,) = selectors.overview(practitioner, dt.date(2026, 5, 1), dt.date(2026, 5, 1)).months
    assert may.status.value == "short"
    assert may.client_minutes == 2400
    assert "1 h short of 5 h" in may.reasons[0]


def test_documenting_the_same_break_twice_is_refused(practitioner: Any) -> None:
    from django.core.exceptions import ValidationError

    actions.record_break(by=practitioner, month=dt.date(2026, 3, 1), reason="No clients")
    with pytest.raises(ValidationError, match="already documented"):
        actions.record_break(by=practitioner, month=dt.date(2026, 3, 9), reason="Again")


@time_machine.travel(TODAY, tick=False)
def test_the_break_form_reads_a_month_and_refuses_nonsense(practitioner: Any, as_user: Any) -> None:
    http = as_user(practitioner)
    bad = http.post(reverse("supervision:break_new"), {"month": "13/2026", "reason": "Leave"})
    assert "Enter a real month and year" in bad.content.decode()
    good = http.post(reverse("supervision:break_new"), {"month": "08/2026", "reason": ""})
    assert "Please enter the why there was a break" in good.content.decode() or (
        "Please say briefly" in good.content.decode()
    )
    done = http.post(reverse("supervision:break_new"), {"month": "05/2026", "reason": "No clients"})
    assert done.status_code == 302


@time_machine.travel(TODAY, tick=False)
def test_the_record_as_csv_is_safe_to_open_in_a_spreadsheet(
    practitioner: Any, client_record: Any, as_user: Any
) -> None:
    made = actions.record_supervision(
        by=practitioner,
        held_on=dt.date(2026, 5, 2),
        minutes=120,
        kind="group",
        group_size=8,
        supervisor_name='=HYPERLINK("http://evil.example")',
    )
    actions.add_case(supervision=made, by=practitioner, client=client_record, discussed="Endings")
    response = as_user(practitioner).get(reverse("supervision:record_csv"))
    assert response.status_code == 200
    assert response["Content-Disposition"].startswith("attachment;")
    rows = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))
    assert rows[0][:5] == ["Date", "Kind", "Minutes", "Group size", "Creditable minutes"]
    assert rows[1] == [
        "2026-05-02",
        "Group",
        "120",
        "8",
        "15",
        '\'=HYPERLINK("http://evil.example")',
        client_record.case_code,
    ]
    assert "Feltham" not in response.content.decode("utf-8-sig")
    months = {row[0]: row for row in rows[3:] if row}
    assert months["2026-05"][1:4] == ["15", "90", "short"]
    assert AuditEvent.objects.filter(
        action=Action.SUPERVISION_RECORD_EXPORTED, detail={"what": "record_csv"}
    ).exists()


@time_machine.travel(TODAY, tick=False)
def test_the_printable_record_as_pdf(
    practitioner: Any, client_record: Any, as_user: Any, tmp_path: Path
) -> None:
    made = actions.record_supervision(
        by=practitioner,
        held_on=dt.date(2026, 5, 2),
        minutes=90,
        kind="phone",
        supervisor_name="Pat",
    )
    actions.add_case(supervision=made, by=practitioner, client=client_record, discussed="Endings")
    response = as_user(practitioner).get(
        reverse("supervision:record_pdf") + "?from=2026-04&to=2026-05"
    )
    assert response["Content-Type"] == "application/pdf"
    text = pdf_text(response.content, tmp_path)
    assert "Supervision record" in text
    assert "Robin Ashdown, April 2026 to May 2026" in text
    assert "Individual, by phone" in text
    assert "Short" in text and "Met" in text  # April short, May met
    assert client_record.case_code in text and "Feltham" not in text


def test_the_log_is_the_practitioners_alone(
    practitioner: Any,
    colleague: Any,
    administrator: Any,
    outsider: Any,
    supervision: Supervision,
    as_user: Any,
) -> None:
    for person in (colleague, administrator, outsider):
        http = as_user(person)
        assert http.get(reverse("supervision:detail", args=[supervision.pk])).status_code == 404
        assert http.get(reverse("supervision:case_new", args=[supervision.pk])).status_code == 404
        log = http.get(reverse("supervision:log"))
        if person is colleague or person is outsider:  # their own (empty) log
            assert log.status_code == 200
            assert "Pat Lindqvist" not in log.content.decode()
        else:
            assert log.status_code == 404


def test_a_supervisor_has_no_log(supervisor: Any, as_user: Any) -> None:
    for name in ("log", "new", "requirement", "break_new", "record_pdf", "record_csv", "packs"):
        assert as_user(supervisor).get(reverse(f"supervision:{name}")).status_code == 404


def test_the_log_page_uses_the_same_number_of_queries_however_long_the_log(
    practitioner: Any, client_record: Any, as_user: Any
) -> None:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    http = as_user(practitioner)

    def count() -> int:
        with CaptureQueriesContext(connection) as queries:
            assert http.get(reverse("supervision:log")).status_code == 200
        return len(queries)

    actions.record_supervision(
        by=practitioner, held_on=dt.date.today(), minutes=60, kind="individual", supervisor_name="P"
    )
    count()  # the first request also settles the session
    few = count()
    for n in range(30):
        actions.record_supervision(
            by=practitioner,
            held_on=dt.date.today() - dt.timedelta(days=n * 9),
            minutes=60,
            kind="group",
            group_size=3,
            supervisor_name="P",
        )
        held_session(
            client_record,
            practitioner,
            dt.datetime.now(dt.UTC) - dt.timedelta(days=n * 7, hours=3),
        )
    assert count() == few


@time_machine.travel(TODAY, tick=False)
def test_a_wrong_entry_is_set_aside_not_deleted_and_counts_for_nothing(
    practitioner: Any, client_record: Any, as_user: Any
) -> None:
    wrong = actions.record_supervision(
        by=practitioner,
        held_on=dt.date(2026, 5, 4),
        minutes=900,
        kind="individual",
        supervisor_name="Pat",
    )
    actions.record_supervision(
        by=practitioner,
        held_on=dt.date(2026, 5, 4),
        minutes=60,
        kind="individual",
        supervisor_name="Pat",
    )
    http = as_user(practitioner)
    url = reverse("supervision:in_error", args=[wrong.pk])
    refused = http.post(url, {"reason": "  "})
    assert "Please enter the why this entry was recorded in error." in refused.content.decode()
    assert http.post(url, {"reason": "Typed 900 for 90"}).status_code == 302
    wrong.refresh_from_db()
    assert wrong.in_error and wrong.error_reason == "Typed 900 for 90"
    assert Supervision.objects.count() == 2  # kept
    (may,) = selectors.overview(practitioner, dt.date(2026, 5, 1), dt.date(2026, 5, 1)).months
    assert may.creditable == 60 and may.status.value == "short"
    log = http.get(reverse("supervision:log")).content.decode()
    assert "Recorded in error: not counted" in log
    rows = http.get(reverse("supervision:record_csv")).content.decode("utf-8-sig")
    assert "900" not in rows
    assert AuditEvent.objects.filter(action=Action.SUPERVISION_IN_ERROR).count() == 1
    assert not AuditEvent.objects.filter(detail__icontains="Typed").exists()
    # No cases can be added to it any more.
    assert http.get(reverse("supervision:case_new", args=[wrong.pk])).status_code == 302


def test_the_requirement_is_chosen_on_a_form_and_audited(practitioner: Any, as_user: Any) -> None:
    http = as_user(practitioner)
    url = reverse("supervision:requirement")
    refused = http.post(url, {"rule": "student", "monthly_minutes": "0"})
    assert "The monthly minimum must be between 1 minute and 24 hours" in refused.content.decode()
    assert not AuditEvent.objects.filter(action=Action.SUPERVISION_REQUIREMENT_CHANGED).exists()
    assert http.post(url, {"rule": "student", "monthly_minutes": "120"}).status_code == 302
    assert actions.requirement_for(practitioner).monthly_minutes == 120
    event = AuditEvent.objects.get(action=Action.SUPERVISION_REQUIREMENT_CHANGED)
    assert event.detail == {"rule": "student", "monthly_minutes": 120}
    assert "student placement rule" in http.get(reverse("supervision:log")).content.decode()
