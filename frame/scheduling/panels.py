"""The scheduling section of the client card and the "today" panel on the home page."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.http import HttpRequest
from django.utils import timezone
from django_tasks_db.models import DBTaskResult

from frame.clients.access import ClientView
from frame.clients.models import CareTeamMember, Client
from frame.contracts.selectors import terms_for
from frame.scheduling import selectors, tasks
from frame.scheduling.access import keeps_diary
from frame.scheduling.counting import COUNTING_RULE
from frame.scheduling.models import Reminder


def card_section(request: HttpRequest, view: ClientView) -> dict[str, Any] | None:
    if not keeps_diary(request.user):
        return None
    client = view.client
    terms = terms_for(client)
    return {
        "client": client,
        "slots": selectors.current_slots(client),
        "upcoming": selectors.upcoming(client, limit=3),
        "count": selectors.session_count(client, terms),
        "counting_rule": COUNTING_RULE,
        # Attendance patterns are for the clinicians working with the client.
        "rhythm": selectors.rhythm_for(client) if view.clinical else None,
    }


def failed_reminders_panel(request: HttpRequest) -> dict[str, Any] | None:
    """Owners see reminders that could not be sent, so someone can tell the client another way."""
    membership = getattr(request.user, "active_membership", None)
    if membership is None or not membership.is_owner:
        return None
    failed = Reminder.objects.filter(
        practice_id=membership.practice_id, state=Reminder.State.FAILED
    ).count()
    return {"failed": failed} if failed else None


def today_panel(request: HttpRequest) -> dict[str, Any] | None:
    user: Any = request.user
    membership = getattr(user, "active_membership", None)
    if membership is None or not membership.is_clinical:
        return None
    today = selectors.day(user, user, timezone.localdate())
    return {
        "today": today,
        "awaiting": selectors.awaiting_outcome(user, user, limit=5),
    }


# --- The client's portal ----------------------------------------------------------------------


def portal_sessions(request: HttpRequest, client: Client) -> dict[str, Any] | None:
    """The client's next appointments, cancelled ones included so a change is never a surprise."""
    return {"upcoming": selectors.upcoming(client, limit=6)}


def portal_breaks(request: HttpRequest, client: Client) -> dict[str, Any] | None:
    """Planned breaks of the client's practitioners in the next six months (never the reason)."""
    team = list(CareTeamMember.objects.filter(client=client).values_list("user_id", flat=True))
    breaks = selectors.upcoming_breaks(team)
    if not breaks:
        return None
    return {"breaks": breaks}


FAILED_TASKS_SHOWN_FOR = dt.timedelta(days=7)


def failed_tasks_panel(request: HttpRequest) -> dict[str, Any] | None:
    """Owners see background tasks that failed for good this week (their names, never details)."""
    membership = getattr(request.user, "active_membership", None)
    if membership is None or not membership.is_owner:
        return None
    since = timezone.now() - FAILED_TASKS_SHOWN_FOR
    failed = list(
        DBTaskResult.objects.failed()
        .filter(finished_at__gte=since, task_path__startswith="frame.")
        .order_by("-finished_at")
        .values_list("task_path", "finished_at")[:10]
    )
    if not failed:
        return None
    return {"failed": [(tasks.label_for(path), at) for path, at in failed]}
