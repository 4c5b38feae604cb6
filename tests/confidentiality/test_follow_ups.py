"""Follow-ups on register entries, and the home panel of decisions due for review."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone

from frame.audit.models import Action, AuditEvent
from frame.confidentiality import actions
from frame.confidentiality.models import FollowUp, RegisterEntry, RegisterIsAppendOnly
from tests.confidentiality.sweep import not_sharing
from tests.factories import CareTeamMemberFactory

pytestmark = pytest.mark.django_db


def _entry(client: Any, by: Any, review_in_days: int | None) -> RegisterEntry:
    review_on = (
        timezone.localdate() + dt.timedelta(days=review_in_days)
        if review_in_days is not None
        else None
    )
    return actions.record_entry(client=client, by=by, data=not_sharing(review_on=review_on))


def test_a_follow_up_is_added_below_the_entry_and_moves_the_review(
    client_record: Any, practitioner: Any, as_user: Any
) -> None:
    entry = _entry(client_record, practitioner, 3)
    http = as_user(practitioner)
    next_review = timezone.localdate() + dt.timedelta(days=30)
    response = http.post(
        reverse("confidentiality:follow_up", args=[client_record.pk, entry.pk]),
        {
            "text": "Client met the parent; child now with grandmother.",
            "next_review_on": next_review.strftime("%d/%m/%Y"),
        },
    )
    assert response.status_code == 302
    page = http.get(reverse("confidentiality:entry", args=[client_record.pk, entry.pk]))
    body = page.content.decode()
    assert "child now with grandmother" in body
    assert f"<strong>Next review:</strong> {next_review:%-d %B %Y}" in body
    assert "Passive ideation" in body  # the entry itself is unchanged
    event = AuditEvent.objects.get(action=Action.REGISTER_FOLLOW_UP_ADDED)
    assert event.detail["review_planned"] is True and event.object_id == str(entry.pk)


def test_an_empty_follow_up_is_refused_keeping_the_date(
    client_record: Any, practitioner: Any, as_user: Any
) -> None:
    entry = _entry(client_record, practitioner, 3)
    response = as_user(practitioner).post(
        reverse("confidentiality:follow_up", args=[client_record.pk, entry.pk]),
        {"text": "", "next_review_on": "01/01/2099"},
    )
    assert response.status_code == 400
    assert b"Say what happened next" in response.content
    assert b"01/01/2099" in response.content
    assert not FollowUp.objects.exists()


def test_follow_ups_are_append_only(client_record: Any, practitioner: Any) -> None:
    entry = _entry(client_record, practitioner, None)
    item = actions.add_follow_up(entry=entry, by=practitioner, text="Done", next_review_on=None)
    item.text = "Changed"
    with pytest.raises(RegisterIsAppendOnly):
        item.save()
    with pytest.raises(RegisterIsAppendOnly):
        item.delete()
    with pytest.raises(RegisterIsAppendOnly):
        FollowUp.objects.filter(pk=item.pk).update(next_review_on=None)
    with pytest.raises(RegisterIsAppendOnly):
        FollowUp.objects.all().delete()


def test_a_corrected_entry_takes_no_follow_up(client_record: Any, practitioner: Any) -> None:
    entry = _entry(client_record, practitioner, None)
    actions.record_entry(client=client_record, by=practitioner, data=not_sharing(), corrects=entry)
    with pytest.raises(ValidationError):
        actions.add_follow_up(entry=entry, by=practitioner, text="Late", next_review_on=None)


def test_a_colleague_cannot_follow_up(
    client_record: Any, practitioner: Any, colleague: Any, as_user: Any
) -> None:
    entry = _entry(client_record, practitioner, None)
    CareTeamMemberFactory(client=client_record, user=colleague)
    response = as_user(colleague).post(
        reverse("confidentiality:follow_up", args=[client_record.pk, entry.pk]), {"text": "x"}
    )
    assert response.status_code == 404
    assert not FollowUp.objects.exists()


def test_the_home_page_lists_own_decisions_due_for_review(
    client_record: Any, practitioner: Any, colleague: Any, as_user: Any
) -> None:
    CareTeamMemberFactory(client=client_record, user=colleague)
    due = _entry(client_record, practitioner, 3)
    _entry(client_record, practitioner, 30)  # not yet
    _entry(client_record, colleague, -1)  # someone else's, overdue
    http = as_user(practitioner)
    home = http.get(reverse("home")).content.decode()
    assert "Confidentiality decisions to review" in home
    assert "1 decision about sharing without consent is due" in home
    assert reverse("confidentiality:entry", args=[client_record.pk, due.pk]) in home
    # The colleague sees their own overdue one, marked as such.
    theirs = as_user(colleague).get(reverse("home")).content.decode()
    assert "(overdue)" in theirs
    # A follow-up with no further review closes it.
    actions.add_follow_up(entry=due, by=practitioner, text="Resolved.", next_review_on=None)
    assert "Confidentiality decisions to review" not in http.get(reverse("home")).content.decode()


def test_a_correction_carries_the_review_and_the_old_entry_drops_out(
    client_record: Any, practitioner: Any, as_user: Any
) -> None:
    old = _entry(client_record, practitioner, 1)
    new = actions.record_entry(
        client=client_record,
        by=practitioner,
        data=not_sharing(review_on=timezone.localdate() + dt.timedelta(days=2)),
        corrects=old,
    )
    home = as_user(practitioner).get(reverse("home")).content.decode()
    assert reverse("confidentiality:entry", args=[client_record.pk, new.pk]) in home
    assert reverse("confidentiality:entry", args=[client_record.pk, old.pk]) not in home
