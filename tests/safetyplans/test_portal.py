"""The client's safety plan in the portal: only their own, the reviewed version, downloads, and
suggestions that never overwrite the plan."""

from __future__ import annotations

from typing import Any

import pytest
import vobject
from django.urls import reverse

from frame.accounts.models import User
from frame.audit.models import Action, AuditEvent
from frame.safetyplans.models import SafetyPlan, SafetyPlanVersion, Suggestion
from tests.safetyplans.factories import SECTIONS, plan_version

pytestmark = pytest.mark.django_db


def test_the_client_reads_their_current_reviewed_plan(
    client_record: Any, practitioner: User, portal_user: User, as_client: Any
) -> None:
    plan_version(client_record, practitioner, sections={**SECTIONS, "on_my_own": "Old words"})
    plan_version(client_record, practitioner)
    http = as_client(portal_user)
    html = http.get(reverse("portal:safety_plan")).content.decode()
    assert "Walk the long way round the reservoir." in html
    assert "Old words" not in html
    assert "07700 900123" in html
    home = http.get(reverse("portal:home")).content.decode()
    assert "You have a safety plan" in home
    event = AuditEvent.objects.get(action=Action.SAFETY_PLAN_VIEWED)
    assert event.actor_role == "client"


def test_another_clients_plan_never_shows(
    client_record: Any,
    practitioner: User,
    other_portal_user: User,
    as_client: Any,
) -> None:
    plan_version(client_record, practitioner)
    http = as_client(other_portal_user)
    html = http.get(reverse("portal:safety_plan")).content.decode()
    assert "There is no safety plan here yet" in html
    assert "reservoir" not in html
    for name in (
        "portal:safety_plan_pdf",
        "portal:safety_plan_vcard",
        "portal:safety_plan_suggest",
    ):
        response = http.get(reverse(name))
        assert response.status_code == 302 and response["Location"] == reverse("portal:safety_plan")
    assert "safety plan" not in http.get(reverse("portal:home")).content.decode().lower()


def test_staff_get_not_found_on_the_portal_plan(
    client_record: Any, practitioner: User, as_user: Any
) -> None:
    plan_version(client_record, practitioner)
    assert as_user(practitioner).get(reverse("portal:safety_plan")).status_code == 404


def test_the_client_downloads_a_pdf_and_their_phone_numbers(
    client_record: Any, practitioner: User, portal_user: User, as_client: Any
) -> None:
    plan_version(client_record, practitioner)
    http = as_client(portal_user)
    pdf = http.get(reverse("portal:safety_plan_pdf"))
    assert pdf.content.startswith(b"%PDF")
    response = http.get(reverse("portal:safety_plan_vcard"))
    assert response["Content-Type"] == "text/vcard; charset=utf-8"
    assert 'filename="safety-plan-contacts-version-1.vcf"' in response["Content-Disposition"]
    cards = list(vobject.readComponents(response.content.decode()))
    phones = [tel.value for card in cards for tel in card.contents["tel"]]
    for number in ("07700 900123", "01632 960 555", "999", "111", "116 123", "85258"):
        assert number in phones
    assert "0800 1111" in phones and "0800 068 4141" in phones
    assert all(card.fn.value for card in cards)


def test_a_suggestion_never_overwrites_the_reviewed_plan(
    client_record: Any, practitioner: User, portal_user: User, as_client: Any
) -> None:
    version = plan_version(client_record, practitioner)
    http = as_client(portal_user)
    form = http.get(reverse("portal:safety_plan_suggest") + "?section=on_my_own")
    html = form.content.decode()
    assert "116 123" in html.split('class="portal-footer"')[0], "crisis lines beside the form"
    assert "When messages are read" in html.split('class="portal-footer"')[0]
    # A crafted post that also tries to set plan fields and versions directly.
    response = http.post(
        reverse("portal:safety_plan_suggest"),
        {
            "section": "on_my_own",
            "text": "Add: listen to the radio.",
            "content": "{}",
            "current_version": "",
            "based_on": "0",
            "on_my_own": "Overwritten!",
            "status": "accepted",
        },
    )
    assert response.status_code == 302
    plan = SafetyPlan.objects.get(client=client_record)
    assert plan.current_version_id == version.pk
    assert SafetyPlanVersion.objects.count() == 1
    assert SafetyPlanVersion.objects.get().sections == version.sections
    suggestion = Suggestion.objects.get()
    assert (suggestion.status, suggestion.text) == ("pending", "Add: listen to the radio.")
    page = http.get(reverse("portal:safety_plan")).content.decode()
    assert "Add: listen to the radio." in page and "Waiting for review" in page
    assert "Overwritten!" not in page
    event = AuditEvent.objects.get(action=Action.SAFETY_PLAN_SUGGESTED)
    assert event.detail == {"section": "on_my_own"} and event.actor_role == "client"


def test_an_empty_or_unknown_suggestion_is_refused_plainly(
    client_record: Any, practitioner: User, portal_user: User, as_client: Any
) -> None:
    plan_version(client_record, practitioner)
    http = as_client(portal_user)
    response = http.post(reverse("portal:safety_plan_suggest"), {"section": "nope", "text": ""})
    assert response.status_code == 400
    html = response.content.decode()
    assert "Write the change you would like before sending it." in html
    assert "Choose which part of your plan this is about." in html
    assert not Suggestion.objects.exists()
