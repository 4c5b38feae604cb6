"""What the notes app adds to the client card (registered in apps.py).

Each builder issues a fixed number of queries, whatever the client's history holds.
"""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest

from frame.clients import card
from frame.clients.access import ClientView
from frame.notes import selectors

CARD_NOTES = 5


def session_notes(request: HttpRequest, view: ClientView) -> dict[str, Any] | None:
    return {
        "client": view.client,
        "recent": list(selectors.notes_for(view.client)[:CARD_NOTES]),
    }


def goals(request: HttpRequest, view: ClientView) -> dict[str, Any] | None:
    return {"client": view.client, "goals": selectors.goals_for(view.client, include_closed=False)}


def register_all() -> None:
    card.register(
        card.CardSection(
            key="notes-goals",
            slot="main",
            order=30,
            template="notes/card/goals.html",
            build=goals,
        )
    )
    card.register(
        card.CardSection(
            key="notes-session-notes",
            slot="main",
            order=35,
            template="notes/card/session_notes.html",
            build=session_notes,
        )
    )
