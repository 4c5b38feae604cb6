"""Register entries for tests and for the project-wide URL sweeps. All details fictional."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.utils import timezone

from frame.confidentiality import actions
from frame.confidentiality.actions import EntryData
from frame.confidentiality.models import Basis, ClientTold, Decision, RegisterEntry


def not_sharing(**overrides: Any) -> EntryData:
    """A complete decision not to share."""
    today = timezone.localdate()
    values: dict[str, Any] = {
        "concern_arose_on": today - dt.timedelta(days=2),
        "concern": "Spoke of wanting to 'not wake up' after the anniversary.",
        "facts": "Said: 'I sometimes wish I just wouldn't wake up.' No plan, no means named.",
        "at_risk": ["client"],
        "basis": [Basis.SERIOUS_HARM],
        "consulted": ["supervisor"],
        "advice": "Supervisor agreed: keep working together, review the safety plan weekly.",
        "client_told": ClientTold.BEFORE,
        "client_told_detail": "We talked it through together in the session.",
        "decision": Decision.NOT_SHARE,
        "decided_on": today - dt.timedelta(days=1),
        "reasons": "Passive ideation, protective factors strong, client engaged with the plan.",
        "follow_up": "Revisit at the next session.",
        "review_on": today + dt.timedelta(days=7),
    }
    values.update(overrides)
    return EntryData(**values)


def sharing(**overrides: Any) -> EntryData:
    """A complete decision to share, with what was shared."""
    values: dict[str, Any] = {
        "basis": [Basis.CHILD_PROTECTION],
        "at_risk": ["child"],
        "decision": Decision.SHARE,
        "client_told": ClientTold.AFTER,
        "client_told_detail": "Told by phone the same afternoon.",
        "article_6": "6_1_e",
        "article_9": "9_2_g_sch1_18",
        "what_shared": "The child's first name, school and what the client described.",
        "shared_with": "Children's services front door, duty social worker",
        "shared_how": "phone",
        "shared_on": timezone.localdate() - dt.timedelta(days=1),
        "shared_time": dt.time(14, 30),
        "reference_numbers": "MASH-2026-0412",
        "reasons": "A child is at risk of significant harm; consent was not sought first.",
    }
    values.update(overrides)
    return not_sharing(**values)


def sweep_register_entry(client: Any, practitioner: Any) -> RegisterEntry:
    """An entry by `practitioner` that has not been corrected (so every page opens)."""
    found = RegisterEntry.objects.filter(
        client=client, author=practitioner, corrected_by__isnull=True
    ).first()
    if found is not None:
        return found
    return actions.record_entry(client=client, by=practitioner, data=not_sharing())
