"""The only sanctioned ways to fetch risk flags and risk assessments.

Both are clinical: only the client's care team reaches them, through the clients app's
`access_client`. Anything else (another practice, off the care team, an administrator, a portal
client, a record that does not exist) is the same 404.
"""

from __future__ import annotations

from typing import Any

from django.db.models import Exists, OuterRef, QuerySet
from django.http import Http404

from frame.accounts.models import Membership
from frame.clients.access import NOT_FOUND_MESSAGE, Section, access_client, parse_id
from frame.clients.models import CareTeamMember, Client
from frame.safety.models import (
    CurrentAssessment,
    RiskAssessment,
    RiskAssessmentVersion,
    RiskFlag,
)


def clinical_membership(user: Any) -> Membership | None:
    membership: Membership | None = (
        user.active_membership if getattr(user, "is_authenticated", False) else None
    )
    if membership is None or not membership.is_clinical:
        return None
    return membership


def access_client_for_safety(user: Any, client_id: Any) -> Client:
    return access_client(user, client_id, section=Section.CLINICAL)


def access_flag(user: Any, client_id: Any, flag_id: Any) -> RiskFlag:
    client = access_client_for_safety(user, client_id)
    try:
        flag = RiskFlag.objects.select_related("raised_by", "acknowledged_by").get(
            client=client, pk=parse_id(flag_id)
        )
    except RiskFlag.DoesNotExist:
        raise Http404(NOT_FOUND_MESSAGE) from None
    flag.client = client  # already loaded and access-checked
    return flag


def access_assessment(user: Any, client_id: Any, assessment_id: Any) -> RiskAssessment:
    client = access_client_for_safety(user, client_id)
    try:
        assessment = RiskAssessment.objects.select_related("created_by").get(
            client=client, pk=parse_id(assessment_id)
        )
    except RiskAssessment.DoesNotExist:
        raise Http404(NOT_FOUND_MESSAGE) from None
    assessment.client = client
    return assessment


def access_version(
    user: Any, client_id: Any, assessment_id: Any, number: int
) -> RiskAssessmentVersion:
    assessment = access_assessment(user, client_id, assessment_id)
    try:
        version = RiskAssessmentVersion.objects.select_related("saved_by").get(
            assessment=assessment, number=number
        )
    except RiskAssessmentVersion.DoesNotExist:
        raise Http404(NOT_FOUND_MESSAGE) from None
    version.assessment = assessment
    version.client = assessment.client
    return version


def open_flags_for(user: Any) -> QuerySet[RiskFlag]:
    """Unacknowledged flags for clients on `user`'s care teams, oldest first."""
    membership = clinical_membership(user)
    if membership is None:
        return RiskFlag.objects.none()
    # The practice is checked inside the per-row probe: filtering the outer query on it would let
    # SQLite plan from the whole practice's clients instead of the few open flags.
    on_team = CareTeamMember.objects.filter(
        client=OuterRef("client_id"), user=user, client__practice_id=membership.practice_id
    )
    return (
        RiskFlag.objects.filter(acknowledged_at__isnull=True)
        .filter(Exists(on_team))
        .select_related("client")
        .order_by("raised_at", "id")
    )


def overdue_reviews_for(user: Any, today: Any) -> QuerySet[CurrentAssessment]:
    """Caseload clients whose current assessment's review date has passed, longest overdue first.

    Walks the review-date index of current assessments only (never superseded versions), probing
    the care team row by row, like open flags.
    """
    membership = clinical_membership(user)
    if membership is None:
        return CurrentAssessment.objects.none()
    on_team = CareTeamMember.objects.filter(
        client=OuterRef("client_id"), user=user, client__practice_id=membership.practice_id
    )
    return (
        CurrentAssessment.objects.filter(review_on__lt=today)
        .filter(Exists(on_team))
        .select_related("client")
        .order_by("review_on", "client_id")
    )


def flags_awaiting_supervision(user: Any) -> QuerySet[RiskFlag]:
    """Flags on `user`'s caseload marked to take to supervision and not yet taken, oldest first.

    For the supervision app's preparation list; open and acknowledged flags alike.
    """
    membership = clinical_membership(user)
    if membership is None:
        return RiskFlag.objects.none()
    on_team = CareTeamMember.objects.filter(
        client=OuterRef("client_id"), user=user, client__practice_id=membership.practice_id
    )
    return (
        RiskFlag.objects.filter(to_supervision=True, taken_to_supervision_on__isnull=True)
        .filter(Exists(on_team))
        .select_related("client")
        .order_by("raised_at", "id")
    )
