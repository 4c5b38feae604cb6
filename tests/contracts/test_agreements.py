"""Agreements: bound to the exact text, refused when outdated, re-asked when things change."""

from __future__ import annotations

import datetime as dt
import hashlib
from typing import Any

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse
from django.utils import timezone

from frame.audit.models import Action, AuditEvent
from frame.contracts import actions, selectors
from frame.contracts.models import Agreement, AgreementMethod, WrittenOnce
from frame.contracts.terms import DEFAULT_TERMS, Terms
from frame.lib.requestcontext import RequestContext, bind_request_context
from tests.contracts.conftest import AGREEMENT_NOTE_CANARY, agree, audit_text, edit_clause

pytestmark = pytest.mark.django_db


def test_an_agreement_stores_the_exact_text_its_hash_and_the_version(
    client_record: Any, practitioner: Any, template: Any
) -> None:
    current = selectors.contract_for(client_record)
    assert current is not None
    with bind_request_context(RequestContext(request_id="r1", source_ip="203.0.113.9")):
        agreement = agree(client_record, practitioner, note=AGREEMENT_NOTE_CANARY)
    agreement.refresh_from_db()
    assert agreement.text == current.document.text
    assert agreement.sha256 == hashlib.sha256(agreement.text.encode("utf-8")).hexdigest()
    assert agreement.version == current.version
    assert agreement.source_ip == "203.0.113.9"
    assert agreement.recorded_by == practitioner
    assert "Morgan Feltham" in agreement.text and "Robin Ashdown" in agreement.text
    assert "£60" in agreement.text
    event = AuditEvent.objects.get(action=Action.CONTRACT_AGREED)
    assert event.detail["method"] == "in_session" and event.detail["version"] == 1
    assert AGREEMENT_NOTE_CANARY not in audit_text()


def test_the_text_and_note_are_encrypted_in_the_database(
    client_record: Any, practitioner: Any, template: Any
) -> None:
    agreement = agree(client_record, practitioner, note=AGREEMENT_NOTE_CANARY)
    stored = Agreement.objects.filter(pk=agreement.pk).values_list("text", "note", "clauses").get()
    assert all(value.startswith("frame1$") for value in stored)
    assert "Morgan" not in "".join(stored)


def test_agreements_are_never_changed_or_deleted(
    client_record: Any, practitioner: Any, template: Any
) -> None:
    agreement = agree(client_record, practitioner)
    with pytest.raises(WrittenOnce):
        agreement.save()
    with pytest.raises(WrittenOnce):
        Agreement.objects.filter(pk=agreement.pk).delete()


def test_agreeing_an_outdated_version_is_refused(
    client_record: Any, practitioner: Any, template: Any
) -> None:
    stale = selectors.contract_for(client_record)
    assert stale is not None
    edit_clause(template, practitioner, "gifts", "No gifts, please.")
    with pytest.raises(actions.OutdatedContract):
        actions.record_agreement(
            client=client_record,
            by=practitioner,
            method=AgreementMethod.IN_SESSION,
            agreed_on=timezone.localdate(),
            version_id=str(stale.version.pk),
            sha256=stale.document.sha256,
        )
    assert not Agreement.objects.exists()
    refused = AuditEvent.objects.get(action=Action.CONTRACT_AGREEMENT_REFUSED)
    assert refused.outcome == "refused" and refused.client_id == str(client_record.pk)


def test_agreeing_after_the_terms_changed_is_refused_even_on_the_same_version(
    client_record: Any, practitioner: Any, template: Any
) -> None:
    stale = selectors.contract_for(client_record)
    assert stale is not None
    actions.set_client_terms(client=client_record, by=practitioner, terms=Terms(fee_pence=4000))
    with pytest.raises(actions.OutdatedContract):
        actions.record_agreement(
            client=client_record,
            by=practitioner,
            method=AgreementMethod.ON_PAPER,
            agreed_on=timezone.localdate(),
            version_id=str(stale.version.pk),
            sha256=stale.document.sha256,
        )


def test_a_portal_agreement_needs_every_section_and_a_typed_name(
    client_record: Any, template: Any
) -> None:
    current = selectors.contract_for(client_record)
    assert current is not None
    keys = [c.key for c in current.document.clauses]
    kwargs = {"version_id": str(current.version.pk), "sha256": current.document.sha256}
    with pytest.raises(ValidationError) as missing:
        actions.agree_in_portal(
            client=client_record,
            by=None,
            typed_name="Morgan Feltham",
            confirmed=keys[:-1],
            **kwargs,
        )
    assert "If you are unhappy" in str(missing.value)
    with pytest.raises(ValidationError):
        actions.agree_in_portal(
            client=client_record, by=None, typed_name=" ", confirmed=keys, **kwargs
        )
    with bind_request_context(RequestContext(request_id="r2", source_ip="198.51.100.7")):
        agreement = actions.agree_in_portal(
            client=client_record,
            by=None,
            typed_name="  Morgan   Feltham ",
            confirmed=keys,
            **kwargs,
        )
    assert agreement.method == AgreementMethod.PORTAL and agreement.recorded_by is None
    assert agreement.typed_name == "Morgan Feltham"
    assert agreement.source_ip == "198.51.100.7"
    event = AuditEvent.objects.get(action=Action.CONTRACT_AGREED)
    assert event.actor_role == "client" and event.practice_id == client_record.practice_id
    assert "Morgan" not in audit_text()


def test_practitioner_agreements_are_for_the_care_team_and_not_in_the_future(
    client_record: Any, practitioner: Any, colleague: Any, template: Any
) -> None:
    with pytest.raises(PermissionDenied):
        agree(client_record, colleague)
    with pytest.raises(ValidationError):
        agree(client_record, practitioner, on=timezone.localdate() + dt.timedelta(days=1))
    with pytest.raises(ValidationError):
        agree(client_record, practitioner, method=AgreementMethod.PORTAL)


# --- Re-agreement -----------------------------------------------------------------------------


def test_a_template_edit_asks_for_re_agreement_of_the_changed_clause(
    client_record: Any, practitioner: Any, template: Any, as_user: Any
) -> None:
    agree(client_record, practitioner)
    card = reverse("clients:card", args=[client_record.pk])
    assert b"Re-agreement needed" not in as_user(practitioner).get(card).content
    edit_clause(template, practitioner, "recording", "Nobody records anything, ever.")
    status = selectors.agreement_status(client_record)
    assert status.needs_reagreement
    assert [(c.key, c.change) for c in status.changes] == [("recording", "changed")]
    body = as_user(practitioner).get(card).content.decode()
    assert "Re-agreement needed" in body and "<li>Recording (changed)</li>" in body
    # A new agreement clears it.
    agree(client_record, practitioner)
    assert b"Re-agreement needed" not in as_user(practitioner).get(card).content
    assert Agreement.objects.filter(client=client_record).count() == 2


def test_a_terms_change_asks_for_re_agreement_of_the_clauses_it_touches(
    client_record: Any, practitioner: Any, template: Any, as_user: Any
) -> None:
    agree(client_record, practitioner)
    actions.set_practice_terms(
        practice=client_record.practice,
        by=practitioner,
        terms=Terms(fee_pence=7000, cancellation_notice_hours=24),
    )
    status = selectors.agreement_status(client_record)
    assert [c.key for c in status.changes] == ["fees", "cancellations"]
    # The terms agreed still apply until the client agrees again.
    assert selectors.terms_for(client_record) == DEFAULT_TERMS
    body = as_user(practitioner).get(reverse("clients:card", args=[client_record.pk])).content
    assert b"Fees and payment (changed)" in body and b"Cancellations" in body
    agree(client_record, practitioner)
    assert selectors.terms_for(client_record) == Terms(fee_pence=7000, cancellation_notice_hours=24)
    assert not selectors.agreement_status(client_record).needs_reagreement


def test_a_client_with_their_own_terms_is_not_asked_when_the_practice_changes_others(
    client_record: Any, practitioner: Any, template: Any
) -> None:
    actions.set_client_terms(client=client_record, by=practitioner, terms=Terms(fee_pence=3000))
    agree(client_record, practitioner)
    actions.set_practice_terms(
        practice=client_record.practice, by=practitioner, terms=Terms(fee_pence=9000)
    )
    # Their override differs from the new default too, so it still applies: nothing changed.
    assert selectors.proposed_terms_for(client_record).fee_pence == 3000
    assert not selectors.agreement_status(client_record).needs_reagreement


def test_the_full_history_is_kept_newest_first(
    client_record: Any, practitioner: Any, template: Any, as_user: Any
) -> None:
    agree(client_record, practitioner, on=dt.date(2025, 1, 6), method=AgreementMethod.ON_PAPER)
    edit_clause(template, practitioner, "gifts", "No gifts.")
    agree(client_record, practitioner, on=dt.date(2025, 3, 3))
    body = (
        as_user(practitioner)
        .get(reverse("contracts:client_contract", args=[client_record.pk]))
        .content.decode()
    )
    assert body.index("3 Mar 2025") < body.index("6 Jan 2025")
    assert "Signed on paper" in body and "version 2" in body


# --- The pages --------------------------------------------------------------------------------


def test_the_record_page_refuses_a_stale_form_and_shows_the_current_contract(
    client_record: Any, practitioner: Any, template: Any, as_user: Any
) -> None:
    http = as_user(practitioner)
    url = reverse("contracts:record_agreement", args=[client_record.pk])
    stale = selectors.contract_for(client_record)
    assert stale is not None
    edit_clause(template, practitioner, "gifts", "No gifts.")
    form = {
        "version_id": str(stale.version.pk),
        "sha256": stale.document.sha256,
        "method": "in_session",
        "agreed_on": timezone.localdate().isoformat(),
        "note": "Kept after refusal",
    }
    response = http.post(url, form)
    assert response.status_code == 200
    body = response.content.decode()
    assert "This contract has changed since the page was opened" in body
    assert "Kept after refusal" in body
    current = selectors.contract_for(client_record)
    assert current is not None and current.document.sha256 in body
    assert not Agreement.objects.exists()
    # Sending it again (now with the current contract's values) records the agreement.
    response = http.post(
        url, {**form, "version_id": current.version.pk, "sha256": current.document.sha256}
    )
    assert response.status_code == 302
    assert Agreement.objects.get().version.number == 2


@pytest.mark.parametrize(
    "changes",
    [
        {"sha256": "not-a-hash"},
        {"version_id": "nonsense"},
        {"method": "portal"},
        {"agreed_on": "2099-01-01"},
        {"agreed_on": "31/02/2024"},
        {"method": ""},
    ],
)
def test_bad_agreement_forms_are_refused_plainly(
    changes: dict[str, str], client_record: Any, practitioner: Any, template: Any, as_user: Any
) -> None:
    current = selectors.contract_for(client_record)
    assert current is not None
    form = {
        "version_id": str(current.version.pk),
        "sha256": current.document.sha256,
        "method": "on_paper",
        "agreed_on": "2025-02-01",
        **changes,
    }
    response = as_user(practitioner).post(
        reverse("contracts:record_agreement", args=[client_record.pk]), form
    )
    assert response.status_code == 200
    assert b"There is a problem" in response.content or b"has changed since" in response.content
    assert not Agreement.objects.exists()


def test_client_terms_page_saves_only_what_differs(
    client_record: Any, practitioner: Any, template: Any, as_user: Any
) -> None:
    from frame.contracts.forms import ClientTermsForm

    http = as_user(practitioner)
    url = reverse("contracts:client_terms", args=[client_record.pk])
    initial = ClientTermsForm.initial_for(DEFAULT_TERMS)
    data = {k: v for k, v in initial.items() if v is not None}
    data["contact_channels"] = ["email", "portal"]
    data["fee"] = "45.50"
    response = http.post(url, data)
    assert response.status_code == 302, response.content.decode()[-3000:]
    assert selectors.client_overrides(client_record) == {
        "fee_pence": 4550,
        "contact_channels": ["email", "portal"],
    }
    bad = http.post(url, {**data, "fee": "lots", "session_minutes": "9999"})
    assert bad.status_code == 200 and b"There are 2 problems" in bad.content
    assert b'value="lots"' in bad.content
