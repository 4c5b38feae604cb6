"""The practitioner's pages: the plan, writing a version, history and compare, downloads,
reviewing the client's suggestions. Care team only; everyone else gets the same 404."""

from __future__ import annotations

from typing import Any

import pytest
import vobject
from django.urls import reverse
from django.utils import timezone

from frame.accounts.models import User
from frame.audit.models import Action, AuditEvent
from frame.safetyplans import actions
from frame.safetyplans.models import SafetyPlan, SafetyPlanVersion, Suggestion
from tests.factories import CareTeamMemberFactory, ClientFactory
from tests.safetyplans.factories import SECTIONS, plan_version

pytestmark = pytest.mark.django_db


def _plan_post(based_on: int, **changes: str) -> dict[str, str]:
    data = {
        "made_with_client_on": timezone.localdate().isoformat(),
        "based_on": str(based_on),
        **SECTIONS,
        "contact_0_name": "Tomasz",
        "contact_0_role": "brother",
        "contact_0_phone": "07700 900123",
        "contact_0_when": "Evenings",
        "contact_1_name": "",
        "contact_1_role": "",
        "contact_1_phone": "",
        "contact_1_when": "",
        "contact_2_name": "",
        "contact_2_role": "",
        "contact_2_phone": "",
        "contact_2_when": "",
    }
    data.update(changes)
    return data


def test_the_practitioner_writes_the_first_plan_and_a_second_version(
    client_record: Any, practitioner: User, as_user: Any
) -> None:
    http = as_user(practitioner)
    page = http.get(reverse("safetyplans:plan", args=[client_record.pk]))
    assert page.status_code == 200
    assert "There is no safety plan yet" in page.content.decode()
    edit = reverse("safetyplans:edit", args=[client_record.pk])
    assert "Signs that a hard time may be coming" in http.get(edit).content.decode()
    response = http.post(edit, _plan_post(0))
    assert response.status_code == 302
    response = http.post(edit, _plan_post(1, on_my_own="Ring the allotment group."))
    assert response.status_code == 302
    versions = list(SafetyPlanVersion.objects.filter(plan__client=client_record))
    assert [v.number for v in versions] == [2, 1]
    assert versions[0].sections["on_my_own"] == "Ring the allotment group."
    html = http.get(reverse("safetyplans:plan", args=[client_record.pk])).content.decode()
    assert "Version 2" in html and "Ring the allotment group." in html
    assert "07700 900123" in html
    assert "116 123" in html, "the crisis lines are part of the plan"
    history = http.get(reverse("safetyplans:history", args=[client_record.pk])).content.decode()
    assert "Version 1" in history and "Version 2" in history
    compare = http.get(
        reverse("safetyplans:version", args=[client_record.pk, versions[0].pk])
    ).content.decode()
    assert "Compared with version 1: 1 part changed" in compare
    assert "Walk the long way round the reservoir." in compare  # the words before


def test_a_form_with_problems_keeps_what_was_typed(
    client_record: Any, practitioner: User, as_user: Any
) -> None:
    response = as_user(practitioner).post(
        reverse("safetyplans:edit", args=[client_record.pk]),
        _plan_post(0, contact_0_phone="", made_with_client_on=""),
    )
    assert response.status_code == 400
    html = response.content.decode()
    assert "Give the date you made this plan together." in html
    assert "Walk the long way round the reservoir." in html
    assert not SafetyPlanVersion.objects.exists()


def test_a_stale_form_is_refused_and_keeps_its_words(
    client_record: Any, practitioner: User, as_user: Any
) -> None:
    plan_version(client_record, practitioner)
    plan_version(client_record, practitioner)
    response = as_user(practitioner).post(
        reverse("safetyplans:edit", args=[client_record.pk]),
        _plan_post(1, reasons_for_living="My words from the stale tab"),
    )
    assert response.status_code == 400
    html = response.content.decode()
    assert "Someone saved a newer version" in html
    assert "My words from the stale tab" in html
    assert SafetyPlanVersion.objects.count() == 2


def test_downloads_give_a_pdf_and_a_vcard_that_parses(
    client_record: Any, practitioner: User, as_user: Any
) -> None:
    version = plan_version(client_record, practitioner)
    http = as_user(practitioner)
    pdf = http.get(reverse("safetyplans:version_pdf", args=[client_record.pk, version.pk]))
    assert pdf["Content-Type"] == "application/pdf"
    assert pdf.content.startswith(b"%PDF")
    assert "safety-plan-version-1.pdf" in pdf["Content-Disposition"]
    card = http.get(reverse("safetyplans:version_vcard", args=[client_record.pk, version.pk]))
    assert card["Content-Type"].startswith("text/vcard")
    cards = list(vobject.readComponents(card.content.decode()))
    numbers = {c.fn.value: [t.value for t in c.contents["tel"]] for c in cards}
    assert numbers["Tomasz"] == ["07700 900123"]
    assert numbers["Samaritans"] == ["116 123"]
    assert numbers["Shout"] == ["85258"]
    kinds = [
        e.detail["kind"] for e in AuditEvent.objects.filter(action=Action.SAFETY_PLAN_DOWNLOADED)
    ]
    assert kinds == ["pdf", "vcard"]


@pytest.mark.parametrize("persona", ["colleague", "administrator", "outsider"])
def test_everyone_off_the_care_team_gets_not_found(
    persona: str, client_record: Any, practitioner: User, as_user: Any, request: Any
) -> None:
    version = plan_version(client_record, practitioner)
    suggestion = _suggestion(client_record, practitioner)
    http = as_user(request.getfixturevalue(persona))
    paths = [
        reverse("safetyplans:plan", args=[client_record.pk]),
        reverse("safetyplans:edit", args=[client_record.pk]),
        reverse("safetyplans:history", args=[client_record.pk]),
        reverse("safetyplans:version", args=[client_record.pk, version.pk]),
        reverse("safetyplans:version_pdf", args=[client_record.pk, version.pk]),
        reverse("safetyplans:version_vcard", args=[client_record.pk, version.pk]),
        reverse("safetyplans:suggestions", args=[client_record.pk]),
        reverse("safetyplans:suggestion", args=[client_record.pk, suggestion.pk]),
    ]
    for path in paths:
        assert http.get(path).status_code == 404, path
    assert http.post(paths[1], _plan_post(1)).status_code == 404
    assert SafetyPlanVersion.objects.count() == 1


def test_a_version_of_another_clients_plan_is_not_found_under_this_client(
    client_record: Any, practitioner: User, practice: Any, as_user: Any
) -> None:
    second = ClientFactory(practice=practice, created_by=practitioner)
    CareTeamMemberFactory(client=second, user=practitioner)
    theirs = plan_version(second, practitioner)
    plan_version(client_record, practitioner)
    path = reverse("safetyplans:version", args=[client_record.pk, theirs.pk])
    assert as_user(practitioner).get(path).status_code == 404


def _suggestion(client: Any, practitioner: User, text: str = "Add: phone Aunt Bea") -> Suggestion:
    from frame.portal.models import PortalAccount
    from tests.portal.factories import portal_user_for

    account = PortalAccount.objects.filter(client=client).first()
    user = account.user if account else portal_user_for(client, invited_by=practitioner)
    return actions.suggest_change(client=client, section="ask_for_help", text=text, by=user)


def test_accepting_a_suggestion_writes_a_new_version_with_the_agreed_words(
    client_record: Any, practitioner: User, as_user: Any
) -> None:
    plan_version(client_record, practitioner)
    suggestion = _suggestion(client_record, practitioner)
    http = as_user(practitioner)
    path = reverse("safetyplans:suggestion", args=[client_record.pk, suggestion.pk])
    page = http.get(path).content.decode()
    assert "Add: phone Aunt Bea" in page
    empty = http.post(path, {"decision": "accept", "new_text": " ", "reply": ""})
    assert empty.status_code == 400
    assert "Write how this part of the plan will read." in empty.content.decode()
    assert SafetyPlanVersion.objects.count() == 1
    response = http.post(
        path,
        {
            "decision": "accept",
            "new_text": "My brother Tomasz. My aunt Bea.",
            "reply": "Added as we agreed.",
        },
    )
    assert response.status_code == 302
    plan = SafetyPlan.objects.select_related("current_version").get(client=client_record)
    assert plan.current_version is not None
    assert plan.current_version.number == 2
    assert plan.current_version.sections["ask_for_help"] == "My brother Tomasz. My aunt Bea."
    assert plan.current_version.sections["on_my_own"] == SECTIONS["on_my_own"]
    suggestion.refresh_from_db()
    assert suggestion.status == "accepted"
    assert suggestion.resulting_version_id == plan.current_version_id
    # A second answer from a stale tab changes nothing.
    again = http.post(path, {"decision": "decline", "reply": "No"})
    assert again.status_code == 200
    suggestion.refresh_from_db()
    assert suggestion.status == "accepted"
    assert SafetyPlanVersion.objects.count() == 2


def test_declining_needs_a_reply_and_leaves_the_plan_alone(
    client_record: Any, practitioner: User, as_user: Any
) -> None:
    plan_version(client_record, practitioner)
    suggestion = _suggestion(client_record, practitioner)
    http = as_user(practitioner)
    path = reverse("safetyplans:suggestion", args=[client_record.pk, suggestion.pk])
    response = http.post(path, {"decision": "decline", "reply": ""})
    assert response.status_code == 400
    assert "Say a few words to the client" in response.content.decode()
    response = http.post(path, {"decision": "decline", "reply": "Let us talk on Tuesday."})
    assert response.status_code == 302
    suggestion.refresh_from_db()
    assert (suggestion.status, suggestion.reply) == ("declined", "Let us talk on Tuesday.")
    assert SafetyPlanVersion.objects.count() == 1
    event = AuditEvent.objects.get(action=Action.SAFETY_PLAN_SUGGESTION_DECIDED)
    assert "Tuesday" not in str(event.detail)


def test_the_card_and_home_page_say_suggestions_are_waiting(
    client_record: Any, practitioner: User, as_user: Any
) -> None:
    plan_version(client_record, practitioner)
    _suggestion(client_record, practitioner)
    http = as_user(practitioner)
    card = http.get(reverse("clients:card", args=[client_record.pk])).content.decode()
    assert "1 suggested change waiting for you" in card
    home = http.get(reverse("home")).content.decode()
    assert "Suggested changes to safety plans" in home
    assert "waiting for review" in home


def test_the_home_panel_uses_the_same_queries_for_one_or_many_suggestions(
    client_record: Any,
    practitioner: User,
    practice: Any,
    django_assert_num_queries: Any,
    rf: Any,
) -> None:
    from frame.safetyplans.panels import home_panel

    request = rf.get("/")
    request.user = practitioner
    plan_version(client_record, practitioner)
    _suggestion(client_record, practitioner)
    with django_assert_num_queries(1) as few:
        home_panel(request)
    for n in range(7):
        other = ClientFactory(practice=practice, created_by=practitioner)
        CareTeamMemberFactory(client=other, user=practitioner)
        plan_version(other, practitioner)
        _suggestion(other, practitioner, text=f"Suggestion {n}")
    with django_assert_num_queries(2) as many:  # a full first page also counts the rest
        context = home_panel(request)
    assert context is not None and context["total"] == 8
    assert len(few.captured_queries) <= len(many.captured_queries) <= 2


def test_the_owner_sets_when_messages_are_read(
    practitioner: User, colleague: User, as_user: Any
) -> None:
    path = reverse("safetyplans:messages_statement")
    assert as_user(colleague).get(path).status_code == 404
    http = as_user(practitioner)
    assert http.post(path, {"text": ""}).status_code == 400
    response = http.post(path, {"text": "I read messages on weekday mornings only."})
    assert response.status_code == 302
    assert "weekday mornings" in http.get(path).content.decode()
    assert AuditEvent.objects.filter(action=Action.MESSAGES_STATEMENT_CHANGED).count() == 1
