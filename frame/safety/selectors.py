"""Read-only queries for safety pages. Each returns a queryset evaluated in one query.

Callers pass clients already access-checked (or a queryset from `clients_for`), so these never
widen what anyone sees.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from typing import Any

from django.db.models import (
    Count,
    Exists,
    F,
    IntegerField,
    OuterRef,
    Q,
    QuerySet,
    Subquery,
    UUIDField,
    Value,
)
from django.db.models.functions import Coalesce

from frame.clients.access import Section, clients_for
from frame.clients.models import Client, Status
from frame.lib import crypto
from frame.lib.fields import context_for
from frame.safety.models import RiskAssessment, RiskAssessmentVersion, RiskFlag
from frame.safetyplans.selectors import plans_in_use


def flags_for_client(client: Client) -> QuerySet[RiskFlag]:
    """Open flags first (oldest first), then acknowledged ones (newest first)."""
    return (
        RiskFlag.objects.filter(client=client)
        .select_related("raised_by", "acknowledged_by")
        .order_by(F("acknowledged_at").desc(nulls_first=True), "raised_at", "id")
    )


def open_flags_for_client(client: Client) -> QuerySet[RiskFlag]:
    return RiskFlag.objects.filter(client=client, acknowledged_at__isnull=True).order_by(
        "raised_at", "id"
    )


def assessments_for_client(client: Client) -> QuerySet[RiskAssessment]:
    """Each assessment with its current version's level, review date and saved time."""
    current = RiskAssessmentVersion.objects.filter(assessment=OuterRef("pk")).order_by("-number")
    return (
        RiskAssessment.objects.filter(client=client)
        .select_related("created_by")
        .annotate(
            current_level=Subquery(current.values("level")[:1]),
            current_review_on=Subquery(current.values("review_on")[:1]),
            current_saved_at=Subquery(current.values("saved_at")[:1]),
        )
        .order_by("-created_at", "id")
    )


def latest_version_for_client(client: Client) -> RiskAssessmentVersion | None:
    """The most recently saved version of any of the client's assessments: the current view."""
    return (
        RiskAssessmentVersion.objects.filter(client=client)
        .select_related("assessment")
        .order_by("-saved_at", "-number")
        .first()
    )


def versions_of(assessment: RiskAssessment) -> QuerySet[RiskAssessmentVersion]:
    return RiskAssessmentVersion.objects.filter(assessment=assessment).select_related("saved_by")


def caseload(user: Any, *, today: dt.date, attention_only: bool) -> QuerySet[Client]:
    """`user`'s caseload (not archived), each client annotated with what safety needs.

    One query whatever the caseload size: every figure is a correlated subquery per client row.
    `has_plan` says whether the client has a safety plan with at least one version written.
    """
    latest = RiskAssessmentVersion.objects.filter(client=OuterRef("pk")).order_by(
        "-saved_at", "-number"
    )
    open_count = (
        RiskFlag.objects.filter(client=OuterRef("pk"), acknowledged_at__isnull=True)
        .order_by()
        .values("client")
        .annotate(n=Count("id"))
        .values("n")
    )
    queryset = (
        clients_for(user, section=Section.CLINICAL)
        .exclude(status=Status.ARCHIVED)
        .annotate(
            open_flags=Coalesce(Subquery(open_count, output_field=IntegerField()), Value(0)),
            # Explicit: SQLite hands back a UUID subquery as bare hex otherwise.
            latest_assessment_id=Subquery(
                latest.values("assessment_id")[:1], output_field=UUIDField()
            ),
            latest_level=Subquery(latest.values("level")[:1]),
            latest_version_id=Subquery(latest.values("id")[:1], output_field=UUIDField()),
            # Still sealed: opened per row by `open_judgements`, bound to the version's id.
            latest_judgement_sealed=Subquery(latest.values("judgement")[:1]),
            latest_review_on=Subquery(latest.values("review_on")[:1]),
            latest_plan_needed=Subquery(latest.values("safety_plan_needed")[:1]),
        )
    )
    # A plan counts once it has a version written (the safety-plans app's own definition).
    queryset = queryset.annotate(has_plan=Exists(plans_in_use().filter(client_id=OuterRef("pk"))))
    plan_missing = Q(latest_plan_needed=True, has_plan=False)
    if attention_only:
        queryset = queryset.filter(
            Q(open_flags__gt=0) | Q(latest_review_on__lt=today) | plan_missing
        )
    return queryset.order_by("sort_key", "id")


def open_judgements(clients: Iterable[Client]) -> None:
    """Set `latest_judgement` on caseload rows from their sealed subquery value (no queries)."""
    field = RiskAssessmentVersion._meta.get_field("judgement")
    for client in clients:
        sealed = getattr(client, "latest_judgement_sealed", None)
        version_id = getattr(client, "latest_version_id", None)
        text = ""
        if sealed and version_id:
            context = context_for(RiskAssessmentVersion, field.column, version_id)
            text = crypto.open_sealed(sealed, context=context)
        client.latest_judgement = text  # type: ignore[attr-defined]


def note_appointment_id(flag: RiskFlag) -> Any:
    """The appointment of the session note behind a note-raised flag (its id only, for a link)."""
    from frame.notes.models import SessionNote

    if flag.source_id is None:
        return None
    return (
        SessionNote.objects.filter(pk=flag.source_id, client_id=flag.client_id)
        .values_list("appointment_id", flat=True)
        .first()
    )


def alert_acknowledged_at(flag: RiskFlag) -> Any:
    """When the questionnaire alert behind a measure-raised flag was acknowledged, if it was.

    Acknowledging the flag acknowledges the alert; this is for an alert acknowledged on the
    questionnaire's own page first, so the flag page can say so.
    """
    from frame.measures.models import RiskAlert

    if flag.source_id is None:
        return None
    return (
        RiskAlert.objects.filter(pk=flag.source_id, client_id=flag.client_id)
        .values_list("acknowledged_at", flat=True)
        .first()
    )
