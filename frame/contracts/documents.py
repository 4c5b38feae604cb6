"""Downloads: the contract as a PDF (as it stands now, or exactly as agreed) and stored scans.

Every download is an attachment with a plain, generated file name: never the client's name
(a file name shows in download lists and on shared computers).
"""

from __future__ import annotations

import mimetypes
from typing import Any

from django.http import HttpResponse
from django.utils import timezone
from django.utils.http import content_disposition_header

from frame.clients.models import Client
from frame.contracts import placeholders, selectors
from frame.contracts.document import clauses_from_json, parties_line
from frame.contracts.models import Agreement
from frame.contracts.uploads import read_scan
from frame.lib.pdf import render_pdf


def _attachment(content: bytes, content_type: str, filename: str) -> HttpResponse:
    response = HttpResponse(content, content_type=content_type)
    response["Content-Disposition"] = (
        content_disposition_header(as_attachment=True, filename=filename) or "attachment"
    )
    response["X-Content-Type-Options"] = "nosniff"
    return response


def _clauses(clauses: Any) -> list[dict[str, Any]]:
    return [{"title": c.title, "blocks": placeholders.blocks(c.text)} for c in clauses]


def contract_pdf_bytes(*, client: Client, current: selectors.CurrentContract) -> bytes:
    doc = current.document
    status = selectors.agreement_status(client)
    agreed_as_is = status.agreement is not None and status.agreement.sha256 == doc.sha256
    return render_pdf(
        "contracts/pdf/contract.html",
        {
            "heading": doc.heading,
            "parties_line": parties_line(doc.parties),
            "version_number": doc.version_number,
            "clauses": _clauses(doc.clauses),
            "agreement": status.agreement if agreed_as_is else None,
            "as_of": timezone.localdate(),
            "sha256": doc.sha256,
            "crisis_practice_id": client.practice_id,  # the practice's own crisis contacts
        },
    )


def agreement_pdf_bytes(agreement: Agreement) -> bytes:
    """The exact text agreed, clause by clause, with how and when it was agreed."""
    clauses = clauses_from_json(agreement.clauses)
    header = agreement.text.split("\n", 3)
    return render_pdf(
        "contracts/pdf/contract.html",
        {
            "heading": header[0],
            "parties_line": header[1] if len(header) > 1 else "",
            "version_number": agreement.version.number,
            "clauses": _clauses(clauses),
            "agreement": agreement,
            "sha256": agreement.sha256,
        },
    )


def contract_pdf_response(*, client: Client, current: selectors.CurrentContract) -> HttpResponse:
    content = contract_pdf_bytes(client=client, current=current)
    filename = f"contract-{client.case_code}-version-{current.version.number}.pdf"
    return _attachment(content, "application/pdf", filename)


def agreement_pdf_response(agreement: Agreement) -> HttpResponse:
    content = agreement_pdf_bytes(agreement)
    filename = f"agreement-{agreement.client.case_code}-{agreement.agreed_on:%Y-%m-%d}.pdf"
    return _attachment(content, "application/pdf", filename)


def scan_response(agreement: Agreement) -> HttpResponse:
    extension = mimetypes.guess_extension(agreement.scan_content_type) or ".bin"
    filename = (
        f"agreement-scan-{agreement.client.case_code}-{agreement.agreed_on:%Y-%m-%d}{extension}"
    )
    return _attachment(
        read_scan(agreement.scan_name, agreement.scan_key), agreement.scan_content_type, filename
    )
