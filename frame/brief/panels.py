"""Ways into the brief: a home panel of the next appointments, and a link on the client card.

Each builder issues a fixed number of queries, however full the diary or long the history.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.http import HttpRequest
from django.utils import timezone

from frame.accounts import home
from frame.brief.access import clinical_membership
from frame.clients import card
from frame.clients.access import ClientView, on_care_team
from frame.clients.models import Client
from frame.scheduling.models import Appointment, Status

HOME_APPOINTMENTS = 12


def _upcoming_until(days: int) -> tuple[dt.datetime, dt.datetime]:
    """From now to the end of the day `days` after today, in the practice's zone."""
    now = timezone.now()
    last_day = timezone.localdate() + dt.timedelta(days=days)
    end = timezone.make_aware(dt.datetime.combine(last_day + dt.timedelta(days=1), dt.time()))
    return now, end


def next_appointments(request: HttpRequest) -> dict[str, Any] | None:
    """The signed-in practitioner's appointments still to come today and tomorrow."""
    user: Any = request.user
    membership = clinical_membership(user)
    if membership is None:
        return None
    now, end = _upcoming_until(1)
    # The care-team test runs per row (see clients.access.on_care_team): the brief is only for
    # clients the practitioner still works with.
    team = on_care_team(user)
    rows = list(
        Appointment.objects.filter(
            practitioner=user,
            practice_id=membership.practice_id,
            status=Status.PLANNED,
            ends_at__gt=now,
            starts_at__lt=end,
        )
        .filter(client__in=Client.objects.filter(team))
        .select_related("client")
        .order_by("starts_at", "id")[: HOME_APPOINTMENTS + 1]
    )
    if not rows:
        return None
    today = timezone.localdate()
    return {
        "appointments": [
            (a, timezone.localtime(a.starts_at).date() == today) for a in rows[:HOME_APPOINTMENTS]
        ],
        "more": len(rows) > HOME_APPOINTMENTS,
    }


def card_link(request: HttpRequest, view: ClientView) -> dict[str, Any] | None:
    """A link to the brief for the client's next appointment, if one is booked."""
    if clinical_membership(request.user) is None:
        return None
    upcoming = (
        Appointment.objects.filter(
            client=view.client, status=Status.PLANNED, ends_at__gt=timezone.now()
        )
        .order_by("starts_at", "id")
        .only("id", "starts_at", "kind")
        .first()
    )
    if upcoming is None:
        return None
    return {"client": view.client, "appointment": upcoming}


def register_all() -> None:
    home.register(
        home.HomePanel(
            key="brief-next-appointments",
            template="brief/home_panel.html",
            build=next_appointments,
            order=8,
        )
    )
    card.register(
        card.CardSection(
            key="brief-next",
            slot="main",
            order=8,
            template="brief/card/next.html",
            build=card_link,
        )
    )
