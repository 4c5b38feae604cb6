"""The only sanctioned ways to fetch safety plans, their versions and suggestions.

Staff side: a safety plan is clinical, so only the client's care team sees it (administrators
and colleagues off the team get the same 404 as for something that does not exist).
Portal side: the client comes from the signed-in account, never the URL, and any id in a portal
URL is looked up within that client's own plan.
"""

from __future__ import annotations

from typing import Any

from django.http import Http404

from frame.clients.access import Section, access_client, parse_id
from frame.clients.models import Client
from frame.safetyplans.models import SafetyPlan, SafetyPlanVersion, Suggestion

NOT_FOUND_MESSAGE = "Nothing here."


def access_plan_client(user: Any, client_id: Any) -> Client:
    """A client whose safety plan `user` may read and write: their care team only."""
    return access_client(user, client_id, section=Section.CLINICAL)


def access_version(user: Any, client_id: Any, version_id: Any) -> SafetyPlanVersion:
    client = access_plan_client(user, client_id)
    return version_of_client(client, version_id)


def version_of_client(client: Client, version_id: Any) -> SafetyPlanVersion:
    """One version of this client's plan (already access-checked), or 404."""
    try:
        version: SafetyPlanVersion = SafetyPlanVersion.objects.select_related(
            "plan", "created_by"
        ).get(plan__client=client, pk=parse_id(version_id))
    except SafetyPlanVersion.DoesNotExist:
        raise Http404(NOT_FOUND_MESSAGE) from None
    version.plan.client = client
    return version


def access_suggestion(user: Any, client_id: Any, suggestion_id: Any) -> Suggestion:
    client = access_plan_client(user, client_id)
    return suggestion_of_client(client, suggestion_id)


def suggestion_of_client(client: Client, suggestion_id: Any) -> Suggestion:
    """One suggestion on this client's plan (the client already established), or 404."""
    try:
        suggestion: Suggestion = Suggestion.objects.select_related(
            "plan__current_version", "based_on", "decided_by"
        ).get(plan__client=client, pk=parse_id(suggestion_id))
    except Suggestion.DoesNotExist:
        raise Http404(NOT_FOUND_MESSAGE) from None
    suggestion.plan.client = client
    return suggestion


def current_plan_of(client: Client) -> SafetyPlan | None:
    """The client's plan with a reviewed version to show, or None (for the portal; the client
    is already established from the signed-in account)."""
    plan: SafetyPlan | None = (
        SafetyPlan.objects.select_related("current_version")
        .filter(client=client, current_version__isnull=False)
        .first()
    )
    if plan is not None:
        plan.client = client
    return plan
