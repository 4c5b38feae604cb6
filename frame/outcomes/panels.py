"""What the outcomes app adds to the client card (registered in apps.py)."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest

from frame.clients import card
from frame.clients.access import ClientView


def outcome(request: HttpRequest, view: ClientView) -> dict[str, Any] | None:
    return {"client": view.client}


def register_all() -> None:
    card.register(
        card.CardSection(
            key="episode-outcome",
            slot="main",
            order=60,
            template="outcomes/card/outcome.html",
            build=outcome,
        )
    )
