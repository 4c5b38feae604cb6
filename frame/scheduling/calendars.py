"""iCalendar (.ics) for the diary: private feeds and one-off downloads, built with `icalendar`.

Titles are discreet. In a practitioner's calendar a client appears as their case code, initials or
just "Appointment", as the client chose (calendars sync to phones and other people's screens). In a
client's own calendar it is "Appointment", with the practitioner's name only if the client is happy
with plain wording. Nothing clinical is ever in a calendar. Times carry the practice's time zone,
with its VTIMEZONE, and cancelled appointments stay in the feed marked CANCELLED so calendars
remove them rather than keep a stale copy.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import secrets
from collections.abc import Iterable
from typing import Any
from zoneinfo import ZoneInfo

from django.conf import settings
from django.http import HttpResponse
from django.utils import timezone
from icalendar import Calendar, Event

from frame.clients.models import Client
from frame.contracts.models import CalendarTitle, CommunicationPreferences
from frame.contracts.selectors import calendar_title_text
from frame.scheduling.access import appointments_for
from frame.scheduling.models import Appointment, CalendarFeed

PRODUCT_ID = "-//Frame//Practice diary//EN"
# A feed covers recent weeks and the year ahead: enough for any calendar, bounded in size.
FEED_PAST = dt.timedelta(weeks=8)
FEED_AHEAD = dt.timedelta(weeks=53)
FEED_LIMIT = 2000


def new_token() -> tuple[str, str]:
    token = secrets.token_urlsafe(32)
    return token, hash_token(token)


def hash_token(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def find_feed(token: str) -> CalendarFeed | None:
    """The active feed for this token, or None (unknown, revoked, or not a token at all)."""
    if not token or len(token) > 100:
        return None
    return (
        CalendarFeed.objects.filter(token_hash=hash_token(token), revoked_at__isnull=True)
        .select_related("client", "practitioner")
        .first()
    )


def _titles(clients: Iterable[Client]) -> dict[Any, str]:
    """Each client's chosen calendar title, in one query for all of them."""
    by_id: dict[Any, Client] = {client.pk: client for client in clients}
    styles: dict[Any, str] = dict(
        CommunicationPreferences.objects.filter(client_id__in=list(by_id)).values_list(
            "client_id", "calendar_title"
        )
    )
    return {
        pk: calendar_title_text(client, CalendarTitle(styles.get(pk, CalendarTitle.CASE_CODE)))
        for pk, client in by_id.items()
    }


def _event(appointment: Appointment, summary: str, zone: ZoneInfo, *, with_link: bool) -> Event:
    event = Event()
    event.add("uid", f"{appointment.pk}@frame")
    event.add("dtstamp", appointment.updated_at.astimezone(dt.UTC))
    event.add("dtstart", appointment.starts_at.astimezone(zone))
    event.add("dtend", appointment.ends_at.astimezone(zone))
    event.add("summary", summary)
    event.add("sequence", appointment.sequence)
    event.add("status", "CANCELLED" if appointment.is_cancelled else "CONFIRMED")
    if appointment.location:
        event.add("location", appointment.location)
    if with_link and appointment.online_link and not appointment.is_cancelled:
        event.add("url", appointment.online_link)
    return event


def _calendar(name: str) -> Calendar:
    calendar = Calendar()
    calendar.add("prodid", PRODUCT_ID)
    calendar.add("version", "2.0")
    calendar.add("calscale", "GREGORIAN")
    calendar.add("x-wr-calname", name)
    return calendar


def _finish(calendar: Calendar) -> bytes:
    calendar.add_missing_timezones()  # VTIMEZONE for the practice's zone
    return bytes(calendar.to_ical())


def client_summary(client: Client, practitioner: Any) -> str:
    """What the client's own calendar calls an appointment."""
    if client.discreet_wording:
        return "Appointment"
    return f"Appointment with {practitioner.full_name or 'your counsellor'}"


def practitioner_calendar(appointments: list[Appointment], name: str = "Frame diary") -> bytes:
    zone = ZoneInfo(settings.TIME_ZONE)
    titles = _titles(a.client for a in appointments)
    calendar = _calendar(name)
    for appointment in appointments:
        calendar.add_component(
            _event(appointment, titles[appointment.client_id], zone, with_link=True)
        )
    return _finish(calendar)


def client_calendar(client: Client, appointments: list[Appointment]) -> bytes:
    zone = ZoneInfo(settings.TIME_ZONE)
    calendar = _calendar("Appointments")
    for appointment in appointments:
        calendar.add_component(
            _event(
                appointment,
                client_summary(client, appointment.practitioner),
                zone,
                with_link=True,
            )
        )
    return _finish(calendar)


def ics_response(body: bytes, filename: str | None = None) -> HttpResponse:
    response = HttpResponse(body, content_type="text/calendar; charset=utf-8")
    if filename:
        response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


def feed_window() -> tuple[dt.datetime, dt.datetime]:
    now = timezone.now()
    return now - FEED_PAST, now + FEED_AHEAD


def feed_body(feed: CalendarFeed) -> bytes:
    start, end = feed_window()
    if feed.client_id is not None and feed.client is not None:
        rows = list(
            Appointment.objects.filter(client=feed.client, starts_at__gte=start, starts_at__lt=end)
            .select_related("practitioner")
            .order_by("starts_at")[:FEED_LIMIT]
        )
        return client_calendar(feed.client, rows)
    # Only clients the practitioner may still see: leaving a care team, or the practice, empties
    # the feed of those clients at once.
    rows = list(
        appointments_for(feed.practitioner)
        .filter(practitioner_id=feed.practitioner_id, starts_at__gte=start, starts_at__lt=end)
        .select_related("client")
        .order_by("starts_at")[:FEED_LIMIT]
    )
    return practitioner_calendar(rows)
