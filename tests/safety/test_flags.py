"""Risk flags: raised with the record that shows risk, acknowledged once, never cleared."""

from __future__ import annotations

import datetime as dt
from typing import Any
from unittest import mock

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse
from django.utils import timezone

from frame.audit.models import Action, AuditEvent
from frame.brief.sections import BriefSubject, sections_for
from frame.measures import actions as measures_actions
from frame.measures import definitions
from frame.measures.models import Administration, RiskAlert
from frame.notes import actions as notes_actions
from frame.notes.models import SessionNote
from frame.safety import actions
from frame.safety.models import FlagSource, RiskFlag, SafetyRecordsAreKept
from tests.scheduling.sweep import sweep_appointment


def phq9(client: Any, by: Any, answers: list[int]) -> Administration:
    return measures_actions.record_administration(
        client=client,
        instrument=definitions.get("phq9"),
        answers=answers,
        completed_on=timezone.localdate(),
        by=by,
    )


# --- Raised with the record -----------------------------------------------------------------------


def test_phq9_item_9_above_zero_raises_a_flag_with_a_plain_summary(
    practitioner: Any, client_record: Any
) -> None:
    phq9(client_record, practitioner, [0, 0, 0, 0, 0, 0, 0, 0, 2])
    alert = RiskAlert.objects.get()
    flag = RiskFlag.objects.get()
    assert flag.client == client_record and flag.raised_by == practitioner
    assert flag.source == FlagSource.MEASURE
    assert (flag.source_type, flag.source_id) == ("measures.riskalert", alert.pk)
    assert flag.summary == "PHQ-9 item 9 answered 2"
    assert flag.is_open
    event = AuditEvent.objects.get(action=Action.RISK_FLAG_RAISED)
    assert event.detail == {"source": "measure", "source_id": str(alert.pk)}


def test_item_9_at_zero_raises_no_flag(practitioner: Any, client_record: Any) -> None:
    phq9(client_record, practitioner, [3, 3, 3, 3, 3, 3, 3, 3, 0])
    assert not RiskFlag.objects.exists()


def test_a_flag_that_cannot_be_raised_undoes_the_questionnaire(
    practitioner: Any, client_record: Any
) -> None:
    real_record = actions.record

    def failing(**kwargs: Any) -> Any:
        if kwargs["action"] == Action.RISK_FLAG_RAISED:
            raise RuntimeError("the flag could not be written")
        return real_record(**kwargs)

    with mock.patch.object(actions, "record", side_effect=failing), pytest.raises(RuntimeError):
        phq9(client_record, practitioner, [0, 0, 0, 0, 0, 0, 0, 0, 1])
    # Never a sign of risk kept without its flag: the answers and the alert went too.
    assert not Administration.objects.exists()
    assert not RiskAlert.objects.exists()
    assert not RiskFlag.objects.exists()
    assert not AuditEvent.objects.filter(action=Action.MEASURE_RECORDED).exists()


def test_a_note_signed_with_risk_noted_raises_a_flag(
    as_user: Any, practitioner: Any, client_record: Any
) -> None:
    appointment = sweep_appointment(client_record, practitioner)
    notes_actions.save_draft(
        appointment=appointment,
        sections=[("What the client brought", "Spoke of feeling hopeless lately")],
        risk_noted=True,
        by=practitioner,
    )
    assert not RiskFlag.objects.exists()  # a draft is not yet the record
    notes_actions.sign_note(appointment=appointment, by=practitioner)
    flag = RiskFlag.objects.get()
    note = SessionNote.objects.get()
    assert flag.source == FlagSource.NOTE and flag.source_id == note.pk
    assert flag.summary.startswith("Risk noted in the session note of ")
    assert "hopeless" not in flag.summary
    page = as_user(practitioner).get(reverse("safety:flag", args=[client_record.pk, flag.pk]))
    assert reverse("notes:note", args=[appointment.pk]) in page.content.decode()


def test_a_note_signed_without_risk_raises_none(practitioner: Any, client_record: Any) -> None:
    appointment = sweep_appointment(client_record, practitioner)
    notes_actions.save_draft(
        appointment=appointment,
        sections=[("Notes", "A calm session")],
        risk_noted=False,
        by=practitioner,
    )
    notes_actions.sign_note(appointment=appointment, by=practitioner)
    assert not RiskFlag.objects.exists()


def test_a_hand_raised_flag_keeps_its_reason_encrypted(
    practitioner: Any, client_record: Any
) -> None:
    with pytest.raises(ValidationError):
        actions.raise_flag(client=client_record, reason="  ", by=practitioner)
    flag = actions.raise_flag(
        client=client_record, reason="Mentioned a partner's threats", by=practitioner
    )
    assert RiskFlag.objects.get(pk=flag.pk).reason == "Mentioned a partner's threats"
    stored = RiskFlag.objects.values_list("reason", flat=True).get()
    assert "threats" not in stored
    event = AuditEvent.objects.get(action=Action.RISK_FLAG_RAISED)
    assert "threats" not in str(event.detail)


def test_only_the_care_team_can_raise_a_flag(colleague: Any, client_record: Any) -> None:
    with pytest.raises(PermissionDenied):
        actions.raise_flag(client=client_record, reason="Worried", by=colleague)


# --- Acknowledgement ------------------------------------------------------------------------------


def test_acknowledging_needs_what_was_done_and_records_who_and_when(
    as_user: Any, practitioner: Any, client_record: Any
) -> None:
    phq9(client_record, practitioner, [0, 0, 0, 0, 0, 0, 0, 0, 1])
    flag = RiskFlag.objects.get()
    http = as_user(practitioner)
    url = reverse("safety:flag", args=[client_record.pk, flag.pk])

    response = http.post(url, {"action_taken": "   "})
    assert response.status_code == 200
    page = response.content.decode()
    assert "There is a problem" in page and "What you did or decided" in page
    assert RiskFlag.objects.get().is_open

    response = http.post(url, {"action_taken": "Explored in session; no plan or intent."})
    assert response.status_code == 302
    flag = RiskFlag.objects.get()
    assert not flag.is_open and flag.acknowledged_by == practitioner
    assert flag.action_taken == "Explored in session; no plan or intent."
    assert "Explored" not in RiskFlag.objects.values_list("action_taken", flat=True).get()
    # One place to act: the questionnaire's alert is acknowledged with the same words.
    alert = RiskAlert.objects.get()
    assert not alert.is_open and alert.acknowledged_by == practitioner
    assert alert.acknowledgement_note == "Explored in session; no plan or intent."
    assert AuditEvent.objects.filter(action=Action.RISK_FLAG_ACKNOWLEDGED).count() == 1
    assert AuditEvent.objects.filter(action=Action.RISK_ALERT_ACKNOWLEDGED).count() == 1
    page = http.get(url).content.decode()
    assert "Acknowledged by Robin Ashdown" in page and "no plan or intent" in page


def test_a_flag_is_acknowledged_once_even_from_a_stale_copy(
    practitioner: Any, colleague: Any, client_record: Any
) -> None:
    from tests.factories import CareTeamMemberFactory

    CareTeamMemberFactory(client=client_record, user=colleague)
    flag = actions.raise_flag(client=client_record, reason="Concern", by=practitioner)
    stale = RiskFlag.objects.select_related("client").get(pk=flag.pk)
    actions.acknowledge_flag(flag=flag, action_taken="Phoned the client", by=practitioner)
    with pytest.raises(ValidationError, match="already been acknowledged"):
        actions.acknowledge_flag(flag=stale, action_taken="Also phoned", by=colleague)
    stored = RiskFlag.objects.get()
    assert stored.acknowledged_by == practitioner and stored.action_taken == "Phoned the client"


def test_acknowledging_the_alert_on_the_questionnaires_page_closes_its_flag_too(
    as_user: Any, practitioner: Any, client_record: Any
) -> None:
    phq9(client_record, practitioner, [0, 0, 0, 0, 0, 0, 0, 0, 1])
    alert = RiskAlert.objects.select_related("client").get()
    url = reverse("measures:acknowledge", args=[client_record.pk, alert.pk])
    response = as_user(practitioner).post(url, {"note": "Talked it through; safe tonight"})
    assert response.status_code == 302
    flag = RiskFlag.objects.get()
    assert not flag.is_open
    assert flag.action_taken == "Talked it through; safe tonight"
    assert flag.acknowledged_by == practitioner
    assert RiskAlert.objects.get().acknowledgement_note == "Talked it through; safe tonight"
    assert AuditEvent.objects.filter(action=Action.RISK_FLAG_ACKNOWLEDGED).count() == 1


def test_a_flag_that_cannot_close_keeps_the_alert_open(
    practitioner: Any, client_record: Any, monkeypatch: Any
) -> None:
    phq9(client_record, practitioner, [0, 0, 0, 0, 0, 0, 0, 0, 2])
    alert = RiskAlert.objects.select_related("client", "administration").get()

    def broken(**kwargs: Any) -> None:
        raise RuntimeError("the flag could not be written")

    monkeypatch.setattr(actions, "acknowledge_flag", broken)
    with pytest.raises(RuntimeError):
        measures_actions.acknowledge_alert(alert=alert, note="Seen", by=practitioner)
    assert RiskAlert.objects.get().acknowledged_at is None
    assert RiskFlag.objects.get().is_open


def test_flags_are_never_cleared_automatically_or_deleted(
    practitioner: Any, client_record: Any
) -> None:
    phq9(client_record, practitioner, [0, 0, 0, 0, 0, 0, 0, 0, 3])
    phq9(client_record, practitioner, [0] * 9)  # a calmer questionnaire later
    assert RiskFlag.objects.get().is_open
    with pytest.raises(SafetyRecordsAreKept):
        RiskFlag.objects.get().delete()
    with pytest.raises(SafetyRecordsAreKept):
        RiskFlag.objects.all().delete()


def test_supervision_marks(as_user: Any, practitioner: Any, client_record: Any) -> None:
    flag = actions.raise_flag(client=client_record, reason="Concern", by=practitioner)
    url = reverse("safety:flag_supervision", args=[client_record.pk, flag.pk])
    http = as_user(practitioner)
    assert http.post(url, {"to_supervision": "on"}).status_code == 302
    stored = RiskFlag.objects.get()
    assert stored.to_supervision and stored.awaiting_supervision
    future = (timezone.localdate() + dt.timedelta(days=3)).strftime("%d/%m/%Y")
    response = http.post(url, {"to_supervision": "on", "taken_on": future})
    assert response.status_code == 200 and "cannot be in the future" in response.content.decode()
    today = timezone.localdate().strftime("%d/%m/%Y")
    assert http.post(url, {"taken_on": today}).status_code == 302
    stored = RiskFlag.objects.get()
    assert stored.to_supervision and stored.taken_to_supervision_on == timezone.localdate()
    assert not stored.awaiting_supervision


# --- Where open flags show ------------------------------------------------------------------------


def test_open_flags_show_on_home_card_and_brief_until_acknowledged(
    as_user: Any, practitioner: Any, client_record: Any
) -> None:
    phq9(client_record, practitioner, [0, 0, 0, 0, 0, 0, 0, 0, 2])
    flag = RiskFlag.objects.get()
    flag_url = reverse("safety:flag", args=[client_record.pk, flag.pk])
    http = as_user(practitioner)
    card = http.get(reverse("clients:card", args=[client_record.pk])).content.decode()
    home = http.get(reverse("home")).content.decode()
    assert "Risk flag to acknowledge" in card and flag_url in card
    assert "PHQ-9 item 9 answered 2" in card
    assert "Risk flags to acknowledge" in home and flag_url in home
    # The measures app's own alert panel is gone: one place to act.
    assert reverse("measures:acknowledge", args=[client_record.pk, flag.source_id]) not in home
    subject = BriefSubject(
        appointment=sweep_appointment(client_record, practitioner),
        client=client_record,
        reader=practitioner,
    )
    brief = {rendered.section.key: rendered.context for rendered in sections_for(subject)}
    assert [f.pk for f in brief["safety-risk"]["flags"]] == [flag.pk]

    brief_page = http.get(
        reverse("brief:appointment", args=[subject.appointment.pk])
    ).content.decode()
    assert "PHQ-9 item 9 answered 2" in brief_page and "not yet acknowledged" in brief_page

    actions.acknowledge_flag(flag=flag, action_taken="Assessed in session", by=practitioner)
    card = http.get(reverse("clients:card", args=[client_record.pk])).content.decode()
    assert flag_url not in card and "Risk flag to acknowledge" not in card
    assert "Risk flags to acknowledge" not in http.get(reverse("home")).content.decode()
    brief = {rendered.section.key: rendered.context for rendered in sections_for(subject)}
    assert "safety-risk" not in brief or brief["safety-risk"]["flags"] == []


def test_home_shows_only_this_persons_care_team(
    as_user: Any, practitioner: Any, colleague: Any, client_record: Any
) -> None:
    actions.raise_flag(client=client_record, reason="Concern", by=practitioner)
    assert "Risk flags to acknowledge" not in (
        as_user(colleague).get(reverse("home")).content.decode()
    )


# --- Access ---------------------------------------------------------------------------------------


@pytest.mark.parametrize("persona", ["colleague", "administrator", "outsider"])
def test_flag_pages_are_not_found_off_the_care_team(
    persona: str, request: Any, as_user: Any, practitioner: Any, client_record: Any
) -> None:
    flag = actions.raise_flag(client=client_record, reason="Private concern", by=practitioner)
    http = as_user(request.getfixturevalue(persona))
    for url in (
        reverse("safety:client", args=[client_record.pk]),
        reverse("safety:flag", args=[client_record.pk, flag.pk]),
        reverse("safety:flag_new", args=[client_record.pk]),
    ):
        assert http.get(url).status_code == 404
        # The client page is GET only (405 before access); the others refuse a POST with 404.
        assert http.post(url, {"action_taken": "x", "reason": "y"}).status_code in {404, 405}
    assert RiskFlag.objects.count() == 1 and RiskFlag.objects.get().is_open


def test_reading_a_flag_is_audited(as_user: Any, practitioner: Any, client_record: Any) -> None:
    flag = actions.raise_flag(client=client_record, reason="Concern", by=practitioner)
    as_user(practitioner).get(reverse("safety:flag", args=[client_record.pk, flag.pk]))
    event = AuditEvent.objects.get(action=Action.SAFETY_VIEWED)
    assert event.detail == {"page": "flag"} and event.client_id == str(client_record.pk)


def test_raising_a_flag_by_hand_from_the_page(
    as_user: Any, practitioner: Any, client_record: Any
) -> None:
    http = as_user(practitioner)
    url = reverse("safety:flag_new", args=[client_record.pk])
    response = http.post(url, {"reason": ""})
    assert response.status_code == 200 and "There is a problem" in response.content.decode()
    response = http.post(url, {"reason": "Disclosed a plan to a friend", "to_supervision": "on"})
    assert response.status_code == 302
    flag = RiskFlag.objects.get()
    assert flag.source == FlagSource.MANUAL and flag.to_supervision
    assert "Disclosed a plan" in http.get(response["Location"]).content.decode()


def test_flags_to_take_to_supervision_for_the_supervision_app(
    practitioner: Any, colleague: Any, client_record: Any
) -> None:
    from frame.safety.access import flags_awaiting_supervision

    marked = actions.raise_flag(
        client=client_record, reason="Concern", by=practitioner, to_supervision=True
    )
    actions.raise_flag(client=client_record, reason="Other", by=practitioner)
    assert list(flags_awaiting_supervision(practitioner)) == [marked]
    assert list(flags_awaiting_supervision(colleague)) == []
    actions.set_supervision(
        flag=marked, to_supervision=True, taken_on=timezone.localdate(), by=practitioner
    )
    assert list(flags_awaiting_supervision(practitioner)) == []


def test_the_raised_flag_audit_names_the_practice_and_role(
    practitioner: Any, client_record: Any
) -> None:
    phq9(client_record, practitioner, [0, 0, 0, 0, 0, 0, 0, 0, 1])
    event = AuditEvent.objects.get(action=Action.RISK_FLAG_RAISED)
    assert event.practice_id == client_record.practice_id and event.actor_role == "owner"
