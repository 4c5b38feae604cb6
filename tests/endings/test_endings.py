"""Planned endings, recording an ending, its review and letter, and who may do any of it."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.core.exceptions import ValidationError
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from frame.audit.models import AuditEvent
from frame.clients import actions as client_actions
from frame.clients.models import Client, StatusChange
from frame.endings import actions, selectors
from frame.endings.models import Ending, EndingRecordsAreKept, PlannedEnding, RetentionStart
from frame.notes import actions as note_actions
from frame.notes.models import GoalRating, RetentionClass
from frame.scheduling.models import Status
from tests.endings.factories import session
from tests.factories import CareTeamMemberFactory

pytestmark = pytest.mark.django_db

CANARY = "Canary-wren-4471 kept the lamp lit"


def _active(client: Client, by: Any) -> Client:
    client_actions.change_status(
        client=client,
        by=by,
        to_status="active",
        effective_date=timezone.localdate() - dt.timedelta(days=60),
    )
    client.refresh_from_db()
    return client


@pytest.fixture
def active_client(client_record: Client, practitioner: Any) -> Client:
    return _active(client_record, practitioner)


def _days_ago(days: int) -> str:
    return (timezone.localdate() - dt.timedelta(days=days)).isoformat()


# --- Planned endings ------------------------------------------------------------------------------


def test_a_planned_ending_counts_down_and_keeps_every_change(
    active_client: Client, practitioner: Any, as_user: Any
) -> None:
    for days in (-30, -20, -10):
        session(active_client, practitioner, days_from_now=days)
    session(active_client, practitioner, days_from_now=-5, status=Status.DID_NOT_ATTEND)
    session(active_client, practitioner, days_from_now=5, status=Status.PLANNED)
    http = as_user(practitioner)
    url = reverse("endings:plan", args=[active_client.pk])
    end_on = timezone.localdate() + dt.timedelta(days=70)
    assert http.post(url, {"sessions": "8", "end_on": "", "based_on": ""}).status_code == 302
    first = PlannedEnding.objects.get()
    found = selectors.countdown(active_client)
    assert found is not None
    assert (found.sessions_left, found.attendance.booked, found.unbooked) == (5, 1, 4)
    assert found.summary == "5 sessions left of 8"
    changed = http.post(
        url, {"sessions": "6", "end_on": end_on.isoformat(), "based_on": str(first.pk)}
    )
    assert changed.status_code == 302
    assert PlannedEnding.objects.count() == 2  # the first plan is kept, not overwritten
    newest = selectors.current_plan(active_client)
    assert newest is not None and newest.replaces == first and newest.sessions == 6
    card = http.get(reverse("clients:card", args=[active_client.pk])).content.decode()
    assert "3 sessions left of 6" in card and f"ends on {end_on.day} {end_on:%B %Y}" in card
    history = http.get(url).content.decode()
    assert history.count("<tr>") == 3  # header row and both plans
    assert AuditEvent.objects.filter(action="endings.planned_set").count() == 2


def test_a_stale_plan_form_is_refused_and_keeps_what_was_typed(
    active_client: Client, practitioner: Any, colleague: Any, as_user: Any
) -> None:
    CareTeamMemberFactory(client=active_client, user=colleague)
    first = actions.set_planned_ending(
        client=active_client, by=practitioner, end_on=None, sessions=10, based_on=None
    )
    actions.set_planned_ending(
        client=active_client, by=colleague, end_on=None, sessions=12, based_on=first.pk
    )
    http = as_user(practitioner)
    stale = http.post(
        reverse("endings:plan", args=[active_client.pk]),
        {"sessions": "9", "end_on": "", "based_on": str(first.pk)},
    )
    assert stale.status_code == 400
    assert b"Someone changed the planned ending" in stale.content
    assert b'value="9"' in stale.content
    assert selectors.current_plan(active_client).sessions == 12  # type: ignore[union-attr]
    assert AuditEvent.objects.filter(action="endings.planned_change_refused").exists()


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ({"sessions": "", "end_on": ""}, b"Give an end date, a number of sessions, or both."),
        ({"sessions": "0", "end_on": ""}, b"greater than or equal to 1"),
        ({"sessions": "lots", "end_on": ""}, b"Enter a whole number of sessions"),
        ({"sessions": "", "end_on": "31/31/2030"}, b"Enter the date as day, month and year"),
        ({"sessions": "", "end_on": "2001-01-01"}, b"The end date has passed"),
        ({"sessions": "1", "end_on": ""}, b"2 sessions have already been held"),
    ],
)
def test_bad_plans_are_refused_in_plain_words_and_keep_the_input(
    active_client: Client, practitioner: Any, as_user: Any, data: dict[str, str], message: bytes
) -> None:
    session(active_client, practitioner, days_from_now=-14)
    session(active_client, practitioner, days_from_now=-7)
    response = as_user(practitioner).post(
        reverse("endings:plan", args=[active_client.pk]), {**data, "based_on": ""}
    )
    assert response.status_code == 400
    assert message in response.content
    for value in data.values():
        if value and value != "2001-01-01":
            assert f'value="{value}"'.encode() in response.content
    assert not PlannedEnding.objects.exists()


def test_a_plan_can_be_withdrawn(active_client: Client, practitioner: Any, as_user: Any) -> None:
    plan = actions.set_planned_ending(
        client=active_client, by=practitioner, end_on=None, sessions=6, based_on=None
    )
    response = as_user(practitioner).post(
        reverse("endings:plan", args=[active_client.pk]),
        {"sessions": "6", "end_on": "", "based_on": str(plan.pk), "withdraw": "1"},
    )
    assert response.status_code == 302
    assert selectors.current_plan(active_client) is None
    assert PlannedEnding.objects.count() == 2


# --- Recording an ending ------------------------------------------------------------------------


def test_recording_a_planned_ending_asks_first_then_ends_and_stores_retention_dates(
    active_client: Client, practitioner: Any, as_user: Any
) -> None:
    active_client.date_of_birth = dt.date(1985, 4, 2)
    active_client.save(update_fields=["date_of_birth"])
    goal = note_actions.add_goal(
        client=active_client,
        words="Sleep better",
        agreed_on=timezone.localdate() - dt.timedelta(days=50),
        rating=2,
        by=practitioner,
    )
    session(active_client, practitioner, days_from_now=-3)
    ended_on = timezone.localdate() - dt.timedelta(days=1)
    http = as_user(practitioner)
    url = reverse("endings:record", args=[active_client.pk])
    data = {
        "kind": "planned",
        "ended_on": ended_on.isoformat(),
        "last_attended_on": "",
        "what_was_tried": "",
        "what_changed": CANARY,
        f"goal_{goal.pk}": "8",
    }
    confirm = http.post(url, data)
    assert confirm.status_code == 200 and b"Yes, record the ending" in confirm.content
    assert CANARY.encode() in confirm.content  # carried in the confirmation, nothing lost
    assert not Ending.objects.exists()
    back = http.post(url, {**data, "back": "1"})
    assert back.status_code == 200 and CANARY.encode() in back.content
    assert not Ending.objects.exists()
    done = http.post(url, {**data, "confirm": "yes"})
    assert done.status_code == 302 and done["Location"].endswith(
        reverse("endings:letter", args=[active_client.pk])
    )
    active_client.refresh_from_db()
    assert active_client.status == "ended"
    change = StatusChange.objects.filter(client=active_client).order_by("-changed_at").first()
    assert change is not None and change.effective_date == ended_on
    ending = Ending.objects.get()
    assert ending.what_changed == CANARY and ending.kind == "planned"
    starts = {s.retention_class: s for s in RetentionStart.objects.filter(ending=ending)}
    assert set(starts) == set(RetentionClass.values)
    assert starts["clinical"].runs_from == ended_on
    assert starts["clinical"].keep_until == ended_on.replace(year=ended_on.year + 7)
    assert starts["process"].keep_until.year * 12 + starts["process"].keep_until.month == (
        ended_on.year * 12 + ended_on.month + 12
    )
    final = GoalRating.objects.filter(goal=goal).order_by("-recorded_at").first()
    assert final is not None and (final.rating, final.occasion, final.rated_on) == (
        8,
        "ending",
        ended_on,
    )
    letter = http.get(reverse("endings:letter", args=[active_client.pk])).content.decode()
    assert f"Dear {active_client.given_name}" in letter and "Robin Ashdown" in letter
    event = AuditEvent.objects.get(action="endings.recorded")
    assert event.detail["kind"] == "planned" and "Canary" not in str(event.detail)


def test_an_unplanned_ending_needs_when_they_last_came_and_what_was_tried(
    active_client: Client, practitioner: Any, as_user: Any
) -> None:
    http = as_user(practitioner)
    url = reverse("endings:record", args=[active_client.pk])
    data = {"kind": "unplanned", "ended_on": _days_ago(2), "what_changed": "Kept words"}
    refused = http.post(url, {**data, "confirm": "yes"})
    assert refused.status_code == 400
    assert b"Give the date the client last attended." in refused.content
    assert b"Say what was tried to reach the client" in refused.content
    assert b"Kept words" in refused.content
    assert not Ending.objects.exists()
    full = {**data, "last_attended_on": _days_ago(40), "what_was_tried": CANARY, "confirm": "yes"}
    assert http.post(url, full).status_code == 302
    ending = Ending.objects.get()
    assert ending.kind == "unplanned" and ending.what_was_tried == CANARY
    assert "I have not seen you since" in ending.letter


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ({"kind": "", "ended_on": _days_ago(1)}, b"Say whether this ending was planned or not."),
        ({"kind": "planned", "ended_on": ""}, b"Give the date the work ended."),
        ({"kind": "planned", "ended_on": "yesterday"}, b"Enter the date as day, month and year"),
        (
            {"kind": "planned", "ended_on": (dt.date.today() + dt.timedelta(days=9)).isoformat()},
            b"cannot be in the future",
        ),
        ({"kind": "planned", "ended_on": "1999-01-01"}, b"cannot be earlier than the last change"),
        (
            {
                "kind": "unplanned",
                "ended_on": _days_ago(5),
                "last_attended_on": _days_ago(1),
                "what_was_tried": "Two emails",
            },
            b"The last session attended cannot be after the ending.",
        ),
    ],
)
def test_bad_endings_are_refused_and_nothing_changes(
    active_client: Client, practitioner: Any, as_user: Any, data: dict[str, str], message: bytes
) -> None:
    response = as_user(practitioner).post(
        reverse("endings:record", args=[active_client.pk]),
        {"what_changed": "Typed review", **data, "confirm": "yes"},
    )
    assert response.status_code == 400
    assert message in response.content
    assert b"Typed review" in response.content
    active_client.refresh_from_db()
    assert active_client.status == "active"
    assert not Ending.objects.exists() and not RetentionStart.objects.exists()


def test_a_final_rating_out_of_range_is_refused(
    active_client: Client, practitioner: Any, as_user: Any
) -> None:
    goal = note_actions.add_goal(
        client=active_client,
        words="Walk to work",
        agreed_on=timezone.localdate() - dt.timedelta(days=30),
        rating=None,
        by=practitioner,
    )
    response = as_user(practitioner).post(
        reverse("endings:record", args=[active_client.pk]),
        {"kind": "planned", "ended_on": _days_ago(1), f"goal_{goal.pk}": "11", "confirm": "yes"},
    )
    assert response.status_code == 400 and b"less than or equal to 10" in response.content
    assert not Ending.objects.exists()


def test_an_ended_client_cannot_be_ended_twice_but_may_return_and_end_again(
    active_client: Client, practitioner: Any, as_user: Any
) -> None:
    actions.record_ending(
        client=active_client, by=practitioner, kind="planned", ended_on=timezone.localdate()
    )
    http = as_user(practitioner)
    url = reverse("endings:record", args=[active_client.pk])
    again = http.post(url, {"kind": "planned", "ended_on": _days_ago(0), "confirm": "yes"})
    assert again.status_code == 409 and Ending.objects.count() == 1
    with pytest.raises(ValidationError):
        actions.record_ending(
            client=active_client, by=practitioner, kind="planned", ended_on=timezone.localdate()
        )
    client_actions.change_status(client=active_client, by=practitioner, to_status="active")
    active_client.refresh_from_db()
    actions.record_ending(
        client=active_client,
        by=practitioner,
        kind="unplanned",
        ended_on=timezone.localdate(),
        last_attended_on=timezone.localdate(),
        what_was_tried="A letter",
    )
    assert Ending.objects.count() == 2 and RetentionStart.objects.count() == 4


def test_retention_uses_the_contract_period_and_the_practice_process_period(
    active_client: Client, practitioner: Any
) -> None:
    import dataclasses

    from frame.contracts import actions as contract_actions
    from frame.contracts.selectors import terms_for

    contract_actions.set_client_terms(
        client=active_client,
        by=practitioner,
        terms=dataclasses.replace(terms_for(active_client), retention_years=10),
    )
    actions.set_retention_policy(practice=active_client.practice, by=practitioner, process_months=3)
    ended_on = timezone.localdate()
    ending = actions.record_ending(
        client=active_client, by=practitioner, kind="planned", ended_on=ended_on
    )
    starts = {s.retention_class: s for s in selectors.retention_for(ending)}
    assert starts["clinical"].keep_until.year == ended_on.year + 10
    assert "10 years" in starts["clinical"].basis
    assert "3 months" in starts["process"].basis


def test_ending_records_are_never_deleted_or_rewritten(
    active_client: Client, practitioner: Any
) -> None:
    ending = actions.record_ending(
        client=active_client, by=practitioner, kind="planned", ended_on=timezone.localdate()
    )
    start = RetentionStart.objects.filter(ending=ending).first()
    assert start is not None
    with pytest.raises(EndingRecordsAreKept):
        ending.delete()
    with pytest.raises(EndingRecordsAreKept):
        Ending.objects.all().delete()
    with pytest.raises(EndingRecordsAreKept):
        RetentionStart.objects.update(keep_until=dt.date(2000, 1, 1))
    with pytest.raises(EndingRecordsAreKept):
        start.save()


# --- Review, letter, PDF, card ------------------------------------------------------------------


def test_review_and_letter_are_edited_and_the_letter_downloads_as_a_pdf(
    active_client: Client, practitioner: Any, as_user: Any
) -> None:
    actions.record_ending(
        client=active_client, by=practitioner, kind="planned", ended_on=timezone.localdate()
    )
    http = as_user(practitioner)
    review = reverse("endings:review", args=[active_client.pk])
    assert http.get(review).status_code == 200
    assert http.post(review, {"what_changed": CANARY}).status_code == 302
    assert Ending.objects.get().what_changed == CANARY
    letter = reverse("endings:letter", args=[active_client.pk])
    empty = http.post(letter, {"text": "   "})
    assert empty.status_code == 400 and b"The letter is empty" in empty.content
    assert http.post(letter, {"text": f"Dear Morgan,\n\n{CANARY}"}).status_code == 302
    pdf = http.get(reverse("endings:letter_pdf", args=[active_client.pk]))
    assert pdf.status_code == 200 and pdf["Content-Type"] == "application/pdf"
    assert pdf.content.startswith(b"%PDF")
    assert "Feltham" not in pdf["Content-Disposition"]
    assert AuditEvent.objects.filter(action="endings.letter_downloaded").exists()
    assert not any("Canary" in str(e.detail) for e in AuditEvent.objects.all())


def test_new_encrypted_text_never_reaches_the_database_in_clear(
    active_client: Client, practitioner: Any
) -> None:
    ending = actions.record_ending(
        client=active_client,
        by=practitioner,
        kind="unplanned",
        ended_on=timezone.localdate(),
        last_attended_on=timezone.localdate(),
        what_was_tried=CANARY,
        what_changed=CANARY,
    )
    actions.save_letter(ending=ending, by=practitioner, text=CANARY)
    with connection.cursor() as cursor:
        cursor.execute("SELECT what_was_tried, what_changed, letter FROM endings_ending")
        row = cursor.fetchone()
    assert all(value.startswith("frame1$") and "Canary" not in value for value in row)


def test_review_and_letter_before_an_ending_lead_to_recording_it(
    active_client: Client, practitioner: Any, as_user: Any
) -> None:
    http = as_user(practitioner)
    for name in ("endings:review", "endings:letter", "endings:letter_pdf"):
        response = http.get(reverse(name, args=[active_client.pk]))
        assert response.status_code == 302
        assert response["Location"] == reverse("endings:record", args=[active_client.pk])


def test_an_ended_clients_card_shows_the_ending_and_the_post_ending_reminder(
    active_client: Client, practitioner: Any, administrator: Any, as_user: Any
) -> None:
    from frame.contracts import actions as contract_actions

    card = reverse("clients:card", args=[active_client.pk])
    assert "After the ending" not in as_user(practitioner).get(card).content.decode()
    contract_actions.set_chance_encounter(
        client=active_client, by=practitioner, choice="nod_or_smile"
    )
    actions.record_ending(
        client=active_client, by=practitioner, kind="planned", ended_on=timezone.localdate()
    )
    page = as_user(practitioner).get(card).content.decode()
    assert "After the ending" in page and "Clinical record: kept until" in page
    assert "their wish still applies: “A nod or a smile only”" in page
    admin_page = as_user(administrator).get(card).content.decode()
    assert "After the ending" not in admin_page and "kept until" not in admin_page


# --- Access -----------------------------------------------------------------------------------

PAGES = ["endings:plan", "endings:record", "endings:review", "endings:letter", "endings:letter_pdf"]


@pytest.mark.parametrize("name", PAGES)
@pytest.mark.parametrize("persona", ["colleague", "administrator", "outsider"])
def test_only_the_care_team_reaches_ending_pages(
    active_client: Client, practitioner: Any, name: str, persona: str, request: Any, as_user: Any
) -> None:
    actions.record_ending(
        client=active_client, by=practitioner, kind="planned", ended_on=timezone.localdate()
    )
    http = as_user(request.getfixturevalue(persona))
    url = reverse(name, args=[active_client.pk])
    assert http.get(url).status_code == 404
    assert http.post(url, {"text": "x", "what_changed": "x"}).status_code in {404, 405}
    assert Ending.objects.get().what_changed == ""


def test_actions_refuse_people_off_the_care_team(active_client: Client, colleague: Any) -> None:
    from django.core.exceptions import PermissionDenied

    with pytest.raises(PermissionDenied):
        actions.record_ending(
            client=active_client, by=colleague, kind="planned", ended_on=timezone.localdate()
        )
    with pytest.raises(PermissionDenied):
        actions.set_planned_ending(
            client=active_client, by=colleague, end_on=None, sessions=4, based_on=None
        )


def test_only_owners_set_retention_periods(practitioner: Any, colleague: Any, as_user: Any) -> None:
    url = reverse("endings:retention")
    assert as_user(colleague).get(url).status_code == 404
    http = as_user(practitioner)
    bad = http.post(url, {"process_months": "999"})
    assert bad.status_code == 400 and b'value="999"' in bad.content
    assert http.post(url, {"process_months": "6"}).status_code == 302
    assert selectors.process_months_for(practitioner.active_membership.practice_id) == 6


# --- Constant queries --------------------------------------------------------------------------


def _queries(http: Any, url: str) -> int:
    with CaptureQueriesContext(connection) as context:
        assert http.get(url).status_code == 200
    return len(context.captured_queries)


def test_the_plan_page_and_the_card_use_the_same_queries_however_long_the_work(
    active_client: Client, practitioner: Any, as_user: Any
) -> None:
    http = as_user(practitioner)
    first = actions.set_planned_ending(
        client=active_client, by=practitioner, end_on=None, sessions=40, based_on=None
    )
    session(active_client, practitioner, days_from_now=-1)
    plan_url = reverse("endings:plan", args=[active_client.pk])
    card_url = reverse("clients:card", args=[active_client.pk])
    _queries(http, plan_url)  # the first request of a session does one-off work
    few = (_queries(http, plan_url), _queries(http, card_url))
    latest = first
    for n in range(2, 12):
        latest = actions.set_planned_ending(
            client=active_client, by=practitioner, end_on=None, sessions=40 + n, based_on=latest.pk
        )
        session(active_client, practitioner, days_from_now=-1 - n)
    assert (_queries(http, plan_url), _queries(http, card_url)) == few


def test_the_brief_counts_down_to_a_planned_ending(
    active_client: Client, practitioner: Any, as_user: Any
) -> None:
    upcoming = session(active_client, practitioner, days_from_now=2, status=Status.PLANNED)
    session(active_client, practitioner, days_from_now=-7)
    actions.set_planned_ending(
        client=active_client, by=practitioner, end_on=None, sessions=3, based_on=None
    )
    page = as_user(practitioner).get(reverse("brief:appointment", args=[upcoming.pk]))
    assert page.status_code == 200
    body = page.content.decode()
    assert "2 sessions left of 3" in body and "The ending is close" in body


def test_a_client_ended_on_their_card_can_have_the_ending_recorded_afterwards(
    active_client: Client, practitioner: Any, as_user: Any
) -> None:
    ended_on = timezone.localdate() - dt.timedelta(days=3)
    client_actions.change_status(
        client=active_client, by=practitioner, to_status="ended", effective_date=ended_on
    )
    http = as_user(practitioner)
    card = http.get(reverse("clients:card", args=[active_client.pk])).content.decode()
    assert "no retention dates are set yet" in card
    url = reverse("endings:record", args=[active_client.pk])
    form = http.get(url).content.decode()
    assert "the status stays as it is" in form and f'value="{ended_on.isoformat()}"' in form
    done = http.post(url, {"kind": "planned", "ended_on": ended_on.isoformat(), "confirm": "yes"})
    assert done.status_code == 302
    assert StatusChange.objects.filter(client=active_client, to_status="ended").count() == 1
    assert RetentionStart.objects.filter(client=active_client).count() == 2
    card = http.get(reverse("clients:card", args=[active_client.pk])).content.decode()
    assert "no retention dates are set yet" not in card
    again = http.post(url, {"kind": "planned", "ended_on": ended_on.isoformat(), "confirm": "yes"})
    assert again.status_code == 409 and Ending.objects.count() == 1


def test_no_ending_can_be_planned_once_the_work_has_ended(
    active_client: Client, practitioner: Any, as_user: Any
) -> None:
    actions.record_ending(
        client=active_client, by=practitioner, kind="planned", ended_on=timezone.localdate()
    )
    response = as_user(practitioner).post(
        reverse("endings:plan", args=[active_client.pk]),
        {"sessions": "4", "end_on": "", "based_on": ""},
    )
    assert response.status_code == 409 and b"there is no ending left to plan" in response.content
    assert not PlannedEnding.objects.exists()
    with pytest.raises(ValidationError):
        actions.set_planned_ending(
            client=active_client, by=practitioner, end_on=None, sessions=4, based_on=None
        )


@pytest.mark.parametrize("name", [*PAGES, "endings:retention", "notes:search"])
def test_the_client_themselves_gets_not_found_from_the_portal(
    active_client: Client, practitioner: Any, name: str
) -> None:
    from tests.portal.factories import portal_user_for, signed_in_client

    actions.record_ending(
        client=active_client, by=practitioner, kind="planned", ended_on=timezone.localdate()
    )
    http = signed_in_client(portal_user_for(active_client, invited_by=practitioner))
    practice_wide = name in {"endings:retention", "notes:search"}
    url = reverse(name, args=[] if practice_wide else [active_client.pk])
    assert http.get(url).status_code == 404
    assert http.post(url, {"q": "anything", "text": "x"}).status_code == 404


def test_the_confirmation_page_carries_everything_typed_back_unchanged(
    active_client: Client, practitioner: Any, as_user: Any
) -> None:
    import html
    import re

    http = as_user(practitioner)
    url = reverse("endings:record", args=[active_client.pk])
    typed = {
        "kind": "unplanned",
        "ended_on": _days_ago(1),
        "last_attended_on": _days_ago(30),
        "what_was_tried": 'Two emails & a "gentle" letter <b>',
        "what_changed": CANARY,
    }
    confirm = http.post(url, typed).content.decode()
    hidden = re.findall(r'<input type="hidden" name="(\w+)" value="([^"]*)">', confirm)
    carried = {name: html.unescape(value) for name, value in hidden}
    assert {k: carried[k] for k in typed} == typed
    assert http.post(url, {**carried, "confirm": "yes"}).status_code == 302
    ending = Ending.objects.get()
    assert ending.what_was_tried == typed["what_was_tried"] and ending.what_changed == CANARY


def test_a_client_who_comes_back_starts_without_the_old_plan(
    active_client: Client, practitioner: Any, as_user: Any
) -> None:
    plan = actions.set_planned_ending(
        client=active_client, by=practitioner, end_on=None, sessions=6, based_on=None
    )
    ending = actions.record_ending(
        client=active_client, by=practitioner, kind="planned", ended_on=timezone.localdate()
    )
    assert ending.planned == plan
    client_actions.change_status(client=active_client, by=practitioner, to_status="active")
    active_client.refresh_from_db()
    assert selectors.current_plan(active_client) is None
    assert selectors.countdown(active_client) is None
    http = as_user(practitioner)
    card = http.get(reverse("clients:card", args=[active_client.pk])).content.decode()
    assert "No ending planned yet" in card and "sessions left" not in card
    new = http.post(
        reverse("endings:plan", args=[active_client.pk]),
        {"sessions": "4", "end_on": "", "based_on": str(plan.pk)},
    )
    assert new.status_code == 302
    assert selectors.current_plan(active_client).sessions == 4  # type: ignore[union-attr]
