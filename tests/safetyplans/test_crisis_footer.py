"""Crisis contacts and the practice's statement of when messages are read: at the foot of every
portal page (walked from the URLConf, so new portal pages are covered), narrowed to the client's
nation once their practitioner records it."""

from __future__ import annotations

from typing import Any

import pytest
from django.urls import reverse

from frame.accounts.models import User
from frame.audit.models import Action, AuditEvent
from frame.portal.crisis import UK_DEFAULTS
from frame.portal.models import CrisisContact
from frame.safetyplans import actions
from frame.safetyplans.models import DEFAULT_MESSAGES_STATEMENT
from tests.safetyplans.factories import plan_version
from tests.test_url_sweep import PARAM_VALUES, ROUTES, World, _path

pytestmark = pytest.mark.django_db

STATEMENT = "I read portal messages on Tuesday and Thursday mornings, never at weekends."


def _footer(response: Any) -> str:
    return response.content.decode().split('class="portal-footer"')[1]


def test_the_uk_defaults_are_exactly_the_verified_services() -> None:
    assert [(c.name, c.how_to_reach, c.nations) for c in UK_DEFAULTS] == [
        ("Emergency services", "Call 999", ""),
        ("NHS 111, mental health option", "Call 111 and choose option 2", "england"),
        ("Samaritans", "Call 116 123", ""),
        ("Shout", "Text SHOUT to 85258", ""),
        ("Childline", "Call 0800 1111", ""),
        ("Papyrus HOPELINE247", "Call 0800 068 4141", ""),
    ]


def test_every_portal_page_shows_the_contacts_and_when_messages_are_read(
    client_record: Any,
    person: Any,
    practitioner: User,
    colleague: User,
    administrator: User,
    outsider: User,
    portal_user: User,
    as_client: Any,
) -> None:
    actions.set_messages_statement(
        practice_id=client_record.practice_id, text=STATEMENT, by=practitioner
    )
    plan_version(client_record, practitioner)
    world = World(
        client_record=client_record,
        person=person,
        practitioner=practitioner,
        colleague=colleague,
        administrator=administrator,
        outsider=outsider,
        membership_id=practitioner.membership.pk,
    )
    http = as_client(portal_user)
    checked = []
    for route in (r for r in ROUTES if r.namespace == "portal"):
        if any(param not in PARAM_VALUES for param in route.params):
            continue  # the URL sweep itself fails for these
        path = _path(route, world)
        response = http.get(path)
        if response.status_code != 200 or "text/html" not in response["Content-Type"]:
            continue  # redirects, downloads and calendar files
        footer = _footer(response)
        for words in ("999", "option 2", "116 123", "85258", "0800 1111", "0800 068 4141"):
            assert words in footer, f"{route.name} lacks {words}"
        assert STATEMENT in footer, f"{route.name} lacks when messages are read"
        checked.append(route.name)
    assert {"portal:home", "portal:safety_plan", "portal:safety_plan_suggest"} <= set(checked)
    assert len(checked) >= 8, checked


def test_before_signing_in_the_footer_has_frames_statement(client: Any) -> None:
    footer = _footer(client.get(reverse("portal:sign_in")))
    assert DEFAULT_MESSAGES_STATEMENT in footer and "116 123" in footer


def test_a_recorded_nation_leaves_out_other_nations_lines(
    client_record: Any, practitioner: User, portal_user: User, as_client: Any, as_user: Any
) -> None:
    CrisisContact.objects.create(
        practice=client_record.practice,
        position=20,
        name="Breathing Space",
        how_to_reach="Call 0800 83 85 87",
        nations="scotland",
    )
    http = as_client(portal_user)
    footer = _footer(http.get(reverse("portal:home")))
    assert "option 2" in footer and "Breathing Space" in footer, "unknown: every line, labelled"
    assert "(Scotland)" in footer and "(England)" in footer

    staff = as_user(practitioner)
    path = reverse("safetyplans:nation", args=[client_record.pk])
    assert staff.post(path, {"nation": "scotland"}).status_code == 302
    footer = _footer(http.get(reverse("portal:home")))
    assert "Breathing Space" in footer and "116 123" in footer
    assert "option 2" not in footer

    staff.post(path, {"nation": "england"})
    footer = _footer(http.get(reverse("portal:home")))
    assert "option 2" in footer and "Breathing Space" not in footer
    events = AuditEvent.objects.filter(action=Action.CRISIS_NATION_SET)
    assert [e.detail["nation"] for e in events.order_by("seq")] == ["scotland", "england"]

    staff.post(path, {"nation": ""})
    footer = _footer(http.get(reverse("portal:home")))
    assert "option 2" in footer and "Breathing Space" in footer


@pytest.mark.parametrize("persona", ["colleague", "administrator", "outsider"])
def test_only_the_care_team_records_a_clients_nation(
    persona: str, client_record: Any, as_user: Any, request: Any
) -> None:
    http = as_user(request.getfixturevalue(persona))
    path = reverse("safetyplans:nation", args=[client_record.pk])
    assert http.post(path, {"nation": "wales"}).status_code == 404
    assert not AuditEvent.objects.filter(action=Action.CRISIS_NATION_SET).exists()


def test_the_footer_costs_the_same_queries_with_or_without_a_nation(
    client_record: Any,
    practitioner: User,
    portal_user: User,
    as_client: Any,
    django_assert_max_num_queries: Any,
) -> None:
    from frame.portal.crisis import crisis_panel

    with django_assert_max_num_queries(3):
        crisis_panel(client_record.practice_id, client_record.pk)
    actions.set_crisis_nation(client=client_record, nation="wales", by=practitioner)
    with django_assert_max_num_queries(3):
        panel = crisis_panel(client_record.practice_id, client_record.pk)
    assert "Call 111 and choose option 2" not in [c.how_to_reach for c in panel.contacts]


def test_the_contract_document_carries_the_practices_crisis_contacts(
    client_record: Any, practitioner: User
) -> None:
    from django.template.loader import render_to_string

    CrisisContact.objects.create(
        practice=client_record.practice,
        position=20,
        name="Harbourside Crisis Café",
        how_to_reach="Call 01632 960 123",
    )
    actions.set_messages_statement(
        practice_id=client_record.practice_id, text=STATEMENT, by=practitioner
    )
    html = render_to_string(
        "contracts/pdf/contract.html",
        {
            "heading": "Our agreement",
            "clauses": [],
            "crisis_practice_id": client_record.practice_id,
        },
    )
    assert "Harbourside Crisis Café" in html and "116 123" in html and STATEMENT in html
    anonymous = render_to_string("contracts/pdf/contract.html", {"heading": "x", "clauses": []})
    assert "116 123" in anonymous and "Harbourside" not in anonymous


def test_the_owner_finds_the_statement_from_the_crisis_contacts_page(
    practitioner: User, as_user: Any
) -> None:
    html = as_user(practitioner).get(reverse("portal_staff:crisis_contacts")).content.decode()
    assert reverse("safetyplans:messages_statement") in html
