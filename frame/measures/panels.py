"""What the measures app adds to the client card (registered in apps.py).

Each builder issues a fixed number of queries, whatever the client's or caseload's history holds.
Open risk alerts are no longer shown here: each raises a risk flag (frame.safety), and the flag is
what the card, the home page and the brief show until it is acknowledged. Acknowledging the flag
acknowledges the alert with it, so there is one place to act.
"""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest

from frame.clients import card
from frame.clients.access import ClientView
from frame.measures import selectors

CARD_RESULTS = 5


def questionnaires(request: HttpRequest, view: ClientView) -> dict[str, Any] | None:
    client = view.client
    return {"client": client, "recent": list(selectors.administrations_for(client)[:CARD_RESULTS])}


def register_all() -> None:
    card.register(
        card.CardSection(
            key="measures",
            slot="main",
            order=40,
            template="measures/card/questionnaires.html",
            build=questionnaires,
        )
    )
