"""Who can open each client page: the access matrix, view by view, for GET and POST."""

from __future__ import annotations

from typing import Any

import pytest
from django.urls import reverse

from frame.audit.models import Action, AuditEvent
from frame.clients.models import Client, Person

REFERRAL_TEXT = "Low mood since a change of job."  # the factory's referral reason


def urls(client: Client, person: Person) -> dict[str, str]:
    c, p = client.pk, person.pk
    return {
        "card": reverse("clients:card", args=[c]),
        "edit_identity": reverse("clients:edit", args=[c]) + "?section=identity",
        "edit_contact": reverse("clients:edit", args=[c]) + "?section=contact",
        "edit_gp": reverse("clients:edit", args=[c]) + "?section=gp",
        "edit_referral": reverse("clients:edit", args=[c]) + "?section=referral",
        "status": reverse("clients:status", args=[c]),
        "care_team": reverse("clients:care_team", args=[c]),
        "person_add": reverse("clients:person_add", args=[c]),
        "person_edit": reverse("clients:person_edit", args=[c, p]),
        "person_remove": reverse("clients:person_remove", args=[c, p]),
        "access_log": reverse("clients:access_log", args=[c]),
    }


CLINICAL_PAGES = [
    "edit_gp",
    "edit_referral",
    "status",
    "care_team",
    "person_add",
    "person_edit",
    "person_remove",
]
ADMINISTRATIVE_PAGES = ["card", "edit_identity", "edit_contact"]
ALL_RECORD_PAGES = ADMINISTRATIVE_PAGES + CLINICAL_PAGES + ["access_log"]


@pytest.mark.parametrize("page", ALL_RECORD_PAGES)
def test_a_practitioner_on_the_care_team_opens_every_page(
    as_user: Any, practitioner: Any, client_record: Client, person: Person, page: str
) -> None:
    response = as_user(practitioner).get(urls(client_record, person)[page])
    assert response.status_code == 200


@pytest.mark.parametrize("page", ALL_RECORD_PAGES)
@pytest.mark.parametrize("who", ["colleague", "outsider", "supervisor"])
def test_people_off_the_care_team_get_404_everywhere(
    request: Any, as_user: Any, client_record: Client, person: Person, page: str, who: str
) -> None:
    http = as_user(request.getfixturevalue(who))
    url = urls(client_record, person)[page]
    assert http.get(url).status_code == 404
    assert http.post(url, {"phone": "0", "to_status": "ended", "name": "X"}).status_code == 404


@pytest.mark.parametrize("page", ADMINISTRATIVE_PAGES)
def test_an_administrator_opens_identity_and_contact_pages(
    as_user: Any, administrator: Any, client_record: Client, person: Person, page: str
) -> None:
    response = as_user(administrator).get(urls(client_record, person)[page])
    assert response.status_code == 200
    assert REFERRAL_TEXT.encode() not in response.content


@pytest.mark.parametrize("page", [*CLINICAL_PAGES, "access_log"])
def test_an_administrator_gets_404_for_clinical_pages(
    as_user: Any, administrator: Any, client_record: Client, person: Person, page: str
) -> None:
    http = as_user(administrator)
    url = urls(client_record, person)[page]
    assert http.get(url).status_code == 404
    assert http.post(url, {"referral_reason": "x", "to_status": "ended"}).status_code == 404


def test_an_administrator_never_sees_clinical_parts_of_the_card(
    as_user: Any, administrator: Any, client_record: Client, person: Person
) -> None:
    client_record.gp_surgery = "Riverside Health Centre"
    client_record.safe_contact_notes = "Ring after six"
    client_record.save()
    content = as_user(administrator).get(urls(client_record, person)["card"]).content.decode()
    assert REFERRAL_TEXT not in content
    assert "Riverside Health Centre" not in content
    assert person.name not in content
    assert "What brings them" not in content
    # What an administrator needs to contact the client safely is there.
    assert "Ring after six" in content
    assert client_record.email in content


@pytest.mark.parametrize("page", ALL_RECORD_PAGES)
def test_anonymous_visitors_are_sent_to_sign_in(
    client: Any, client_record: Client, person: Person, page: str
) -> None:
    response = client.get(urls(client_record, person)[page])
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("account_login"))


@pytest.mark.parametrize("name", ["clients:list", "clients:new"])
def test_list_and_new_need_sign_in(client: Any, db: Any, name: str) -> None:
    response = client.get(reverse(name))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("account_login"))


def test_the_owner_reads_who_accessed_any_client_of_the_practice(
    as_user: Any, practitioner: Any, colleague: Any, practice: Any
) -> None:
    from tests.factories import CareTeamMemberFactory, ClientFactory

    # A name no page would contain by chance (a random one once matched a word on the page).
    theirs = ClientFactory(
        practice=practice, created_by=colleague, given_name="Perpetua", family_name="Quillfeather"
    )
    CareTeamMemberFactory(client=theirs, user=colleague)
    as_user(colleague).get(reverse("clients:card", args=[theirs.pk]))
    response = as_user(practitioner).get(reverse("clients:access_log", args=[theirs.pk]))
    assert response.status_code == 200
    assert b"Sam Okafor" in response.content  # the colleague who opened the record
    assert b"Client record viewed" in response.content
    assert b"Perpetua" not in response.content  # the case code is enough here
    assert b"Quillfeather" not in response.content
    assert as_user(practitioner).get(reverse("clients:card", args=[theirs.pk])).status_code == 404
    assert AuditEvent.objects.filter(
        action=Action.AUDIT_VIEWED, actor_id=practitioner.pk, client_id=str(theirs.pk)
    ).exists()


def test_supervisors_cannot_add_clients(as_user: Any, supervisor: Any) -> None:
    assert as_user(supervisor).get(reverse("clients:new")).status_code == 404


def test_the_list_shows_each_person_only_their_clients(
    as_user: Any,
    practitioner: Any,
    colleague: Any,
    administrator: Any,
    outsider: Any,
    supervisor: Any,
    client_record: Client,
) -> None:
    name = b"Feltham, Morgan"
    assert name in as_user(practitioner).get(reverse("clients:list")).content
    assert name in as_user(administrator).get(reverse("clients:list")).content
    for other in (colleague, outsider, supervisor):
        response = as_user(other).get(reverse("clients:list"))
        assert response.status_code == 200
        assert name not in response.content
