"""Raising a risk flag when another app records a sign of risk.

`risk_indicated` is sent inside the transaction that stored the questionnaire answers or signed
the note; the flag is written in that same transaction. If raising it fails, the error propagates
and the whole recording is undone: a sign of risk is never kept without its flag. Likewise
`risk_acknowledged` closes the flag in the transaction that acknowledged its questionnaire alert.
"""

from __future__ import annotations

from typing import Any

from frame.safety import actions
from frame.safety.models import RiskFlag


def raise_flag_on_risk(
    sender: Any, *, client: Any, by: Any, source: str, record: Any, detail: Any, **kwargs: Any
) -> None:
    actions.raise_flag_for_record(
        client=client, by=by, source=source, record_obj=record, detail=dict(detail or {})
    )


def acknowledge_flag_with_alert(
    sender: Any, *, client: Any, by: Any, record: Any, note: str, **kwargs: Any
) -> None:
    """An alert acknowledged on the questionnaires page closes its flag too, with the same note.

    Acknowledging the flag first also acknowledges the alert; by then the flag is closed, so this
    finds nothing open and the two never call each other round in a loop.
    """
    flag = RiskFlag.objects.filter(
        source_type=actions.MEASURE_ALERT_TYPE, source_id=record.pk, acknowledged_at__isnull=True
    ).first()
    if flag is not None:
        actions.acknowledge_flag(flag=flag, action_taken=note, by=by)
