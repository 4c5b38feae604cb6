"""Cases discussed: named by case code only; actions become reminders on that client's card."""

from __future__ import annotations

from typing import Any

import pytest
from django.core.exceptions import PermissionDenied
from django.urls import reverse

from frame.audit.models import Action, AuditEvent
from frame.supervision import actions
from frame.supervision.models import CaseAction, CaseDiscussion, Supervision
from tests.factories import CareTeamMemberFactory, ClientFactory
from tests.supervision.conftest import ACTION_CANARY, DISCUSSED_CANARY

pytestmark = pytest.mark.django_db


def _add(http: Any, supervision: Supervision, client: Any, **fields: str) -> Any:
    data = {
        "client": str(client.pk),
        "discussed": DISCUSSED_CANARY,
        "learnt": "Slow down",
        "actions": f"{ACTION_CANARY}\n\n  Book a review  \n",
    }
    data.update(fields)
    return http.post(reverse("supervision:case_new", args=[supervision.pk]), data)


def test_a_case_is_chosen_by_case_code_and_its_actions_become_card_reminders(
    practitioner: Any, colleague: Any, client_record: Any, supervision: Supervision, as_user: Any
) -> None:
    http = as_user(practitioner)
    form = http.get(reverse("supervision:case_new", args=[supervision.pk])).content.decode()
    assert client_record.case_code in form
    assert "Feltham" not in form  # by case code only

    response = _add(http, supervision, client_record)
    assert response.status_code == 302
    discussion = CaseDiscussion.objects.get()
    assert discussion.discussed == DISCUSSED_CANARY
    assert sorted(a.text for a in CaseAction.objects.all()) == ["Book a review", ACTION_CANARY]
    event = AuditEvent.objects.get(action=Action.SUPERVISION_CASE_RECORDED)
    assert event.detail == {"supervision": str(supervision.pk), "actions": 2}
    assert not AuditEvent.objects.filter(detail__icontains="Canary").exists()

    detail = http.get(reverse("supervision:detail", args=[supervision.pk])).content.decode()
    assert f"Case {client_record.case_code}" in detail and DISCUSSED_CANARY in detail

    card = http.get(reverse("clients:card", args=[client_record.pk])).content.decode()
    assert ACTION_CANARY in card and "From supervision" in card
    # A colleague who joins the care team sees the client, but not these reminders.
    CareTeamMemberFactory(client=client_record, user=colleague)
    theirs = as_user(colleague).get(reverse("clients:card", args=[client_record.pk]))
    assert theirs.status_code == 200 and ACTION_CANARY not in theirs.content.decode()


def test_marking_an_action_done_takes_it_off_the_card(
    practitioner: Any, colleague: Any, client_record: Any, supervision: Supervision, as_user: Any
) -> None:
    actions.add_case(
        supervision=supervision,
        by=practitioner,
        client=client_record,
        discussed="Endings",
        actions=[ACTION_CANARY],
    )
    action = CaseAction.objects.get()
    url = reverse("supervision:action_done", args=[client_record.pk, action.pk])
    CareTeamMemberFactory(client=client_record, user=colleague)
    assert as_user(colleague).post(url).status_code == 404  # not theirs
    assert as_user(practitioner).get(url).status_code == 405
    response = as_user(practitioner).post(url)
    assert response.status_code == 302
    assert response["Location"].endswith("#supervision-actions")
    action.refresh_from_db()
    assert action.done_at is not None
    card = as_user(practitioner).get(reverse("clients:card", args=[client_record.pk]))
    assert ACTION_CANARY not in card.content.decode()
    assert AuditEvent.objects.filter(action=Action.SUPERVISION_ACTION_DONE).count() == 1


def test_a_client_off_the_caseload_cannot_be_a_case(
    practitioner: Any, colleague: Any, practice: Any, supervision: Supervision, as_user: Any
) -> None:
    theirs = ClientFactory(practice=practice, created_by=colleague)
    CareTeamMemberFactory(client=theirs, user=colleague)
    response = _add(as_user(practitioner), supervision, theirs)
    assert "Please choose one of the options listed." in response.content.decode()
    assert DISCUSSED_CANARY in response.content.decode()  # what was typed is kept
    assert not CaseDiscussion.objects.exists()
    with pytest.raises(PermissionDenied):
        actions.add_case(supervision=supervision, by=practitioner, client=theirs, discussed="x")


def test_what_was_discussed_is_required(
    practitioner: Any, client_record: Any, supervision: Supervision, as_user: Any
) -> None:
    response = _add(as_user(practitioner), supervision, client_record, discussed="  ")
    assert "Please enter the what was discussed." in response.content.decode()
    assert not CaseDiscussion.objects.exists()


def test_nobody_else_adds_cases_to_a_supervision(
    colleague: Any, client_record: Any, supervision: Supervision, as_user: Any
) -> None:
    CareTeamMemberFactory(client=client_record, user=colleague)
    assert _add(as_user(colleague), supervision, client_record).status_code == 404
    with pytest.raises(PermissionDenied):
        actions.add_case(supervision=supervision, by=colleague, client=client_record, discussed="x")
