"""Safety-plan pages cost the same number of queries however long the plan's history is."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from frame.accounts.models import User
from frame.safetyplans import actions
from tests.safetyplans.factories import plan_version

pytestmark = pytest.mark.django_db


def _queries(http: Any, path: str) -> int:
    with CaptureQueriesContext(connection) as captured:
        response = http.get(path)
    assert response.status_code == 200, path
    return len(captured.captured_queries)


def _grow(client: Any, practitioner: User, portal_user: User, n: int) -> None:
    for i in range(n):
        plan_version(client, practitioner)
        actions.suggest_change(
            client=client, section="reasons_for_living", text=f"Idea {i}", by=portal_user
        )


@pytest.mark.parametrize(
    "page",
    [
        lambda c: reverse("safetyplans:plan", args=[c.pk]),
        lambda c: reverse("safetyplans:history", args=[c.pk]),
        lambda c: reverse("safetyplans:suggestions", args=[c.pk]),
        lambda c: reverse("safetyplans:edit", args=[c.pk]),
        lambda c: reverse("clients:card", args=[c.pk]),
    ],
    ids=["plan", "history", "suggestions", "edit", "card"],
)
def test_staff_pages_do_not_grow_with_the_history(
    page: Callable[[Any], str],
    client_record: Any,
    practitioner: User,
    portal_user: User,
    as_user: Any,
) -> None:
    http = as_user(practitioner)
    _grow(client_record, practitioner, portal_user, 1)
    http.get(page(client_record))  # warm the session and caches
    few = _queries(http, page(client_record))
    _grow(client_record, practitioner, portal_user, 24)
    assert _queries(http, page(client_record)) == few


def test_the_portal_plan_does_not_grow_with_the_suggestions(
    client_record: Any, practitioner: User, portal_user: User, as_client: Any
) -> None:
    http = as_client(portal_user)
    _grow(client_record, practitioner, portal_user, 1)
    http.get(reverse("portal:safety_plan"))
    few = _queries(http, reverse("portal:safety_plan"))
    _grow(client_record, practitioner, portal_user, 15)
    assert _queries(http, reverse("portal:safety_plan")) == few
