"""Every write the measures app makes happens here, each with its audit event in one transaction.

Audit details carry instrument ids, item numbers and counts: never wording a practice imported,
never an answer, never a note.
"""

from __future__ import annotations

from typing import Any

from django.db import transaction
from django.utils import timezone

from frame.accounts.models import Practice
from frame.audit.actions import record
from frame.audit.models import Action
from frame.measures.models import ImportedWording
from frame.measures.wording import Wording


@transaction.atomic
def import_wording(*, practice: Practice, wording: Wording, by: Any) -> ImportedWording:
    """Store (or replace) a practice's wording for a licensed instrument.

    `wording` has already been checked against the definition by `frame.measures.wording.check`.
    `by` is the person importing, or None when it comes from the command line.
    """
    instrument = wording.instrument
    stored, created = ImportedWording.objects.select_for_update().update_or_create(
        practice=practice,
        instrument=instrument.id,
        defaults={
            "instrument_version": instrument.version,
            "instructions": wording.instructions,
            "items": {str(number): text for number, text in wording.items.items()},
            "option_labels": {key: list(labels) for key, labels in wording.option_labels.items()},
            "imported_at": timezone.now(),
            "imported_by": by,
        },
    )
    record(
        action=Action.MEASURE_WORDING_IMPORTED,
        actor=by,
        target=stored,
        practice_id=practice.pk,
        detail={
            "instrument": instrument.id,
            "instrument_version": instrument.version,
            "items": len(wording.items),
            "replaced": not created,
        },
    )
    return stored
