"""What the supervision app adds to the client card and the home page (registered in apps.py)."""

from __future__ import annotations

from typing import Any, cast

from django.http import HttpRequest

from frame.accounts import home
from frame.accounts.models import User
from frame.clients import card
from frame.clients.access import ClientView
from frame.supervision import rules, selectors
from frame.supervision.access import (
    is_supervisee,
    is_supervisor,
    live_shares_for,
    open_actions_for,
)
from frame.supervision.models import CaseAction

CARD_ACTIONS = 10
HOME_ITEMS = 5
HOME_MONTHS = 3


def _user(request: HttpRequest) -> User:
    return cast(User, request.user)


def actions_section(request: HttpRequest, view: ClientView) -> dict[str, Any] | None:
    """This practitioner's open actions from supervision for the client. Nobody else's."""
    user = _user(request)
    if not is_supervisee(user):
        return None
    actions = list(
        open_actions_for(user, view.client.pk)
        .select_related("discussion__supervision")
        .only("id", "text", "created_at", "client_id", "discussion__supervision__held_on")[
            : CARD_ACTIONS + 1
        ]
    )
    if not actions:
        return None
    return {
        "client": view.client,
        "actions": actions[:CARD_ACTIONS],
        "more": len(actions) > CARD_ACTIONS,
    }


def home_panel(request: HttpRequest) -> dict[str, Any] | None:
    user = _user(request)
    if is_supervisor(user):
        shares = list(
            live_shares_for(user)
            .select_related("pack", "pack__practitioner")
            .defer("pack__content")
            .order_by("-shared_at", "-id")[:HOME_ITEMS]
        )
        return {"supervisor": True, "shares": shares}
    if not is_supervisee(user):
        return None
    first, last = selectors.recent_months(count=HOME_MONTHS)
    overview = selectors.overview(user, first, last)
    short = [m for m in overview.months if m.status == rules.Status.SHORT]
    open_actions = CaseAction.objects.filter(practitioner=user, done_at__isnull=True).count()
    if not short and not open_actions:
        return None
    return {"supervisor": False, "short": short, "open_actions": open_actions}


def register_all() -> None:
    card.register(
        card.CardSection(
            key="supervision-actions",
            slot="main",
            order=45,
            template="supervision/card/actions.html",
            build=actions_section,
        )
    )
    home.register(
        home.HomePanel(
            key="supervision", template="supervision/home_panel.html", build=home_panel, order=35
        )
    )
