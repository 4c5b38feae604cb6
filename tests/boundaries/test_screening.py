"""The dual-relationship check: when it runs, what it finds, what each practitioner may see of
it, and the decision they record."""

from __future__ import annotations

import json
from typing import Any

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse

from frame.accounts.models import User
from frame.audit.models import Action, AuditEvent
from frame.boundaries import actions, screening, selectors
from frame.boundaries.models import (
    Decision,
    Screening,
    ScreeningDecision,
    ScreeningMatch,
    Target,
)
from frame.clients import actions as client_actions
from frame.clients.models import Client
from tests.boundaries.conftest import CIRCLE_CANARY
from tests.clients.conftest import audit_text
from tests.factories import CareTeamMemberFactory, ClientFactory, PersonFactory
from tests.factories.boundaries import CircleEntryFactory

# A client of the colleague's: the practitioner must never learn who this is.
HIDDEN_NAME = "Harriet Oduya"
HIDDEN_EMAIL = "h.oduya.private@example.net"


@pytest.fixture
def colleagues_client(practice: Any, colleague: User) -> Client:
    client = ClientFactory(
        practice=practice,
        created_by=colleague,
        given_name="Harriet",
        family_name="Oduya",
        email=HIDDEN_EMAIL,
        phone="07700 900555",
        status="active",
    )
    CareTeamMemberFactory(client=client, user=colleague)
    return client


def _enquiry(by: User, **details: Any) -> Client:
    details = {"given_name": "Jo", "family_name": "Bloggs"} | details
    return client_actions.create_client(by=by, details=details)


def _latest(client: Client, user: User) -> Screening:
    return Screening.objects.filter(client=client, practitioner=user).latest("created_at")


def _targets(client: Client, user: User) -> list[tuple[str, str, str]]:
    return [
        (m.target, m.field, m.how)
        for m in ScreeningMatch.objects.filter(screening=_latest(client, user))
    ]


def test_a_new_enquiry_is_checked_for_each_practitioner_on_its_care_team(
    administrator: User, practitioner: User, colleague: User
) -> None:
    enquiry = client_actions.create_client(
        by=administrator,
        details={"given_name": "Jo", "family_name": "Bloggs"},
        practitioners=[practitioner, colleague],
    )
    runs = Screening.objects.filter(client=enquiry)
    assert sorted(runs.values_list("practitioner_id", flat=True)) == sorted(
        [practitioner.pk, colleague.pk]
    )
    events = AuditEvent.objects.filter(action=Action.DUAL_CHECK_RUN)
    assert {e.actor_id for e in events} == {administrator.pk}
    assert {e.client_id for e in events} == {str(enquiry.pk)}
    assert sorted(e.detail["for"] for e in events) == sorted([practitioner.pk, colleague.pk])
    assert {e.detail["trigger"] for e in events} == {"created"}


def test_matches_with_your_own_clients_show_who_and_why(
    practitioner: User, client_record: Client, person: Any
) -> None:
    client_actions.update_client(
        client=client_record,
        by=practitioner,
        changes={"email": "morgan@example.net", "employer": "Harbour Lane Bakery"},
    )
    enquiry = _enquiry(
        practitioner,
        given_name="M.",
        family_name="Feltham",
        email="MORGAN@Example.net",
        employer="The Harbour Lane Bakery Ltd",
    )
    client_actions.add_person(
        client=enquiry, by=practitioner, name="Elaine Feltam", relationship="Aunt"
    )
    view = selectors.check_view(practitioner, _latest(enquiry, practitioner))
    found = {(row.target, row.field_words, row.reason, row.who) for row in view.rows}
    assert found == {
        (Target.OWN_CLIENT, "name", "the same family name, with an initial that fits",
         "Morgan Feltham"),
        (Target.OWN_CLIENT, "email address",
         "the same, leaving aside capitals, accents, spaces and punctuation", "Morgan Feltham"),
        (Target.OWN_CLIENT, "employer",
         "the same, leaving aside capitals, accents, spaces and punctuation", "Morgan Feltham"),
        (Target.OWN_CLIENT_CONTACT, "name", "one letter different", "Elaine Feltham"),
    }  # fmt: skip
    contact = next(row for row in view.rows if row.target == Target.OWN_CLIENT_CONTACT)
    assert contact.relationship == "Mother" and contact.named_by == "Morgan Feltham"
    assert contact.enquiry_label == "Elaine Feltam (Aunt)"
    assert view.needs_decision


def test_matches_with_a_colleagues_client_show_only_the_kind_and_case_code(
    as_user: Any, practitioner: User, colleagues_client: Client
) -> None:
    enquiry = _enquiry(practitioner, phone="+44 7700 900555")
    assert _targets(enquiry, practitioner) == [(Target.COLLEAGUE_CLIENT, "phone", "same")]
    stored = ScreeningMatch.objects.get(screening__client=enquiry)
    assert HIDDEN_NAME not in stored.shown and "Oduya" not in stored.shown
    assert json.loads(stored.shown).keys() == {"enquiry_value", "enquiry_label"}

    http = as_user(practitioner)
    for url in (
        reverse("boundaries:check", args=[enquiry.pk]),
        reverse("clients:card", args=[enquiry.pk]),
    ):
        page = http.get(url).content.decode()
        assert colleagues_client.case_code in page
        assert "a colleague's client" in page
        assert "Oduya" not in page and HIDDEN_EMAIL not in page and "Harriet" not in page


def test_someone_a_colleagues_client_named_is_shown_the_same_way(
    practitioner: User, colleagues_client: Client
) -> None:
    PersonFactory(client=colleagues_client, name="Kofi Mensah", relationship="Partner")
    enquiry = _enquiry(practitioner, given_name="Kofi", family_name="Mensah")
    view = selectors.check_view(practitioner, _latest(enquiry, practitioner))
    (row,) = view.rows
    assert row.target == Target.COLLEAGUE_CLIENT_CONTACT and not row.detailed
    assert row.case_code == colleagues_client.case_code
    assert row.who == "" and row.named_by == "" and row.relationship == ""


def test_past_clients_and_people_since_removed_are_still_checked(
    practitioner: User, practice: Any
) -> None:
    archived = ClientFactory(
        practice=practice, given_name="Nell", family_name="Pryor", status="archived"
    )
    CareTeamMemberFactory(client=archived, user=practitioner)
    removed = PersonFactory(client=archived, name="Owen Pryor", relationship="Brother")
    client_actions.remove_person(person=removed, by=practitioner)
    enquiry = _enquiry(practitioner, given_name="Nel", family_name="Pryor")
    client_actions.add_person(
        client=enquiry, by=practitioner, name="Owen Pryor", relationship="Husband"
    )
    assert sorted(_targets(enquiry, practitioner)) == [
        (Target.OWN_CLIENT, "name", "one_letter"),
        (Target.OWN_CLIENT_CONTACT, "name", "same"),
    ]


def test_emergency_contacts_are_people_named_too(practitioner: User, practice: Any) -> None:
    mine = ClientFactory(
        practice=practice,
        emergency_contact_name="Dilys Morgan",
        emergency_contact_phone="01373 555 010",
    )
    CareTeamMemberFactory(client=mine, user=practitioner)
    enquiry = _enquiry(
        practitioner, emergency_contact_name="Gwen Evans", emergency_contact_phone="01373555010"
    )
    view = selectors.check_view(practitioner, _latest(enquiry, practitioner))
    (row,) = view.rows
    assert row.target == Target.OWN_CLIENT_CONTACT and row.field_words == "phone number"
    assert row.who == "Dilys Morgan" and row.relationship == "emergency contact"
    assert row.enquiry_label == "Gwen Evans (emergency contact)"


def test_the_circle_is_matched_and_shown_only_to_its_practitioner(
    as_user: Any, practitioner: User, colleague: User
) -> None:
    CircleEntryFactory(
        owner=practitioner, name=CIRCLE_CANARY, relationship="Cousin", organisation="", town="Bath"
    )
    CircleEntryFactory(owner=practitioner, name="", organisation="Mendip Choir")
    enquiry = client_actions.create_client(
        by=practitioner,
        details={
            "given_name": "Zephyrine",
            "family_name": "Quarington",
            "employer": "Mendip choir",
        },
        practitioners=[colleague],
    )
    mine = selectors.check_view(practitioner, _latest(enquiry, practitioner))
    assert {(row.who, row.reason) for row in mine.rows} == {
        (CIRCLE_CANARY, "one letter different"),
        ("Mendip Choir", "the same, leaving aside capitals, accents, spaces and punctuation"),
    }
    assert _targets(enquiry, colleague) == []  # the colleague's own circle is empty
    for url in (
        reverse("clients:card", args=[enquiry.pk]),
        reverse("boundaries:check", args=[enquiry.pk]),
    ):
        assert CIRCLE_CANARY.encode() in as_user(practitioner).get(url).content
        theirs = as_user(colleague).get(url)
        assert theirs.status_code == 200
        assert CIRCLE_CANARY.encode() not in theirs.content
        assert b"Mendip Choir" not in theirs.content  # the enquiry's own "Mendip choir" may show
    assert CIRCLE_CANARY not in audit_text()


def test_changes_to_an_enquiry_run_the_check_again(
    practitioner: User, client_record: Client
) -> None:
    enquiry = _enquiry(practitioner)
    first = _latest(enquiry, practitioner)
    assert first.match_count == 0

    client_actions.update_client(client=enquiry, by=practitioner, changes={"pronouns": "she/her"})
    assert Screening.objects.filter(client=enquiry).count() == 1  # not a screened field
    assert _latest(enquiry, practitioner).checked_at == first.checked_at

    client_actions.update_client(client=enquiry, by=practitioner, changes={"postcode": "BA11 1AA"})
    same = _latest(enquiry, practitioner)
    assert same.pk == first.pk and same.checked_at > first.checked_at  # nothing new found

    client_actions.update_client(
        client=enquiry, by=practitioner, changes={"family_name": "Feltham", "given_name": "M"}
    )
    second = _latest(enquiry, practitioner)
    assert second.pk != first.pk and second.match_count == 1
    assert list(
        AuditEvent.objects.filter(action=Action.DUAL_CHECK_RUN).values_list(
            "detail__trigger", flat=True
        )
    ) == ["created", "details", "details"]


def test_checks_run_by_themselves_only_while_someone_is_an_enquiry(
    practitioner: User, colleague: User
) -> None:
    active = client_actions.create_client(
        by=practitioner, details={"given_name": "Al", "family_name": "Rees"}, status="active"
    )
    client_actions.update_client(client=active, by=practitioner, changes={"email": "a@b.org"})
    client_actions.add_care_team_member(client=active, by=practitioner, user=colleague)
    assert not Screening.objects.filter(client=active).exists()
    actions.run_check_now(client=active, by=practitioner)  # but can always be asked for
    assert Screening.objects.filter(client=active, practitioner=practitioner).exists()


def test_a_practitioner_joining_the_care_team_gets_their_own_check(
    practitioner: User, colleague: User
) -> None:
    enquiry = _enquiry(practitioner)
    before = _latest(enquiry, practitioner)
    client_actions.add_care_team_member(client=enquiry, by=practitioner, user=colleague)
    assert _latest(enquiry, colleague).match_count == 0
    assert _latest(enquiry, practitioner).checked_at == before.checked_at  # theirs left alone


def test_naming_someone_runs_the_check_again(practitioner: User, person: Any) -> None:
    enquiry = _enquiry(practitioner)
    client_actions.add_person(
        client=enquiry, by=practitioner, name="Elaine Feltham", relationship="Friend"
    )
    assert _targets(enquiry, practitioner) == [(Target.OWN_CLIENT_CONTACT, "name", "same")]


def test_a_change_to_the_circle_checks_open_enquiries_again(practitioner: User) -> None:
    enquiry = _enquiry(practitioner, given_name="Sara", family_name="Cole")
    assert _latest(enquiry, practitioner).match_count == 0
    entry = actions.add_circle_entry(by=practitioner, name="Sarah Cole", relationship="Sister")
    assert _targets(enquiry, practitioner) == [(Target.CIRCLE, "name", "one_letter")]
    actions.remove_circle_entry(entry=entry, by=practitioner)
    assert _latest(enquiry, practitioner).match_count == 0
    assert Screening.objects.filter(client=enquiry).count() == 3  # every run is kept


def test_a_decision_needs_a_reason_and_belongs_to_the_run_it_was_made_on(
    practitioner: User, client_record: Client
) -> None:
    enquiry = _enquiry(practitioner, given_name="Morgan", family_name="Felthem")
    run = _latest(enquiry, practitioner)
    with pytest.raises(ValidationError) as refused:
        actions.record_decision(screening=run, by=practitioner, decision="proceed", reason=" ")
    assert "reason" in refused.value.message_dict
    made = actions.record_decision(
        screening=run,
        by=practitioner,
        decision=Decision.SUPERVISION,
        reason="Same surname as a current client; ask in supervision.",
    )
    assert not selectors.check_view(practitioner, run).needs_decision
    audit = AuditEvent.objects.get(action=Action.DUAL_CHECK_DECIDED)
    assert audit.detail == {"fields": ["decision", "reason"]}
    assert "supervision" not in json.dumps(audit.detail) and "surname" not in audit_text()

    # Something new is found: the old decision stays on record, and a new one is needed.
    client_actions.update_client(
        client=enquiry, by=practitioner, changes={"email": client_record.email}
    )
    newer = _latest(enquiry, practitioner)
    assert newer.pk != run.pk and selectors.check_view(practitioner, newer).needs_decision
    assert selectors.earlier_decisions(practitioner, newer) == [made]
    with pytest.raises(ValidationError):
        actions.record_decision(screening=run, by=practitioner, decision="proceed", reason="Fine")


def test_only_the_practitioner_whose_check_it_is_can_decide(
    practitioner: User, colleague: User
) -> None:
    enquiry = client_actions.create_client(
        by=practitioner,
        details={"given_name": "Jo", "family_name": "Bloggs"},
        practitioners=[colleague],
    )
    with pytest.raises(PermissionDenied):
        actions.record_decision(
            screening=_latest(enquiry, practitioner),
            by=colleague,
            decision="proceed",
            reason="Not mine to decide",
        )
    assert not ScreeningDecision.objects.exists()


def test_deciding_through_the_check_page(
    as_user: Any, practitioner: User, client_record: Client
) -> None:
    enquiry = _enquiry(practitioner, given_name="Morgan", family_name="Feltham")
    http = as_user(practitioner)
    url = reverse("boundaries:check", args=[enquiry.pk])
    page = http.get(url).content.decode()
    assert "Please decide before accepting this enquiry" in page
    refused = http.post(url, {"decision": "sideways", "reason": ""})
    assert refused.status_code == 200 and b"There are 2 problems" in refused.content
    assert (
        http.post(url, {"decision": "refer_on", "reason": "I see her sister."}).status_code == 302
    )
    page = http.get(url).content.decode()
    assert "Refer on to someone else" in page and "I see her sister." in page
    card = http.get(reverse("clients:card", args=[enquiry.pk])).content.decode()
    assert "You decided: refer on to someone else." in card


def test_running_the_check_again_from_the_page(as_user: Any, practitioner: User) -> None:
    enquiry = _enquiry(practitioner)
    http = as_user(practitioner)
    assert http.get(reverse("boundaries:check_run", args=[enquiry.pk])).status_code == 405
    response = http.post(reverse("boundaries:check_run", args=[enquiry.pk]))
    assert response.status_code == 302
    assert AuditEvent.objects.filter(
        action=Action.DUAL_CHECK_RUN, detail__trigger="requested"
    ).exists()


def test_a_check_keeps_the_strongest_matches_and_counts_the_rest(
    practitioner: User, practice: Any, monkeypatch: Any
) -> None:
    monkeypatch.setattr(screening, "MAX_STORED_MATCHES", 3)
    for n in range(5):
        neighbour = ClientFactory(practice=practice, postcode="BA11 1AA", family_name=f"Lane{n}x")
        CareTeamMemberFactory(client=neighbour, user=practitioner)
    mine = ClientFactory(practice=practice, given_name="Jo", family_name="Bloggs")
    CareTeamMemberFactory(client=mine, user=practitioner)
    enquiry = _enquiry(practitioner, postcode="ba11 1aa")
    run = _latest(enquiry, practitioner)
    assert run.match_count == 6
    view = selectors.check_view(practitioner, run)
    assert [row.field_words for row in view.rows] == ["name", "postcode", "postcode"]
    assert view.more == 3


def test_someone_who_leaves_a_clients_care_team_no_longer_sees_their_name_in_old_checks(
    practitioner: User, colleague: User, practice: Any
) -> None:
    shared = ClientFactory(practice=practice, given_name="Ffion", family_name="Hale")
    CareTeamMemberFactory(client=shared, user=practitioner)
    CareTeamMemberFactory(client=shared, user=colleague)
    enquiry = _enquiry(practitioner, given_name="Ffion", family_name="Hale")
    (row,) = selectors.check_view(practitioner, _latest(enquiry, practitioner)).rows
    assert row.detailed and row.who == "Ffion Hale"
    client_actions.remove_care_team_member(client=shared, by=practitioner, user=practitioner)
    (row,) = selectors.check_view(practitioner, _latest(enquiry, practitioner)).rows
    assert not row.detailed and row.who == "" and row.case_code == shared.case_code
