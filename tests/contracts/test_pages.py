"""The practice's terms page and the client's contract page: who may do what, and what they see."""

from __future__ import annotations

from typing import Any

import pytest
from django.urls import reverse

from frame.audit.models import Action, AuditEvent
from frame.contracts import selectors
from frame.contracts.forms import TermsForm
from frame.contracts.terms import DEFAULT_TERMS, Terms
from tests.contracts.conftest import agree

pytestmark = pytest.mark.django_db


def _terms_post(**changes: Any) -> dict[str, Any]:
    data = {k: v for k, v in TermsForm.initial_for(DEFAULT_TERMS).items() if v is not None}
    data.update(changes)
    return data


def test_the_owner_sets_the_practice_terms(practitioner: Any, practice: Any, as_user: Any) -> None:
    url = reverse("contracts:practice_terms")
    http = as_user(practitioner)
    assert http.get(url).status_code == 200
    response = http.post(url, _terms_post(fee="65", professional_body="the UKCP"))
    assert response.status_code == 302
    assert selectors.practice_terms(practice.pk) == Terms(
        fee_pence=6500, professional_body="the UKCP"
    )
    event = AuditEvent.objects.get(action=Action.PRACTICE_TERMS_CHANGED)
    assert event.detail == {"fields": ["fee_pence", "professional_body"]}
    assert "UKCP" not in str(event.detail)


def test_other_practitioners_read_the_terms_but_cannot_change_them(
    colleague: Any, administrator: Any, practice: Any, as_user: Any
) -> None:
    url = reverse("contracts:practice_terms")
    page = as_user(colleague).get(url)
    assert page.status_code == 200 and b"Only the practice's owners" in page.content
    assert b"Fee per session" in page.content and b"\xc2\xa360" in page.content
    assert as_user(colleague).post(url, _terms_post(fee="1")).status_code == 404
    assert selectors.practice_terms(practice.pk) == DEFAULT_TERMS
    assert as_user(administrator).get(url).status_code == 404


def test_the_terms_form_refuses_nonsense_without_a_crash(practitioner: Any, as_user: Any) -> None:
    url = reverse("contracts:practice_terms")
    for bad in (
        {"fee": "-5"},
        {"fee": "1e9"},
        {"session_minutes": "abc"},
        {"frequency": "hourly"},
        {"contact_channels": ["fax"]},
        {"professional_body": "x" * 301},
    ):
        response = as_user(practitioner).post(url, _terms_post(**bad))
        assert response.status_code == 200, bad
        assert b"There is a problem" in response.content, bad
    assert as_user(practitioner).post(url, {}).status_code == 200


def test_the_contract_page_shows_the_filled_contract_and_is_audited(
    client_record: Any, practitioner: Any, template: Any, as_user: Any
) -> None:
    response = as_user(practitioner).get(
        reverse("contracts:client_contract", args=[client_record.pk])
    )
    body = response.content.decode()
    assert "Not agreed yet" in body
    assert "This agreement is between you, Morgan Feltham, and me, Robin Ashdown" in body
    assert "your professional body" in body  # flagged as not filled in
    event = AuditEvent.objects.get(action=Action.CONTRACT_VIEWED)
    assert event.detail == {"page": "contract"} and event.client_id == str(client_record.pk)


def test_the_card_links_to_the_agreed_copy(
    client_record: Any, practitioner: Any, template: Any, as_user: Any
) -> None:
    card = reverse("clients:card", args=[client_record.pk])
    assert b"Not agreed yet" in as_user(practitioner).get(card).content
    agreement = agree(client_record, practitioner)
    body = as_user(practitioner).get(card).content.decode()
    assert reverse("contracts:agreement_pdf", args=[client_record.pk, agreement.pk]) in body
    assert "Agreed on" in body


def test_typed_text_is_escaped_everywhere_it_is_shown(
    client_record: Any, practitioner: Any, template: Any, as_user: Any
) -> None:
    from frame.contracts import actions

    payload = '<script>alert(1)</script>"><img src=x onerror=alert(1)>'
    actions.set_client_terms(
        client=client_record, by=practitioner, terms=Terms(professional_body=payload)
    )
    actions.set_chance_encounter(
        client=client_record, by=practitioner, choice="say_hello", note=payload
    )
    agree(client_record, practitioner, note=payload)
    for url in (
        reverse("clients:card", args=[client_record.pk]),
        reverse("contracts:client_contract", args=[client_record.pk]),
        reverse("contracts:chance_encounter", args=[client_record.pk]),
        reverse("contracts:client_terms", args=[client_record.pk]),
    ):
        body = as_user(practitioner).get(url).content
        assert b"<script>alert(1)" not in body and b"<img src=x" not in body, url
