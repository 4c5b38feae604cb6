"""The only sanctioned ways to fetch questionnaire results and risk alerts.

Both are clinical: only the client's care team reaches them, through the clients app's
`access_client`. Anything else (another practice, off the care team, an administrator, a record
that does not exist) is the same 404.
"""

from __future__ import annotations

import uuid
from typing import Any

from django.db.models import Exists, OuterRef, QuerySet
from django.http import Http404

from frame.accounts.models import Membership
from frame.clients.access import NOT_FOUND_MESSAGE, Section, access_client
from frame.clients.models import CareTeamMember, Client
from frame.measures.models import Administration, RiskAlert


def _parse_id(value: Any) -> uuid.UUID:
    if isinstance(value, uuid.UUID):
        return value
    try:
        return uuid.UUID(str(value))
    except (ValueError, TypeError, AttributeError):
        raise Http404(NOT_FOUND_MESSAGE) from None


def access_client_for_measures(user: Any, client_id: Any) -> Client:
    return access_client(user, client_id, section=Section.CLINICAL)


def access_administration(user: Any, client_id: Any, administration_id: Any) -> Administration:
    client = access_client_for_measures(user, client_id)
    try:
        administration = Administration.objects.select_related("recorded_by").get(
            client=client, pk=_parse_id(administration_id)
        )
    except Administration.DoesNotExist:
        raise Http404(NOT_FOUND_MESSAGE) from None
    administration.client = client  # already loaded and access-checked
    return administration


def access_alert(user: Any, client_id: Any, alert_id: Any) -> RiskAlert:
    client = access_client_for_measures(user, client_id)
    try:
        alert = RiskAlert.objects.select_related("administration", "acknowledged_by").get(
            client=client, pk=_parse_id(alert_id)
        )
    except RiskAlert.DoesNotExist:
        raise Http404(NOT_FOUND_MESSAGE) from None
    alert.client = client
    return alert


def open_alerts_for(user: Any) -> QuerySet[RiskAlert]:
    """Unacknowledged risk alerts for clients on `user`'s care teams, oldest first."""
    membership: Membership | None = (
        user.active_membership if getattr(user, "is_authenticated", False) else None
    )
    if membership is None or not membership.is_clinical:
        return RiskAlert.objects.none()
    # The practice is checked inside the per-row probe: filtering the outer query on it would let
    # SQLite plan from the whole practice's clients instead of the few open alerts.
    on_team = CareTeamMember.objects.filter(
        client=OuterRef("client_id"), user=user, client__practice_id=membership.practice_id
    )
    return (
        RiskAlert.objects.filter(acknowledged_at__isnull=True)
        .filter(Exists(on_team))
        .select_related("client", "administration")
        .order_by("raised_at")
    )
