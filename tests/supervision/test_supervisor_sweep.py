"""The URL sweep again, for a supervisor: they reach no client page anywhere in Frame.

The project-wide sweep (tests/test_url_sweep.py) has no supervisor persona; this reuses its
routes and parameter values so every client-scoped page, now and later, is checked for one.
"""

from __future__ import annotations

from typing import Any

import pytest

import tests.test_url_sweep as sweep

CLIENT_ROUTES = [
    r
    for r in sweep.ROUTES
    if sweep.CLIENT_SCOPED_PARAMS & set(r.params) and r.namespace != "portal"
]
OWN_PAGES = [r for r in sweep.ROUTES if r.namespace == "supervision" and not r.params]
SUPERVISOR_PAGES = {"supervision:shared", "supervision:shared_notes"}


@pytest.fixture
def world(
    client_record: Any,
    person: Any,
    practitioner: Any,
    colleague: Any,
    administrator: Any,
    outsider: Any,
) -> sweep.World:
    return sweep.World(
        client_record=client_record,
        person=person,
        practitioner=practitioner,
        colleague=colleague,
        administrator=administrator,
        outsider=outsider,
        membership_id=practitioner.membership.pk,
    )


def test_the_sweep_reaches_supervision_pages() -> None:
    names = {r.name for r in CLIENT_ROUTES}
    assert {"supervision:detail", "supervision:pack", "supervision:shared_pack"} <= names


@pytest.mark.parametrize("route", CLIENT_ROUTES, ids=lambda r: r.name)
def test_a_supervisor_gets_not_found_on_every_client_page(
    route: Any, world: sweep.World, supervisor: Any, as_user: Any
) -> None:
    path = sweep._path(route, world)
    http = as_user(supervisor)
    get, post = http.get(path), http.post(path, {})
    assert get.status_code in {404, 405} and sweep._refused(get, world), f"GET {path}"
    assert post.status_code in {404, 405} and sweep._refused(post, world), f"POST {path}"
    assert 404 in {get.status_code, post.status_code}, f"{path} must answer 404"


@pytest.mark.parametrize("route", OWN_PAGES, ids=lambda r: r.name)
def test_supervisor_and_practitioner_pages_are_apart(
    route: Any, world: sweep.World, supervisor: Any, as_user: Any
) -> None:
    path = sweep._path(route, world)
    as_supervisor = as_user(supervisor).get(path).status_code
    as_practitioner = as_user(world.practitioner).get(path).status_code
    as_administrator = as_user(world.administrator).get(path).status_code
    if route.name in SUPERVISOR_PAGES:
        assert (as_supervisor, as_practitioner, as_administrator) == (200, 404, 404)
    else:
        assert as_supervisor == 404 and as_administrator == 404
        assert as_practitioner == 200
