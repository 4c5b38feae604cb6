"""The client's side: agreeing in the portal, the PDF copy, the chance-encounter wish."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from frame.audit.models import Action, AuditEvent
from frame.contracts import actions, selectors
from frame.contracts.models import Agreement, AgreementMethod, EncounterChoice
from frame.contracts.terms import Terms
from tests.contracts.conftest import NOTE_CANARY, agree, audit_text, edit_clause
from tests.contracts.test_pdf import pdf_text
from tests.factories import CareTeamMemberFactory, ClientFactory
from tests.portal.factories import portal_user_for, signed_in_client

pytestmark = pytest.mark.django_db


@pytest.fixture
def portal_user(client_record: Any, practitioner: Any) -> Any:
    return portal_user_for(client_record, invited_by=practitioner)


@pytest.fixture
def portal(portal_user: Any) -> Any:
    return signed_in_client(portal_user)


def agreement_form(client: Any, *, name: str = "Morgan Feltham", skip: int = 0) -> dict[str, Any]:
    """Everything ticked (all but the last `skip`), as the page would post it."""
    current = selectors.contract_for(client)
    assert current is not None
    keys = [c.key for c in current.document.clauses]
    data: dict[str, Any] = {
        "version_id": str(current.version.pk),
        "sha256": current.document.sha256,
        "typed_name": name,
    }
    for key in keys[: len(keys) - skip]:
        data[f"confirm-{key}"] = "on"
    return data


def test_the_client_reads_and_agrees_each_section(
    client_record: Any, portal: Any, portal_user: Any
) -> None:
    """Frame's template is created on first use, by the client's visit if nobody else's."""
    url = reverse("portal:agreement")
    page = portal.get(url)
    assert page.status_code == 200
    body = page.content.decode()
    assert "This agreement is between you, Morgan Feltham" in body
    assert body.count('type="checkbox"') == 19
    response = portal.post(url, agreement_form(client_record))
    assert response.status_code == 302
    agreement = Agreement.objects.get(client=client_record)
    assert agreement.method == AgreementMethod.PORTAL
    assert agreement.typed_name == "Morgan Feltham" and agreement.source_ip == "127.0.0.1"
    current = selectors.contract_for(client_record)
    assert current is not None and agreement.sha256 == current.document.sha256
    event = AuditEvent.objects.get(action=Action.CONTRACT_AGREED)
    assert event.actor_id == portal_user.pk and event.actor_role == "client"
    after = portal.get(url).content.decode()
    assert "You agreed this on" in after and 'type="checkbox"' not in after


def test_every_section_must_be_confirmed_and_nothing_typed_is_lost(
    client_record: Any, portal: Any, template: Any
) -> None:
    response = portal.post(reverse("portal:agreement"), agreement_form(client_record, skip=1))
    assert response.status_code == 200
    body = response.content.decode()
    assert "Please confirm you agree to “If you are unhappy”." in body
    assert 'value="Morgan Feltham"' in body
    assert body.count("checked") == 18
    assert not Agreement.objects.exists()


def test_a_stale_page_cannot_agree_an_outdated_version(
    client_record: Any, portal: Any, practitioner: Any, template: Any
) -> None:
    stale = agreement_form(client_record)
    edit_clause(template, practitioner, "gifts", "No gifts, thank you.")
    response = portal.post(reverse("portal:agreement"), stale)
    assert response.status_code == 200
    body = response.content.decode()
    assert "This contract has changed since the page was opened" in body
    assert "No gifts, thank you." in body
    assert "checked" not in body  # every section to be confirmed again, on the new text
    assert not Agreement.objects.exists()
    assert AuditEvent.objects.filter(
        action=Action.CONTRACT_AGREEMENT_REFUSED, actor_role="client"
    ).exists()


def test_a_forged_hash_is_refused(client_record: Any, portal: Any, template: Any) -> None:
    form = agreement_form(client_record)
    form["sha256"] = "0" * 64
    response = portal.post(reverse("portal:agreement"), form)
    assert b"has changed since the page was opened" in response.content
    assert not Agreement.objects.exists()


def test_re_agreement_marks_the_changed_sections(
    client_record: Any, portal: Any, practitioner: Any, template: Any
) -> None:
    portal.post(reverse("portal:agreement"), agreement_form(client_record))
    actions.set_client_terms(client=client_record, by=practitioner, terms=Terms(fee_pence=5500))
    body = portal.get(reverse("portal:agreement")).content.decode()
    assert "Some of your agreement has changed" in body
    assert body.count(">Changed</span>") == 1
    home = portal.get(reverse("portal:home")).content.decode()
    assert "Read and agree the changes" in home
    portal.post(reverse("portal:agreement"), agreement_form(client_record))
    assert Agreement.objects.filter(client=client_record).count() == 2
    assert selectors.terms_for(client_record).fee_pence == 5500


def test_the_client_downloads_their_agreed_copy(
    client_record: Any, portal: Any, tmp_path: Path
) -> None:
    before = portal.get(reverse("portal:agreement_pdf"))
    assert before.status_code == 200 and "Not yet agreed" in pdf_text(before.content, tmp_path)
    portal.post(reverse("portal:agreement"), agreement_form(client_record, name="Morgan F."))
    response = portal.get(reverse("portal:agreement_pdf"))
    assert response["Content-Disposition"].startswith("attachment;")
    text = pdf_text(response.content, tmp_path)
    assert "Morgan Feltham" in text and "£60" in text and "Morgan F." in text
    assert "Cancellations, lateness and missed sessions" in text
    assert (
        AuditEvent.objects.filter(action=Action.CONTRACT_DOWNLOADED, actor_role="client").count()
        == 2
    )


def test_the_client_changes_their_chance_encounter_preference(
    client_record: Any, portal: Any, practitioner: Any, as_user: Any
) -> None:
    actions.set_chance_encounter(client=client_record, by=practitioner, choice="say_hello")
    url = reverse("portal:chance_encounter")
    page = portal.get(url).content.decode()
    assert "At the moment you have asked for: <strong>Say hello briefly</strong>" in page
    bad = portal.post(url, {"choice": "hug", "note": "keep me"})
    assert bad.status_code == 200 and b"keep me" in bad.content
    assert portal.post(url, {"choice": "dont_acknowledge", "note": NOTE_CANARY}).status_code == 302
    current = selectors.chance_encounter_for(client_record)
    assert current is not None and current.choice == EncounterChoice.DONT_ACKNOWLEDGE
    assert current.by_client and current.note == NOTE_CANARY
    card = as_user(practitioner).get(reverse("clients:card", args=[client_record.pk])).content
    assert b"If you meet by chance: Please don&#x27;t acknowledge me" in card
    assert b"in the portal" in card
    assert NOTE_CANARY not in audit_text()


def test_each_client_sees_only_their_own_contract(
    client_record: Any, practitioner: Any, portal: Any, template: Any
) -> None:
    other = ClientFactory(
        practice=client_record.practice,
        created_by=practitioner,
        given_name="Dana",
        family_name="Whitlock",
    )
    CareTeamMemberFactory(client=other, user=practitioner)
    actions.set_chance_encounter(
        client=other, by=practitioner, choice="client_leads", note="Dana's"
    )
    agree(other, practitioner)
    theirs = signed_in_client(portal_user_for(other, invited_by=practitioner))
    mine = portal.get(reverse("portal:agreement")).content.decode()
    assert "Morgan Feltham" in mine and "Whitlock" not in mine
    dana = theirs.get(reverse("portal:agreement")).content.decode()
    assert "Dana Whitlock" in dana and "Feltham" not in dana
    assert b"Dana" not in portal.get(reverse("portal:chance_encounter")).content
    # Posting the other client's version and hash agrees nothing for anyone.
    response = portal.post(reverse("portal:agreement"), agreement_form(other, name="Morgan"))
    assert b"has changed since the page was opened" in response.content
    assert not Agreement.objects.filter(client=client_record).exists()


def test_staff_cannot_open_the_portal_pages(
    practitioner: Any, client_record: Any, as_user: Any
) -> None:
    for name in ("portal:agreement", "portal:agreement_pdf", "portal:chance_encounter"):
        assert as_user(practitioner).get(reverse(name)).status_code == 404


def test_the_portal_home_panels_cost_the_same_with_a_long_history(
    client_record: Any, portal: Any, practitioner: Any, template: Any
) -> None:
    def count() -> int:
        portal.get(reverse("portal:home"))
        with CaptureQueriesContext(connection) as queries:
            assert portal.get(reverse("portal:home")).status_code == 200
        return len(queries)

    agree(client_record, practitioner)
    small = count()
    for n in range(5):
        edit_clause(template, practitioner, "gifts", f"Round {n}.")
        agree(client_record, practitioner)
        actions.set_chance_encounter_by_client(client=client_record, by=None, choice="say_hello")
    edit_clause(template, practitioner, "gifts", "Pending.")
    assert count() == small
