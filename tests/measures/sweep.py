"""Values for the project-wide URL sweeps (test_url_sweep.py and test_security_headers.py)."""

from __future__ import annotations

from typing import Any

from django.utils import timezone

from frame.measures import actions, definitions
from frame.measures.models import Administration, RiskAlert


def sweep_administration(client: Any, practitioner: Any) -> Administration:
    """A PHQ-9 for `client` with item 9 answered, so it has a risk alert too."""
    existing = Administration.objects.filter(client=client).first()
    if existing is not None:
        return existing
    return actions.record_administration(
        client=client,
        instrument=definitions.get("phq9"),
        answers=[1, 1, 1, 1, 1, 1, 1, 1, 1],
        completed_on=timezone.localdate(),
        by=practitioner,
    )


def sweep_alert(client: Any, practitioner: Any) -> RiskAlert:
    return RiskAlert.objects.get(administration=sweep_administration(client, practitioner))
