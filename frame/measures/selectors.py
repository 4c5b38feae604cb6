"""Reading measures data for pages: the words a form shows, recent results, open alerts.

Every function issues a fixed number of queries, whatever a client's history holds.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.db.models import QuerySet
from django.utils import timezone

from frame.clients.models import Client
from frame.measures import definitions
from frame.measures.definitions import Instrument
from frame.measures.models import (
    Administration,
    ChartShare,
    ImportedWording,
    MeasureSchedule,
    QuestionnaireRequest,
    RequestStatus,
    RiskAlert,
)


@dataclass(frozen=True)
class FormWording:
    """Everything a form needs to show one instrument, from Frame or from the practice's import."""

    instrument: Instrument
    instructions: str
    items: dict[int, str]
    option_labels: dict[str, tuple[str, ...]]
    imported: bool


def _shipped(instrument: Instrument) -> FormWording:
    return FormWording(
        instrument=instrument,
        instructions=instrument.instructions or "",
        items={item.number: item.text or "" for item in instrument.items},
        option_labels={
            key: tuple(o.label or "" for o in rs.options)
            for key, rs in instrument.response_sets.items()
        },
        imported=False,
    )


def _imported(instrument: Instrument, stored: ImportedWording) -> FormWording:
    return FormWording(
        instrument=instrument,
        instructions=stored.instructions,
        items={int(number): text for number, text in stored.items.items()},
        option_labels={key: tuple(labels) for key, labels in stored.option_labels.items()},
        imported=True,
    )


def entry_instruments() -> list[Instrument]:
    """Instruments a practitioner can enter in session (goals arrive with the goals themselves)."""
    return [i for i in definitions.all_instruments() if not i.is_goal_based]


def wording_for(practice_id: int, instrument: Instrument) -> FormWording | None:
    """The words for a form, or None while a licensed instrument's wording is not imported."""
    if instrument.wording == "shipped":
        return _shipped(instrument)
    if instrument.wording != "imported-by-practice":
        return None
    stored = ImportedWording.objects.filter(
        practice_id=practice_id,
        instrument=instrument.id,
        instrument_version=instrument.version,
    ).first()
    return _imported(instrument, stored) if stored is not None else None


def imported_ids(practice_id: int) -> set[str]:
    """Licensed instruments this practice has imported wording for (current versions only)."""
    current = {i.id: i.version for i in definitions.all_instruments()}
    rows = ImportedWording.objects.filter(practice_id=practice_id).values_list(
        "instrument", "instrument_version"
    )
    return {instrument for instrument, version in rows if current.get(instrument) == version}


def administrations_for(client: Client) -> QuerySet[Administration]:
    return Administration.objects.filter(client=client).select_related("recorded_by")


def open_alerts_for_client(client: Client) -> QuerySet[RiskAlert]:
    return (
        RiskAlert.objects.filter(client=client, acknowledged_at__isnull=True)
        .select_related("administration")
        .order_by("raised_at")
    )


# --- Progress, requests, schedules, shares --------------------------------------------------------


def progress_for(client: Client, instrument: Instrument) -> QuerySet[Administration]:
    """One instrument's results for a client, oldest first (the order the chart reads)."""
    return (
        Administration.objects.filter(client=client, instrument=instrument.id)
        .select_related("recorded_by")
        .order_by("completed_on", "recorded_at")
    )


def instruments_with_results(client: Client) -> list[Instrument]:
    """Instruments this client has any result for, in Frame's order."""
    ids = set(
        Administration.objects.filter(client=client)
        .order_by()
        .values_list("instrument", flat=True)
        .distinct()
    )
    return [i for i in definitions.all_instruments() if i.id in ids]


def requests_for(client: Client) -> QuerySet[QuestionnaireRequest]:
    return QuestionnaireRequest.objects.filter(client=client).select_related("requested_by")


def open_requests_for_client(client: Client) -> QuerySet[QuestionnaireRequest]:
    """What the client has still to fill in: open and not past its date, oldest first."""
    return QuestionnaireRequest.objects.filter(
        client=client, status=RequestStatus.OPEN, expires_at__gt=timezone.now()
    ).order_by("created_at")


def schedules_for(client: Client) -> QuerySet[MeasureSchedule]:
    return MeasureSchedule.objects.filter(client=client, ended_at__isnull=True).select_related(
        "created_by"
    )


def shares_for_client(client: Client) -> QuerySet[ChartShare]:
    """Charts shared with the client and not withdrawn, newest first."""
    return ChartShare.objects.filter(client=client, withdrawn_at__isnull=True).order_by(
        "-shared_at"
    )


def current_share(client: Client, instrument: Instrument) -> ChartShare | None:
    return shares_for_client(client).filter(instrument=instrument.id).first()
