"""Values for the project-wide URL sweeps (test_url_sweep.py and test_security_headers.py)."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.utils import timezone

from frame.safety import actions
from frame.safety.models import RiskAssessment, RiskFlag

ASSESSMENT: dict[str, Any] = {
    "self_thoughts": "yes",
    "self_intent": "no",
    "self_plan": "no",
    "self_means": "unknown",
    "self_details": "Passing thoughts, no plan",
    "judgement": "Sweep judgement",
    "level": "low",
    "safety_plan_needed": True,
    "plan": "Review next week",
}


def sweep_flag(client: Any, practitioner: Any) -> RiskFlag:
    found = RiskFlag.objects.filter(client=client).first()
    if found is not None:
        return found
    return actions.raise_flag(client=client, reason="Sweep concern", by=practitioner)


def sweep_assessment(client: Any, practitioner: Any) -> RiskAssessment:
    found = RiskAssessment.objects.filter(client=client).first()
    if found is not None:
        return found
    data = dict(ASSESSMENT, review_on=timezone.localdate() + dt.timedelta(days=14))
    return actions.save_assessment(client=client, data=data, by=practitioner).assessment
