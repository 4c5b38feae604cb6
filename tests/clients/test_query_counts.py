"""The list, a search and the card issue the same number of queries at any size of practice."""

from __future__ import annotations

import re
from typing import Any

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from frame.clients import actions
from frame.clients.listing import SMALL_CASELOAD
from frame.clients.models import Client
from tests.factories import PersonFactory


def queries_for(http: Any, url: str, params: dict[str, str] | None = None) -> int:
    with CaptureQueriesContext(connection) as captured:
        response = http.get(url, params or {})
    assert response.status_code == 200
    return len(captured.captured_queries)


def measure(http: Any, client: Client) -> dict[str, int]:
    return {
        "list": queries_for(http, reverse("clients:list")),
        "list, active only": queries_for(http, reverse("clients:list"), {"status": "active"}),
        "search": queries_for(http, reverse("clients:list"), {"q": "lloyd"}),
        "search by case code": queries_for(http, reverse("clients:list"), {"q": client.case_code}),
        "card": queries_for(http, reverse("clients:card", args=[client.pk])),
    }


@pytest.mark.parametrize("who", ["practitioner", "administrator"])
def test_query_counts_do_not_grow_with_the_practice(
    request: Any,
    as_user: Any,
    practitioner: Any,
    colleague: Any,
    make_clients: Any,
    settings: Any,
    who: str,
) -> None:
    settings.FRAME_PAGE_SIZE = 20
    client = actions.create_client(
        by=practitioner, details={"given_name": "Oscar", "family_name": "Lloyd"}
    )
    make_clients(5, family_name="Lloyd", status="active")
    # Other apps' card sections depend on the status (an enquiry shows its screening), so both
    # measurements are taken with the client active; only the amount of history differs.
    actions.change_status(client=client, by=practitioner, to_status="active")
    http = as_user(request.getfixturevalue(who))
    http.get(reverse("clients:list"))  # warm up: first-request-only work is not the page's
    small = measure(http, client)

    # Past the small-caseload threshold, with others' clients in between, a longer status
    # history and more people in the client's life.
    make_clients(SMALL_CASELOAD + 100, family_name="Lloyd", status="active")
    make_clients(300, team=[colleague])
    for status in ("ended", "active", "ended", "active"):
        actions.change_status(client=client, by=practitioner, to_status=status)
    for _ in range(12):
        PersonFactory(client=client)
    large = measure(http, client)

    assert large == small
    page = http.get(reverse("clients:list"), {"q": "lloyd"})
    assert len(re.findall(rb'<a href="/clients/[0-9a-f-]{36}/">', page.content)) == 20
