"""The CPD record for one year as CSV or PDF, for registration renewal and audit.

CSV cells that a spreadsheet would run as a formula (starting with = + - @, a tab or a carriage
return) get a leading apostrophe, so an activity called "=HYPERLINK(...)" stays text. Files are
named by the year only, never by the practitioner's name.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable
from typing import Any

from django.http import HttpResponse
from django.utils import timezone
from django.utils.http import content_disposition_header

from frame.development import years
from frame.development.models import CpdActivity, CpdKind
from frame.development.templatetags.development_tags import format_hours
from frame.lib.pdf import render_pdf
from frame.lib.spreadsheet import safe_cell

HEADER = ["Date", "Activity", "Kind", "Hours", "What I learnt", "Impact on my practice"]


def _row(activity: CpdActivity) -> list[str]:
    return [
        activity.done_on.isoformat(),
        activity.activity,
        str(CpdKind(activity.kind).label),
        format_hours(activity.hours),
        activity.learnt,
        activity.impact,
    ]


def csv_bytes(activities: Iterable[CpdActivity], total: years.YearTotal) -> bytes:
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow(HEADER)
    for activity in activities:
        writer.writerow([safe_cell(cell) for cell in _row(activity)])
    writer.writerow([])
    writer.writerow(
        [safe_cell(f"Total for {total.year.label}"), "", "", format_hours(total.hours), "", ""]
    )
    # A byte-order mark so spreadsheet programs read accented names as UTF-8.
    return ("\ufeff" + buffer.getvalue()).encode("utf-8")


def pdf_bytes(*, activities: list[CpdActivity], total: years.YearTotal, practitioner: Any) -> bytes:
    by_kind = [(str(CpdKind(kind).label), hours) for kind, hours in sorted(total.by_kind.items())]
    return render_pdf(
        "development/pdf/cpd.html",
        {
            "activities": activities,
            "total": total,
            "by_kind": by_kind,
            "practitioner": practitioner,
            "made_on": timezone.localdate(),
        },
    )


def attachment(content: bytes, content_type: str, filename: str) -> HttpResponse:
    response = HttpResponse(content, content_type=content_type)
    response["Content-Disposition"] = (
        content_disposition_header(as_attachment=True, filename=filename) or "attachment"
    )
    response["X-Content-Type-Options"] = "nosniff"
    return response
