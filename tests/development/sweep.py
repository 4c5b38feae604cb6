"""Journal entries and CPD activities for tests and for the project-wide URL sweeps."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

from django.utils import timezone

from frame.development import actions
from frame.development.models import CpdActivity, JournalEntry


def sweep_journal_entry(practitioner: Any, client: Any = None) -> JournalEntry:
    found = JournalEntry.objects.filter(author=practitioner).first()
    if found is not None:
        return found
    return actions.save_journal_entry(
        by=practitioner,
        text="Felt protective after the session; noticed my own tiredness.",
        written_on=timezone.localdate(),
        client=client,
    )


def cpd_values(**overrides: Any) -> dict[str, Any]:
    values: dict[str, Any] = {
        "activity": "Working with shame: a one-day workshop",
        "done_on": timezone.localdate() - dt.timedelta(days=3),
        "hours": Decimal("6"),
        "kind": "course",
        "learnt": "How shame shows up as withdrawal in the room.",
        "impact": "I slow down when a client goes quiet.",
    }
    values.update(overrides)
    return values


def sweep_cpd_activity(practitioner: Any) -> CpdActivity:
    found = CpdActivity.objects.filter(practitioner=practitioner).first()
    if found is not None:
        return found
    return actions.save_cpd_activity(by=practitioner, values=cpd_values())
