"""What the register adds to the client card (registered in apps.py).

The section appears only for people who may read the register: the practice owner and
practitioners on the care team (who see their own entries). For anyone else the builder
returns None, so not even the section's heading shows. One query, whatever the register holds.
The home page lists the person's own decisions due for review (two queries at most).
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.http import HttpRequest
from django.utils import timezone

from frame.accounts import home
from frame.clients import card
from frame.clients.access import ClientView
from frame.confidentiality.access import may_read_register
from frame.confidentiality.models import RegisterEntry
from frame.confidentiality.selectors import reviews_due

HOME_ITEMS = 5
REVIEW_NOTICE_DAYS = 7


def register_section(request: HttpRequest, view: ClientView) -> dict[str, Any] | None:
    if not view.clinical or not may_read_register(request.user, view.client):
        return None
    entries = RegisterEntry.objects.filter(client=view.client)
    if not view.is_owner:
        entries = entries.filter(author_id=request.user.pk)
    return {"client": view.client, "count": entries.count(), "is_owner": view.is_owner}


def reviews_panel(request: HttpRequest) -> dict[str, Any] | None:
    """The home page: the person's own register decisions due for review within a week."""
    today = timezone.localdate()
    due = reviews_due(request.user, until=today + dt.timedelta(days=REVIEW_NOTICE_DAYS))
    items = list(due[:HOME_ITEMS])
    if not items:
        return None
    return {
        "items": items,
        "total": due.count() if len(items) == HOME_ITEMS else len(items),
        "today": today,
    }


def register_all() -> None:
    home.register(
        home.HomePanel(
            key="confidentiality-reviews",
            template="confidentiality/home_panel.html",
            build=reviews_panel,
            order=45,
        )
    )
    card.register(
        card.CardSection(
            key="confidentiality-register",
            slot="main",
            order=60,
            template="confidentiality/card/register.html",
            build=register_section,
        )
    )
