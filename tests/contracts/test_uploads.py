"""Scans of paper agreements: checked by content, encrypted, renamed, served only to the team."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.storage import default_storage
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone

from frame.contracts import selectors, uploads
from frame.contracts.models import Agreement
from tests.contracts.conftest import agree, edit_clause
from tests.contracts.sweep import TINY_PNG

pytestmark = pytest.mark.django_db

PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"
JPEG = b"\xff\xd8\xff\xe0\x00\x10JFIF\x00" + b"\x00" * 64


def upload(name: str, content: bytes, content_type: str = "application/pdf") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, content, content_type)


@pytest.mark.parametrize(
    ("content", "stored_type"),
    [(PDF, "application/pdf"), (JPEG, "image/jpeg"), (TINY_PNG, "image/png")],
)
def test_pdf_jpeg_and_png_are_accepted_by_their_first_bytes(
    content: bytes, stored_type: str, client_record: Any, practitioner: Any, template: Any
) -> None:
    # The browser's claimed type is ignored: the bytes decide.
    agreement = agree(client_record, practitioner, scan=upload("Scan 12.dat", content, "text/html"))
    agreement.refresh_from_db()
    assert agreement.scan_content_type == stored_type
    assert agreement.scan_size == len(content)
    assert agreement.scan_original_name == "Scan 12.dat"
    assert agreement.scan_name.startswith("agreements/") and "Scan" not in agreement.scan_name
    assert uploads.read_scan(agreement.scan_name, agreement.scan_key) == content


@pytest.mark.parametrize(
    ("name", "content", "message"),
    [
        ("contract.pdf", b"<html><script>alert(1)</script></html>", "must be a PDF, JPEG or PNG"),
        ("contract.pdf", b"GIF89a" + b"\x00" * 20, "must be a PDF, JPEG or PNG"),
        ("contract.png", b"", "empty"),
        ("contract.pdf", b"%PDF-" + b"\x00" * uploads.MAX_SCAN_BYTES, "too large"),
    ],
)
def test_other_files_are_refused_and_nothing_is_kept(
    name: str,
    content: bytes,
    message: str,
    client_record: Any,
    practitioner: Any,
    template: Any,
) -> None:
    before = scan_files()
    with pytest.raises(ValidationError, match=message):
        agree(client_record, practitioner, scan=upload(name, content))
    assert not Agreement.objects.exists()
    assert scan_files() == before


def scan_files() -> set[Path]:
    folder = Path(settings.STORAGES["default"]["OPTIONS"]["location"]) / uploads.SCAN_FOLDER
    return set(folder.iterdir()) if folder.exists() else set()


def test_the_stored_file_is_encrypted_and_bound_to_its_name(
    client_record: Any, practitioner: Any, template: Any
) -> None:
    agreement = agree(client_record, practitioner, scan=upload("a.pdf", PDF))
    with default_storage.open(agreement.scan_name, "rb") as handle:
        raw = handle.read()
    assert b"%PDF" not in raw and raw.startswith(b"frame-file2$")
    stored_key = Agreement.objects.filter(pk=agreement.pk).values_list("scan_key", flat=True).get()
    assert stored_key.startswith("frame1$")  # the file's key is sealed with the key ring
    # A sealed file copied under another name does not open, nor with another file's key.
    other = default_storage.save("agreements/copied.pdf.sealed", handle_bytes(raw))
    with pytest.raises(Exception, match="integrity"):
        uploads.read_scan(other, agreement.scan_key)
    default_storage.delete(other)
    with pytest.raises(Exception, match="integrity"):
        uploads.read_scan(agreement.scan_name, uploads.new_data_key())


def handle_bytes(raw: bytes) -> Any:
    from django.core.files.base import ContentFile

    return ContentFile(raw)


def test_a_refused_outdated_agreement_leaves_no_file_behind(
    client_record: Any, practitioner: Any, template: Any
) -> None:
    from frame.contracts import actions

    stale = selectors.contract_for(client_record)
    assert stale is not None
    edit_clause(template, practitioner, "gifts", "No gifts.")
    before = scan_files()
    with pytest.raises(actions.OutdatedContract):
        actions.record_agreement(
            client=client_record,
            by=practitioner,
            method="on_paper",
            agreed_on=timezone.localdate(),
            version_id=str(stale.version.pk),
            sha256=stale.document.sha256,
            scan=upload("a.pdf", PDF),
        )
    assert scan_files() == before


def test_the_scan_is_served_as_an_attachment_to_the_care_team_only(
    client_record: Any,
    practitioner: Any,
    colleague: Any,
    administrator: Any,
    outsider: Any,
    template: Any,
    as_user: Any,
) -> None:
    agreement = agree(client_record, practitioner, scan=upload('evil"\r\nname.pdf', PDF))
    url = reverse("contracts:agreement_scan", args=[client_record.pk, agreement.pk])
    response = as_user(practitioner).get(url)
    assert response.status_code == 200
    assert response.content == PDF
    assert response["Content-Type"] == "application/pdf"
    assert response["Content-Disposition"] == (
        f'attachment; filename="agreement-scan-{client_record.case_code}-'
        f'{agreement.agreed_on:%Y-%m-%d}.pdf"'
    )
    assert response["X-Content-Type-Options"] == "nosniff"
    for person in (colleague, administrator, outsider):
        assert as_user(person).get(url).status_code == 404
    # The storage path itself is not a URL anyone can open.
    assert as_user(practitioner).get("/" + agreement.scan_name).status_code == 404
    assert as_user(practitioner).get("/media/" + agreement.scan_name).status_code == 404


def test_an_agreement_without_a_scan_has_no_scan_page(
    client_record: Any, practitioner: Any, template: Any, as_user: Any
) -> None:
    agreement = agree(client_record, practitioner)
    url = reverse("contracts:agreement_scan", args=[client_record.pk, agreement.pk])
    assert as_user(practitioner).get(url).status_code == 404


def test_another_clients_agreement_is_not_found_under_this_client(
    client_record: Any, practitioner: Any, template: Any, as_user: Any
) -> None:
    from tests.factories import CareTeamMemberFactory, ClientFactory

    other = ClientFactory(practice=client_record.practice, created_by=practitioner)
    CareTeamMemberFactory(client=other, user=practitioner)
    theirs = agree(other, practitioner, scan=upload("a.pdf", PDF))
    for name in ("contracts:agreement_scan", "contracts:agreement_pdf"):
        url = reverse(name, args=[client_record.pk, theirs.pk])
        assert as_user(practitioner).get(url).status_code == 404


def test_the_page_refuses_a_bad_upload_plainly_and_keeps_the_note(
    client_record: Any, practitioner: Any, template: Any, as_user: Any
) -> None:
    current = selectors.contract_for(client_record)
    assert current is not None
    response = as_user(practitioner).post(
        reverse("contracts:record_agreement", args=[client_record.pk]),
        {
            "version_id": str(current.version.pk),
            "sha256": current.document.sha256,
            "method": "on_paper",
            "agreed_on": "2025-02-01",
            "note": "Signed copy in the blue folder",
            "scan": upload("notes.pdf", b"MZ\x90\x00 not a pdf"),
        },
    )
    assert response.status_code == 200
    body = response.content.decode()
    assert "must be a PDF, JPEG or PNG" in body
    assert "Signed copy in the blue folder" in body
    assert not Agreement.objects.exists()
