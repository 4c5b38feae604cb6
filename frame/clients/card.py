"""Sections other apps add to the client card, without the clients app importing them.

An app registers a section from its `AppConfig.ready()`:

    card.register(card.CardSection(
        key="chance-encounter", slot="alerts", order=10,
        template="contracts/card/chance_encounter.html",
        build=chance_encounter_context,
    ))

`build(request, view)` receives the access-checked `ClientView` and returns the section's template
context, or None to leave the section out. It must issue a fixed number of queries, whatever the
client's history holds. Sections are clinical by default: administrators never see them unless
`clinical=False`.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, Literal

from django.http import HttpRequest

from frame.clients.access import ClientView

Slot = Literal["alerts", "main"]


@dataclass(frozen=True)
class CardSection:
    key: str
    template: str
    build: Callable[[HttpRequest, ClientView], dict[str, Any] | None]
    slot: Slot = "main"
    order: int = 100
    clinical: bool = True


@dataclass(frozen=True)
class RenderedSection:
    section: CardSection
    context: dict[str, Any]


_registry: dict[str, CardSection] = {}


def register(section: CardSection) -> None:
    _registry[section.key] = section  # re-registering (e.g. on autoreload) replaces, never doubles


def sections_for(request: HttpRequest, view: ClientView) -> dict[Slot, list[RenderedSection]]:
    slots: dict[Slot, list[RenderedSection]] = {"alerts": [], "main": []}
    for section in sorted(_registry.values(), key=lambda s: (s.order, s.key)):
        if section.clinical and not view.clinical:
            continue
        context = section.build(request, view)
        if context is not None:
            slots[section.slot].append(RenderedSection(section=section, context=context))
    return slots
