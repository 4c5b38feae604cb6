"""The header and cookie contract every Frame response keeps, for visitors and signed-in staff.

The pages come from the URLConf itself, so a view added later is checked without anyone
remembering to list it here.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator
from http.cookies import Morsel
from typing import Any
from urllib.parse import urlsplit

import pytest
from django.conf import settings
from django.test import Client as HttpClient
from django.urls import URLPattern, URLResolver, get_resolver, reverse

from tests.confidentiality.sweep import sweep_register_entry
from tests.contracts.sweep import sweep_agreement, sweep_template
from tests.development.sweep import sweep_cpd_activity, sweep_journal_entry
from tests.factories import TEST_PASSWORD
from tests.factories.boundaries import BoundaryEventFactory, CircleEntryFactory
from tests.measures.sweep import (
    sweep_administration,
    sweep_alert,
    sweep_chart_share,
    sweep_request,
    sweep_schedule,
)
from tests.notes.sweep import sweep_goal, sweep_note_appointment, sweep_process_note
from tests.portal.factories import article_share_for
from tests.safety.sweep import sweep_assessment, sweep_flag
from tests.safetyplans.sweep import sweep_plan_version, sweep_suggestion
from tests.scheduling.sweep import sweep_break
from tests.supervision.sweep import sweep_action, sweep_pack, sweep_supervision

# Values for path parameters. A route with a parameter missing here fails the sweep, so a new
# page cannot quietly escape the header checks.
PARAM_VALUES: dict[str, Callable[[dict[str, Any]], Any]] = {
    "client_id": lambda world: world["client_record"].pk,
    "person_id": lambda world: world["person"].pk,
    "event_id": lambda world: (
        BoundaryEventFactory(client=world["client_record"], created_by=world["practitioner"]).pk
    ),
    "entry_id": lambda world: CircleEntryFactory(owner=world["practitioner"]).pk,
    "member_id": lambda world: world["practitioner"].membership.pk,
    "appointment_id": lambda world: (
        sweep_note_appointment(world["client_record"], world["practitioner"]).pk
    ),
    "process_note_id": lambda world: (
        sweep_process_note(world["client_record"], world["practitioner"]).pk
    ),
    "goal_id": lambda world: sweep_goal(world["client_record"], world["practitioner"]).pk,
    "journal_entry_id": lambda world: (
        sweep_journal_entry(world["practitioner"], world["client_record"]).pk
    ),
    "cpd_activity_id": lambda world: sweep_cpd_activity(world["practitioner"]).pk,
    "register_entry_id": lambda world: (
        sweep_register_entry(world["client_record"], world["practitioner"]).pk
    ),
    "break_id": lambda world: sweep_break(world["practitioner"]).pk,
    "administration_id": lambda world: (
        sweep_administration(world["client_record"], world["practitioner"]).pk
    ),
    "alert_id": lambda world: sweep_alert(world["client_record"], world["practitioner"]).pk,
    "flag_id": lambda world: sweep_flag(world["client_record"], world["practitioner"]).pk,
    "assessment_id": lambda world: (
        sweep_assessment(world["client_record"], world["practitioner"]).pk
    ),
    "risk_version": lambda world: 1,
    "plan_version_id": lambda world: (
        sweep_plan_version(world["client_record"], world["practitioner"]).pk
    ),
    "plan_suggestion_id": lambda world: (
        sweep_suggestion(world["client_record"], world["practitioner"]).pk
    ),
    "supervision_id": lambda world: sweep_supervision(world["practitioner"]).pk,
    "supervision_action_id": lambda world: (
        sweep_action(world["client_record"], world["practitioner"]).pk
    ),
    "supervision_pack_id": lambda world: (
        sweep_pack(world["client_record"], world["practitioner"]).pk
    ),
    "instrument": lambda world: "phq9",
    "request_id": lambda world: sweep_request(world["client_record"], world["practitioner"]).pk,
    "schedule_id": lambda world: sweep_schedule(world["client_record"], world["practitioner"]).pk,
    "chart_share_id": lambda world: (
        sweep_chart_share(world["client_record"], world["practitioner"]).pk
    ),
    "share_id": lambda world: (
        article_share_for(world["client_record"], by=world["practitioner"]).pk
    ),
    "article_id": lambda world: (
        article_share_for(world["client_record"], by=world["practitioner"]).version.article_id
    ),
    "template_id": lambda world: sweep_template(world["practitioner"]).pk,
    "agreement_id": lambda world: sweep_agreement(world["client_record"], world["practitioner"]).pk,
    "session_id": lambda world: "1",
    "token": lambda world: "not-a-real-token",
    "key": lambda world: "not-a-real-key",
    "uidb36": lambda world: "1",
    "pk": lambda world: 999_999,
    "content_type_id": lambda world: "1",
    "object_id": lambda world: "1",
    "app_label": lambda world: "auth",
}

# Requests that would end the session being used for the sweep.
SKIP_WHEN_SIGNED_IN = {"account_logout", "admin:logout"}


def _named_routes(
    resolver: URLResolver, namespace: str = "", prefix: str = ""
) -> Iterator[tuple[str, tuple[str, ...]]]:
    for entry in resolver.url_patterns:
        if isinstance(entry, URLResolver):
            inner = entry.namespace or namespace
            if namespace and entry.namespace:
                inner = f"{namespace}:{entry.namespace}"
            yield from _named_routes(entry, inner, prefix + str(entry.pattern))
        elif isinstance(entry, URLPattern) and entry.name:
            text = prefix + str(entry.pattern)
            params = tuple(a or b for a, b in re.findall(r"<(?:\w+:)?(\w+)>|\(\?P<(\w+)>", text))
            yield (f"{namespace}:{entry.name}" if namespace else entry.name), params


def _paths(world: dict[str, Any]) -> list[tuple[str, str]]:
    paths = []
    for name, params in sorted(set(_named_routes(get_resolver()))):
        missing = [param for param in params if param not in PARAM_VALUES]
        assert not missing, f"{name}: add a value for {missing} to PARAM_VALUES"
        kwargs = {param: PARAM_VALUES[param](world) for param in params}
        paths.append((name, reverse(name, kwargs=kwargs)))
    return paths


@pytest.fixture
def world(client_record: Any, person: Any, practitioner: Any) -> dict[str, Any]:
    return {"client_record": client_record, "person": person, "practitioner": practitioner}


def _csp(response: Any) -> dict[str, list[str]]:
    header = response.get("Content-Security-Policy", "")
    directives: dict[str, list[str]] = {}
    for part in header.split(";"):
        words = part.split()
        if words:
            directives[words[0]] = words[1:]
    return directives


def _header_problems(response: Any, *, signed_in: bool) -> list[str]:
    problems = []
    csp = _csp(response)
    expected = {
        "default-src": ["'none'"],
        "object-src": ["'none'"],
        "base-uri": ["'none'"],
        "frame-ancestors": ["'none'"],
    }
    for directive, value in expected.items():
        if csp.get(directive) != value:
            problems.append(f"CSP {directive} is {csp.get(directive)}, not {value}")
    sources = " ".join(" ".join(values) for values in csp.values())
    for unsafe in ("'unsafe-inline'", "'unsafe-eval'", "*"):
        if unsafe in sources.split():
            problems.append(f"CSP allows {unsafe}")
    wanted = {
        "X-Content-Type-Options": "nosniff",
        "Referrer-Policy": "same-origin",
        "Cross-Origin-Opener-Policy": "same-origin",
        "X-Frame-Options": "DENY",
    }
    for header, value in wanted.items():
        if response.get(header) != value:
            problems.append(f"{header} is {response.get(header)!r}, not {value!r}")
    if signed_in and "no-store" not in response.get("Cache-Control", ""):
        problems.append(f"Cache-Control is {response.get('Cache-Control')!r}, without no-store")
    return problems


# src, href, action and friends pointing at another host (absolute or protocol-relative).
_EXTERNAL = re.compile(
    r"""\b(?:src|href|action|formaction|poster|srcset|data|content)\s*=\s*["']\s*((?:https?:)?//[^"'\s/]+)""",
    re.IGNORECASE,
)


def _external_hosts(html: str) -> set[str]:
    hosts = set()
    for match in _EXTERNAL.finditer(html):
        host = urlsplit(match.group(1) if "//" in match.group(1) else "//" + match.group(1))
        if host.hostname not in {"testserver", None}:
            hosts.add(match.group(1))
    return hosts


def _sweep(
    http: HttpClient, world: dict[str, Any], *, signed_in: bool
) -> tuple[list[str], dict[str, int]]:
    """Header problems found on every route, and the status each route answered with."""
    failures = []
    statuses = {}
    pages = 0
    http.raise_request_exception = False  # list a crashing page among the failures, then go on
    for name, path in _paths(world):
        if signed_in and name in SKIP_WHEN_SIGNED_IN:
            continue
        response = http.get(path)
        statuses[name] = response.status_code
        if response.status_code >= 500:
            failures.append(f"{path}: server error {response.status_code}")
        for problem in _header_problems(response, signed_in=signed_in):
            failures.append(f"{path} ({response.status_code}): {problem}")
        if response.status_code == 200 and "html" in response.get("Content-Type", ""):
            pages += 1
            for host in _external_hosts(response.content.decode()):
                failures.append(f"{path}: references the external host {host}")
    assert pages >= 2, "the sweep rendered almost nothing; is the URLConf loading?"
    return failures, statuses


def test_every_page_keeps_the_header_contract_for_visitors(
    client: HttpClient, world: dict[str, Any]
) -> None:
    failures, statuses = _sweep(client, world, signed_in=False)
    assert not failures, "\n".join(failures)
    assert statuses["account_login"] == 200


def test_every_page_keeps_the_header_contract_for_signed_in_staff(
    as_user: Any, world: dict[str, Any]
) -> None:
    http = as_user(world["practitioner"])
    failures, statuses = _sweep(http, world, signed_in=True)
    assert not failures, "\n".join(failures)
    # The sweep really saw the private pages, not just redirects to sign in.
    for name in ("home", "clients:list", "clients:card", "clients:edit", "accounts:team"):
        assert statuses[name] == 200, f"{name} answered {statuses[name]}"


def test_django_admin_pages_keep_the_header_contract(
    as_user: Any, world: dict[str, Any], practitioner: Any
) -> None:
    practitioner.is_staff = practitioner.is_superuser = True
    practitioner.save(update_fields=["is_staff", "is_superuser"])
    http = as_user(practitioner)
    response = http.get(reverse("admin:index"))
    assert response.status_code == 200
    assert not _header_problems(response, signed_in=True)
    assert not _external_hosts(response.content.decode())


def test_the_home_page_is_never_cached(as_user: Any, practitioner: Any) -> None:
    response = as_user(practitioner).get(reverse("home"))
    assert response.status_code == 200
    assert "no-store" in response["Cache-Control"]


def _flags(morsel: Morsel[str]) -> dict[str, Any]:
    return {
        "secure": bool(morsel["secure"]),
        "httponly": bool(morsel["httponly"]),
        "path": morsel["path"],
        "domain": morsel["domain"],
        "samesite": morsel["samesite"],
    }


@pytest.mark.django_db
def test_cookies_after_a_real_sign_in_are_host_only_secure_and_http_only(
    practitioner: Any,
) -> None:
    http = HttpClient(enforce_csrf_checks=True)
    login_page = http.get(reverse("account_login"))
    assert login_page.status_code == 200
    csrf = login_page.cookies[settings.CSRF_COOKIE_NAME]
    assert csrf.key.startswith("__Host-")
    assert _flags(csrf) | {"httponly": None} == {
        "secure": True,
        "httponly": None,
        "path": "/",
        "domain": "",
        "samesite": "Strict",
    }

    response = http.post(
        reverse("account_login"),
        {"login": practitioner.email, "password": TEST_PASSWORD, "csrfmiddlewaretoken": csrf.value},
    )
    assert response.status_code == 302, "the sign-in itself failed"
    session = response.cookies[settings.SESSION_COOKIE_NAME]
    assert session.key.startswith("__Host-")
    assert session.value
    assert _flags(session) == {
        "secure": True,
        "httponly": True,
        "path": "/",
        "domain": "",
        "samesite": "Lax",
    }
    raw = session.OutputString()
    assert "Domain=" not in raw and "Secure" in raw and "HttpOnly" in raw


@pytest.mark.parametrize("path", ["/.git/HEAD", "/.env", "/admin/", "/__debug__/", "/static/"])
@pytest.mark.django_db
def test_probe_paths_are_not_found(client: HttpClient, path: str) -> None:
    assert client.get(path).status_code == 404


@pytest.mark.django_db
def test_probe_paths_are_not_found_when_signed_in(as_user: Any, practitioner: Any) -> None:
    http = as_user(practitioner)
    for path in ("/.git/HEAD", "/admin/", "/wp-login.php"):
        assert http.get(path).status_code == 404, path


@pytest.mark.django_db
def test_trace_never_echoes_the_request(client: HttpClient) -> None:
    response = client.generic("TRACE", "/", HTTP_X_CANARY="trace-canary-7f3a")
    assert response.status_code != 200
    assert b"trace-canary-7f3a" not in response.content


def test_stylesheets_load_nothing_from_other_hosts() -> None:
    static = settings.BASE_DIR / "static"
    for stylesheet in static.rglob("*.css"):
        text = stylesheet.read_text()
        for match in re.finditer(
            r"""(?:url\(|@import)\s*["']?\s*((?:https?:)?//[^"')\s]+)""", text
        ):
            raise AssertionError(f"{stylesheet.name} loads {match.group(1)} from another host")
    assert list(static.rglob("*.css")), "no stylesheets found; has static/ moved?"
