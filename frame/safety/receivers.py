"""Raising a risk flag when another app records a sign of risk.

`risk_indicated` is sent inside the transaction that stored the questionnaire answers or signed
the note; the flag is written in that same transaction. If raising it fails, the error propagates
and the whole recording is undone: a sign of risk is never kept without its flag.
"""

from __future__ import annotations

from typing import Any

from frame.safety import actions


def raise_flag_on_risk(
    sender: Any, *, client: Any, by: Any, source: str, record: Any, detail: Any, **kwargs: Any
) -> None:
    actions.raise_flag_for_record(
        client=client, by=by, source=source, record_obj=record, detail=dict(detail or {})
    )
