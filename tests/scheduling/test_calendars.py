"""iCalendar feeds and downloads, parsed back with `icalendar`: discreet, time-zoned, revocable."""

from __future__ import annotations

import datetime as dt
import re
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from django.test import Client as HttpClient
from django.urls import reverse
from icalendar import Calendar

from frame.audit.models import Action, AuditEvent
from frame.contracts.models import CalendarTitle, CommunicationPreferences
from frame.scheduling import actions
from tests.factories import CareTeamMemberFactory
from tests.portal.factories import portal_user_for, signed_in_client

pytestmark = pytest.mark.usefixtures("frozen")
LONDON = ZoneInfo("Europe/London")


def feed_url(response: Any) -> str:
    match = re.search(r'value="(http://testserver/[^"]+\.ics)"', response.content.decode())
    assert match, "the page did not show the new link"
    return match.group(1).removeprefix("http://testserver")


def events(body: bytes) -> dict[str, Any]:
    calendar = Calendar.from_ical(body)
    if calendar.walk("VEVENT"):  # the zone is described whenever a time uses it
        assert [str(tz.get("tzid")) for tz in calendar.walk("VTIMEZONE")] == ["Europe/London"]
    return {
        str(e.get("summary")) + " " + e.decoded("dtstart").isoformat(): e
        for e in calendar.walk("VEVENT")
    }


def test_a_practitioner_feed_is_discreet_time_zoned_and_shows_cancellations(
    as_user: Any, practitioner: Any, client_record: Any, second_client: Any, book: Any
) -> None:
    CommunicationPreferences.objects.create(
        client=second_client, calendar_title=CalendarTitle.INITIALS
    )
    book(dt.date(2027, 3, 23), "10:00")  # GMT
    book(dt.date(2027, 3, 30), "10:00", location="Room 2")  # BST
    cancelled = book(dt.date(2027, 3, 31), "09:00", client=second_client)
    actions.record_attendance(by=practitioner, appointment=cancelled, outcome="cancelled_by_client")

    http = as_user(practitioner)
    url = feed_url(http.post(reverse("scheduling:calendar"), {"create": "yes"}))
    response = HttpClient().get(url)  # a calendar program: no session at all
    assert response.status_code == 200
    assert response["Content-Type"] == "text/calendar; charset=utf-8"
    found = events(response.content)
    code = client_record.case_code
    assert set(found) == {
        f"{code} 2027-03-23T10:00:00+00:00",
        f"{code} 2027-03-30T10:00:00+01:00",
        "EM 2027-03-31T09:00:00+01:00",
    }
    assert str(found[f"{code} 2027-03-30T10:00:00+01:00"].get("location")) == "Room 2"
    assert str(found["EM 2027-03-31T09:00:00+01:00"].get("status")) == "CANCELLED"
    assert found["EM 2027-03-31T09:00:00+01:00"].decoded("dtstart").tzinfo.key == "Europe/London"
    body = response.content.decode()
    for private in ("Feltham", "Morgan", "Marsh", "Ellis", "Low mood"):
        assert private not in body
    assert AuditEvent.objects.filter(action=Action.CALENDAR_FEED_CREATED).count() == 1


def test_feed_links_are_revocable_and_wrong_tokens_are_not_found(
    as_user: Any, practitioner: Any
) -> None:
    http = as_user(practitioner)
    first = feed_url(http.post(reverse("scheduling:calendar"), {"create": "yes"}))
    second = feed_url(http.post(reverse("scheduling:calendar"), {"create": "yes"}))
    anonymous = HttpClient()
    assert anonymous.get(first).status_code == 404  # replaced by the second
    assert anonymous.get(second).status_code == 200
    http.post(reverse("scheduling:calendar"), {"revoke": "yes"})
    assert anonymous.get(second).status_code == 404
    for token in ("not-a-real-token", "x" * 500, second.rsplit("/", 1)[1][:-5] + "A"):
        assert anonymous.get(reverse("scheduling:feed", kwargs={"token": token})).status_code == 404
    assert AuditEvent.objects.filter(action=Action.CALENDAR_FEED_REVOKED).count() == 1


def test_the_page_says_the_link_is_shown_once(as_user: Any, practitioner: Any) -> None:
    http = as_user(practitioner)
    http.post(reverse("scheduling:calendar"), {"create": "yes"})
    page = http.get(reverse("scheduling:calendar")).content.decode()
    assert ".ics" not in page
    assert "Frame cannot show it again" in page


def test_a_feed_holds_only_clients_the_practitioner_may_still_see(
    as_user: Any,
    practitioner: Any,
    colleague: Any,
    client_record: Any,
    second_client: Any,
    book: Any,
) -> None:
    CareTeamMemberFactory(client=second_client, user=colleague)
    book(dt.date(2027, 3, 9), "10:00", client=second_client, by=colleague, practitioner_=colleague)
    book(dt.date(2027, 3, 9), "10:00")
    url = feed_url(as_user(practitioner).post(reverse("scheduling:calendar"), {"create": "yes"}))
    assert len(events(HttpClient().get(url).content)) == 1
    client_record.care_team.filter(user=practitioner).delete()
    assert len(events(HttpClient().get(url).content)) == 0


def test_one_appointment_as_an_ics_download(as_user: Any, practitioner: Any, book: Any) -> None:
    appointment = book(dt.date(2027, 3, 30), "10:00")
    response = as_user(practitioner).get(
        reverse("scheduling:appointment_ics", args=[appointment.pk])
    )
    assert response["Content-Disposition"] == 'attachment; filename="appointment-2027-03-30.ics"'
    (event,) = Calendar.from_ical(response.content).walk("VEVENT")
    assert event.decoded("dtstart") == dt.datetime(2027, 3, 30, 10, tzinfo=LONDON)
    assert str(event.get("uid")) == f"{appointment.pk}@frame"
    assert AuditEvent.objects.filter(action=Action.CALENDAR_DOWNLOADED).count() == 1


def test_the_clients_own_feed_and_downloads_from_the_portal(
    practitioner: Any, client_record: Any, second_client: Any, book: Any
) -> None:
    mine = book(dt.date(2027, 3, 30), "10:00")
    theirs = book(dt.date(2027, 3, 30), "11:00", client=second_client)
    portal = signed_in_client(portal_user_for(client_record, invited_by=practitioner))
    page = portal.get(reverse("portal:calendar"))
    assert page.status_code == 200
    url = feed_url(portal.post(reverse("portal:calendar"), {"create": "yes"}))
    assert url.startswith("/portal/calendar/feed/")
    found = events(HttpClient().get(url).content)
    assert list(found) == ["Appointment 2027-03-30T10:00:00+01:00"]  # discreet by default

    client_record.discreet_wording = False
    client_record.save(update_fields=["discreet_wording"])
    assert list(events(HttpClient().get(url).content)) == [
        "Appointment with Robin Ashdown 2027-03-30T10:00:00+01:00"
    ]
    download = portal.get(reverse("portal:appointment_ics", args=[mine.pk]))
    assert download.status_code == 200 and b"BEGIN:VEVENT" in download.content
    assert portal.get(reverse("portal:appointment_ics", args=[theirs.pk])).status_code == 404
    event = AuditEvent.objects.get(action=Action.CALENDAR_FEED_CREATED)
    assert event.actor_role == "client" and event.client_id == str(client_record.pk)
    portal.post(reverse("portal:calendar"), {"revoke": "yes"})
    assert HttpClient().get(url).status_code == 404
    # A client's feed token is no good at the practitioner's address, and the other way round.
    token = url.rsplit("/", 1)[1].removesuffix(".ics")
    assert HttpClient().get(reverse("scheduling:feed", kwargs={"token": token})).status_code == 404
