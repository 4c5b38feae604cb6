"""What the measures app adds to the client card and the home page (registered in apps.py).

Each builder issues a fixed number of queries, whatever the client's or caseload's history holds.
"""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest

from frame.accounts import home
from frame.clients import card
from frame.clients.access import ClientView
from frame.measures import selectors
from frame.measures.access import open_alerts_for

CARD_ALERTS = 10
CARD_RESULTS = 5
HOME_ALERTS = 10


def risk_alerts(request: HttpRequest, view: ClientView) -> dict[str, Any] | None:
    """At the top of the card: risk items answered and not yet acknowledged."""
    alerts = list(selectors.open_alerts_for_client(view.client)[: CARD_ALERTS + 1])
    if not alerts:
        return None
    return {
        "client": view.client,
        "alerts": alerts[:CARD_ALERTS],
        "more": len(alerts) > CARD_ALERTS,
    }


def questionnaires(request: HttpRequest, view: ClientView) -> dict[str, Any] | None:
    client = view.client
    return {"client": client, "recent": list(selectors.administrations_for(client)[:CARD_RESULTS])}


def home_alerts(request: HttpRequest) -> dict[str, Any] | None:
    alerts = list(open_alerts_for(request.user)[: HOME_ALERTS + 1])
    if not alerts:
        return None
    return {"alerts": alerts[:HOME_ALERTS], "more": len(alerts) > HOME_ALERTS}


def register_all() -> None:
    card.register(
        card.CardSection(
            key="measures-risk-alerts",
            slot="alerts",
            order=5,  # above everything else on the card
            template="measures/card/risk_alerts.html",
            build=risk_alerts,
        )
    )
    card.register(
        card.CardSection(
            key="measures",
            slot="main",
            order=40,
            template="measures/card/questionnaires.html",
            build=questionnaires,
        )
    )
    home.register(
        home.HomePanel(
            key="measures-risk-alerts",
            template="measures/home_panel.html",
            build=home_alerts,
            order=5,
        )
    )
