"""Every URL in Frame refuses people who should not see it.

The sweep walks the whole URLConf — Frame's apps, allauth and the Django admin — so a view added
later is covered automatically. Each path parameter needs a value in PARAM_VALUES: a pattern with
an unknown parameter fails the test, so nobody can add a URL the sweep cannot reach.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import Any

import pytest
from django.test import Client as HttpClient
from django.urls import URLPattern, URLResolver, get_resolver, reverse

from frame.accounts.middleware import MFA_EXEMPT_URL_NAMES
from frame.portal.middleware import CLIENT_ALLOWED_URL_NAMES
from tests.confidentiality.sweep import sweep_register_entry
from tests.contracts.sweep import sweep_agreement, sweep_template
from tests.development.sweep import sweep_cpd_activity, sweep_journal_entry
from tests.factories.boundaries import BoundaryEventFactory, CircleEntryFactory
from tests.measures.sweep import (
    sweep_administration,
    sweep_alert,
    sweep_chart_share,
    sweep_request,
    sweep_schedule,
)
from tests.notes.sweep import sweep_goal, sweep_note_appointment, sweep_process_note
from tests.portal.factories import article_share_for, portal_user_for, signed_in_client
from tests.safety.sweep import sweep_assessment, sweep_flag
from tests.safetyplans.sweep import sweep_plan_version, sweep_suggestion
from tests.scheduling.sweep import sweep_break
from tests.supervision.sweep import sweep_action, sweep_pack, sweep_supervision


@dataclass(frozen=True)
class Route:
    name: str  # namespaced URL name, or the pattern text when unnamed
    params: tuple[str, ...]
    pattern: URLPattern
    prefix: str

    @property
    def namespace(self) -> str:
        return self.name.split(":")[0] if ":" in self.name else ""


def _walk(resolver: URLResolver, prefix: str = "", namespace: str = "") -> Iterator[Route]:
    for entry in resolver.url_patterns:
        if isinstance(entry, URLResolver):
            ns = (
                f"{namespace}:{entry.namespace}"
                if namespace and entry.namespace
                else (entry.namespace or namespace)
            )
            yield from _walk(entry, prefix + str(entry.pattern), ns)
        else:
            text = prefix + str(entry.pattern)
            params = tuple(_names(text))
            name = f"{namespace}:{entry.name}" if namespace and entry.name else (entry.name or text)
            yield Route(name=name, params=params, pattern=entry, prefix=prefix)


def _names(text: str) -> list[str]:
    return [a or b for a, b in re.findall(r"<(?:\w+:)?(\w+)>|\(\?P<(\w+)>", text)]


ROUTES = sorted(_walk(get_resolver()), key=lambda r: r.name)

# Pages anyone may open without signing in (they hold nothing private).
PUBLIC = {
    "account_login",
    "account_signup",
    "account_inactive",
    "account_reset_password",
    "account_reset_password_done",
    "account_reset_password_from_key",
    "account_reset_password_from_key_done",
    "account_confirm_email",
    "account_email_verification_sent",
    "account_confirm_login_code",
    "account_logout",
    "mfa_authenticate",
    "accounts:setup",
    "accounts:join",
    # The client portal's doors: signing in, accepting an invitation, a paused account.
    "portal:sign_in",
    "portal:password_reset",
    "portal:password_reset_done",
    "portal:paused",
    # Calendar feeds: calendar programs fetch them with the secret token alone.
    "scheduling:feed",
    "portal:calendar_feed",
    "portal:join",
    "portal:request_link",
}

# Path parameters that scope a page to one client: staff off the care team get 404.
CLIENT_SCOPED_PARAMS = {
    "client_id",
    "person_id",
    "event_id",
    "agreement_id",
    "administration_id",
    "alert_id",
}


# Diary records: an appointment is its client's; a planned break is its practitioner's alone, so
# colleagues and other practices get the same 404 for both.
CLIENT_SCOPED_PARAMS |= {"appointment_id", "break_id"}
# Notes: a process note is its author's alone; goals are the client's.
CLIENT_SCOPED_PARAMS |= {"process_note_id", "goal_id"}
# Measures: questionnaires sent to the portal, schedules and shared charts are the client's.
CLIENT_SCOPED_PARAMS |= {"request_id", "schedule_id", "chart_share_id"}
# Safety: risk flags and risk assessments are the client's (care team only).
CLIENT_SCOPED_PARAMS |= {"flag_id", "assessment_id"}
# Confidentiality register: an entry is its author's and the practice owner's alone.
CLIENT_SCOPED_PARAMS |= {"register_entry_id"}
# Journal entries and CPD activities are their practitioner's alone (owner included: 404).
CLIENT_SCOPED_PARAMS |= {"journal_entry_id", "cpd_activity_id"}

# Safety plans: a plan's versions and the client's suggestions are the client's.
CLIENT_SCOPED_PARAMS |= {"plan_version_id", "plan_suggestion_id"}

# Supervision: a log entry, its actions and packs are the practitioner's alone.
CLIENT_SCOPED_PARAMS |= {"supervision_id", "supervision_action_id", "supervision_pack_id"}


@dataclass
class World:
    client_record: Any
    person: Any
    practitioner: Any
    colleague: Any
    administrator: Any
    outsider: Any
    membership_id: int


PARAM_VALUES: dict[str, Callable[[World], Any]] = {
    "client_id": lambda w: w.client_record.pk,
    "person_id": lambda w: w.person.pk,
    "event_id": lambda w: (
        BoundaryEventFactory(client=w.client_record, created_by=w.practitioner).pk
    ),
    "entry_id": lambda w: CircleEntryFactory(owner=w.practitioner).pk,
    "member_id": lambda w: w.membership_id,
    "template_id": lambda w: sweep_template(w.practitioner).pk,
    "agreement_id": lambda w: sweep_agreement(w.client_record, w.practitioner).pk,
    "appointment_id": lambda w: sweep_note_appointment(w.client_record, w.practitioner).pk,
    "process_note_id": lambda w: sweep_process_note(w.client_record, w.practitioner).pk,
    "goal_id": lambda w: sweep_goal(w.client_record, w.practitioner).pk,
    "journal_entry_id": lambda w: sweep_journal_entry(w.practitioner, w.client_record).pk,
    "cpd_activity_id": lambda w: sweep_cpd_activity(w.practitioner).pk,
    "register_entry_id": lambda w: sweep_register_entry(w.client_record, w.practitioner).pk,
    "break_id": lambda w: sweep_break(w.practitioner).pk,
    "administration_id": lambda w: sweep_administration(w.client_record, w.practitioner).pk,
    "alert_id": lambda w: sweep_alert(w.client_record, w.practitioner).pk,
    "flag_id": lambda w: sweep_flag(w.client_record, w.practitioner).pk,
    "assessment_id": lambda w: sweep_assessment(w.client_record, w.practitioner).pk,
    "risk_version": lambda w: 1,
    "plan_version_id": lambda w: sweep_plan_version(w.client_record, w.practitioner).pk,
    "plan_suggestion_id": lambda w: sweep_suggestion(w.client_record, w.practitioner).pk,
    "supervision_id": lambda w: sweep_supervision(w.practitioner).pk,
    "supervision_action_id": lambda w: sweep_action(w.client_record, w.practitioner).pk,
    "supervision_pack_id": lambda w: sweep_pack(w.client_record, w.practitioner).pk,
    "instrument": lambda w: "phq9",
    "request_id": lambda w: sweep_request(w.client_record, w.practitioner).pk,
    "schedule_id": lambda w: sweep_schedule(w.client_record, w.practitioner).pk,
    "chart_share_id": lambda w: sweep_chart_share(w.client_record, w.practitioner).pk,
    "share_id": lambda w: article_share_for(w.client_record, by=w.practitioner).pk,
    "article_id": lambda w: (
        article_share_for(w.client_record, by=w.practitioner).version.article_id
    ),
    "token": lambda w: "not-a-real-token",
    "key": lambda w: "not-a-real-key",
    "uidb36": lambda w: "1",
    "pk": lambda w: 999999,
    "content_type_id": lambda w: "1",
    "object_id": lambda w: "1",
    "app_label": lambda w: "auth",
    "url": lambda w: "nothing-here/",
}


def _path(route: Route, world: World) -> str:
    missing = [p for p in route.params if p not in PARAM_VALUES]
    assert not missing, (
        f"{route.name}: no sweep value for path parameter(s) {missing}; add them to PARAM_VALUES"
    )
    kwargs = {p: PARAM_VALUES[p](world) for p in route.params}
    if route.pattern.name:
        return reverse(route.name, kwargs=kwargs)
    # An unnamed pattern (the admin's catch-alls): build the path by hand.
    text = route.prefix + str(route.pattern.pattern)
    for param, value in kwargs.items():
        text = re.sub(rf"<(?:\w+:)?{param}>|\(\?P<{param}>[^)]*\)", str(value), text)
    return "/" + text.replace("^", "").replace("$", "")


@pytest.fixture
def world(
    client_record: Any,
    person: Any,
    practitioner: Any,
    colleague: Any,
    administrator: Any,
    outsider: Any,
) -> World:
    return World(
        client_record=client_record,
        person=person,
        practitioner=practitioner,
        colleague=colleague,
        administrator=administrator,
        outsider=outsider,
        membership_id=practitioner.membership.pk,
    )


def _is_login_redirect(response: Any) -> bool:
    location = response.get("Location", "")
    return response.status_code == 302 and (
        location.startswith(reverse("account_login"))
        or location.startswith(reverse("admin:login"))
        or location.startswith(reverse("portal:sign_in"))
    )


@pytest.mark.parametrize("route", ROUTES, ids=lambda r: r.name)
def test_anonymous_visitors_are_sent_to_sign_in(
    route: Route, world: World, client: HttpClient
) -> None:
    path = _path(route, world)
    response = client.get(path)
    if route.name in PUBLIC:
        assert response.status_code in {200, 302, 404, 405}, f"{path} gave {response.status_code}"
        assert world.client_record.family_name.encode() not in response.content
        return
    assert _is_login_redirect(response), (
        f"{path} gave {response.status_code} to an anonymous visitor"
    )


def _refused(response: Any, world: World) -> bool:
    private = [world.client_record.family_name.encode(), world.client_record.case_code.encode()]
    leaked = any(marker in response.content for marker in private)
    return response.status_code in {302, 403, 404, 405} and not leaked


@pytest.mark.parametrize(
    "route", [r for r in ROUTES if CLIENT_SCOPED_PARAMS & set(r.params)], ids=lambda r: r.name
)
@pytest.mark.parametrize("persona", ["colleague", "outsider"])
def test_client_pages_refuse_staff_off_the_care_team(
    route: Route, persona: str, world: World, as_user: Any
) -> None:
    path = _path(route, world)
    http = as_user(getattr(world, persona))
    get, post = http.get(path), http.post(path, {})
    assert get.status_code in {404, 405} and _refused(get, world), f"GET {path}: {get.status_code}"
    assert post.status_code in {404, 405} and _refused(post, world), (
        f"POST {path}: {post.status_code}"
    )
    assert 404 in {get.status_code, post.status_code}, f"{path} must answer 404, not just 405"


@pytest.mark.parametrize(
    "route", [r for r in ROUTES if "member_id" in r.params], ids=lambda r: r.name
)
def test_member_pages_refuse_other_practices(route: Route, world: World, as_user: Any) -> None:
    path = _path(route, world)
    for response in (as_user(world.outsider).get(path), as_user(world.outsider).post(path, {})):
        assert response.status_code in {404, 405}, f"{path}: {response.status_code}"
        assert world.practitioner.email.encode() not in response.content


@pytest.mark.parametrize(
    "route",
    [
        r
        for r in ROUTES
        if r.name not in PUBLIC and r.name not in MFA_EXEMPT_URL_NAMES and r.namespace != "admin"
    ],
    ids=lambda r: r.name,
)
def test_staff_without_two_step_sign_in_reach_nothing(
    route: Route, world: World, client: HttpClient
) -> None:
    """A password alone opens no staff page: everyone is sent to set up MFA first."""
    path = _path(route, world)
    client.force_login(world.practitioner)
    response = client.get(path)
    assert response.status_code == 302, f"{path} gave {response.status_code} without MFA"
    assert response["Location"] == reverse("accounts:mfa_required"), (
        f"{path} → {response['Location']}"
    )


@pytest.mark.parametrize(
    "route", [r for r in ROUTES if r.namespace == "admin"], ids=lambda r: r.name
)
def test_django_admin_is_closed_to_practice_staff(route: Route, world: World, as_user: Any) -> None:
    path = _path(route, world)
    response = as_user(world.practitioner).get(path)
    assert response.status_code in {302, 403, 404}, (
        f"{path} gave {response.status_code} to a non-staff user"
    )


# Staff pages only: portal pages are for the client alone (staff get 404 there, tested below).
CLIENT_ROUTES = [
    r for r in ROUTES if CLIENT_SCOPED_PARAMS & set(r.params) and r.namespace != "portal"
]


def test_the_sweep_reaches_client_pages() -> None:
    assert len(CLIENT_ROUTES) >= 5, "the sweep found no client pages: has the URLConf changed?"


@pytest.mark.parametrize("route", CLIENT_ROUTES, ids=lambda r: r.name)
def test_the_care_team_can_open_client_pages(route: Route, world: World, as_user: Any) -> None:
    """The refusals above mean something only if the same address works for the care team."""
    path = _path(route, world)
    response = as_user(world.practitioner).get(path)
    assert response.status_code in {200, 302, 405}, f"{path} gave {response.status_code}"


# --- The client portal ----------------------------------------------------------------------------

PORTAL_ROUTES = [r for r in ROUTES if r.namespace == "portal"]
STAFF_ROUTES = [
    r for r in ROUTES if r.namespace != "portal" and r.name not in CLIENT_ALLOWED_URL_NAMES
]


@pytest.fixture
def portal_client(world: World) -> HttpClient:
    """A second client of the same practice and practitioner, signed in to their own portal."""
    from tests.factories import CareTeamMemberFactory, ClientFactory

    second = ClientFactory(
        practice=world.client_record.practice,
        created_by=world.practitioner,
        given_name="Dana",
        family_name="Whitlock",
    )
    CareTeamMemberFactory(client=second, user=world.practitioner)
    return signed_in_client(portal_user_for(second, invited_by=world.practitioner))


def test_the_sweep_reaches_portal_pages() -> None:
    assert len(PORTAL_ROUTES) >= 10, "the sweep found few portal pages: has the URLConf changed?"


@pytest.mark.parametrize(
    "route", [r for r in PORTAL_ROUTES if r.name not in PUBLIC], ids=lambda r: r.name
)
def test_anonymous_visitors_to_the_portal_go_to_its_sign_in(
    route: Route, world: World, client: HttpClient
) -> None:
    response = client.get(_path(route, world))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("portal:sign_in")), response["Location"]


@pytest.mark.parametrize("route", PORTAL_ROUTES, ids=lambda r: r.name)
@pytest.mark.parametrize("persona", ["practitioner", "administrator", "outsider"])
def test_staff_get_not_found_on_every_portal_page(
    route: Route, persona: str, world: World, as_user: Any
) -> None:
    path = _path(route, world)
    http = as_user(getattr(world, persona))
    for response in (http.get(path), http.post(path, {})):
        assert response.status_code in {404, 405}, f"{path}: {response.status_code}"
        assert _refused(response, world)


@pytest.mark.parametrize(
    "route", [r for r in PORTAL_ROUTES if r.params and r.name not in PUBLIC], ids=lambda r: r.name
)
def test_another_clients_ids_are_not_found_in_the_portal(
    route: Route, world: World, portal_client: HttpClient
) -> None:
    """Every id in a portal URL here belongs to `client_record`, not to the signed-in client."""
    path = _path(route, world)
    for response in (portal_client.get(path), portal_client.post(path, {})):
        assert response.status_code in {404, 405}, f"{path}: {response.status_code}"
        assert _refused(response, world)
    assert portal_client.get(path).status_code == 404


@pytest.mark.parametrize("route", STAFF_ROUTES, ids=lambda r: r.name)
def test_a_portal_client_gets_not_found_on_every_staff_page(
    route: Route, world: World, portal_client: HttpClient
) -> None:
    path = _path(route, world)
    for response in (portal_client.get(path), portal_client.post(path, {})):
        assert response.status_code == 404, f"{path}: {response.status_code}"
        assert _refused(response, world)


@pytest.mark.parametrize("route", [r for r in PORTAL_ROUTES if not r.params], ids=lambda r: r.name)
def test_a_portal_client_can_open_their_own_portal_pages(
    route: Route, world: World, portal_client: HttpClient
) -> None:
    """The refusals above mean something only if the portal itself works for its client."""
    response = portal_client.get(_path(route, world))
    assert response.status_code in {200, 302}, f"{route.name}: {response.status_code}"
    if response.status_code == 302:
        location = response["Location"]
        # Setting up two-step sign-in first asks the client to confirm their password.
        assert location.startswith(("/portal/", reverse("account_reauthenticate"))), location
