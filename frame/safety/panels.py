"""What the safety app adds to the staff home, the client card and the before-we-meet brief.

Each builder issues a fixed number of queries, whatever the client's or caseload's history holds.
Unacknowledged flags show in all three places until a practitioner acknowledges them.
"""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest
from django.utils import timezone

from frame.accounts import home
from frame.brief import sections as brief
from frame.clients import card
from frame.clients.access import ClientView
from frame.safety import selectors
from frame.safety.access import clinical_membership, open_flags_for, overdue_reviews_for

CARD_FLAGS = 10
HOME_ITEMS = 10
BRIEF_FLAGS = 10


def card_flags(request: HttpRequest, view: ClientView) -> dict[str, Any] | None:
    """At the top of the card: the client's open flags, and an overdue assessment review."""
    flags = list(selectors.open_flags_for_client(view.client)[: CARD_FLAGS + 1])
    latest = selectors.latest_version_for_client(view.client)
    overdue = latest is not None and latest.review_overdue()
    return {
        "client": view.client,
        "flags": flags[:CARD_FLAGS],
        "more": len(flags) > CARD_FLAGS,
        "latest": latest,
        "overdue": overdue,
    }


def home_flags(request: HttpRequest) -> dict[str, Any] | None:
    flags = list(open_flags_for(request.user)[: HOME_ITEMS + 1])
    overdue = list(overdue_reviews_for(request.user, timezone.localdate())[: HOME_ITEMS + 1])
    if not flags and not overdue:
        return None
    return {
        "flags": flags[:HOME_ITEMS],
        "more_flags": len(flags) > HOME_ITEMS,
        "overdue": overdue[:HOME_ITEMS],
        "more_overdue": len(overdue) > HOME_ITEMS,
    }


def brief_risk(subject: brief.BriefSubject) -> dict[str, Any] | None:
    """Open flags and the current assessment's level and review date, for the session ahead."""
    if clinical_membership(subject.reader) is None:
        return None  # the brief is the care team's; this is belt and braces
    flags = list(selectors.open_flags_for_client(subject.client)[: BRIEF_FLAGS + 1])
    latest = selectors.latest_version_for_client(subject.client)
    if not flags and latest is None:
        return None
    return {
        "client": subject.client,
        "flags": flags[:BRIEF_FLAGS],
        "more": len(flags) > BRIEF_FLAGS,
        "latest": latest,
        "overdue": latest is not None and latest.review_overdue(),
    }


def register_all() -> None:
    card.register(
        card.CardSection(
            key="safety-risk",
            slot="alerts",
            order=4,  # above everything else on the card
            template="safety/card/risk.html",
            build=card_flags,
        )
    )
    home.register(
        home.HomePanel(
            key="safety-risk-flags",
            template="safety/home_panel.html",
            build=home_flags,
            order=4,
        )
    )
    brief.register(
        brief.BriefSection(
            key="safety-risk", order=15, template="safety/brief/risk.html", build=brief_risk
        )
    )
