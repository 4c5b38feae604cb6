"""The period picker for the service outcomes report."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django import forms
from django.utils import timezone

LONGEST_YEARS = 10


def default_period(today: dt.date | None = None) -> tuple[dt.date, dt.date]:
    """The twelve months up to and including today."""
    today = today or timezone.localdate()
    try:
        start = today.replace(year=today.year - 1) + dt.timedelta(days=1)
    except ValueError:  # 29 February
        start = today.replace(year=today.year - 1, day=28) + dt.timedelta(days=1)
    return start, today


class PeriodForm(forms.Form):
    start = forms.DateField(
        label="From",
        widget=forms.DateInput(attrs={"type": "date"}),
        error_messages={
            "required": "Enter the first day of the period.",
            "invalid": "Enter the first day as a date, like 2025-04-01.",
        },
    )
    end = forms.DateField(
        label="To",
        widget=forms.DateInput(attrs={"type": "date"}),
        help_text="Episodes whose last attended session falls in these days, both included.",
        error_messages={
            "required": "Enter the last day of the period.",
            "invalid": "Enter the last day as a date, like 2026-03-31.",
        },
    )

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        start, end = cleaned.get("start"), cleaned.get("end")
        if start and end:
            if end < start:
                self.add_error("end", "The last day must be on or after the first day.")
            elif (end - start).days > 366 * LONGEST_YEARS:
                self.add_error("end", f"Choose a period of {LONGEST_YEARS} years or less.")
            if start > timezone.localdate():
                self.add_error("start", "The period must start today or earlier.")
        return cleaned


def period_form(data: Any) -> PeriodForm:
    """Bound to the query string when it names a period, otherwise the default twelve months."""
    if "start" in data or "end" in data:
        return PeriodForm(data)
    start, end = default_period()
    return PeriodForm({"start": start.isoformat(), "end": end.isoformat()})
