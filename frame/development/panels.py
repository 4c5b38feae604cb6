"""What the journal adds to the client card (registered in apps.py): for the practitioner alone,
how many of their own journal entries are tagged with this client, so they are reviewed if the
client asks for their records. One query; nothing shown when there are none.
"""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest

from frame.clients import card
from frame.clients.access import ClientView
from frame.development.access import journal_for


def journal_tags(request: HttpRequest, view: ClientView) -> dict[str, Any] | None:
    if not view.clinical:
        return None
    count = journal_for(request.user).filter(client=view.client).count()
    if not count:
        return None
    return {"client": view.client, "count": count}


def register_all() -> None:
    card.register(
        card.CardSection(
            key="development-journal-tags",
            slot="main",
            order=90,
            template="development/card/journal_tags.html",
            build=journal_tags,
        )
    )
