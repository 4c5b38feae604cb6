"""What the endings app adds to the client card and the before-we-meet brief (see apps.py).

Each builder issues a fixed number of queries, whatever the client's history holds.
"""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest

from frame.brief import sections as brief
from frame.clients import card
from frame.clients.access import ClientView
from frame.contracts.selectors import chance_encounter_for
from frame.endings import actions, selectors

# Frame's own words, shown when the contract says nothing about contact after the work ends.
POST_ENDING_REMINDER = (
    "The work has ended. If this person gets in touch, or you meet by chance, keep to the "
    "boundaries you agreed: a brief, friendly reply that does not restart the work, and a "
    "conversation in supervision before any other kind of relationship. If they would like "
    "to come back, that is a new beginning: make them active again and agree the contract afresh."
)


def ending_section(request: HttpRequest, view: ClientView) -> dict[str, Any] | None:
    """The countdown while work goes on; once ended, the ending and its retention dates."""
    client = view.client
    if client.status in actions.WORK_OVER:
        ending = selectors.latest_ending(client)
        return {
            "client": client,
            "ending": ending,
            "unrecorded": selectors.unrecorded_end(client),
            "retention": selectors.retention_for(ending) if ending else [],
        }
    return {"client": client, "countdown": selectors.countdown(client)}


def post_ending_reminder(request: HttpRequest, view: ClientView) -> dict[str, Any] | None:
    """Frame's own reminder (contracts have no term for contact after the work ends), with the
    client's own chance-encounter wish when they gave one: it still applies after the ending."""
    if view.client.status not in actions.WORK_OVER:
        return None
    return {
        "client": view.client,
        "reminder": POST_ENDING_REMINDER,
        "encounter": chance_encounter_for(view.client),
    }


def brief_countdown(subject: brief.BriefSubject) -> dict[str, Any] | None:
    found = selectors.countdown(subject.client)
    if found is None:
        return None
    return {"countdown": found, "appointment": subject.appointment}


def register_all() -> None:
    card.register(
        card.CardSection(
            key="endings-post-ending",
            slot="alerts",
            order=40,
            template="endings/card/post_ending.html",
            build=post_ending_reminder,
        )
    )
    card.register(
        card.CardSection(
            key="endings-ending",
            slot="main",
            order=25,
            template="endings/card/ending.html",
            build=ending_section,
        )
    )
    brief.register(
        brief.BriefSection(
            key="endings-countdown",
            order=25,
            template="endings/brief/countdown.html",
            build=brief_countdown,
        )
    )
