"""Values for the project-wide URL sweeps (test_url_sweep.py and test_security_headers.py)."""

from __future__ import annotations

import io
from typing import Any

from django.core.files.uploadedfile import SimpleUploadedFile

from frame.contracts import actions, selectors
from frame.contracts.models import Agreement, AgreementMethod, ContractTemplate

# The smallest valid PNG: one transparent pixel.
TINY_PNG = bytes.fromhex(
    "89504e470d0a1a0a0000000d4948445200000001000000010806000000"
    "1f15c4890000000d49444154789c6360000002000005000171b8d6e20000000049454e44ae426082"
)


def sweep_template(practitioner: Any) -> ContractTemplate:
    return actions.ensure_templates(practice=practitioner.active_membership.practice)


def sweep_agreement(client: Any, practitioner: Any) -> Agreement:
    """An agreement of `client` with a scan, so every agreement page has something to show."""
    existing = Agreement.objects.filter(client=client).exclude(scan_name="").first()
    if existing is not None:
        return existing
    sweep_template(practitioner)
    current = selectors.contract_for(client)
    assert current is not None
    return actions.record_agreement(
        client=client,
        by=practitioner,
        method=AgreementMethod.ON_PAPER,
        agreed_on=current.version.created_at.date(),
        version_id=str(current.version.pk),
        sha256=current.document.sha256,
        scan=SimpleUploadedFile("signed.png", io.BytesIO(TINY_PNG).read(), "image/png"),
    )
