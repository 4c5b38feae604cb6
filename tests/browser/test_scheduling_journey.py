"""The rhythm of the work in a real browser: set up a weekly slot, move between weeks, record
attendance, and see the sessions in the client's own portal.

The practitioner signs in with a password and an authenticator code, sets up a weekly slot from
the client's card, moves through the diary week by week (HTMX swaps the week in place, and the
address follows), books and marks yesterday's session as attended and sees the rule applied.
Then the client signs in to the portal and sees the next sessions. Every page is checked with
axe-core, and none may trip the Content-Security-Policy.
"""

from __future__ import annotations

import datetime as dt
import re
from typing import Any

from allauth.mfa.totp.internal.auth import TOTP, generate_totp_secret
from django.urls import reverse
from django.utils import timezone

from frame.accounts.models import Role
from frame.scheduling.models import Appointment, RegularSlot, Status
from tests.browser.conftest import Visit
from tests.browser.totp import current_code
from tests.factories import (
    TEST_PASSWORD,
    CareTeamMemberFactory,
    ClientFactory,
    MembershipFactory,
    PracticeFactory,
)
from tests.portal.factories import portal_user_for

STAFF_PASSWORD = "juniper-marram-6402-copper-heather"


def _heading(visit: Visit, pattern: str) -> None:
    heading = visit.page.get_by_role("heading", level=1)
    heading.wait_for()
    text = heading.inner_text()
    assert re.search(pattern, text, re.IGNORECASE), f"expected {pattern!r}, saw {text!r}"


def test_weekly_slot_attendance_and_the_portal(visit: Visit, transactional_db: Any) -> None:
    page = visit.page
    practice = PracticeFactory(name="Saltmarsh Counselling")
    owner = MembershipFactory(
        practice=practice,
        role=Role.OWNER,
        user__email="imogen.thwaite@example.org",
        user__full_name="Imogen Thwaite",
        user__password=STAFF_PASSWORD,
    ).user
    secret = generate_totp_secret()
    TOTP.activate(owner, secret)
    client = ClientFactory(
        practice=practice, created_by=owner, given_name="Rowan", family_name="Ellery"
    )
    CareTeamMemberFactory(client=client, user=owner)
    today = timezone.localdate()
    first_day = today + dt.timedelta(days=7)
    yesterday = today - dt.timedelta(days=1)

    visit.goto(reverse("account_login"))
    page.locator("input[name=login]").fill(owner.email)
    page.locator("input[name=password]").fill(STAFF_PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    page.get_by_label(re.compile("code from your app", re.IGNORECASE)).fill(current_code(secret)[0])
    page.get_by_role("button", name="Continue").click()
    _heading(visit, "good to see you")
    visit.check_accessibility("home with the today panel")

    # A weekly slot from the client's card.
    visit.goto(reverse("clients:card", args=[client.pk]))
    _heading(visit, "Rowan Ellery")
    page.get_by_role("link", name="Regular slot").click()
    _heading(visit, "set up a regular slot")
    visit.check_accessibility("set up a regular slot")
    page.get_by_label("First session").fill(first_day.isoformat())
    page.get_by_label("Time", exact=True).fill("10:00")
    page.get_by_label("Weekly").check()
    page.get_by_label("After a number of sessions").check()
    page.get_by_label(re.compile("^Number of sessions")).fill("6")
    page.get_by_role("button", name="Set up the slot").click()
    _heading(visit, "sessions with rowan ellery")
    assert "6 sessions are in the diary" in page.content()
    visit.check_accessibility("a client's sessions")
    slot = RegularSlot.objects.get(client=client)
    assert Appointment.objects.filter(slot=slot).count() == 6

    # The diary, week by week: HTMX swaps the week and the address follows.
    page.get_by_role("link", name="Diary").click()
    _heading(visit, "diary")
    visit.check_accessibility("diary week")
    week_heading = page.locator("#week-title")
    before = week_heading.inner_text()
    page.get_by_role("navigation", name="Weeks").get_by_role("link", name="Next week").click()
    page.wait_for_function(
        "before => document.querySelector('#week-title').innerText !== before", arg=before
    )
    assert "week=" in page.url
    assert "Rowan Ellery" in page.locator("#diary-week").inner_text()
    visit.check_accessibility("diary, the next week")

    # Yesterday's session, booked and then marked as attended: the rule applied is shown.
    visit.goto(reverse("scheduling:book", args=[client.pk]))
    _heading(visit, "book one appointment")
    visit.check_accessibility("book one appointment")
    page.get_by_label("Date").fill(yesterday.isoformat())
    page.get_by_label("Time", exact=True).fill("10:00")
    page.get_by_role("button", name="Book").click()
    _heading(visit, "session with rowan ellery")
    visit.check_accessibility("an appointment")
    page.get_by_label("Attended", exact=True).check()
    page.get_by_role("button", name="Record").click()
    page.get_by_text("Rule applied").wait_for()
    assert "Session held: the usual fee applies." in page.content()
    visit.check_accessibility("an appointment with its outcome")
    held = Appointment.objects.get(client=client, slot__isnull=True)
    assert held.status == Status.ATTENDED
    page.get_by_role("button", name="Sign out").click()
    page.locator("input[name=login]").wait_for()

    # Rowan signs in to the portal and sees the next sessions.
    portal_user_for(client, invited_by=owner, email="rowan.ellery@example.net")
    visit.goto(reverse("portal:sign_in"))
    page.get_by_label(re.compile("email", re.IGNORECASE)).fill("rowan.ellery@example.net")
    page.get_by_label(re.compile("password", re.IGNORECASE)).fill(TEST_PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    _heading(visit, "hello, rowan")
    sessions = page.get_by_role("region", name="Your next sessions").inner_text()
    expected = f"{first_day:%A} {first_day.day} {first_day:%B}, 10:00"
    assert expected in sessions, sessions
    assert "Imogen Thwaite" in sessions
    visit.check_accessibility("portal home with sessions")
    page.get_by_role("link", name="Add your sessions to your calendar").click()
    _heading(visit, "your sessions in your calendar")
    visit.check_accessibility("portal calendar")
    visit.assert_clean()
