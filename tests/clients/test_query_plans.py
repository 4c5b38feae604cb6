"""SQLite's query plans for the list and search: index ranges that stop early, no table scans.

A plan is chosen from the shape of the query and the indexes (and from statistics once ANALYZE
has run), not from the number of rows, so a practice of a couple of thousand clients shows the
plan a practice of fifty thousand gets. Both are checked: without statistics, and after ANALYZE.
"""

from __future__ import annotations

from typing import Any

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from frame.accounts.models import Role
from frame.clients.listing import SMALL_CASELOAD, client_page
from frame.clients.models import Client
from tests.factories import ClientFactory, MembershipFactory

pytestmark = pytest.mark.skipif(
    connection.vendor != "sqlite", reason="EXPLAIN QUERY PLAN is SQLite's; PostgreSQL plans differ"
)


def plans(user: Any, **kwargs: Any) -> list[str]:
    """EXPLAIN QUERY PLAN for each query client_page runs against the client table."""
    with CaptureQueriesContext(connection) as captured:
        client_page(user, **kwargs)
    found = []
    with connection.cursor() as cursor:
        for query in captured.captured_queries:
            if 'FROM "clients_client"' not in query["sql"]:
                continue
            cursor.execute("EXPLAIN QUERY PLAN " + query["sql"])
            found.append("\n".join(row[3] for row in cursor.fetchall()))
    assert found, "client_page ran no query against clients_client"
    return found


def assert_no_table_scan(plan: str) -> None:
    assert "SCAN clients_client" not in plan, plan
    # Walking only the practice (practice_id=?) and filtering row by row is a scan in disguise.
    for line in plan.splitlines():
        if "clients_client USING" in line and line.rstrip().endswith("(practice_id=?)"):
            assert "client_practice_sort_idx" in line, plan  # the ordered walk that stops early


@pytest.fixture
def big_practice(practice: Any, practitioner: Any, colleague: Any, make_clients: Any) -> Any:
    """Two practitioners with large caseloads, one with a small one, and another practice."""
    make_clients(SMALL_CASELOAD + 300, team=[practitioner])
    make_clients(SMALL_CASELOAD + 300, team=[colleague], status="active")
    newcomer = MembershipFactory(practice=practice, role=Role.PRACTITIONER).user
    make_clients(5, team=[newcomer])
    ClientFactory.create_batch(20)  # other practices
    return {"practitioner": practitioner, "newcomer": newcomer}


@pytest.fixture(params=["no statistics", "after ANALYZE"])
def statistics(request: Any, big_practice: Any) -> Any:
    if request.param == "after ANALYZE":
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE")
    yield request.param
    with connection.cursor() as cursor:
        cursor.execute("DROP TABLE IF EXISTS sqlite_stat1")


def test_the_first_page_reads_the_name_index_in_order(
    big_practice: Any, administrator: Any, statistics: str
) -> None:
    for user in (big_practice["practitioner"], administrator):
        (plan,) = plans(user)
        assert "client_practice_sort_idx" in plan, plan
        assert "TEMP B-TREE" not in plan, plan  # no sort: the index is already in order
        assert_no_table_scan(plan)
        (plan,) = plans(user, status="active")
        assert "client_status_sort_idx" in plan and "TEMP B-TREE" not in plan, plan


def test_searches_read_matches_in_order_from_the_search_key_index(
    big_practice: Any, administrator: Any, statistics: str
) -> None:
    """However many clients share a prefix, the index hands them over in the order shown, so
    the database reads about a page of them and stops: no gathering, no sorting."""
    for user in (big_practice["practitioner"], administrator):
        for query in ("smi", "zoë brontë", "ABC"):
            (plan,) = plans(user, query=query)
            first = plan.splitlines()[0]
            assert first.startswith("SEARCH clients_searchkey USING INDEX client_search_key_idx")
            assert "(practice_id=? AND key>? AND key<?)" in first, plan
            assert "TEMP B-TREE" not in plan, plan
            assert_no_table_scan(plan)


def test_a_small_caseload_searches_its_own_clients_keys(big_practice: Any, statistics: str) -> None:
    """Not every client in the practice who shares the prefix: only the newcomer's five."""
    (plan,) = plans(big_practice["newcomer"], query="a")
    first = plan.splitlines()[0]
    assert first == "SEARCH clients_client USING INDEX sqlite_autoindex_clients_client_1 (id=?)"
    assert "sqlite_autoindex_clients_searchkey_1 (client_id=? AND key>? AND key<?)" in plan
    assert_no_table_scan(plan)


def test_the_next_page_of_a_search_starts_where_the_last_one_ended(
    big_practice: Any, statistics: str
) -> None:
    user = big_practice["practitioner"]
    first_page = client_page(user, query="a")
    assert first_page.next_after is not None
    position, page = plans(user, query="a", after=first_page.next_after)
    assert "sqlite_autoindex_clients_searchkey_1 (client_id=? AND key>? AND key<?)" in position
    assert page.splitlines()[0].startswith("SEARCH clients_searchkey USING INDEX")
    assert "TEMP B-TREE" not in page, page


def test_a_small_caseload_starts_from_its_own_clients(big_practice: Any, statistics: str) -> None:
    (plan,) = plans(big_practice["newcomer"])
    assert "sqlite_autoindex_clients_client_1 (id=?)" in plan, plan
    assert_no_table_scan(plan)


def test_the_next_page_starts_where_the_last_one_ended(big_practice: Any, statistics: str) -> None:
    user = big_practice["practitioner"]
    last = Client.objects.filter(care_team__user=user).order_by("sort_key", "id")[49]
    cursor_lookup, page = plans(user, after=last.pk)
    assert "(id=?)" in cursor_lookup
    assert "sort_key>?" in page and "TEMP B-TREE" not in page, page
    assert_no_table_scan(page)
