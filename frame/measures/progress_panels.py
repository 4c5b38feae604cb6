"""What portal questionnaires and shared charts add to the client's portal home and the client card
(registered in apps.py). Each builder issues one query, whatever the client's history holds."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest

from frame.clients import card
from frame.clients.access import ClientView
from frame.clients.models import Client
from frame.measures import selectors
from frame.portal import home

HOME_ITEMS = 5


def waiting(request: HttpRequest, client: Client) -> dict[str, Any] | None:
    rows = list(selectors.open_requests_for_client(client)[: HOME_ITEMS + 1])
    if not rows:
        return None
    return {"waiting": rows[:HOME_ITEMS], "more": len(rows) > HOME_ITEMS}


def shared_charts(request: HttpRequest, client: Client) -> dict[str, Any] | None:
    rows = list(selectors.shares_for_client(client)[: HOME_ITEMS + 1])
    if not rows:
        return None
    return {"shares": rows[:HOME_ITEMS], "more": len(rows) > HOME_ITEMS}


def waiting_on_card(request: HttpRequest, view: ClientView) -> dict[str, Any] | None:
    """On the card, under the questionnaires: what is waiting in the client's portal."""
    rows = list(selectors.open_requests_for_client(view.client)[: HOME_ITEMS + 1])
    if not rows:
        return None
    return {"client": view.client, "waiting": rows[:HOME_ITEMS], "more": len(rows) > HOME_ITEMS}


def register_all() -> None:
    card.register(
        card.CardSection(
            key="measures-portal-waiting",
            slot="main",
            order=41,  # just after the questionnaires section
            template="measures/card/waiting.html",
            build=waiting_on_card,
        )
    )
    home.register(
        home.PortalPanel(
            key="measures-questionnaires",
            template="measures/portal/panel_waiting.html",
            build=waiting,
            order=20,
        )
    )
    home.register(
        home.PortalPanel(
            key="measures-shared-charts",
            template="measures/portal/panel_charts.html",
            build=shared_charts,
            order=60,
            slot="documents",
        )
    )
