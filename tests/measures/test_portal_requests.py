"""Questionnaires sent to the client's portal: the link, saving part-way, sending, risk alerts."""

from __future__ import annotations

import re
from datetime import timedelta
from typing import Any
from unittest import mock

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from frame.audit.models import Action, AuditEvent
from frame.clients.signals import risk_indicated
from frame.measures import actions, definitions
from frame.measures.models import (
    Administration,
    Mode,
    QuestionnaireRequest,
    RecordsAreNotDeleted,
    RequestStatus,
    RiskAlert,
)
from tests.factories import CareTeamMemberFactory, ClientFactory
from tests.portal.factories import portal_user_for, signed_in_client

PHQ9 = definitions.get("phq9")


@pytest.fixture
def client_user(client_record: Any, practitioner: Any) -> Any:
    return portal_user_for(client_record, invited_by=practitioner)


@pytest.fixture
def portal(client_user: Any) -> Any:
    return signed_in_client(client_user)


def send(client: Any, by: Any) -> QuestionnaireRequest:
    return actions.send_to_portal(client=client, instrument=PHQ9, by=by).request


def token_from(mailoutbox: list[Any]) -> str:
    match = re.search(r"/portal/questionnaires/start/([\w-]+)/", mailoutbox[-1].body)
    assert match, mailoutbox[-1].body
    return match.group(1)


def post_answers(answers: list[int | None], action: str) -> dict[str, str]:
    data = {"action": action}
    for number, answer in enumerate(answers, start=1):
        if answer is not None:
            data[f"item_{number}"] = str(answer)
    return data


def form_url(request: QuestionnaireRequest) -> str:
    return reverse("portal:questionnaire", args=[request.pk])


# --- Sending --------------------------------------------------------------------------------------


def test_sending_emails_a_discreet_link_and_keeps_only_its_hash(
    client_record: Any, practitioner: Any, client_user: Any, mailoutbox: list[Any]
) -> None:
    request = send(client_record, practitioner)
    (message,) = mailoutbox
    assert message.to == [client_record.email]
    token = token_from(mailoutbox)
    assert token not in request.token_hash and len(request.token_hash) == 64
    # No clinical detail: not the questionnaire's name, not what it is about.
    for secret in ("PHQ", "depress", "mood", "risk"):
        assert secret.lower() not in (message.subject + message.body).lower()
    assert request.status == RequestStatus.OPEN and request.answers == [None] * 10
    event = AuditEvent.objects.get(action=Action.MEASURE_REQUESTED)
    assert event.detail["instrument"] == "phq9"


def test_discreet_wording_says_even_less(
    client_record: Any, practitioner: Any, client_user: Any, mailoutbox: list[Any]
) -> None:
    client_record.discreet_wording = True
    client_record.save()
    send(client_record, practitioner)
    (message,) = mailoutbox
    words = message.subject + re.sub(r"https?://\S+", "", message.body)
    assert "questionnaire" not in words.lower()
    assert client_record.practice.name not in words


def test_nothing_is_sent_without_a_portal_account(
    client_record: Any, practitioner: Any, mailoutbox: list[Any]
) -> None:
    with pytest.raises(ValidationError, match="no active portal account"):
        send(client_record, practitioner)
    assert not QuestionnaireRequest.objects.exists() and not mailoutbox


def test_only_the_care_team_can_send(client_record: Any, colleague: Any, client_user: Any) -> None:
    with pytest.raises(PermissionDenied):
        send(client_record, colleague)


def test_the_send_page_sends_and_lists(
    as_user: Any, practitioner: Any, client_record: Any, client_user: Any, mailoutbox: list[Any]
) -> None:
    http = as_user(practitioner)
    url = reverse("measures:send", args=[client_record.pk])
    response = http.post(url, {"instrument": "phq9"})
    assert response.status_code == 302 and len(mailoutbox) == 1
    page = http.get(url).content.decode()
    assert "PHQ-9" in page and "Waiting until" in page


def test_the_send_page_explains_a_missing_choice(
    as_user: Any, practitioner: Any, client_record: Any, client_user: Any
) -> None:
    response = as_user(practitioner).post(
        reverse("measures:send", args=[client_record.pk]), {"instrument": ""}
    )
    assert response.status_code == 200 and b"There is a problem" in response.content
    assert not QuestionnaireRequest.objects.exists()


# --- The link -------------------------------------------------------------------------------------


def test_the_link_needs_sign_in_then_opens_the_form(
    client_record: Any, practitioner: Any, client_user: Any, mailoutbox: list[Any], client: Any
) -> None:
    request = send(client_record, practitioner)
    link = reverse("portal:questionnaire_link", args=[token_from(mailoutbox)])
    anonymous = client.get(link)
    assert anonymous.status_code == 302
    assert anonymous["Location"].startswith(reverse("portal:sign_in"))
    portal = signed_in_client(client_user)
    response = portal.get(link)
    assert response.status_code == 302 and response["Location"] == form_url(request)
    page = portal.get(form_url(request)).content.decode()
    assert "Little interest or pleasure" in page and "<legend>" in page
    assert "Save and finish later" in page and 'type="radio"' in page


def test_another_clients_link_is_not_found(
    client_record: Any, practitioner: Any, client_user: Any, mailoutbox: list[Any]
) -> None:
    send(client_record, practitioner)
    other = ClientFactory(practice=client_record.practice, created_by=practitioner)
    CareTeamMemberFactory(client=other, user=practitioner)
    other_portal = signed_in_client(portal_user_for(other, invited_by=practitioner))
    link = reverse("portal:questionnaire_link", args=[token_from(mailoutbox)])
    assert other_portal.get(link).status_code == 404
    request = QuestionnaireRequest.objects.get()
    assert other_portal.get(form_url(request)).status_code == 404
    assert other_portal.post(form_url(request), post_answers([1] * 9, "submit")).status_code == 404
    assert not Administration.objects.exists()


def test_a_used_link_is_dead_with_a_kind_explanation(
    client_record: Any, practitioner: Any, portal: Any, mailoutbox: list[Any]
) -> None:
    request = send(client_record, practitioner)
    portal.post(form_url(request), post_answers([0] * 10, "submit"))
    link = reverse("portal:questionnaire_link", args=[token_from(mailoutbox)])
    response = portal.get(link)
    assert response.status_code == 200
    assert b"already sent your answers" in response.content
    # The form itself refuses a second sending.
    again = portal.post(form_url(request), post_answers([3] * 10, "submit"))
    assert b"already sent your answers" in again.content
    assert Administration.objects.count() == 1


def test_an_expired_or_withdrawn_request_cannot_be_answered(
    client_record: Any, practitioner: Any, portal: Any, client_user: Any
) -> None:
    request = send(client_record, practitioner)
    QuestionnaireRequest.objects.filter(pk=request.pk).update(
        expires_at=timezone.now() - timedelta(minutes=1)
    )
    response = portal.get(form_url(request))
    assert b"The time for this one has passed" in response.content
    with pytest.raises(ValidationError):
        actions.submit_request(request=request, answers=[0] * 10, by=client_user)
    second = send(client_record, practitioner)
    actions.withdraw_request(request=second, by=practitioner)
    response = portal.post(form_url(second), post_answers([0] * 10, "submit"))
    assert b"taken this questionnaire back" in response.content
    assert not Administration.objects.exists()


# --- Saving part-way, and sending -----------------------------------------------------------------


def test_saving_half_way_keeps_the_answers_and_scores_nothing(
    client_record: Any, practitioner: Any, portal: Any
) -> None:
    request = send(client_record, practitioner)
    response = portal.post(form_url(request), post_answers([2, 1, 0, 3], "save"))
    assert response.status_code == 302
    request.refresh_from_db()
    assert request.answers[:5] == [2, 1, 0, 3, None] and request.status == RequestStatus.OPEN
    assert not Administration.objects.exists()
    # Coming back shows what was saved.
    page = portal.get(form_url(request)).content.decode()
    assert "4 of 10 answered so far" in page
    assert re.search(r'name="item_1" value="2"[^>]*checked', page)
    assert AuditEvent.objects.filter(action=Action.MEASURE_PROGRESS_SAVED).count() == 1


def test_sending_with_questions_left_keeps_them_and_points_to_the_gaps(
    client_record: Any, practitioner: Any, portal: Any
) -> None:
    request = send(client_record, practitioner)
    response = portal.post(form_url(request), post_answers([1, 1, 1, 1, 1, 1, 1], "submit"))
    assert response.status_code == 200
    page = response.content.decode()
    assert "Some questions still need an answer" in page
    assert 'href="#id_item_8"' in page and 'href="#id_item_9"' in page
    assert 'href="#id_item_10"' not in page  # the unscored item may be left out
    request.refresh_from_db()
    assert request.answers[:7] == [1] * 7 and request.status == RequestStatus.OPEN
    assert not Administration.objects.exists()


def test_the_action_refuses_a_half_completed_questionnaire(
    client_record: Any, practitioner: Any, client_user: Any
) -> None:
    request = send(client_record, practitioner)
    with pytest.raises(ValidationError, match="Still to answer: 9"):
        actions.submit_request(request=request, answers=[1] * 8 + [None, None], by=client_user)
    assert not Administration.objects.exists()


def test_sending_scores_it_as_a_portal_administration(
    client_record: Any, practitioner: Any, portal: Any, client_user: Any
) -> None:
    request = send(client_record, practitioner)
    response = portal.post(form_url(request), post_answers([2] * 8 + [0, 1], "submit"))
    assert response.status_code == 302
    administration = Administration.objects.get()
    assert administration.mode == Mode.PORTAL and administration.total == 16
    assert administration.band == "moderately severe" and administration.recorded_by == client_user
    request.refresh_from_db()
    assert request.status == RequestStatus.COMPLETED and request.administration == administration
    event = AuditEvent.objects.get(action=Action.MEASURE_RECORDED)
    assert event.actor_role == "client" and event.detail["mode"] == "portal"
    assert not RiskAlert.objects.exists()


def test_a_risk_answer_raises_the_alert_and_signal_in_the_same_transaction(
    client_record: Any, practitioner: Any, client_user: Any
) -> None:
    request = send(client_record, practitioner)
    received: list[dict[str, Any]] = []

    def listener(**kwargs: Any) -> None:
        # Inside the transaction: the administration is visible, and so is its alert.
        received.append(kwargs)
        assert connection.in_atomic_block
        assert RiskAlert.objects.filter(administration__client=client_record).exists()

    risk_indicated.connect(listener)
    try:
        with CaptureQueriesContext(connection) as queries:
            actions.submit_request(request=request, answers=[1] * 8 + [2, 0], by=client_user)
    finally:
        risk_indicated.disconnect(listener)
    (alert,) = RiskAlert.objects.all()
    assert alert.item == 9 and alert.value == 2 and alert.is_open
    assert received and received[0]["source"] == "measure" and received[0]["by"] == client_user
    raised = AuditEvent.objects.get(action=Action.RISK_ALERT_RAISED)
    assert raised.actor_role == "client"
    sql = [q["sql"] for q in queries.captured_queries]
    # One transaction: nothing was committed between writing the answers and the alert.
    assert not any(s.upper().startswith("COMMIT") for s in sql[:-1])


def test_if_the_alert_cannot_be_written_nothing_is_kept(
    client_record: Any, practitioner: Any, client_user: Any
) -> None:
    request = send(client_record, practitioner)
    with (
        mock.patch.object(RiskAlert.objects, "create", side_effect=RuntimeError("disk full")),
        pytest.raises(RuntimeError),
    ):
        actions.submit_request(request=request, answers=[1] * 8 + [3, 0], by=client_user)
    assert not Administration.objects.exists()
    request.refresh_from_db()
    assert request.status == RequestStatus.OPEN


def test_only_the_client_themselves_can_answer(
    client_record: Any, practitioner: Any, client_user: Any
) -> None:
    request = send(client_record, practitioner)
    with pytest.raises(PermissionDenied):
        actions.submit_request(request=request, answers=[0] * 10, by=practitioner)
    with pytest.raises(PermissionDenied):
        actions.save_progress(request=request, answers=[0] * 10, by=practitioner)


def test_requests_are_never_deleted(
    client_record: Any, practitioner: Any, client_user: Any
) -> None:
    request = send(client_record, practitioner)
    with pytest.raises(RecordsAreNotDeleted):
        request.delete()
    with pytest.raises(RecordsAreNotDeleted):
        QuestionnaireRequest.objects.all().delete()


def test_withdrawing_from_the_staff_page_asks_first(
    as_user: Any, practitioner: Any, client_record: Any, client_user: Any
) -> None:
    request = send(client_record, practitioner)
    http = as_user(practitioner)
    url = reverse("measures:withdraw_request", args=[client_record.pk, request.pk])
    assert b"Withdraw it" in http.get(url).content
    request.refresh_from_db()
    assert request.status == RequestStatus.OPEN
    assert http.post(url).status_code == 302
    request.refresh_from_db()
    assert request.status == RequestStatus.WITHDRAWN


# --- The portal home ------------------------------------------------------------------------------


def test_the_portal_home_lists_what_is_waiting(
    client_record: Any, practitioner: Any, portal: Any
) -> None:
    home = reverse("portal:home")
    assert b"Questionnaires to fill in" not in portal.get(home).content
    request = send(client_record, practitioner)
    page = portal.get(home).content.decode()
    assert "Questionnaires to fill in" in page and form_url(request) in page
    portal.post(form_url(request), post_answers([0] * 10, "submit"))
    assert b"Questionnaires to fill in" not in portal.get(home).content


def test_the_portal_home_panel_uses_the_same_queries_however_many_are_waiting(
    client_record: Any, practitioner: Any, portal: Any
) -> None:
    send(client_record, practitioner)
    portal.get(reverse("portal:home"))  # the first visit sets things up once
    with CaptureQueriesContext(connection) as one:
        portal.get(reverse("portal:home"))
    for _ in range(7):
        send(client_record, practitioner)
    with CaptureQueriesContext(connection) as many:
        portal.get(reverse("portal:home"))
    assert len(many) == len(one)


def test_a_request_closed_in_another_tab_meanwhile_is_explained_not_an_error(
    client_record: Any, practitioner: Any, portal: Any, client_user: Any
) -> None:
    request = send(client_record, practitioner)
    # Another tab sends it between this page's check and its save.
    actions.submit_request(request=request, answers=[0] * 10, by=client_user)
    with pytest.raises(actions.RequestClosed):
        actions.save_progress(request=request, answers=[1] * 10, by=client_user)
    closed = actions.RequestClosed("closed a moment ago")
    with mock.patch.object(actions, "save_progress", side_effect=closed):
        QuestionnaireRequest.objects.filter(pk=request.pk).update(status=RequestStatus.OPEN)
        response = portal.post(form_url(request), post_answers([1] * 3, "save"))
    assert response.status_code == 200 and b"This questionnaire is closed" in response.content


def test_staff_pages_say_the_client_sent_it_from_their_portal(
    as_user: Any, practitioner: Any, client_record: Any, client_user: Any
) -> None:
    request = send(client_record, practitioner)
    administration = actions.submit_request(request=request, answers=[1] * 10, by=client_user)
    http = as_user(practitioner)
    listing = http.get(reverse("measures:client", args=[client_record.pk])).content.decode()
    assert f"{client_record.display_name}, in their portal" in listing
    detail = http.get(
        reverse("measures:administration", args=[client_record.pk, administration.pk])
    ).content.decode()
    assert "Completed by the client in their portal, sent by" in detail


def test_the_card_shows_what_is_waiting_in_the_portal(
    as_user: Any, practitioner: Any, client_record: Any, client_user: Any
) -> None:
    http = as_user(practitioner)
    card_url = reverse("clients:card", args=[client_record.pk])
    assert b"Waiting in their portal" not in http.get(card_url).content
    request = send(client_record, practitioner)
    actions.save_progress(request=request, answers=[1, 1, 1] + [None] * 7, by=client_user)
    card = http.get(card_url).content.decode()
    assert "Waiting in their portal" in card and "3 of 10 answered" in card
