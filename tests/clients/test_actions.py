"""actions.py: every change is checked, audited in the same transaction, and all-or-nothing."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from frame.audit.models import Action, AuditEvent
from frame.clients import actions
from frame.clients.lifecycle import TransitionNotAllowed
from frame.clients.models import CareTeamMember, Client, Person, StatusChange
from tests.clients.conftest import REFERRAL_CANARY, SAFE_CONTACT_CANARY, audit_text
from tests.factories import CareTeamMemberFactory, ClientFactory, MembershipFactory

NEW_CLIENT = {
    "given_name": "Aoife",
    "family_name": "Ní Bhriain",
    "email": "aoife@example.net",
    "referral_reason": REFERRAL_CANARY,
    "safe_contact_notes": SAFE_CONTACT_CANARY,
}


def counts() -> dict[str, int]:
    return {
        "clients": Client.objects.count(),
        "status": StatusChange.objects.count(),
        "team": CareTeamMember.objects.count(),
        "people": Person.objects.count(),
        "audit": AuditEvent.objects.count(),
    }


def events(action: Action) -> list[AuditEvent]:
    return list(AuditEvent.objects.filter(action=action).order_by("seq"))


# --- Creating ---------------------------------------------------------------------------------


def test_a_practitioner_creates_a_client_on_their_own_care_team(practitioner: Any) -> None:
    client = actions.create_client(by=practitioner, details=NEW_CLIENT)
    client.refresh_from_db()
    assert client.status == "enquiry"
    assert client.referral_reason == REFERRAL_CANARY
    assert list(client.care_team.values_list("user_id", flat=True)) == [practitioner.pk]
    first = client.status_changes.get()
    assert (first.from_status, first.to_status, first.changed_by) == ("", "enquiry", practitioner)
    (event,) = events(Action.CLIENT_CREATED)
    assert event.client_id == str(client.pk) and event.actor_id == practitioner.pk
    assert event.detail["status"] == "enquiry"
    assert set(event.detail["fields"]) == set(NEW_CLIENT)
    assert event.detail["care_team"] == [practitioner.pk]


def test_a_new_client_gets_a_unique_case_code(practitioner: Any) -> None:
    codes = {actions.create_client(by=practitioner, details=NEW_CLIENT).case_code for _ in range(5)}
    assert len(codes) == 5


def test_an_existing_caseload_can_start_as_active(practitioner: Any, colleague: Any) -> None:
    client = actions.create_client(
        by=practitioner, details=NEW_CLIENT, status="active", practitioners=[colleague]
    )
    assert client.status == "active"
    assert set(client.care_team.values_list("user_id", flat=True)) == {
        practitioner.pk,
        colleague.pk,
    }


def test_a_record_cannot_start_ended_or_archived(practitioner: Any) -> None:
    before = counts()
    for status in ("ended", "archived", "nonsense"):
        with pytest.raises(TransitionNotAllowed):
            actions.create_client(by=practitioner, details=NEW_CLIENT, status=status)
    assert counts() == before


def test_an_administrator_takes_an_enquiry_for_a_practitioner(
    administrator: Any, colleague: Any
) -> None:
    details = {"given_name": "Rhys", "family_name": "Evans", "phone": "01632 960 123"}
    client = actions.create_client(by=administrator, details=details, practitioners=[colleague])
    assert client.status == "enquiry"
    assert list(client.care_team.values_list("user_id", flat=True)) == [colleague.pk]
    assert events(Action.CLIENT_CREATED)[0].actor_role == "administrator"


def test_an_administrator_must_name_a_practitioner(administrator: Any) -> None:
    before = counts()
    with pytest.raises(ValidationError) as refused:
        actions.create_client(by=administrator, details={"given_name": "A", "family_name": "B"})
    assert "practitioners" in refused.value.message_dict
    assert counts() == before


def test_an_administrator_cannot_write_clinical_details_or_skip_enquiry(
    administrator: Any, colleague: Any
) -> None:
    before = counts()
    with pytest.raises(PermissionDenied):
        actions.create_client(by=administrator, details=NEW_CLIENT, practitioners=[colleague])
    with pytest.raises(PermissionDenied):
        actions.create_client(
            by=administrator,
            details={"given_name": "A", "family_name": "B"},
            practitioners=[colleague],
            status="active",
        )
    assert counts() == before


@pytest.mark.parametrize("who", ["administrator", "outsider"])
def test_only_clinicians_of_the_practice_can_be_named_for_the_care_team(
    request: Any, practitioner: Any, who: str
) -> None:
    wrong = request.getfixturevalue(who)
    before = counts()
    with pytest.raises(ValidationError):
        actions.create_client(by=practitioner, details=NEW_CLIENT, practitioners=[wrong])
    assert counts() == before


def test_supervisors_cannot_create_clients(supervisor: Any) -> None:
    with pytest.raises(PermissionDenied):
        actions.create_client(by=supervisor, details=NEW_CLIENT)


@pytest.mark.parametrize(
    ("field", "value"),
    [
        ("date_of_birth", dt.date(2999, 1, 1)),
        ("date_of_birth", dt.date(1850, 1, 1)),
        ("given_name", "x" * 101),
        ("referral_source", "carrier-pigeon"),
        ("email", "not an email"),
        ("given_name", ""),
    ],
)
def test_invalid_details_are_refused_and_nothing_is_written(
    practitioner: Any, field: str, value: Any
) -> None:
    before = counts()
    with pytest.raises(ValidationError) as refused:
        actions.create_client(by=practitioner, details={**NEW_CLIENT, field: value})
    assert field in refused.value.message_dict
    assert counts() == before


def test_unknown_fields_are_a_programming_error(practitioner: Any) -> None:
    with pytest.raises(ValueError, match="status"):
        actions.create_client(by=practitioner, details={**NEW_CLIENT, "status": "active"})


@pytest.mark.django_db(transaction=True)
def test_if_the_audit_write_fails_nothing_is_written(practitioner: Any, monkeypatch: Any) -> None:
    """Fault injection: the audit append fails (say, the disk is full) after the action has
    written its rows. The whole action must roll back, in a real transaction (this test does not
    run inside a test-wide transaction that could hide a partial commit)."""
    existing = _a_client(practitioner)
    before = counts()

    def audit_unavailable(**kwargs: Any) -> None:
        raise OSError("disk full")

    monkeypatch.setattr(actions, "record", audit_unavailable)
    with pytest.raises(OSError):
        actions.create_client(by=practitioner, details=NEW_CLIENT)
    with pytest.raises(OSError):
        actions.change_status(client=existing, by=practitioner, to_status="active")
    with pytest.raises(OSError):
        actions.update_client(client=existing, by=practitioner, changes={"phone": "0"})
    with pytest.raises(OSError):
        actions.add_person(client=existing, by=practitioner, name="A", relationship="B")
    assert counts() == before
    stored = Client.objects.get(pk=existing.pk)
    assert (stored.status, stored.phone) == ("enquiry", "")


def _a_client(by: Any) -> Client:
    client = ClientFactory(practice=by.membership.practice, created_by=by)
    CareTeamMemberFactory(client=client, user=by)
    return client


# --- Updating ---------------------------------------------------------------------------------


def test_update_records_only_the_names_of_changed_fields(
    practitioner: Any, client_record: Client
) -> None:
    changed = actions.update_client(
        client=client_record,
        by=practitioner,
        changes={
            "given_name": "Morgan",  # unchanged
            "phone": "01632 960 456",
            "referral_reason": REFERRAL_CANARY,
            "safe_contact_notes": SAFE_CONTACT_CANARY,
        },
    )
    assert changed == ["phone", "referral_reason", "safe_contact_notes"]
    (event,) = events(Action.CLIENT_UPDATED)
    assert event.detail == {"fields": changed}
    client_record.refresh_from_db()
    assert client_record.referral_reason == REFERRAL_CANARY


def test_an_update_that_changes_nothing_writes_nothing(
    practitioner: Any, client_record: Client
) -> None:
    before = counts()
    assert actions.update_client(client=client_record, by=practitioner, changes={}) == []
    assert (
        actions.update_client(
            client=client_record, by=practitioner, changes={"given_name": "Morgan"}
        )
        == []
    )
    assert counts() == before


def test_renaming_a_client_updates_the_search_keys(
    practitioner: Any, client_record: Client
) -> None:
    actions.update_client(
        client=client_record, by=practitioner, changes={"family_name": "Ólafsdóttir"}
    )
    assert Client.objects.get(pk=client_record.pk).sort_key == "olafsdottir morgan"


def test_an_administrator_updates_contact_details_but_not_clinical_ones(
    administrator: Any, client_record: Client
) -> None:
    assert actions.update_client(
        client=client_record, by=administrator, changes={"phone": "01632 960 789"}
    ) == ["phone"]
    with pytest.raises(PermissionDenied):
        actions.update_client(
            client=client_record, by=administrator, changes={"referral_reason": "x"}
        )
    with pytest.raises(PermissionDenied):
        actions.update_client(client=client_record, by=administrator, changes={"gp_name": "x"})


@pytest.mark.parametrize("who", ["colleague", "outsider", "supervisor"])
def test_people_without_access_cannot_update(request: Any, client_record: Client, who: str) -> None:
    with pytest.raises(PermissionDenied):
        actions.update_client(
            client=client_record, by=request.getfixturevalue(who), changes={"phone": "1"}
        )


def test_a_refused_update_leaves_the_record_and_the_object_unchanged(
    practitioner: Any, client_record: Client
) -> None:
    before = counts()
    with pytest.raises(ValidationError):
        actions.update_client(
            client=client_record,
            by=practitioner,
            changes={"phone": "01632 960 000", "date_of_birth": dt.date(2999, 1, 1)},
        )
    assert client_record.phone == ""
    assert Client.objects.get(pk=client_record.pk).phone == ""
    assert counts() == before


def test_status_cannot_be_changed_by_update(practitioner: Any, client_record: Client) -> None:
    with pytest.raises(ValueError, match="status"):
        actions.update_client(client=client_record, by=practitioner, changes={"status": "archived"})


# --- Status -----------------------------------------------------------------------------------


def test_change_status_keeps_a_dated_history_with_the_actor(
    practitioner: Any, client_record: Client
) -> None:
    yesterday = timezone.localdate() - dt.timedelta(days=1)
    change = actions.change_status(
        client=client_record, by=practitioner, to_status="assessment", effective_date=yesterday
    )
    assert (change.from_status, change.to_status) == ("enquiry", "assessment")
    assert change.effective_date == yesterday and change.changed_by == practitioner
    client_record.refresh_from_db()
    assert client_record.status == "assessment"
    (event,) = events(Action.CLIENT_STATUS_CHANGED)
    assert event.detail == {
        "from": "enquiry",
        "to": "assessment",
        "effective_date": yesterday.isoformat(),
    }


def test_a_change_the_lifecycle_forbids_writes_nothing(
    practitioner: Any, client_record: Client
) -> None:
    before = counts()
    with pytest.raises(TransitionNotAllowed):
        actions.change_status(client=client_record, by=practitioner, to_status="archived")
    with pytest.raises(TransitionNotAllowed):
        actions.change_status(client=client_record, by=practitioner, to_status="paused")
    assert counts() == before
    assert Client.objects.get(pk=client_record.pk).status == "enquiry"


def test_the_status_is_read_fresh_inside_the_transaction(
    practitioner: Any, client_record: Client
) -> None:
    """A stale object (another tab moved the client on) cannot replay an old transition."""
    stale = Client.objects.get(pk=client_record.pk)
    actions.change_status(client=client_record, by=practitioner, to_status="assessment")
    with pytest.raises(TransitionNotAllowed):
        actions.change_status(client=stale, by=practitioner, to_status="assessment")


def test_effective_dates_cannot_be_in_the_future_or_before_the_last_change(
    practitioner: Any,
) -> None:
    client_record = actions.create_client(by=practitioner, details=NEW_CLIENT)
    with pytest.raises(ValidationError, match="future"):
        actions.change_status(
            client=client_record,
            by=practitioner,
            to_status="active",
            effective_date=timezone.localdate() + dt.timedelta(days=1),
        )
    with pytest.raises(ValidationError, match="earlier"):
        actions.change_status(
            client=client_record,
            by=practitioner,
            to_status="active",
            effective_date=timezone.localdate() - dt.timedelta(days=400),
        )


def test_archiving_walks_the_lifecycle_and_keeps_the_record(practitioner: Any) -> None:
    client_record = actions.create_client(by=practitioner, details=NEW_CLIENT)
    for status in ("active", "ended", "archived"):
        actions.change_status(client=client_record, by=practitioner, to_status=status)
    assert Client.objects.get(pk=client_record.pk).status == "archived"
    assert list(
        client_record.status_changes.order_by("changed_at", "id").values_list(
            "to_status", flat=True
        )
    ) == ["enquiry", "active", "ended", "archived"]


def test_administrators_cannot_change_status(administrator: Any, client_record: Client) -> None:
    with pytest.raises(PermissionDenied):
        actions.change_status(client=client_record, by=administrator, to_status="ended")


# --- Care team --------------------------------------------------------------------------------


def test_adding_and_removing_a_colleague_is_audited(
    practitioner: Any, colleague: Any, client_record: Client
) -> None:
    actions.add_care_team_member(client=client_record, by=practitioner, user=colleague)
    actions.remove_care_team_member(client=client_record, by=colleague, user=practitioner)
    assert list(client_record.care_team.values_list("user_id", flat=True)) == [colleague.pk]
    added, removed = events(Action.CARE_TEAM_CHANGED)
    assert added.detail == {"added": colleague.pk}
    assert removed.detail == {"removed": practitioner.pk} and removed.actor_id == colleague.pk


@pytest.mark.parametrize("who", ["administrator", "outsider", "supervisor"])
def test_only_practitioners_of_the_practice_join_a_care_team(
    request: Any, practitioner: Any, client_record: Client, who: str
) -> None:
    before = counts()
    with pytest.raises(ValidationError):
        actions.add_care_team_member(
            client=client_record, by=practitioner, user=request.getfixturevalue(who)
        )
    assert counts() == before


def test_nobody_joins_twice(practitioner: Any, client_record: Client) -> None:
    with pytest.raises(ValidationError, match="already"):
        actions.add_care_team_member(client=client_record, by=practitioner, user=practitioner)


def test_a_client_always_keeps_a_practitioner(
    practitioner: Any, practice: Any, client_record: Client
) -> None:
    with pytest.raises(ValidationError, match="at least one practitioner"):
        actions.remove_care_team_member(client=client_record, by=practitioner, user=practitioner)
    # A colleague who has left the practice does not count as the one who stays.
    leaver = MembershipFactory(practice=practice, role="practitioner")
    actions.add_care_team_member(client=client_record, by=practitioner, user=leaver.user)
    leaver.is_active = False
    leaver.save()
    with pytest.raises(ValidationError, match="at least one practitioner"):
        actions.remove_care_team_member(client=client_record, by=practitioner, user=practitioner)
    assert client_record.care_team.filter(user=practitioner).exists()


def test_colleagues_off_the_team_cannot_change_it(colleague: Any, client_record: Client) -> None:
    with pytest.raises(PermissionDenied):
        actions.add_care_team_member(client=client_record, by=colleague, user=colleague)


# --- People -----------------------------------------------------------------------------------


def test_people_are_added_updated_and_removed_without_deletion(
    practitioner: Any, client_record: Client
) -> None:
    person = actions.add_person(
        client=client_record, by=practitioner, name="Dafydd Hughes", relationship="Partner"
    )
    assert actions.update_person(
        person=person, by=practitioner, changes={"organisation": "Cardiff Council"}
    ) == ["organisation"]
    actions.remove_person(person=person, by=practitioner)
    person.refresh_from_db()
    assert person.removed_at is not None
    assert not Person.objects.current().filter(pk=person.pk).exists()
    added, updated, removed = (
        events(Action.PERSON_ADDED)[0],
        events(Action.PERSON_UPDATED)[0],
        events(Action.PERSON_REMOVED)[0],
    )
    assert added.detail == {"fields": ["name", "relationship"]}
    assert updated.detail == {"fields": ["organisation"]}
    assert removed.object_id == str(person.pk) and removed.client_id == str(client_record.pk)


def test_a_person_with_an_over_long_name_is_refused(
    practitioner: Any, client_record: Client
) -> None:
    before = counts()
    with pytest.raises(ValidationError):
        actions.add_person(
            client=client_record, by=practitioner, name="x" * 151, relationship="Friend"
        )
    assert counts() == before


def test_people_are_off_limits_to_administrators(
    administrator: Any, client_record: Client, person: Any
) -> None:
    with pytest.raises(PermissionDenied):
        actions.add_person(client=client_record, by=administrator, name="A", relationship="B")
    with pytest.raises(PermissionDenied):
        actions.remove_person(person=person, by=administrator)


# --- Reads and the audit trail ------------------------------------------------------------------


def test_viewing_a_record_is_logged(
    practitioner: Any, administrator: Any, client_record: Client
) -> None:
    actions.record_client_viewed(client=client_record, by=practitioner, page="card")
    actions.record_client_viewed(client=client_record, by=administrator, page="card")
    mine, theirs = events(Action.CLIENT_VIEWED)
    assert mine.detail == {"page": "card", "sections": ["clinical", "contact", "identity"]}
    assert theirs.detail == {"page": "card", "sections": ["contact", "identity"]}
    with pytest.raises(ValueError):
        actions.record_client_viewed(client=client_record, by=practitioner, page="anything")


def test_no_typed_text_ever_reaches_the_audit_trail(
    practitioner: Any, colleague: Any, client_record: Client
) -> None:
    """Run every action with recognisable text, then read the whole audit table."""
    client = actions.create_client(by=practitioner, details=NEW_CLIENT)
    actions.update_client(
        client=client,
        by=practitioner,
        changes={
            "referral_reason": REFERRAL_CANARY + " (updated)",
            "safe_contact_notes": SAFE_CONTACT_CANARY + " (updated)",
            "preferred_name": "Canary-preferred",
        },
    )
    person = actions.add_person(
        client=client, by=practitioner, name="Canary-person", relationship="Canary-relation"
    )
    actions.update_person(person=person, by=practitioner, changes={"organisation": "Canary-org"})
    actions.remove_person(person=person, by=practitioner)
    actions.change_status(client=client, by=practitioner, to_status="active")
    actions.add_care_team_member(client=client, by=practitioner, user=colleague)
    actions.record_client_viewed(client=client, by=practitioner, page="card")
    actions.record_client_search(by=practitioner, status="current", results=1)
    text = audit_text()
    assert AuditEvent.objects.count() >= 9
    for typed in ("Canary", "panic", "partner reads", "Aoife", "Bhriain", "aoife@example.net"):
        assert typed not in text
