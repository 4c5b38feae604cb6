"""Panels other apps add to the staff home page (things waiting for this person's attention).

An app registers a panel from its `AppConfig.ready()`:

    home.register(home.HomePanel(key="boundaries", template="boundaries/home_panel.html",
                                 build=open_boundary_items, order=20))

`build(request)` returns the panel's template context, or None to leave it out. It must issue a
fixed number of queries and show only what `request.user` may see.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django.http import HttpRequest


@dataclass(frozen=True)
class HomePanel:
    key: str
    template: str
    build: Callable[[HttpRequest], dict[str, Any] | None]
    order: int = 100


@dataclass(frozen=True)
class RenderedPanel:
    panel: HomePanel
    context: dict[str, Any]


_registry: dict[str, HomePanel] = {}


def register(panel: HomePanel) -> None:
    _registry[panel.key] = panel


def panels_for(request: HttpRequest) -> list[RenderedPanel]:
    rendered = []
    for panel in sorted(_registry.values(), key=lambda p: (p.order, p.key)):
        context = panel.build(request)
        if context is not None:
            rendered.append(RenderedPanel(panel=panel, context=context))
    return rendered
