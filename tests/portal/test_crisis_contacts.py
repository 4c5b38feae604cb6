"""Crisis contacts: UK defaults for every practice, editable by owners, on every portal page."""

from __future__ import annotations

from typing import Any

import pytest
from django.test import Client as HttpClient
from django.urls import reverse

from frame.accounts.models import User
from frame.audit.models import Action, AuditEvent
from frame.portal.models import CrisisContact
from tests.factories import PracticeFactory
from tests.portal.factories import article_share_for

pytestmark = pytest.mark.django_db


def test_a_new_practice_starts_with_the_uk_defaults_in_order() -> None:
    practice = PracticeFactory()
    contacts = list(CrisisContact.objects.filter(practice=practice))
    assert [c.how_to_reach for c in contacts] == [
        "Call 999",
        "Call 111 and choose option 2",
        "Call 116 123",
        "Text SHOUT to 85258",
        "Call 0800 1111",
        "Call 0800 068 4141",
    ]
    assert [c.name for c in contacts][-2:] == ["Childline", "Papyrus HOPELINE247"]
    assert [c.nations for c in contacts] == ["", "england", "", "", "", ""]
    assert contacts[1].nations_display == "England"


def _portal_pages(portal_user: User, client_record: Any, practitioner: User) -> list[str]:
    share = article_share_for(client_record, by=practitioner)
    return [
        reverse("portal:home"),
        reverse("portal:account"),
        reverse("portal:articles"),
        reverse("portal:article", args=[share.pk]),
        reverse("portal:password_change"),
    ]


def test_every_portal_page_ends_with_the_practices_crisis_contacts(
    portal_user: User, client_record: Any, practitioner: User, as_client: Any
) -> None:
    CrisisContact.objects.create(
        practice=client_record.practice,
        position=9,
        name="Harbourside Crisis Café",
        how_to_reach="Call 01632 960 123",
        when_to_use="Evenings, for a calm space and someone to talk to.",
    )
    http = as_client(portal_user)
    for path in _portal_pages(portal_user, client_record, practitioner):
        response = http.get(path)
        assert response.status_code == 200, path
        footer = response.content.decode().split('class="portal-footer"')[1]
        for words in ("116 123", "85258", "999", "option 2", "Harbourside Crisis Café"):
            assert words in footer, f"{path} lacks {words}"


def test_pages_before_signing_in_show_the_uk_defaults(client: HttpClient) -> None:
    for path in (reverse("portal:sign_in"), reverse("portal:join", args=["nope"])):
        footer = client.get(path).content.decode().split('class="portal-footer"')[1]
        assert "116 123" in footer and "85258" in footer and "999" in footer


def _formset_data(contacts: list[CrisisContact], **changes: Any) -> dict[str, Any]:
    data: dict[str, Any] = {
        "contacts-TOTAL_FORMS": str(len(contacts) + 1),
        "contacts-INITIAL_FORMS": str(len(contacts)),
        "contacts-MIN_NUM_FORMS": "0",
        "contacts-MAX_NUM_FORMS": "30",
    }
    for index, contact in enumerate(contacts):
        prefix = f"contacts-{index}-"
        data.update(
            {
                prefix + "id": str(contact.pk),
                prefix + "name": contact.name,
                prefix + "how_to_reach": contact.how_to_reach,
                prefix + "when_to_use": contact.when_to_use,
                prefix + "ORDER": str(index + 1),
            }
        )
        if contact.nations:
            data[prefix + "nations"] = contact.nation_list
    data.update(changes)
    return data


def test_the_owner_edits_adds_reorders_and_removes_contacts(
    practitioner: User, practice: Any, as_user: Any
) -> None:
    contacts = list(CrisisContact.objects.filter(practice=practice))
    http = as_user(practitioner)
    assert http.get(reverse("portal_staff:crisis_contacts")).status_code == 200
    data = _formset_data(
        contacts,
        **{
            "contacts-3-DELETE": "on",  # Shout
            "contacts-0-ORDER": "5",  # 999 to the end
            "contacts-1-nations": ["england", "wales"],
            "contacts-4-DELETE": "on",  # Childline
            "contacts-5-DELETE": "on",  # Papyrus
            "contacts-6-name": "Breathing Space",
            "contacts-6-how_to_reach": "Call 0800 83 85 87",
            "contacts-6-nations": ["scotland"],
            "contacts-6-ORDER": "4",
        },
    )
    response = http.post(reverse("portal_staff:crisis_contacts"), data)
    assert response.status_code == 302, response.content.decode()[:3000]
    after = list(CrisisContact.objects.filter(practice=practice))
    assert [c.name for c in after] == [
        "NHS 111, mental health option",
        "Samaritans",
        "Breathing Space",
        "Emergency services",
    ]
    assert after[0].nations == "england,wales"
    assert after[2].nations == "scotland"
    event = AuditEvent.objects.get(action=Action.CRISIS_CONTACTS_CHANGED)
    assert event.detail == {"count": 4, "added": 1, "removed": 3, "changed": 1}
    assert "Breathing" not in str(event.detail)


def test_the_last_contact_cannot_be_removed_and_nothing_is_lost(
    practitioner: User, practice: Any, as_user: Any
) -> None:
    contacts = list(CrisisContact.objects.filter(practice=practice))
    deletions = {f"contacts-{i}-DELETE": "on" for i in range(len(contacts))}
    response = as_user(practitioner).post(
        reverse("portal_staff:crisis_contacts"), _formset_data(contacts, **deletions)
    )
    assert response.status_code == 400
    assert "keep at least one way to get urgent help" in response.content.decode()
    assert CrisisContact.objects.filter(practice=practice).count() == 6


def test_a_contact_without_a_way_to_reach_it_is_refused_plainly(
    practitioner: User, practice: Any, as_user: Any
) -> None:
    contacts = list(CrisisContact.objects.filter(practice=practice))
    data = _formset_data(contacts, **{"contacts-0-how_to_reach": ""})
    response = as_user(practitioner).post(reverse("portal_staff:crisis_contacts"), data)
    assert response.status_code == 400
    html = response.content.decode()
    assert "Please say how to reach the service." in html
    assert 'value="Emergency services"' in html, "what was typed stays on the page"
    assert CrisisContact.objects.get(practice=practice, position=1).how_to_reach == "Call 999"


@pytest.mark.parametrize("persona", ["colleague", "administrator"])
def test_only_owners_edit_crisis_contacts(
    persona: str, practice: Any, as_user: Any, request: Any
) -> None:
    http = as_user(request.getfixturevalue(persona))
    assert http.get(reverse("portal_staff:crisis_contacts")).status_code == 404


def test_an_owner_cannot_touch_another_practices_contacts(
    practitioner: User, other_practice: Any, practice: Any, as_user: Any
) -> None:
    theirs = list(CrisisContact.objects.filter(practice=other_practice))
    ours = list(CrisisContact.objects.filter(practice=practice))
    data = _formset_data(ours, **{"contacts-0-id": str(theirs[0].pk)})
    as_user(practitioner).post(reverse("portal_staff:crisis_contacts"), data)
    kept = CrisisContact.objects.get(pk=theirs[0].pk)
    assert kept.practice_id == other_practice.pk
    assert (kept.name, kept.position) == (theirs[0].name, theirs[0].position)
    assert CrisisContact.objects.filter(practice=other_practice).count() == len(theirs)
