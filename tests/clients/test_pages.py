"""Using the client pages: adding, editing, changing status, the care team and people.

Bad input is refused with a plain explanation, what was typed stays in the form, and nothing is
saved — never a 500.
"""

from __future__ import annotations

import datetime as dt
import re
from typing import Any

import pytest
from django.urls import reverse
from django.utils import timezone

from frame.audit.models import Action, AuditEvent
from frame.clients import actions
from frame.clients.models import CareTeamMember, Client, Person, StatusChange
from tests.clients.conftest import REFERRAL_CANARY, audit_text

GOOD = {
    "given_name": "Priya",
    "family_name": "Ashworth",
    "date_of_birth": "12/04/1988",
    "email": "priya@example.net",
    "may_email": "on",
    "referral_source": "gp",
    "referral_reason": REFERRAL_CANARY,
    "status": "enquiry",
}


def rows() -> tuple[int, int, int, int]:
    return (
        Client.objects.count(),
        StatusChange.objects.count(),
        CareTeamMember.objects.count(),
        AuditEvent.objects.filter(action=Action.CLIENT_CREATED).count(),
    )


# --- Adding a client --------------------------------------------------------------------------


def test_a_practitioner_adds_a_client(as_user: Any, practitioner: Any) -> None:
    response = as_user(practitioner).post(reverse("clients:new"), GOOD)
    client = Client.objects.get()
    assert response.status_code == 302
    assert response["Location"] == reverse("clients:card", args=[client.pk])
    assert client.date_of_birth == dt.date(1988, 4, 12)
    assert client.referral_reason == REFERRAL_CANARY
    assert client.care_team.get().user == practitioner
    assert REFERRAL_CANARY not in audit_text()


@pytest.mark.parametrize("typed", ["12/04/1988", "1988-04-12", "12.04.1988", "12-04-1988"])
def test_dates_of_birth_can_be_typed_the_usual_ways(
    as_user: Any, practitioner: Any, typed: str
) -> None:
    as_user(practitioner).post(reverse("clients:new"), {**GOOD, "date_of_birth": typed})
    assert Client.objects.get().date_of_birth == dt.date(1988, 4, 12)


TOMORROW = (timezone.localdate() + dt.timedelta(days=1)).strftime("%d/%m/%Y")


@pytest.mark.parametrize(
    ("field", "value", "explanation"),
    [
        ("date_of_birth", "31/02/1990", "as day, month and year, for example 12/04/1988"),
        ("date_of_birth", "12/13/1988", "as day, month and year"),
        ("date_of_birth", "next Tuesday", "as day, month and year"),
        ("date_of_birth", "12/04/88", "as day, month and year"),  # the year must be in full
        ("date_of_birth", TOMORROW, "cannot be in the future"),
        ("date_of_birth", "01/01/1850", "looks too early"),
        ("status", "paused", "choose one of the options listed"),
        ("status", "archived", "choose one of the options listed"),
        ("given_name", "A" * 101, "at most 100 characters; this has 101"),
        ("pronouns", "x" * 41, "at most 40 characters"),
        ("referral_source", "carrier-pigeon", "choose one of the options listed"),
        ("email", "priya at example", "Enter an email address"),
        ("family_name", "", "Please enter the family name"),
    ],
)
def test_bad_input_is_explained_kept_and_not_saved(
    as_user: Any, practitioner: Any, field: str, value: str, explanation: str
) -> None:
    response = as_user(practitioner).post(reverse("clients:new"), {**GOOD, field: value})
    content = response.content.decode()
    assert response.status_code == 200
    assert 'class="error-summary"' in content
    assert explanation.lower() in content.lower()
    assert rows() == (0, 0, 0, 0)
    # Everything typed is still there, the bad value included.
    assert 'value="Ashworth"' in content or field == "family_name"
    assert REFERRAL_CANARY in content
    if value and field not in ("status", "referral_source"):
        assert f'value="{value}"' in content


def test_an_administrator_takes_an_enquiry_for_a_practitioner(
    as_user: Any, administrator: Any, colleague: Any
) -> None:
    http = as_user(administrator)
    form = http.get(reverse("clients:new")).content.decode()
    assert "referral_reason" not in form and "Sam Okafor" in form
    response = http.post(
        reverse("clients:new"),
        {"given_name": "Noah", "family_name": "Wright", "practitioners": [colleague.pk]},
    )
    client = Client.objects.get()
    assert response.status_code == 302
    assert client.status == "enquiry" and client.care_team.get().user == colleague


def test_an_administrator_must_choose_a_practitioner_from_the_practice(
    as_user: Any, administrator: Any, outsider: Any
) -> None:
    http = as_user(administrator)
    data = {"given_name": "Noah", "family_name": "Wright", "referral_reason": "sneaky"}
    response = http.post(reverse("clients:new"), data)
    assert b"Choose the practitioner who will respond" in response.content
    response = http.post(reverse("clients:new"), {**data, "practitioners": [outsider.pk]})
    assert b"Choose a practitioner from the list" in response.content
    response = http.post(reverse("clients:new"), {**data, "practitioners": ["not-a-number"]})
    assert b"Choose a practitioner from the list" in response.content
    assert rows() == (0, 0, 0, 0)


def test_clinical_fields_posted_by_an_administrator_are_ignored(
    as_user: Any, administrator: Any, colleague: Any
) -> None:
    as_user(administrator).post(
        reverse("clients:new"),
        {
            "given_name": "Noah",
            "family_name": "Wright",
            "practitioners": [colleague.pk],
            "referral_reason": "typed by someone who should not",
            "status": "active",
        },
    )
    client = Client.objects.get()
    assert client.referral_reason == "" and client.status == "enquiry"


# --- The card ---------------------------------------------------------------------------------


def test_every_view_of_the_card_is_recorded(
    as_user: Any, practitioner: Any, administrator: Any, client_record: Client
) -> None:
    url = reverse("clients:card", args=[client_record.pk])
    as_user(practitioner).get(url)
    as_user(practitioner).get(url)
    as_user(administrator).get(url)
    views = AuditEvent.objects.filter(action=Action.CLIENT_VIEWED, client_id=str(client_record.pk))
    assert list(views.values_list("actor_id", flat=True)) == [
        practitioner.pk,
        practitioner.pk,
        administrator.pk,
    ]


def test_the_card_shows_the_status_history_with_dates_and_actors(
    as_user: Any, practitioner: Any
) -> None:
    client = actions.create_client(
        by=practitioner, details={"given_name": "Ella", "family_name": "Khan"}
    )
    actions.change_status(
        client=client,
        by=practitioner,
        to_status="active",
        effective_date=timezone.localdate(),
    )
    content = as_user(practitioner).get(reverse("clients:card", args=[client.pk])).content
    text = content.decode()
    assert "Enquiry → Active" in text and "Record started as Enquiry" in text
    assert text.count("Robin Ashdown") >= 3  # two changes and the care team
    assert "Who has accessed this record" in text  # Robin owns the practice


def test_the_access_link_is_for_owners_only(
    as_user: Any, practitioner: Any, colleague: Any, client_record: Client
) -> None:
    actions.add_care_team_member(client=client_record, by=practitioner, user=colleague)
    content = as_user(colleague).get(reverse("clients:card", args=[client_record.pk])).content
    assert b"Who has accessed this record" not in content


# --- Editing ----------------------------------------------------------------------------------


def edit_url(client: Client, section: str) -> str:
    return reverse("clients:edit", args=[client.pk]) + f"?section={section}"


def test_editing_a_section_saves_and_audits_field_names(
    as_user: Any, practitioner: Any, client_record: Client
) -> None:
    response = as_user(practitioner).post(
        edit_url(client_record, "referral"),
        {"referral_source": "self", "referral_reason": REFERRAL_CANARY},
    )
    assert response.status_code == 302
    client_record.refresh_from_db()
    assert client_record.referral_reason == REFERRAL_CANARY
    event = AuditEvent.objects.get(action=Action.CLIENT_UPDATED)
    assert event.detail == {"fields": ["referral_reason", "referral_source"]}


def test_an_edit_form_shows_what_is_stored(
    as_user: Any, practitioner: Any, client_record: Client
) -> None:
    content = as_user(practitioner).get(edit_url(client_record, "identity")).content.decode()
    assert 'value="Morgan"' in content and 'value="12/04/1988"' in content


@pytest.mark.parametrize(
    ("data", "explanation"),
    [
        ({"date_of_birth": "30/02/2001"}, "as day, month and year"),
        ({"date_of_birth": TOMORROW}, "cannot be in the future"),
        ({"given_name": "M" * 300}, "at most 100 characters"),
    ],
)
def test_a_refused_edit_saves_nothing(
    as_user: Any, practitioner: Any, client_record: Client, data: dict[str, str], explanation: str
) -> None:
    form = {"given_name": "Morgana", "family_name": "Feltham", **data}
    response = as_user(practitioner).post(edit_url(client_record, "identity"), form)
    assert response.status_code == 200
    assert explanation in response.content.decode()
    stored = Client.objects.get(pk=client_record.pk)
    assert (stored.given_name, stored.date_of_birth) == ("Morgan", dt.date(1988, 4, 12))
    assert not AuditEvent.objects.filter(action=Action.CLIENT_UPDATED).exists()


def test_an_administrator_edits_contact_details(
    as_user: Any, administrator: Any, client_record: Client
) -> None:
    response = as_user(administrator).post(
        edit_url(client_record, "contact"),
        {"email": "morgan@example.net", "phone": "01632 960 111", "discreet_wording": "on"},
    )
    assert response.status_code == 302
    assert Client.objects.get(pk=client_record.pk).phone == "01632 960 111"


def test_an_unknown_section_is_not_found(
    as_user: Any, practitioner: Any, client_record: Client
) -> None:
    assert as_user(practitioner).get(edit_url(client_record, "billing")).status_code == 404


# --- Status -----------------------------------------------------------------------------------


def status_url(client: Client) -> str:
    return reverse("clients:status", args=[client.pk])


def test_the_status_page_offers_only_allowed_moves(
    as_user: Any, practitioner: Any, client_record: Client
) -> None:
    content = as_user(practitioner).get(status_url(client_record)).content.decode()
    assert 'value="assessment"' in content and 'value="ended"' in content
    assert 'value="archived"' not in content


def test_the_status_page_points_clinicians_to_recording_the_ending(
    as_user: Any, practitioner: Any, client_record: Client
) -> None:
    ending = reverse("endings:record", args=[client_record.pk])
    http = as_user(practitioner)
    assert ending in http.get(status_url(client_record)).content.decode()
    actions.change_status(client=client_record, by=practitioner, to_status="ended")
    assert ending not in http.get(status_url(client_record)).content.decode()


@pytest.mark.parametrize(
    ("data", "explanation"),
    [
        ({"to_status": "paused"}, "choose one of the options listed"),
        ({"to_status": "archived"}, "choose one of the options listed"),
        ({}, "Please choose the new status"),
        ({"to_status": "active", "effective_date": "soon"}, "as day, month and year"),
        ({"to_status": "active", "effective_date": TOMORROW}, "cannot be in the future"),
    ],
)
def test_bad_status_changes_are_explained(
    as_user: Any, practitioner: Any, client_record: Client, data: dict[str, str], explanation: str
) -> None:
    response = as_user(practitioner).post(status_url(client_record), data)
    assert response.status_code == 200
    assert explanation.lower() in response.content.decode().lower()
    assert Client.objects.get(pk=client_record.pk).status == "enquiry"


def test_archiving_asks_for_confirmation_first(as_user: Any, practitioner: Any) -> None:
    client = actions.create_client(
        by=practitioner, details={"given_name": "Kai", "family_name": "Marr"}
    )
    actions.change_status(client=client, by=practitioner, to_status="ended")
    http = as_user(practitioner)
    response = http.post(status_url(client), {"to_status": "archived"})
    assert response.status_code == 200
    assert b"Archive Kai Marr?" in response.content
    assert b'name="confirm" value="yes"' in response.content
    assert Client.objects.get(pk=client.pk).status == "ended"
    response = http.post(status_url(client), {"to_status": "archived", "confirm": "yes"})
    assert response.status_code == 302
    assert Client.objects.get(pk=client.pk).status == "archived"
    assert b"Archiving is final" in http.get(status_url(client)).content
    # Still there, still openable by the care team; just not on the everyday list.
    assert http.get(reverse("clients:card", args=[client.pk])).status_code == 200
    assert b"Marr, Kai" not in http.get(reverse("clients:list")).content


# --- Care team --------------------------------------------------------------------------------


def test_adding_and_removing_colleagues(
    as_user: Any, practitioner: Any, colleague: Any, client_record: Client
) -> None:
    http = as_user(practitioner)
    url = reverse("clients:care_team", args=[client_record.pk])
    assert b"Sam Okafor" in http.get(url).content
    assert http.post(url, {"add": "1", "user": colleague.pk}).status_code == 302
    assert client_record.care_team.filter(user=colleague).exists()
    assert http.post(url, {"remove": colleague.pk}).status_code == 302
    assert not client_record.care_team.filter(user=colleague).exists()


def test_the_last_practitioner_cannot_leave(
    as_user: Any, practitioner: Any, client_record: Client
) -> None:
    http = as_user(practitioner)
    url = reverse("clients:care_team", args=[client_record.pk])
    response = http.post(url, {"remove": practitioner.pk}, follow=True)
    assert b"must keep at least one practitioner" in response.content
    assert client_record.care_team.filter(user=practitioner).exists()


def test_leaving_a_care_team_ends_access(
    as_user: Any, practitioner: Any, colleague: Any, client_record: Client
) -> None:
    actions.add_care_team_member(client=client_record, by=practitioner, user=colleague)
    http = as_user(colleague)
    url = reverse("clients:care_team", args=[client_record.pk])
    response = http.post(url, {"remove": colleague.pk})
    assert response["Location"] == reverse("clients:list")
    assert http.get(reverse("clients:card", args=[client_record.pk])).status_code == 404


@pytest.mark.parametrize("value", ["", "abc", "999999"])
def test_bad_care_team_choices_are_refused(
    as_user: Any, practitioner: Any, administrator: Any, client_record: Client, value: str
) -> None:
    http = as_user(practitioner)
    url = reverse("clients:care_team", args=[client_record.pk])
    assert http.post(url, {"add": "1", "user": value}).status_code == 200
    assert http.post(url, {"add": "1", "user": administrator.pk}).status_code == 200
    assert http.post(url, {"remove": value}, follow=True).status_code == 200
    assert list(client_record.care_team.values_list("user_id", flat=True)) == [practitioner.pk]


# --- People in the client's life ----------------------------------------------------------------


def test_adding_editing_and_removing_a_person(
    as_user: Any, practitioner: Any, client_record: Client
) -> None:
    http = as_user(practitioner)
    response = http.post(
        reverse("clients:person_add", args=[client_record.pk]),
        {"name": "Freya Lloyd", "relationship": "Sister", "organisation": ""},
    )
    assert response.status_code == 302
    person = Person.objects.get(name="Freya Lloyd")
    http.post(
        reverse("clients:person_edit", args=[client_record.pk, person.pk]),
        {"name": "Freya Lloyd", "relationship": "Half-sister", "organisation": ""},
    )
    person.refresh_from_db()
    assert person.relationship == "Half-sister"
    remove = reverse("clients:person_remove", args=[client_record.pk, person.pk])
    assert b"Remove Freya Lloyd from the record?" in http.get(remove).content
    assert http.post(remove).status_code == 302
    person.refresh_from_db()
    assert person.removed_at is not None  # marked, not deleted
    card = http.get(reverse("clients:card", args=[client_record.pk])).content.decode()
    assert "Freya Lloyd — Half-sister" not in card
    assert "Nobody recorded yet" in card
    assert http.get(remove).status_code == 404


def test_an_over_long_person_is_refused_and_kept(
    as_user: Any, practitioner: Any, client_record: Client
) -> None:
    response = as_user(practitioner).post(
        reverse("clients:person_add", args=[client_record.pk]),
        {"name": "Freya", "relationship": "r" * 81},
    )
    assert response.status_code == 200
    assert b"at most 80 characters" in response.content
    assert b'value="Freya"' in response.content
    assert not Person.objects.exists()


# --- Who accessed this record --------------------------------------------------------------------


@pytest.mark.parametrize("before", ["abc", "-1", "0", "9" * 40, "1e9", ""])
def test_bad_report_cursors_show_the_newest_events(
    as_user: Any, practitioner: Any, client_record: Client, before: str
) -> None:
    response = as_user(practitioner).get(
        reverse("clients:access_log", args=[client_record.pk]), {"before": before}
    )
    assert response.status_code == 200


def test_the_access_report_pages_back_through_older_events(
    as_user: Any, practitioner: Any, client_record: Client
) -> None:
    for _ in range(55):
        actions.record_client_viewed(client=client_record, by=practitioner, page="card")
    http = as_user(practitioner)
    url = reverse("clients:access_log", args=[client_record.pk])
    first = http.get(url).content.decode()
    assert first.count("Client record viewed") == 50
    older = re.search(r'href="\?before=(\d+)">Older events', first)
    assert older is not None
    second = http.get(url, {"before": older.group(1)}).content.decode()
    assert second.count("Client record viewed") == 5
    assert "Older events" not in second
