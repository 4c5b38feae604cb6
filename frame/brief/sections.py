"""Sections other apps add to the "before we meet" brief, without the brief app importing them.

An app registers a section from its `AppConfig.ready()`:

    from frame.brief import sections
    sections.register(sections.BriefSection(
        key="risk", order=15, template="safety/brief/risk.html", build=risk_for_brief,
    ))

`build(subject)` receives the access-checked `BriefSubject` (the appointment being prepared for,
its client and the reader) and returns the section's template context, or None to leave it out.
It must issue a fixed number of queries, whatever the client's history holds. The same template
renders on the page and in the PDF, so it must not rely on scripts or interactive controls.
Wrap it as the brief's own sections do (frame/brief/templates/brief/sections/), so every
section looks alike on screen and in print:

    <section class="card brief-section" id="brief-risk" aria-labelledby="brief-risk-title">
      <h2 id="brief-risk-title">Risk</h2> ...
    </section>

The brief's own sections use orders 10 to 90 in steps of 10 (see frame/brief/content.py).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from frame.accounts.models import User
    from frame.clients.models import Client
    from frame.scheduling.models import Appointment


@dataclass(frozen=True)
class BriefSubject:
    appointment: Appointment
    client: Client
    reader: User


@dataclass(frozen=True)
class BriefSection:
    key: str
    template: str
    build: Callable[[BriefSubject], dict[str, Any] | None]
    order: int = 100


@dataclass(frozen=True)
class RenderedSection:
    section: BriefSection
    context: dict[str, Any]


_registry: dict[str, BriefSection] = {}


def register(section: BriefSection) -> None:
    _registry[section.key] = section  # re-registering (e.g. on autoreload) replaces, never doubles


def sections_for(subject: BriefSubject) -> list[RenderedSection]:
    rendered = []
    for section in sorted(_registry.values(), key=lambda s: (s.order, s.key)):
        context = section.build(subject)
        if context is not None:
            rendered.append(RenderedSection(section=section, context=context))
    return rendered
