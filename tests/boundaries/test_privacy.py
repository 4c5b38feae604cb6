"""A practitioner's declared circle and check results never reach anyone else.

A colleague keeps a private circle (with a canary name) and decides on a check (with a canary
reason). Then the practice owner, an administrator and someone from another practice open every
page in Frame they can reach — every route in the URLConf, plus the enquiry's card, check and
audit pages — and none of it may contain a trace.
"""

from __future__ import annotations

from typing import Any

import pytest
from django.urls import reverse

from frame.accounts.models import User
from frame.boundaries import actions
from frame.boundaries.models import Screening
from frame.clients import actions as client_actions
from tests.boundaries.conftest import CIRCLE_CANARY
from tests.test_url_sweep import ROUTES, World, _path

# No apostrophes or other characters HTML escapes: a canary must read the same on the page.
DECISION_CANARY = "Canary-decision: she is the sister of my former partner"
RELATIONSHIP_CANARY = "Canary-relationship: ex-partner"
TOWN_CANARY = "Canaryton-on-Sea"
CANARIES = [CIRCLE_CANARY, DECISION_CANARY, RELATIONSHIP_CANARY, TOWN_CANARY]


@pytest.fixture
def secrets(practitioner: User, colleague: User) -> dict[str, Any]:
    entry = actions.add_circle_entry(
        by=colleague, name=CIRCLE_CANARY, relationship=RELATIONSHIP_CANARY, town=TOWN_CANARY
    )
    # The colleague's own enquiry, and one shared with the practice owner; both match the canary.
    theirs = client_actions.create_client(
        by=colleague, details={"given_name": "Zephyrine", "family_name": "Quarington"}
    )
    shared = client_actions.create_client(
        by=colleague,
        details={"given_name": "Zephyrine", "family_name": "Quarringten"},
        practitioners=[practitioner],
    )
    for enquiry in (theirs, shared):
        run = Screening.objects.filter(client=enquiry, practitioner=colleague).latest("created_at")
        assert run.match_count >= 1  # the canary really was found: there is something to leak
        actions.record_decision(
            screening=run, by=colleague, decision="refer_on", reason=DECISION_CANARY
        )
    return {"entry": entry, "theirs": theirs, "shared": shared}


def _world(
    client_record: Any, person: Any, practitioner: Any, colleague: Any, administrator: Any,
    outsider: Any,
) -> World:  # fmt: skip
    return World(
        client_record=client_record,
        person=person,
        practitioner=practitioner,
        colleague=colleague,
        administrator=administrator,
        outsider=outsider,
        membership_id=colleague.membership.pk,  # the colleague's own page in the team list
    )


def _leaks(content: bytes) -> list[str]:
    return [canary for canary in CANARIES if canary.encode() in content]


@pytest.mark.parametrize("persona", ["practitioner", "administrator", "outsider"])
def test_no_page_anyone_else_can_reach_shows_the_circle_or_the_decision(
    request: Any,
    as_user: Any,
    secrets: dict[str, Any],
    client_record: Any,
    person: Any,
    practitioner: User,
    colleague: User,
    administrator: User,
    outsider: User,
    persona: str,
) -> None:
    world = _world(client_record, person, practitioner, colleague, administrator, outsider)
    http = as_user(request.getfixturevalue(persona))
    http.raise_request_exception = False
    paths = [
        _path(route, world)
        for route in ROUTES
        if route.namespace != "admin" and route.name not in {"account_logout", "admin:logout"}
    ]
    for enquiry in (secrets["theirs"], secrets["shared"]):
        paths += [
            reverse("clients:card", args=[enquiry.pk]),
            reverse("clients:access_log", args=[enquiry.pk]),
            reverse("boundaries:check", args=[enquiry.pk]),
            reverse("boundaries:log", args=[enquiry.pk]),
        ]
    paths += [
        reverse("boundaries:circle_edit", args=[secrets["entry"].pk]),
        reverse("boundaries:circle_remove", args=[secrets["entry"].pk]),
    ]
    seen = 0
    for path in paths:
        response = http.get(path)
        assert response.status_code < 500, f"{path}: {response.status_code}"
        assert not _leaks(response.content), f"{path} shows {_leaks(response.content)}"
        seen += response.status_code == 200
    assert seen >= 5, "hardly any page opened: the sweep proved nothing"


def test_the_owner_gets_404_for_the_colleagues_circle_and_check(
    as_user: Any, practitioner: User, secrets: dict[str, Any]
) -> None:
    http = as_user(practitioner)
    for path in (
        reverse("boundaries:circle_edit", args=[secrets["entry"].pk]),
        reverse("boundaries:check", args=[secrets["theirs"].pk]),
        reverse("clients:card", args=[secrets["theirs"].pk]),
    ):
        assert http.get(path).status_code == 404
    # On the enquiry they share, the owner sees their own check, never the colleague's.
    page = http.get(reverse("boundaries:check", args=[secrets["shared"].pk]))
    assert page.status_code == 200 and not _leaks(page.content)
    assert b"Your decision" not in page.content or DECISION_CANARY.encode() not in page.content


def test_administrators_never_see_the_check_even_on_the_card(
    as_user: Any, administrator: User, secrets: dict[str, Any]
) -> None:
    http = as_user(administrator)
    card = http.get(reverse("clients:card", args=[secrets["shared"].pk]))
    assert card.status_code == 200  # administrators see identity and contact on every card
    assert b"Dual-relationship check" not in card.content
    assert b'id="boundaries"' not in card.content
    assert http.get(reverse("boundaries:check", args=[secrets["shared"].pk])).status_code == 404


def test_the_colleague_sees_their_own(
    as_user: Any, colleague: User, secrets: dict[str, Any]
) -> None:
    """The canaries above are really on record: the colleague's own pages show them."""
    http = as_user(colleague)
    assert CIRCLE_CANARY.encode() in http.get(reverse("boundaries:circle")).content
    check = http.get(reverse("boundaries:check", args=[secrets["theirs"].pk])).content
    assert CIRCLE_CANARY.encode() in check and DECISION_CANARY.encode() in check
