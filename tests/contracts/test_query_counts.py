"""The card sections and contract pages cost the same number of queries at any history size."""

from __future__ import annotations

from typing import Any

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from frame.contracts import actions
from frame.contracts.terms import Terms
from tests.contracts.conftest import agree, edit_clause

pytestmark = pytest.mark.django_db


def _grow(client: Any, by: Any, template: Any, rounds: int) -> None:
    """Versions, agreements and preferences: everything a long history holds."""
    for n in range(rounds):
        edit_clause(template, by, "gifts", f"Gifts, round {n}.")
        actions.set_client_terms(client=client, by=by, terms=Terms(fee_pence=5000 + n))
        agree(client, by)
        actions.set_chance_encounter(client=client, by=by, choice="say_hello", note=f"n{n}")
        actions.set_chance_encounter_by_client(client=client, by=None, choice="nod_or_smile")
    # End with a pending change, so the re-agreement alert and its differences are built too.
    edit_clause(template, by, "gifts", "Gifts, changed again.")


def _count(http: Any, url: str) -> int:
    http.get(url)  # the first request of a session does its own bookkeeping; count the next
    with CaptureQueriesContext(connection) as queries:
        response = http.get(url)
    assert response.status_code == 200
    return len(queries)


@pytest.mark.parametrize(
    "page", ["clients:card", "contracts:client_contract", "contracts:chance_encounter"]
)
def test_pages_cost_the_same_with_a_long_history(
    page: str, client_record: Any, practitioner: Any, template: Any, as_user: Any
) -> None:
    http = as_user(practitioner)
    url = reverse(page, args=[client_record.pk])
    _grow(client_record, practitioner, template, 1)
    small = _count(http, url)
    _grow(client_record, practitioner, template, 6)
    large = _count(http, url)
    assert small == large, f"{page}: {small} queries with a short history, {large} with a long one"


def test_the_template_list_costs_the_same_with_many_templates(
    practitioner: Any, template: Any, as_user: Any
) -> None:
    http = as_user(practitioner)
    url = reverse("contracts:templates")
    small = _count(http, url)
    for n in range(5):
        copy = actions.copy_template(source=template, by=practitioner, name=f"Copy {n}")
        edit_clause(copy, practitioner, "gifts", f"Copy {n} gifts.")
    assert _count(http, url) == small
