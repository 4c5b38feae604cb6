"""The client list: search by name or case code, status filter, pages and empty states."""

from __future__ import annotations

import html
import re
from typing import Any

import pytest
from django.urls import reverse

from frame.audit.models import Action, AuditEvent
from frame.clients.listing import client_page
from frame.clients.models import Client
from tests.factories import CareTeamMemberFactory, ClientFactory


def names_on(response: Any) -> list[str]:
    assert response.status_code == 200
    found = re.findall(r'<a href="/clients/[0-9a-f-]{36}/">([^<]+)</a>', response.content.decode())
    return [html.unescape(name) for name in found]


@pytest.fixture
def caseload(practice: Any, practitioner: Any) -> dict[str, Client]:
    people = {
        "zoe": ("Zoë", "Brontë", "", "active"),
        "chloe": ("Chloé", "Núñez", "Clo", "assessment"),
        "sian": ("Siân", "O'Neill", "", "enquiry"),
        "samira": ("Samira", "Okafor", "Sam", "ended"),
        "archived": ("Tomás", "Åberg", "", "archived"),
    }
    made = {}
    for key, (given, family, preferred, status) in people.items():
        client = ClientFactory(
            practice=practice,
            created_by=practitioner,
            given_name=given,
            family_name=family,
            preferred_name=preferred,
            status=status,
        )
        CareTeamMemberFactory(client=client, user=practitioner)
        made[key] = client
    return made


def search(http: Any, **params: str) -> list[str]:
    return names_on(http.get(reverse("clients:list"), params))


def test_the_list_is_in_family_name_order_without_archived_clients(
    as_user: Any, practitioner: Any, caseload: Any
) -> None:
    assert search(as_user(practitioner)) == [
        "Brontë, Zoë",
        "Núñez, Chloé",
        "O'Neill, Siân",
        "Okafor, Samira",
    ]


@pytest.mark.parametrize(
    ("typed", "expected"),
    [
        # Results read in the order that matched: given name first, or family name first.
        ("zoe", ["Zoë Brontë"]),
        ("ZOË", ["Zoë Brontë"]),
        ("Zoe", ["Zoë Brontë"]),
        ("bronte", ["Brontë, Zoë"]),
        ("NUNEZ", ["Núñez, Chloé"]),
        ("chlo", ["Chloé Núñez"]),
        ("clo", ["Clo Núñez"]),  # preferred name
        ("sian", ["Siân O'Neill"]),
        ("o'n", ["O'Neill, Siân"]),
        ("sam", ["Sam Okafor"]),  # preferred and given name both match: listed once
        ("zoë brontë", ["Zoë Brontë"]),  # given then family
        ("bronte zo", ["Brontë, Zoë"]),  # family then given
        ("clo nun", ["Clo Núñez"]),  # preferred then family
        ("  sian  ", ["Siân O'Neill"]),
        ("nobody", []),
        ("eill", []),  # searches match the start of a name, not the middle
    ],
)
def test_search_ignores_accents_and_capitals(
    as_user: Any, practitioner: Any, caseload: Any, typed: str, expected: list[str]
) -> None:
    assert search(as_user(practitioner), q=typed) == expected


def test_search_lists_each_client_once_in_order_of_the_matching_name(
    as_user: Any, practice: Any, practitioner: Any
) -> None:
    for given, family in [("Morgan", "Morris"), ("Anne", "Moreton"), ("Morwenna", "Hale")]:
        client = ClientFactory(
            practice=practice, created_by=practitioner, given_name=given, family_name=family
        )
        CareTeamMemberFactory(client=client, user=practitioner)
    assert search(as_user(practitioner), q="mor") == [
        "Moreton, Anne",
        "Morgan Morris",  # "morgan morris" sorts before "morris morgan": shown once, given first
        "Morwenna Hale",
    ]


def test_search_by_case_code(as_user: Any, practitioner: Any, caseload: Any) -> None:
    zoe = caseload["zoe"]
    http = as_user(practitioner)
    assert "Brontë, Zoë" in search(http, q=zoe.case_code)
    assert "Brontë, Zoë" in search(http, q=zoe.case_code.lower()[:4])


def test_status_filter(as_user: Any, practitioner: Any, caseload: Any) -> None:
    http = as_user(practitioner)
    assert search(http, status="archived") == ["Åberg, Tomás"]
    assert search(http, status="ended") == ["Okafor, Samira"]
    assert len(search(http, status="all")) == 5
    assert search(http, status="archived", q="tomas") == ["Tomás Åberg"]
    assert search(http, q="tomas") == []  # archived clients leave the everyday list


def test_an_unknown_status_is_explained_not_an_error(
    as_user: Any, practitioner: Any, caseload: Any
) -> None:
    response = as_user(practitioner).get(reverse("clients:list"), {"status": "paused"})
    assert response.status_code == 200
    assert b"That status is not one Frame knows" in response.content
    assert len(names_on(response)) == 4


def test_an_over_long_search_is_explained_not_an_error(
    as_user: Any, practitioner: Any, caseload: Any
) -> None:
    response = as_user(practitioner).get(reverse("clients:list"), {"q": "z" * 500})
    assert response.status_code == 200
    assert b"Searches can be at most 100 characters" in response.content
    assert b'value="' + b"z" * 500 in response.content  # what was typed is kept


@pytest.mark.parametrize("cursor", ["nonsense", "1", "", "00000000-0000-0000-0000-000000000000"])
def test_bad_page_cursors_show_the_first_page(
    as_user: Any, practitioner: Any, caseload: Any, cursor: str
) -> None:
    http = as_user(practitioner)
    for direction in ("after", "before"):
        assert search(http, **{direction: cursor})[0] == "Brontë, Zoë"


def test_searching_is_audited_without_the_words_searched_for(
    as_user: Any, practitioner: Any, caseload: Any
) -> None:
    http = as_user(practitioner)
    http.get(reverse("clients:list"))
    assert not AuditEvent.objects.filter(action=Action.CLIENT_LIST_SEARCHED).exists()
    http.get(reverse("clients:list"), {"q": "Brontë", "status": "active"})
    (event,) = AuditEvent.objects.filter(action=Action.CLIENT_LIST_SEARCHED)
    assert event.detail == {"status": "active", "results": 1}
    assert "ront" not in str(AuditEvent.objects.values_list())


def test_previous_and_next_walk_every_client_once(
    as_user: Any, practitioner: Any, make_clients: Any, settings: Any
) -> None:
    settings.FRAME_PAGE_SIZE = 4
    make_clients(6, family_name="Lloyd")  # equal names: the id breaks ties
    make_clients(5)
    http = as_user(practitioner)
    expected = list(
        Client.objects.order_by("sort_key", "id").values_list("family_name", "given_name")
    )
    seen: list[str] = []
    response = http.get(reverse("clients:list"))
    pages = 0
    while True:
        pages += 1
        seen += names_on(response)
        content = response.content.decode()
        assert ("Previous" in content) == (pages > 1)
        found = re.search(r'href="(\?after=[^"]+)" rel="next"', content)
        if not found:
            break
        response = http.get(reverse("clients:list") + found.group(1).replace("&amp;", "&"))
    assert pages == 3
    assert seen == [f"{family}, {given}" for family, given in expected]
    # and back again
    back: list[str] = []
    while True:
        found = re.search(r'href="(\?before=[^"]+)" rel="prev"', response.content.decode())
        if not found:
            break
        response = http.get(reverse("clients:list") + found.group(1).replace("&amp;", "&"))
        back = names_on(response) + back
    assert back == seen[:8]  # from the last page back to the first, with nothing skipped


def test_pages_keep_the_search_and_filter(
    as_user: Any, practitioner: Any, make_clients: Any, settings: Any
) -> None:
    settings.FRAME_PAGE_SIZE = 2
    make_clients(3, family_name="Pryce", status="active")
    make_clients(3, family_name="Pryce", status="ended")
    http = as_user(practitioner)
    response = http.get(reverse("clients:list"), {"q": "pryce", "status": "active"})
    next_link = re.search(r'href="(\?[^"]+)" rel="next"', response.content.decode())
    assert next_link is not None
    query = next_link.group(1).replace("&amp;", "&")
    assert "q=pryce" in query and "status=active" in query
    assert len(names_on(http.get(reverse("clients:list") + query))) == 1


def test_empty_states_say_what_to_do(
    as_user: Any, practitioner: Any, administrator: Any, supervisor: Any
) -> None:
    assert b"Add your first client" in as_user(practitioner).get(reverse("clients:list")).content
    response = as_user(practitioner).get(reverse("clients:list"), {"q": "Zed"})
    assert "No clients have a name or case code starting with “Zed”" in response.content.decode()
    response = as_user(practitioner).get(reverse("clients:list"), {"status": "archived"})
    assert b"No clients are archived at the moment" in response.content
    assert b"not open to your role" in as_user(supervisor).get(reverse("clients:list")).content


def test_a_small_caseload_in_a_big_practice_lists_only_its_own_clients(
    practitioner: Any, colleague: Any, make_clients: Any
) -> None:
    """The list starts from the colleague's own care-team links (see listing._visible)."""
    make_clients(30)
    mine = make_clients(3, team=[colleague])
    page = client_page(colleague)
    assert {row.id for row in page.clients} == {c.pk for c in mine}
    assert page.next_after is None


@pytest.mark.parametrize("typed", ["%", "_", "' OR 1=1 --", "\\", "🙂"])
def test_odd_searches_match_nothing_and_never_fail(
    as_user: Any, practitioner: Any, caseload: Any, typed: str
) -> None:
    """No LIKE, so no wildcards: a search is a plain range over keys."""
    assert search(as_user(practitioner), q=typed) == []


@pytest.mark.parametrize("typed", ["\u0301", "   ", "\x00"])
def test_searches_with_nothing_to_search_for_show_the_list(
    as_user: Any, practitioner: Any, caseload: Any, typed: str
) -> None:
    http = as_user(practitioner)
    assert search(http, q=typed) == search(http)
