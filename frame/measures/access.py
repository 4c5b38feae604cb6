"""The only sanctioned ways to fetch questionnaire results and risk alerts.

Both are clinical: only the client's care team reaches them, through the clients app's
`access_client`. Anything else (another practice, off the care team, an administrator, a record
that does not exist) is the same 404.
"""

from __future__ import annotations

from typing import Any

from django.db.models import Exists, OuterRef, QuerySet
from django.http import Http404

from frame.accounts.models import Membership, hash_token
from frame.clients.access import NOT_FOUND_MESSAGE, Section, access_client, parse_id
from frame.clients.models import CareTeamMember, Client
from frame.measures.models import (
    Administration,
    ChartShare,
    MeasureSchedule,
    QuestionnaireRequest,
    RiskAlert,
)


def access_client_for_measures(user: Any, client_id: Any) -> Client:
    return access_client(user, client_id, section=Section.CLINICAL)


def access_administration(user: Any, client_id: Any, administration_id: Any) -> Administration:
    client = access_client_for_measures(user, client_id)
    try:
        administration = Administration.objects.select_related("recorded_by").get(
            client=client, pk=parse_id(administration_id)
        )
    except Administration.DoesNotExist:
        raise Http404(NOT_FOUND_MESSAGE) from None
    administration.client = client  # already loaded and access-checked
    return administration


def access_alert(user: Any, client_id: Any, alert_id: Any) -> RiskAlert:
    client = access_client_for_measures(user, client_id)
    try:
        alert = RiskAlert.objects.select_related("administration", "acknowledged_by").get(
            client=client, pk=parse_id(alert_id)
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


def access_request(user: Any, client_id: Any, request_id: Any) -> QuestionnaireRequest:
    client = access_client_for_measures(user, client_id)
    request = QuestionnaireRequest.objects.filter(client=client, pk=parse_id(request_id)).first()
    if request is None:
        raise Http404(NOT_FOUND_MESSAGE)
    request.client = client
    return request


def access_schedule(user: Any, client_id: Any, schedule_id: Any) -> MeasureSchedule:
    client = access_client_for_measures(user, client_id)
    schedule = MeasureSchedule.objects.filter(client=client, pk=parse_id(schedule_id)).first()
    if schedule is None:
        raise Http404(NOT_FOUND_MESSAGE)
    schedule.client = client
    return schedule


def access_chart_share(user: Any, client_id: Any, chart_share_id: Any) -> ChartShare:
    client = access_client_for_measures(user, client_id)
    share = ChartShare.objects.filter(client=client, pk=parse_id(chart_share_id)).first()
    if share is None:
        raise Http404(NOT_FOUND_MESSAGE)
    share.client = client
    return share


# --- The client's own, in the portal --------------------------------------------------------------
# `client` always comes from `frame.portal.access.portal_client(request)`, never from the URL: any
# id is looked up within that client's own records, so another client's id is the same 404.


def request_for_client(client: Client, request_id: Any) -> QuestionnaireRequest:
    """One of this client's questionnaire requests (open or not; the page explains which)."""
    request = QuestionnaireRequest.objects.filter(client=client, pk=parse_id(request_id)).first()
    if request is None:
        raise Http404(NOT_FOUND_MESSAGE)
    request.client = client
    return request


def request_for_token(client: Client, token: str) -> QuestionnaireRequest:
    """The request an emailed link belongs to, if it is this signed-in client's own."""
    request = QuestionnaireRequest.objects.filter(
        client=client, token_hash=hash_token(token)
    ).first()
    if request is None:
        raise Http404(NOT_FOUND_MESSAGE)
    request.client = client
    return request


def chart_share_for_client(client: Client, chart_share_id: Any) -> ChartShare:
    """A chart shared with this client and not withdrawn; anything else is a 404."""
    share = ChartShare.objects.filter(
        client=client, pk=parse_id(chart_share_id), withdrawn_at__isnull=True
    ).first()
    if share is None:
        raise Http404(NOT_FOUND_MESSAGE)
    share.client = client
    return share
