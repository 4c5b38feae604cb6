"""What the register adds to the client card (registered in apps.py).

The section appears only for people who may read the register: the practice owner and
practitioners on the care team (who see their own entries). For anyone else the builder
returns None, so not even the section's heading shows. One query, whatever the register holds.
"""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest

from frame.clients import card
from frame.clients.access import ClientView
from frame.confidentiality.access import may_read_register
from frame.confidentiality.models import RegisterEntry


def register_section(request: HttpRequest, view: ClientView) -> dict[str, Any] | None:
    if not view.clinical or not may_read_register(request.user, view.client):
        return None
    entries = RegisterEntry.objects.filter(client=view.client)
    if not view.is_owner:
        entries = entries.filter(author_id=request.user.pk)
    return {"client": view.client, "count": entries.count(), "is_owner": view.is_owner}


def register_all() -> None:
    card.register(
        card.CardSection(
            key="confidentiality-register",
            slot="main",
            order=60,
            template="confidentiality/card/register.html",
            build=register_section,
        )
    )
