"""Audit events for outcome pages and downloads. Outcomes only reads; these are its writes.

Details hold names and dates only (the period, the scope, the instruments), never scores.
"""

from __future__ import annotations

import datetime as dt

from django.db import transaction

from frame.accounts.models import User
from frame.audit.actions import record
from frame.audit.models import Action
from frame.clients.models import Client


def _period(start: dt.date, end: dt.date, whole_practice: bool) -> dict[str, str]:
    return {
        "start": start.isoformat(),
        "end": end.isoformat(),
        "scope": "practice" if whole_practice else "own caseload",
    }


@transaction.atomic
def report_viewed(*, by: User, start: dt.date, end: dt.date, whole_practice: bool) -> None:
    record(
        action=Action.OUTCOMES_REPORT_VIEWED, actor=by, detail=_period(start, end, whole_practice)
    )


@transaction.atomic
def report_exported(*, by: User, start: dt.date, end: dt.date, whole_practice: bool) -> None:
    detail = _period(start, end, whole_practice) | {"format": "csv"}
    record(action=Action.OUTCOMES_REPORT_EXPORTED, actor=by, detail=detail)


@transaction.atomic
def client_viewed(*, by: User, client: Client) -> None:
    record(action=Action.OUTCOMES_CLIENT_VIEWED, actor=by, client=client, target=client)


@transaction.atomic
def fhir_exported(
    *, by: User, client: Client, administrations: int, instruments: list[str]
) -> None:
    record(
        action=Action.FHIR_EXPORTED,
        actor=by,
        client=client,
        target=client,
        detail={
            "format": "FHIR R4 Bundle (JSON)",
            "administrations": administrations,
            "instruments": sorted(instruments),
        },
    )
