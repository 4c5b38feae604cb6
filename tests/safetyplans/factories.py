"""Safety plans for tests. All data fictional."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.utils import timezone

from frame.safetyplans import actions
from frame.safetyplans.models import PlanContact, SafetyPlanVersion

SECTIONS = {
    "warning_signs": "Lying awake going over the same thoughts; cancelling on friends.",
    "on_my_own": "Walk the long way round the reservoir. Cold water on my face.",
    "people_places": "The allotment on Saturday mornings.",
    "ask_for_help": "My brother Tomasz.",
    "professionals": "My GP surgery in the daytime.",
    "safer_surroundings": "Tomasz keeps the spare tablets at his flat.",
    "reasons_for_living": "My niece's drawings on the fridge.",
}
CONTACTS = [
    PlanContact(name="Tomasz", role="brother", phone="07700 900123", when="Evenings"),
    PlanContact(name="Elm Street Surgery", role="GP", phone="01632 960 555", when="Weekdays"),
]


def plan_version(
    client: Any,
    by: Any,
    *,
    sections: dict[str, str] | None = None,
    contacts: list[PlanContact] | None = None,
) -> SafetyPlanVersion:
    """The client's next plan version, written by `by` (on the care team)."""
    from frame.safetyplans.selectors import plan_for

    found = plan_for(client)
    current = found.current_version if found else None
    return actions.save_plan(
        client=client,
        sections=sections if sections is not None else SECTIONS,
        contacts=contacts if contacts is not None else CONTACTS,
        made_with_client_on=timezone.localdate() - dt.timedelta(days=1),
        by=by,
        expected_number=current.number if current else 0,
    )
