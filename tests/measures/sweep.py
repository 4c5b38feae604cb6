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


def sweep_request(client: Any, practitioner: Any) -> Any:
    """A questionnaire waiting in `client`'s portal (made directly: the client needs no account)."""
    from datetime import timedelta

    from frame.accounts.models import hash_token
    from frame.measures.models import QuestionnaireRequest

    existing = QuestionnaireRequest.objects.filter(client=client).first()
    if existing is not None:
        return existing
    now = timezone.now()
    return QuestionnaireRequest.objects.create(
        client=client,
        instrument="phq9",
        instrument_version=definitions.get("phq9").version,
        requested_by=practitioner,
        created_at=now,
        expires_at=now + timedelta(days=7),
        token_hash=hash_token(f"sweep-{client.pk}"),
        answers=[None] * 10,
    )


def sweep_schedule(client: Any, practitioner: Any) -> Any:
    from frame.measures.models import MeasureSchedule

    schedule, _ = MeasureSchedule.objects.get_or_create(
        client=client,
        instrument="phq9",
        rule="every_session",
        defaults={"created_by": practitioner},
    )
    return schedule


def sweep_chart_share(client: Any, practitioner: Any) -> Any:
    from frame.measures.models import ChartShare

    sweep_administration(client, practitioner)
    share = ChartShare.objects.filter(client=client).first()
    return share or ChartShare.objects.create(
        client=client, instrument="phq9", shared_by=practitioner
    )
