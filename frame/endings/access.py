"""The only sanctioned way to fetch a client's ending records: care team only (clinical).

Administrators, colleagues off the care team, other practices and portal clients all get the
same 404 as a client that does not exist.
"""

from __future__ import annotations

from typing import Any

from frame.clients.access import Section, access_client
from frame.clients.models import Client
from frame.endings.models import Ending


def access_endings_client(user: Any, client_id: Any) -> Client:
    return access_client(user, client_id, section=Section.CLINICAL)


def access_latest_ending(user: Any, client_id: Any) -> tuple[Client, Ending | None]:
    """The client (access-checked) and their most recent ending, if the work has ended."""
    client = access_endings_client(user, client_id)
    ending = Ending.objects.filter(client=client).select_related("recorded_by").first()
    if ending is not None:
        ending.client = client
    return client, ending
