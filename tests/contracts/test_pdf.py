"""PDF copies: the agreed text, readable by pdftotext; the renderer fetches nothing else."""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path
from typing import Any

import pytest
from django.urls import reverse
from weasyprint import HTML

from frame.audit.models import Action, AuditEvent
from frame.contracts import actions
from frame.contracts.terms import Terms
from frame.lib.pdf import BASE_URL, StaticOnlyFetcher
from tests.contracts.conftest import agree, edit_clause

pytestmark = pytest.mark.django_db

PDFTOTEXT = shutil.which("pdftotext") or "/usr/bin/pdftotext"


def pdf_text(content: bytes, tmp_path: Path) -> str:
    assert content.startswith(b"%PDF-")
    path = tmp_path / "copy.pdf"
    path.write_bytes(content)
    result = subprocess.run([PDFTOTEXT, "-layout", str(path), "-"], capture_output=True, check=True)
    return " ".join(result.stdout.decode().split())


def test_the_agreed_copy_has_the_name_the_fee_and_the_cancellation_clause(
    client_record: Any, practitioner: Any, template: Any, as_user: Any, tmp_path: Path
) -> None:
    actions.set_client_terms(
        client=client_record,
        by=practitioner,
        terms=Terms(fee_pence=5250, cancellation_notice_hours=36),
    )
    agreement = agree(client_record, practitioner)
    response = as_user(practitioner).get(
        reverse("contracts:agreement_pdf", args=[client_record.pk, agreement.pk])
    )
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert response["Content-Disposition"].startswith("attachment;")
    assert "Feltham" not in response["Content-Disposition"]  # the file name never names the client
    text = pdf_text(response.content, tmp_path)
    assert "Morgan Feltham" in text
    assert "£52.50" in text
    assert "Cancellations, lateness and missed sessions" in text
    assert "36 hours' notice" in text
    assert agreement.sha256 in text.replace(" ", "")
    assert "Agreed on" in text
    event = AuditEvent.objects.get(action=Action.CONTRACT_DOWNLOADED)
    assert event.detail == {"what": "agreement_pdf"}


def test_an_agreed_copy_stays_as_agreed_after_the_template_changes(
    client_record: Any, practitioner: Any, template: Any, as_user: Any, tmp_path: Path
) -> None:
    agreement = agree(client_record, practitioner)
    edit_clause(template, practitioner, "gifts", "Gifts of any kind are declined with thanks.")
    url = reverse("contracts:agreement_pdf", args=[client_record.pk, agreement.pk])
    agreed = pdf_text(as_user(practitioner).get(url).content, tmp_path)
    assert "There is no need for gifts" in agreed and "declined with thanks" not in agreed
    now = pdf_text(
        as_user(practitioner)
        .get(reverse("contracts:contract_pdf", args=[client_record.pk]))
        .content,
        tmp_path,
    )
    assert "declined with thanks" in now and "Not yet agreed" in now


def test_clause_text_cannot_make_the_renderer_fetch_anything(
    client_record: Any, practitioner: Any, template: Any, as_user: Any, tmp_path: Path
) -> None:
    payload = '<img src="file:///etc/passwd"> <link rel="stylesheet" href="http://127.0.0.1:8000/">'
    edit_clause(template, practitioner, "gifts", payload)
    response = as_user(practitioner).get(reverse("contracts:contract_pdf", args=[client_record.pk]))
    text = pdf_text(response.content, tmp_path)
    assert 'src="file:///etc/passwd"' in text  # shown as words, never loaded
    assert "root:" not in text


def test_the_fetcher_serves_only_our_static_files() -> None:
    html = f"""<html><head>
      <link rel="stylesheet" href="/static/contracts/pdf.css">
      <link rel="stylesheet" href="http://127.0.0.1:8000/admin/">
      <link rel="stylesheet" href="{BASE_URL}static/../../../../etc/passwd">
    </head><body>
      <img src="file:///etc/passwd"><img src="http://169.254.169.254/latest/meta-data/">
      <img src="data:image/png;base64,iVBORw0KGgo="><iframe src="https://example.org/"></iframe>
      <p>Hello</p></body></html>"""
    fetcher = StaticOnlyFetcher()
    pdf = HTML(string=html, base_url=BASE_URL, url_fetcher=fetcher).write_pdf()
    assert pdf.startswith(b"%PDF-")
    assert fetcher.fetched == [f"{BASE_URL}static/contracts/pdf.css"]
    refused = " ".join(fetcher.refused)
    for url in ("127.0.0.1", "/etc/passwd", "file:///etc/passwd", "169.254.169.254", "data:"):
        assert url in refused, url


def test_a_contract_not_yet_agreed_lists_the_practices_own_crisis_contacts(
    client_record: Any, practitioner: Any, template: Any, as_user: Any, tmp_path: Path
) -> None:
    from frame.portal.models import CrisisContact

    CrisisContact.objects.create(
        practice=client_record.practice,
        position=99,
        name="Harbourside Night Line",
        how_to_reach="0800 000 4321",
    )
    url = reverse("contracts:contract_pdf", args=[client_record.pk])
    text = pdf_text(as_user(practitioner).get(url).content, tmp_path)
    assert "Not yet agreed" in text
    assert "Harbourside Night Line" in text and "0800 000 4321" in text
