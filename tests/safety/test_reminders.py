"""Reminder emails about unacknowledged flags, the owner's setting, and flags for older alerts."""

from __future__ import annotations

import datetime as dt
import importlib
from typing import Any

from django.apps import apps
from django.core import mail
from django.urls import reverse
from django.utils import timezone

from frame.audit.models import Action, AuditEvent
from frame.clients.signals import risk_indicated
from frame.measures import actions as measures_actions
from frame.measures import definitions
from frame.measures.models import RiskAlert
from frame.safety import actions
from frame.safety.models import FlagReminder, RiskFlag, SafetySettings
from frame.safety.receivers import raise_flag_on_risk
from frame.safety.reminders import send_flag_reminders

HOUR = dt.timedelta(hours=1)


def test_one_reminder_per_period_without_clinical_details(
    practitioner: Any, client_record: Any
) -> None:
    flag = actions.raise_flag(
        client=client_record, reason="Talked about the bridge", by=practitioner
    )
    raised = flag.raised_at

    assert send_flag_reminders(now=raised + 23 * HOUR).sent == 0
    assert mail.outbox == []

    run = send_flag_reminders(now=raised + 25 * HOUR)
    assert run.sent == 1 and len(mail.outbox) == 1
    message = mail.outbox[0]
    assert message.bcc == [practitioner.email] and message.to == []
    text = message.subject + message.body
    for private in ("Feltham", "Morgan", "bridge", "Raised by hand", client_record.case_code):
        assert private not in text
    assert reverse("safety:caseload") in message.body

    # Running again in the same period sends nothing more.
    assert send_flag_reminders(now=raised + 26 * HOUR).sent == 0
    assert len(mail.outbox) == 1
    # The next period sends the next one.
    assert send_flag_reminders(now=raised + 49 * HOUR).sent == 1
    assert list(FlagReminder.objects.order_by("number").values_list("number", flat=True)) == [1, 2]
    event = AuditEvent.objects.filter(action=Action.RISK_FLAG_REMINDER_SENT).last()
    assert event is not None and event.detail == {"number": 2, "recipients": 1}


def test_acknowledged_flags_are_not_reminded_about(practitioner: Any, client_record: Any) -> None:
    flag = actions.raise_flag(client=client_record, reason="Concern", by=practitioner)
    actions.acknowledge_flag(flag=flag, action_taken="Called them", by=practitioner)
    assert send_flag_reminders(now=flag.raised_at + 100 * HOUR).sent == 0
    assert mail.outbox == []


def test_the_owner_sets_the_hours(as_user: Any, practitioner: Any, client_record: Any) -> None:
    http = as_user(practitioner)
    url = reverse("safety:settings")
    response = http.post(url, {"reminder_hours": "0"})
    assert response.status_code == 200 and "There is a problem" in response.content.decode()
    assert http.post(url, {"reminder_hours": "4"}).status_code == 302
    assert SafetySettings.objects.get().reminder_hours == 4
    flag = actions.raise_flag(client=client_record, reason="Concern", by=practitioner)
    assert send_flag_reminders(now=flag.raised_at + 5 * HOUR).sent == 1


def test_only_owners_reach_the_settings(as_user: Any, colleague: Any, administrator: Any) -> None:
    for person in (colleague, administrator):
        assert as_user(person).get(reverse("safety:settings")).status_code == 404


def test_the_migration_flags_alerts_that_were_already_open(
    practitioner: Any, client_record: Any
) -> None:
    # Alerts recorded before the safety app existed: no receiver was listening then.
    risk_indicated.disconnect(dispatch_uid="safety.raise_flag_on_risk")
    try:
        for answers in ([0] * 8 + [2], [0] * 8 + [1]):
            measures_actions.record_administration(
                client=client_record,
                instrument=definitions.get("phq9"),
                answers=answers,
                completed_on=timezone.localdate(),
                by=practitioner,
            )
    finally:
        risk_indicated.connect(raise_flag_on_risk, dispatch_uid="safety.raise_flag_on_risk")
    closed = RiskAlert.objects.select_related("client", "administration").get(value=1)
    measures_actions.acknowledge_alert(alert=closed, note="Seen", by=practitioner)
    assert not RiskFlag.objects.exists()

    migration = importlib.import_module("frame.safety.migrations.0002_flags_for_open_risk_alerts")
    migration.flags_for_open_alerts(apps, None)
    migration.flags_for_open_alerts(apps, None)  # running it again makes nothing new

    flag = RiskFlag.objects.get()
    open_alert = RiskAlert.objects.get(value=2)
    assert flag.source_id == open_alert.pk and flag.summary == "PHQ-9 item 9 answered 2"
    assert flag.raised_at == open_alert.raised_at and flag.is_open


def test_the_command_and_the_task_send_due_reminders(practitioner: Any, client_record: Any) -> None:
    from io import StringIO

    from django.core.management import call_command

    from frame.safety import tasks

    flag = actions.raise_flag(client=client_record, reason="Concern", by=practitioner)
    RiskFlag.objects.filter(pk=flag.pk).update(raised_at=timezone.now() - 30 * HOUR)
    out = StringIO()
    call_command("sendflagreminders", stdout=out)
    assert "1 sent" in out.getvalue() and len(mail.outbox) == 1
    assert tasks.send_flag_reminders.call() == {"due": 0, "sent": 0, "failed": 0}
    assert len(mail.outbox) == 1
