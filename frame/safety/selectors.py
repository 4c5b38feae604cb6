"""Read-only queries for safety pages. Each returns a queryset evaluated in one query.

Callers pass clients already access-checked (or a queryset from `clients_for`), so these never
widen what anyone sees.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.apps import apps
from django.db.models import (
    BooleanField,
    Count,
    Exists,
    F,
    IntegerField,
    OuterRef,
    Q,
    QuerySet,
    Subquery,
    Value,
)
from django.db.models.functions import Coalesce

from frame.clients.access import Section, clients_for
from frame.clients.models import Client, Status
from frame.safety.models import RiskAssessment, RiskAssessmentVersion, RiskFlag


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


def safety_plan_model() -> Any:
    """The safety-plans app's plan model, if that app has one (it is built alongside this one)."""
    try:
        return apps.get_model("safetyplans", "SafetyPlan")
    except LookupError:
        return None


def caseload(user: Any, *, today: dt.date, attention_only: bool) -> QuerySet[Client]:
    """`user`'s caseload (not archived), each client annotated with what safety needs.

    One query whatever the caseload size: every figure is a correlated subquery per client row.
    `needs_plan` is None when the safety-plans app has no plan model to check against.
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
            latest_assessment_id=Subquery(latest.values("assessment_id")[:1]),
            latest_level=Subquery(latest.values("level")[:1]),
            latest_judgement=Subquery(latest.values("judgement")[:1]),
            latest_review_on=Subquery(latest.values("review_on")[:1]),
            latest_plan_needed=Subquery(latest.values("safety_plan_needed")[:1]),
        )
    )
    plan_model = safety_plan_model()
    if plan_model is not None:
        queryset = queryset.annotate(
            has_plan=Exists(plan_model.objects.filter(client=OuterRef("pk")))
        )
        plan_missing = Q(latest_plan_needed=True, has_plan=False)
    else:
        queryset = queryset.annotate(has_plan=Value(None, output_field=BooleanField()))
        plan_missing = Q(pk__in=[])
    if attention_only:
        queryset = queryset.filter(
            Q(open_flags__gt=0) | Q(latest_review_on__lt=today) | plan_missing
        )
    return queryset.order_by("sort_key", "id")
