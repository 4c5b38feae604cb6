"""Reading measures data for pages: the words a form shows, recent results, open alerts.

Every function issues a fixed number of queries, whatever a client's history holds.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.db.models import QuerySet

from frame.clients.models import Client
from frame.measures import definitions
from frame.measures.definitions import Instrument
from frame.measures.models import Administration, ImportedWording, RiskAlert


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
