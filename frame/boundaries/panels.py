"""What the boundaries app adds to the client card and the home page (registered in apps.py)."""

from __future__ import annotations

from typing import Any, cast

from django.db.models import Count
from django.http import HttpRequest

from frame.accounts import home
from frame.accounts.models import User
from frame.boundaries import selectors
from frame.boundaries.access import awaiting_events_for, clinical_membership, latest_screening
from frame.boundaries.models import AWAITING, BoundaryEvent
from frame.clients import card, lifecycle
from frame.clients.access import ClientView

CARD_EVENTS = 5
CARD_MATCHES = 10
HOME_ITEMS = 5


def _user(request: HttpRequest) -> User:
    return cast(User, request.user)


def boundaries_section(request: HttpRequest, view: ClientView) -> dict[str, Any] | None:
    """The card's boundary log: the latest entries, how many are open, the check's outcome."""
    client = view.client
    events = selectors.recent_events(client.pk, CARD_EVENTS)
    counts = BoundaryEvent.objects.filter(client=client).aggregate(
        total=Count("id"), awaiting=Count("id", filter=AWAITING)
    )
    screening = None
    decision = None
    if client.status != lifecycle.ENQUIRY:  # while an enquiry, the alert above shows it in full
        screening = latest_screening(_user(request), client)
        if screening is not None:
            decision = screening.decisions.first()
    return {
        "client": client,
        "events": events[:CARD_EVENTS],
        "total": counts["total"],
        "awaiting": counts["awaiting"],
        "screening": screening,
        "decision": decision,
    }


def check_alert(request: HttpRequest, view: ClientView) -> dict[str, Any] | None:
    """While someone is an enquiry: what the check found, before they are accepted."""
    client = view.client
    if client.status != lifecycle.ENQUIRY:
        return None
    screening = latest_screening(_user(request), client)
    check = (
        selectors.check_view(_user(request), screening, limit=CARD_MATCHES)
        if screening is not None
        else None
    )
    return {"client": client, "check": check}


def home_panel(request: HttpRequest) -> dict[str, Any] | None:
    user = _user(request)
    if clinical_membership(user) is None:
        return None
    awaiting = awaiting_events_for(user)
    items = list(awaiting[:HOME_ITEMS])
    undecided = selectors.undecided_enquiries(user, limit=HOME_ITEMS)
    if not items and not undecided:
        return None
    return {
        "items": items,
        "total": awaiting.count(),
        "undecided": undecided,
    }


def register_all() -> None:
    card.register(
        card.CardSection(
            key="dual-relationship-check",
            slot="alerts",
            order=20,
            template="boundaries/card/check_alert.html",
            build=check_alert,
        )
    )
    card.register(
        card.CardSection(
            key="boundaries",
            slot="main",
            order=40,
            template="boundaries/card/boundaries.html",
            build=boundaries_section,
        )
    )
    home.register(
        home.HomePanel(
            key="boundaries", template="boundaries/home_panel.html", build=home_panel, order=30
        )
    )
