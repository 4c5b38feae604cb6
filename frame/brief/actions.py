"""The brief writes nothing but its audit trail: who read which brief, on screen or as a PDF."""

from __future__ import annotations

from django.db import transaction

from frame.audit.actions import record
from frame.audit.models import Action
from frame.brief.sections import BriefSubject


@transaction.atomic
def record_viewed(*, subject: BriefSubject, sections: list[str]) -> None:
    record(
        action=Action.BRIEF_VIEWED,
        actor=subject.reader,
        target=subject.appointment,
        client=subject.client,
        detail={"sections": sections},
    )


@transaction.atomic
def record_downloaded(*, subject: BriefSubject, sections: list[str]) -> None:
    record(
        action=Action.BRIEF_DOWNLOADED,
        actor=subject.reader,
        target=subject.appointment,
        client=subject.client,
        detail={"sections": sections},
    )
