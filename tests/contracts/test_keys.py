"""Key rotation covers contracts too: agreements, notes and scans all open on the new key alone."""

from __future__ import annotations

import io
from pathlib import Path
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.urls import reverse

from frame.contracts import actions
from frame.contracts.models import Agreement, ChanceEncounterPreference
from frame.lib import crypto
from tests.contracts.conftest import AGREEMENT_NOTE_CANARY, NOTE_CANARY, agree
from tests.contracts.test_uploads import PDF


@pytest.fixture
def ring_file(settings: Any, tmp_path: Path) -> Path:
    settings.FRAME_KEYRING = ""
    settings.FRAME_KEYRING_FILE = tmp_path / "keyring.json"
    crypto.write_keyring_file(settings.FRAME_KEYRING_FILE, crypto.KeyRing.generate())
    crypto.reset_keyring_cache()
    return Path(settings.FRAME_KEYRING_FILE)


def test_after_rotation_the_old_key_is_not_needed(
    ring_file: Path,
    client_record: Any,
    practitioner: Any,
    template: Any,
    as_user: Any,
) -> None:
    agreement = agree(
        client_record,
        practitioner,
        note=AGREEMENT_NOTE_CANARY,
        scan=SimpleUploadedFile("signed.pdf", PDF, "application/pdf"),
    )
    actions.set_chance_encounter(
        client=client_record, by=practitioner, choice="say_hello", note=NOTE_CANARY
    )
    call_command("keys", "rotate", stdout=io.StringIO(), stderr=io.StringIO())
    ring = crypto.KeyRing.from_json(ring_file.read_text())
    assert ring.primary == "k2"
    # Drop k1 entirely: everything must still open.
    crypto.write_keyring_file(ring_file, crypto.KeyRing(primary="k2", keys={"k2": ring.keys["k2"]}))
    crypto.reset_keyring_cache()
    stored = Agreement.objects.get(pk=agreement.pk)
    assert stored.note == AGREEMENT_NOTE_CANARY and "Morgan Feltham" in stored.text
    assert ChanceEncounterPreference.objects.get(client=client_record).note == NOTE_CANARY
    scan = as_user(practitioner).get(
        reverse("contracts:agreement_scan", args=[client_record.pk, agreement.pk])
    )
    assert scan.status_code == 200 and scan.content == PDF
