"""What the contracts app adds to the client card (registered in apps.py).

Each builder issues a fixed number of queries, whatever the client's history holds.
"""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest

from frame.clients.access import ClientView
from frame.contracts import selectors


def chance_encounter_alert(request: HttpRequest, view: ClientView) -> dict[str, Any] | None:
    """Prominent at the top of the card: what to do if you meet by chance."""
    preference = selectors.chance_encounter_for(view.client)
    if preference is None:
        return None
    return {"client": view.client, "preference": preference}


def reagreement_alert(request: HttpRequest, view: ClientView) -> dict[str, Any] | None:
    status = selectors.agreement_status(view.client)
    if not status.needs_reagreement:
        return None
    return {"client": view.client, "status": status}


def contract_section(request: HttpRequest, view: ClientView) -> dict[str, Any] | None:
    client = view.client
    return {
        "client": client,
        "agreement": selectors.latest_agreement(client),
        "preference": selectors.chance_encounter_for(client),
    }


def communication_section(request: HttpRequest, view: ClientView) -> dict[str, Any] | None:
    """Reminders and calendar titles: administrators see and change these too."""
    client = view.client
    reminder_channel, calendar_title = selectors.reminder_settings(client)
    return {
        "client": client,
        "reminder_channel": reminder_channel,
        "calendar_title": calendar_title,
        "calendar_example": selectors.calendar_title_text(client, calendar_title),
    }
