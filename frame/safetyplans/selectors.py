"""Read-side queries for safety plans. Each issues a fixed number of queries.

Other apps (the safety caseload view, the client card) ask "does this client have a current
safety plan?" through `clients_with_plan` or by subquerying `plans_in_use()`.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from django.db.models import Count, Exists, OuterRef, Q, QuerySet

from frame.clients.models import CareTeamMember, Client
from frame.safetyplans.models import (
    DEFAULT_MESSAGES_STATEMENT,
    CrisisNation,
    MessagesStatement,
    SafetyPlan,
    SafetyPlanVersion,
    Suggestion,
    SuggestionStatus,
)


def plans_in_use() -> QuerySet[SafetyPlan]:
    """Plans with at least one version written. Subquery on `client_id`, e.g.
    `Client.objects.filter(pk__in=plans_in_use().values("client_id"))`."""
    return SafetyPlan.objects.filter(current_version__isnull=False)


def clients_with_plan(client_ids: Iterable[Any]) -> set[Any]:
    """Which of these clients have a current safety plan (one query)."""
    ids = list(client_ids)
    if not ids:
        return set()
    return set(plans_in_use().filter(client_id__in=ids).values_list("client_id", flat=True))


def plan_for(client: Client) -> SafetyPlan | None:
    """The client's plan with its current version (one query), or None if none was begun."""
    return (
        SafetyPlan.objects.filter(client=client)
        .select_related("current_version__created_by")
        .first()
    )


def versions_of(plan: SafetyPlan) -> QuerySet[SafetyPlanVersion]:
    return SafetyPlanVersion.objects.filter(plan=plan).select_related("created_by")


def suggestions_for(plan: SafetyPlan) -> QuerySet[Suggestion]:
    """Pending first, then the decided ones, newest first."""
    return (
        Suggestion.objects.filter(plan=plan)
        .select_related("based_on", "decided_by", "resulting_version")
        .order_by("-status", "-made_at")  # z→a: pending, then declined, then accepted
    )


def pending_count(plan: SafetyPlan) -> int:
    return Suggestion.objects.filter(plan=plan, status=SuggestionStatus.PENDING).count()


def pending_by_client(clients: QuerySet[Client]) -> list[tuple[Any, int]]:
    """(client id, number of suggestions waiting) for these clients, where any wait."""
    return list(
        SafetyPlan.objects.filter(client__in=clients)
        .annotate(waiting=Count("suggestions", filter=Q(suggestions__status="pending")))
        .filter(waiting__gt=0)
        .values_list("client_id", "waiting")
    )


def nation_for(client_id: Any) -> str:
    """The nation recorded for a client's crisis lines, or "" when nobody has recorded one."""
    return (
        CrisisNation.objects.filter(client_id=client_id).values_list("nation", flat=True).first()
        or ""
    )


def messages_statement(practice_id: int | None) -> str:
    """When the practice's messages are and are not read, in the owner's words, or Frame's."""
    if practice_id is not None:
        text = (
            MessagesStatement.objects.filter(practice_id=practice_id)
            .values_list("text", flat=True)
            .first()
        )
        if text:
            return text
    return DEFAULT_MESSAGES_STATEMENT


def waiting_suggestions_for(user: Any) -> QuerySet[Suggestion]:
    """Suggestions waiting for review across `user`'s caseload (care team only), oldest first."""
    membership = getattr(user, "active_membership", None) if user.is_authenticated else None
    if membership is None or not membership.is_clinical:
        return Suggestion.objects.none()
    # The practice is checked inside the per-row probe, so the plan starts from the few waiting
    # suggestions rather than the practice's whole caseload.
    on_team = CareTeamMember.objects.filter(
        client=OuterRef("plan__client_id"),
        user=user,
        client__practice_id=membership.practice_id,
    )
    return (
        Suggestion.objects.filter(status=SuggestionStatus.PENDING)
        .filter(Exists(on_team))
        .select_related("plan__client")
        .order_by("made_at")
    )
