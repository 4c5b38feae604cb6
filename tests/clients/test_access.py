"""access.py: who may fetch which client, and the single 404 for everything else."""

from __future__ import annotations

import uuid
from typing import Any

import pytest
from django.contrib.auth.models import AnonymousUser
from django.http import Http404

from frame.accounts.models import Role
from frame.clients.access import (
    Section,
    access_client,
    access_client_for_owner_report,
    access_client_view,
    access_person,
    clients_for,
)
from frame.clients.models import Client
from tests.factories import CareTeamMemberFactory, ClientFactory, PersonFactory


def test_a_practitioner_on_the_care_team_sees_everything(
    practitioner: Any, client_record: Client
) -> None:
    for section in Section:
        assert access_client(practitioner, client_record.pk, section=section) == client_record
    view = access_client_view(practitioner, client_record.pk)
    assert view.clinical and view.is_owner


def test_an_owner_not_on_the_care_team_sees_nothing(
    practitioner: Any, colleague: Any, practice: Any
) -> None:
    """Owners are practitioners too: running the practice does not open every record."""
    theirs = ClientFactory(practice=practice, created_by=colleague)
    CareTeamMemberFactory(client=theirs, user=colleague)
    with pytest.raises(Http404):
        access_client(practitioner, theirs.pk, section=Section.IDENTITY)
    assert not clients_for(practitioner).filter(pk=theirs.pk).exists()


def test_a_colleague_not_on_the_care_team_gets_404(colleague: Any, client_record: Client) -> None:
    for section in Section:
        with pytest.raises(Http404):
            access_client(colleague, client_record.pk, section=section)
    assert not clients_for(colleague).exists()


def test_an_outsider_gets_404(outsider: Any, client_record: Client) -> None:
    with pytest.raises(Http404):
        access_client(outsider, client_record.pk, section=Section.IDENTITY)
    with pytest.raises(Http404):
        access_client_for_owner_report(outsider, client_record.pk)


def test_an_administrator_sees_identity_and_contact_only(
    administrator: Any, client_record: Client
) -> None:
    assert access_client(administrator, client_record.pk, section=Section.IDENTITY)
    assert access_client(administrator, client_record.pk, section=Section.CONTACT)
    with pytest.raises(Http404):
        access_client(administrator, client_record.pk, section=Section.CLINICAL)
    with pytest.raises(Http404):
        access_client(administrator, client_record.pk)  # clinical is the default
    view = access_client_view(administrator, client_record.pk)
    assert not view.clinical and not view.is_owner


def test_an_administrator_sees_every_client_of_their_practice_only(
    administrator: Any, client_record: Client, other_practice: Any
) -> None:
    elsewhere = ClientFactory(practice=other_practice)
    visible = set(clients_for(administrator).values_list("pk", flat=True))
    assert client_record.pk in visible and elsewhere.pk not in visible
    assert not clients_for(administrator, section=Section.CLINICAL).exists()


def test_supervisors_see_nothing_yet(practice: Any, client_record: Client) -> None:
    from tests.factories import MembershipFactory

    supervisor = MembershipFactory(practice=practice, role=Role.SUPERVISOR).user
    CareTeamMemberFactory(client=client_record, user=supervisor)  # even if listed by mistake
    assert not clients_for(supervisor).exists()
    with pytest.raises(Http404):
        access_client(supervisor, client_record.pk, section=Section.IDENTITY)


def test_a_deactivated_member_sees_nothing(practitioner: Any, client_record: Client) -> None:
    membership = practitioner.membership
    membership.is_active = False
    membership.save()
    practitioner.refresh_from_db()
    with pytest.raises(Http404):
        access_client(practitioner, client_record.pk)


def test_anonymous_users_and_nonsense_ids_get_404(practitioner: Any, client_record: Client) -> None:
    with pytest.raises(Http404):
        access_client(AnonymousUser(), client_record.pk, section=Section.IDENTITY)
    for bad in ["not-a-uuid", "", None, 42, uuid.uuid4()]:
        with pytest.raises(Http404):
            access_client(practitioner, bad)


def test_missing_and_forbidden_look_exactly_alike(colleague: Any, client_record: Client) -> None:
    with pytest.raises(Http404) as forbidden:
        access_client(colleague, client_record.pk)
    with pytest.raises(Http404) as missing:
        access_client(colleague, uuid.uuid4())
    assert str(forbidden.value) == str(missing.value)


def test_the_owner_report_reaches_any_client_in_the_owners_practice(
    practitioner: Any, colleague: Any, administrator: Any, practice: Any
) -> None:
    theirs = ClientFactory(practice=practice, created_by=colleague)
    CareTeamMemberFactory(client=theirs, user=colleague)
    assert access_client_for_owner_report(practitioner, theirs.pk) == theirs
    for not_owner in (colleague, administrator):
        with pytest.raises(Http404):
            access_client_for_owner_report(not_owner, theirs.pk)


def test_people_are_reached_only_through_their_clients_care_team(
    practitioner: Any, colleague: Any, administrator: Any, client_record: Client, person: Any
) -> None:
    assert access_person(practitioner, client_record.pk, person.pk) == person
    for other in (colleague, administrator):
        with pytest.raises(Http404):
            access_person(other, client_record.pk, person.pk)
    someone_else = PersonFactory()  # a person in another client's life
    with pytest.raises(Http404):
        access_person(practitioner, client_record.pk, someone_else.pk)


def test_removed_people_are_not_reachable(
    practitioner: Any, client_record: Client, person: Any
) -> None:
    from frame.clients.actions import remove_person

    remove_person(person=person, by=practitioner)
    with pytest.raises(Http404):
        access_person(practitioner, client_record.pk, person.pk)


def test_narrowing_the_query_never_widens_access(
    practitioner: Any, colleague: Any, outsider: Any, other_practice: Any, client_record: Client
) -> None:
    """`among` only steers the plan: the practice and care-team checks still apply."""
    from django.db.models import Q

    from tests.factories import MembershipFactory

    elsewhere_admin = MembershipFactory(practice=other_practice, role=Role.ADMINISTRATOR).user
    everyone = Q(pk__isnull=False)
    assert list(clients_for(practitioner, among=everyone)) == [client_record]
    for other in (colleague, outsider, elsewhere_admin):
        assert not clients_for(other, among=Q(pk=client_record.pk)).exists()
        assert not clients_for(other, among=everyone).exists()
