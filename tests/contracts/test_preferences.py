"""The chance-encounter preference and communication preferences: recorded, shown, audited."""

from __future__ import annotations

from typing import Any

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse

from frame.audit.models import Action, AuditEvent
from frame.contracts import actions, selectors
from frame.contracts.models import (
    CalendarTitle,
    ChanceEncounterPreference,
    EncounterChoice,
    ReminderChannel,
)
from frame.contracts.terms import ContactChannel, Terms
from tests.contracts.conftest import NOTE_CANARY, agree, audit_text

pytestmark = pytest.mark.django_db


def test_a_preference_recorded_by_the_practitioner_shows_prominently_on_the_card(
    client_record: Any, practitioner: Any, as_user: Any
) -> None:
    assert selectors.chance_encounter_for(client_record) is None
    actions.set_chance_encounter(
        client=client_record, by=practitioner, choice="say_hello", note=NOTE_CANARY
    )
    preference = selectors.chance_encounter_for(client_record)
    assert preference is not None
    assert preference.choice == EncounterChoice.SAY_HELLO and preference.note == NOTE_CANARY
    assert not preference.by_client
    body = as_user(practitioner).get(reverse("clients:card", args=[client_record.pk])).content
    alert = body.decode().split('id="chance-encounter"')[1].split("</section>")[0]
    assert "If you meet by chance: Say hello briefly" in alert
    assert NOTE_CANARY in alert
    # Prominent: in the alerts, before the card's own sections.
    assert body.index(b'id="chance-encounter"') < body.index(b'id="identity"')


def test_the_client_can_change_it_and_the_history_is_kept(
    client_record: Any, practitioner: Any, as_user: Any
) -> None:
    actions.set_chance_encounter(client=client_record, by=practitioner, choice="say_hello")
    actions.set_chance_encounter_by_client(
        client=client_record, by=None, choice="dont_acknowledge", note=NOTE_CANARY
    )
    current = selectors.chance_encounter_for(client_record)
    assert current is not None and current.choice == EncounterChoice.DONT_ACKNOWLEDGE
    assert current.by_client
    assert ChanceEncounterPreference.objects.filter(client=client_record).count() == 2
    page = as_user(practitioner).get(reverse("contracts:chance_encounter", args=[client_record.pk]))
    body = page.content.decode()
    assert "Please don&#x27;t acknowledge me" in body and "Say hello briefly" in body
    assert "in the portal" in body
    events = AuditEvent.objects.filter(action=Action.CHANCE_ENCOUNTER_SET).order_by("seq")
    assert [e.detail["by"] for e in events] == ["practitioner", "client"]
    assert events[1].actor_role == "client"
    assert NOTE_CANARY not in audit_text()


def test_the_note_is_encrypted(client_record: Any, practitioner: Any) -> None:
    row = actions.set_chance_encounter(
        client=client_record, by=practitioner, choice="nod_or_smile", note=NOTE_CANARY
    )
    stored = (
        ChanceEncounterPreference.objects.filter(pk=row.pk).values_list("note", flat=True).get()
    )
    assert stored.startswith("frame1$") and "Co-op" not in stored


def test_bad_choices_are_refused(client_record: Any, practitioner: Any, colleague: Any) -> None:
    with pytest.raises(ValidationError):
        actions.set_chance_encounter(client=client_record, by=practitioner, choice="wave")
    with pytest.raises(ValidationError):
        actions.set_chance_encounter(
            client=client_record, by=practitioner, choice="say_hello", note="x" * 2001
        )
    with pytest.raises(PermissionDenied):
        actions.set_chance_encounter(client=client_record, by=colleague, choice="say_hello")


def test_the_form_page_saves_and_refuses_plainly(
    client_record: Any, practitioner: Any, as_user: Any
) -> None:
    url = reverse("contracts:chance_encounter", args=[client_record.pk])
    http = as_user(practitioner)
    bad = http.post(url, {"choice": "wave", "note": "Typed words stay"})
    assert bad.status_code == 200 and b"Typed words stay" in bad.content
    assert b"There is a problem" in bad.content
    good = http.post(url, {"choice": "client_leads", "note": ""})
    assert good.status_code == 302
    current = selectors.chance_encounter_for(client_record)
    assert current is not None and current.choice == EncounterChoice.CLIENT_LEADS


# --- Communication ----------------------------------------------------------------------------


def test_communication_preferences_default_and_change(
    client_record: Any, practitioner: Any, template: Any
) -> None:
    prefs = selectors.communication_preferences_for(client_record)
    assert prefs.reminder_channel == ReminderChannel.EMAIL and prefs.sends_reminders
    assert prefs.calendar_title == CalendarTitle.CASE_CODE
    assert prefs.discreet_wording is True
    assert prefs.contact_policy.channels == (ContactChannel.EMAIL,)
    changed = actions.set_communication_preferences(
        client=client_record,
        by=practitioner,
        reminder_channel="none",
        calendar_title="initials",
        discreet_wording=False,
    )
    assert changed == ["reminder_channel", "calendar_title", "discreet_wording"]
    client_record.refresh_from_db()
    prefs = selectors.communication_preferences_for(client_record)
    assert not prefs.sends_reminders and prefs.calendar_title == CalendarTitle.INITIALS
    assert prefs.discreet_wording is False
    assert selectors.calendar_title_text(client_record, prefs.calendar_title) == "MF"
    assert selectors.calendar_title_text(client_record, CalendarTitle.APPOINTMENT) == "Appointment"
    event = AuditEvent.objects.get(action=Action.COMMUNICATION_CHANGED)
    assert event.detail["fields"] == ["reminder_channel", "calendar_title"]
    assert AuditEvent.objects.filter(action=Action.CLIENT_UPDATED).exists()  # discreet wording


def test_the_contact_policy_comes_from_the_agreed_terms(
    client_record: Any, practitioner: Any, template: Any
) -> None:
    terms = Terms(
        contact_channels=(ContactChannel.PORTAL,),
        contact_purposes="changing appointments only",
        response_time_working_days=1,
    )
    actions.set_client_terms(client=client_record, by=practitioner, terms=terms)
    agree(client_record, practitioner)
    policy = selectors.communication_preferences_for(client_record).contact_policy
    assert policy.channels == (ContactChannel.PORTAL,)
    assert policy.purposes == "changing appointments only"
    assert policy.response_time_working_days == 1


def test_administrators_manage_reminders_but_not_the_contract(
    client_record: Any, administrator: Any, as_user: Any, template: Any, practitioner: Any
) -> None:
    actions.set_chance_encounter(
        client=client_record, by=practitioner, choice="say_hello", note=NOTE_CANARY
    )
    http = as_user(administrator)
    card = http.get(reverse("clients:card", args=[client_record.pk])).content.decode()
    assert 'id="communication"' in card
    assert 'id="chance-encounter"' not in card and NOTE_CANARY not in card
    assert 'id="contract"' not in card
    url = reverse("contracts:communication", args=[client_record.pk])
    page = http.get(url)
    assert page.status_code == 200 and b"part of the contract" not in page.content
    response = http.post(
        url, {"reminder_channel": "none", "calendar_title": "appointment", "discreet_wording": "on"}
    )
    assert response.status_code == 302
    assert not selectors.communication_preferences_for(client_record).sends_reminders
    for name in ("client_contract", "client_terms", "record_agreement", "chance_encounter"):
        assert http.get(reverse(f"contracts:{name}", args=[client_record.pk])).status_code == 404


def test_communication_form_refuses_nonsense(
    client_record: Any, practitioner: Any, as_user: Any
) -> None:
    url = reverse("contracts:communication", args=[client_record.pk])
    response = as_user(practitioner).post(url, {"reminder_channel": "pigeon"})
    assert response.status_code == 200 and b"There are 2 problems" in response.content
