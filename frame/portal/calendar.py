"""The client's sessions in their own calendar: one-off .ics files and a private feed.

Written by the scheduling app (see frame/portal/README.md): the client comes from the signed-in
user, never from the URL; appointments are looked up among that client's own; writes go through
`frame.scheduling.actions` with the client as actor.
"""

from __future__ import annotations

import uuid
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_not_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_http_methods

from frame.portal.access import NOT_FOUND, portal_client
from frame.portal.decorators import portal_page
from frame.scheduling import actions, calendars, selectors
from frame.scheduling.access import appointment_of_client
from frame.scheduling.models import CalendarFeed

CLIENT = "client"


@portal_page
@require_http_methods(["GET", "POST"])
def calendar(request: HttpRequest) -> HttpResponse:
    client = portal_client(request)
    context: dict[str, Any] = {"client": client}
    if request.method == "POST" and "create" in request.POST:
        token = actions.create_client_feed(by=request.user, client=client)  # type: ignore[arg-type]
        context["feed_url"] = request.build_absolute_uri(
            reverse("portal:calendar_feed", kwargs={"token": token})
        )
    elif request.method == "POST" and "revoke" in request.POST:
        if actions.revoke_client_feed(by=request.user, client=client):  # type: ignore[arg-type]
            messages.success(request, "The calendar link has stopped working.")
        return redirect("portal:calendar")
    context["active"] = CalendarFeed.objects.filter(client=client, revoked_at__isnull=True).first()
    context["upcoming"] = selectors.upcoming(client, limit=12)
    return render(request, "scheduling/portal/calendar.html", context)


@portal_page
def appointment_ics(request: HttpRequest, appointment_id: uuid.UUID) -> HttpResponse:
    client = portal_client(request)
    appointment = appointment_of_client(client, appointment_id)
    actions.record_calendar_download(
        by=request.user,  # type: ignore[arg-type]
        appointment=appointment,
        actor_role=CLIENT,
    )
    body = calendars.client_calendar(client, [appointment])
    return calendars.ics_response(body, f"appointment-{appointment.starts_at:%Y-%m-%d}.ics")


@login_not_required
@require_http_methods(["GET", "HEAD"])
def calendar_feed(request: HttpRequest, token: str) -> HttpResponse:
    """The client's own sessions as iCalendar, for their calendar program. Wrong token: 404."""
    found = calendars.find_feed(token)
    if found is None or found.client_id is None:
        raise Http404(NOT_FOUND)
    return calendars.ics_response(calendars.feed_body(found))
