"""Panels other apps add to the client's portal home, without the portal importing them.

An app registers a panel from its `AppConfig.ready()`:

    from frame.portal import home
    home.register(home.PortalPanel(
        key="next-session", template="scheduling/portal/next_session.html",
        build=next_session_panel, order=10,
    ))

`build(request, client)` gets the signed-in client (already derived from the signed-in user:
never from the URL) and returns the panel's template context, or None to leave the panel out.
It must issue a fixed number of queries and show only this client's own things. The template is
included with the context as `panel`.

Slots: "main" panels come first (your next session, planned breaks); "documents" panels sit under
"To read or agree" (your agreement to read, articles shared with you).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, Literal

from django.http import HttpRequest

from frame.clients.models import Client

Slot = Literal["main", "documents"]


@dataclass(frozen=True)
class PortalPanel:
    key: str
    template: str
    build: Callable[[HttpRequest, Client], dict[str, Any] | None]
    order: int = 100
    slot: Slot = "main"


@dataclass(frozen=True)
class RenderedPanel:
    panel: PortalPanel
    context: dict[str, Any]


_registry: dict[str, PortalPanel] = {}


def register(panel: PortalPanel) -> None:
    _registry[panel.key] = panel  # re-registering (e.g. on autoreload) replaces, never doubles


def panels_for(request: HttpRequest, client: Client) -> dict[Slot, list[RenderedPanel]]:
    slots: dict[Slot, list[RenderedPanel]] = {"main": [], "documents": []}
    for panel in sorted(_registry.values(), key=lambda p: (p.order, p.key)):
        context = panel.build(request, client)
        if context is not None:
            slots[panel.slot].append(RenderedPanel(panel=panel, context=context))
    return slots
