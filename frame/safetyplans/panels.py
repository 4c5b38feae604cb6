"""What the safety-plans app adds to the client card, the staff home page, the before-we-meet
brief and the portal home (registered in apps.py). Each builder issues a fixed number of
queries."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest

from frame.accounts import home
from frame.brief import sections as brief
from frame.clients import card
from frame.clients.access import ClientView
from frame.clients.models import Client
from frame.portal import home as portal_home
from frame.safetyplans import selectors
from frame.safetyplans.models import SafetyPlan, SuggestionStatus

HOME_ITEMS = 5


def card_section(request: HttpRequest, view: ClientView) -> dict[str, Any] | None:
    """The card's safety plan: which version is current and whether suggestions wait."""
    client = view.client
    plan = selectors.plan_for(client)
    return {
        "client": client,
        "version": plan.current_version if plan else None,
        "pending": selectors.pending_count(plan) if plan else 0,
    }


def home_panel(request: HttpRequest) -> dict[str, Any] | None:
    waiting = selectors.waiting_suggestions_for(request.user)
    items = list(waiting[:HOME_ITEMS])
    if not items:
        return None
    return {"items": items, "total": len(items) if len(items) < HOME_ITEMS else waiting.count()}


def portal_panel(request: HttpRequest, client: Client) -> dict[str, Any] | None:
    """Tell the client they have a safety plan, and how their suggestions stand."""
    plan = (
        SafetyPlan.objects.filter(client=client, current_version__isnull=False)
        .select_related("current_version")
        .first()
    )
    if plan is None:
        return None
    answered = plan.suggestions.exclude(status=SuggestionStatus.PENDING).exists()
    return {"version": plan.current_version, "answered": answered}


def brief_section(subject: brief.BriefSubject) -> dict[str, Any] | None:
    """For the session ahead: which version of the plan the client holds, and what they have
    suggested that is still waiting. Left out when there is no plan."""
    membership = getattr(subject.reader, "active_membership", None)
    if membership is None or not membership.is_clinical:
        return None  # the brief is the care team's; this is belt and braces
    plan = selectors.plan_for(subject.client)
    if plan is None or plan.current_version is None:
        return None
    return {
        "client": subject.client,
        "version": plan.current_version,
        "pending": selectors.pending_count(plan),
    }


def register_all() -> None:
    card.register(
        card.CardSection(
            key="safety-plan",
            slot="main",
            order=25,
            template="safetyplans/card/plan.html",
            build=card_section,
        )
    )
    home.register(
        home.HomePanel(
            key="safety-plan-suggestions",
            template="safetyplans/home_panel.html",
            build=home_panel,
            order=25,
        )
    )
    brief.register(
        brief.BriefSection(
            key="safety-plan", order=16, template="safetyplans/brief.html", build=brief_section
        )
    )
    portal_home.register(
        portal_home.PortalPanel(
            key="safety-plan",
            template="safetyplans/portal/home_panel.html",
            build=portal_panel,
            order=20,
        )
    )
