"""Memory of the work in a real browser: write a session note, sign it, add an addendum, then
open the brief for the next session and find the plan, the client's words and the addendum.

The practitioner signs in with a password and an authenticator code. Yesterday's session and
next week's are already in the diary. The brief is reached the way a practitioner would, from
the client's card, and its PDF is fetched with the same signed-in session. Every page is checked
with axe-core, and none may trip the Content-Security-Policy.
"""

from __future__ import annotations

import datetime as dt
import re
from typing import Any

from allauth.mfa.totp.internal.auth import TOTP, generate_totp_secret
from django.urls import reverse
from django.utils import timezone

from frame.accounts.models import Role
from frame.audit.models import Action, AuditEvent
from frame.notes.models import NoteStatus, SessionNote
from frame.scheduling import actions as scheduling
from tests.browser.conftest import Visit
from tests.browser.totp import current_code
from tests.factories import CareTeamMemberFactory, ClientFactory, MembershipFactory, PracticeFactory

STAFF_PASSWORD = "heron-quillet-5813-amber-sedge"
PLAN = "Bring the photographs of the allotment."
WORDS = "I don't have to hold it all at once."
ADDENDUM = "She phoned the next day: the appointment with her GP is booked."


def _heading(visit: Visit, pattern: str) -> None:
    heading = visit.page.get_by_role("heading", level=1)
    heading.wait_for()
    text = heading.inner_text()
    assert re.search(pattern, text, re.IGNORECASE), f"expected {pattern!r}, saw {text!r}"


def test_note_signed_addendum_added_and_the_brief_for_next_time(
    visit: Visit, transactional_db: Any
) -> None:
    page = visit.page
    practice = PracticeFactory(name="Fernhill Counselling")
    owner = MembershipFactory(
        practice=practice,
        role=Role.OWNER,
        user__email="tamsin.greave@example.org",
        user__full_name="Tamsin Greave",
        user__password=STAFF_PASSWORD,
    ).user
    secret = generate_totp_secret()
    TOTP.activate(owner, secret)
    client = ClientFactory(
        practice=practice, created_by=owner, given_name="Ione", family_name="Marchbank"
    )
    CareTeamMemberFactory(client=client, user=owner)
    today = timezone.localdate()
    yesterday = scheduling.book_appointment(
        by=owner,
        client=client,
        practitioner=owner,
        day=today - dt.timedelta(days=1),
        time=dt.time(14, 0),
        duration_minutes=50,
    )
    scheduling.record_attendance(by=owner, appointment=yesterday, outcome="attended")
    next_week = scheduling.book_appointment(
        by=owner,
        client=client,
        practitioner=owner,
        day=today + dt.timedelta(days=6),
        time=dt.time(14, 0),
        duration_minutes=50,
    )

    visit.goto(reverse("account_login"))
    page.locator("input[name=login]").fill(owner.email)
    page.locator("input[name=password]").fill(STAFF_PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    page.get_by_label(re.compile("code from your app", re.IGNORECASE)).fill(current_code(secret)[0])
    page.get_by_role("button", name="Continue").click()
    _heading(visit, "good to see you")

    # Yesterday's note: written, then signed.
    visit.goto(reverse("notes:note", args=[yesterday.pk]))
    _heading(visit, "session note: ione marchbank")
    page.get_by_label("What the client brought").fill("Her father's allotment, and selling it.")
    page.get_by_label("Themes", exact=True).fill("loss; the allotment; her brother")
    page.get_by_label("The client's own words worth remembering").fill(WORDS)
    page.get_by_label("Plan for next time").fill(PLAN)
    page.get_by_label("No risk noted").check()
    page.get_by_role("button", name="Save and sign").click()
    page.get_by_text("Signed. The note is now locked").wait_for()
    assert SessionNote.objects.get(appointment=yesterday).status == NoteStatus.SIGNED

    # Something further: an addendum to the signed note.
    page.get_by_label("Addendum").fill(ADDENDUM)
    page.get_by_role("button", name="Add addendum").click()
    page.get_by_text("Addendum added.").wait_for()

    # The card leads to the brief for next week's session.
    visit.goto(reverse("clients:card", args=[client.pk]))
    _heading(visit, "ione marchbank")
    page.get_by_role("link", name=re.compile("Read the brief")).click()
    _heading(visit, "before we meet: ione marchbank")
    assert page.url.endswith(reverse("brief:appointment", args=[next_week.pk]))
    last_session = page.locator("#brief-last-session")
    assert PLAN in last_session.inner_text()
    assert ADDENDUM in last_session.inner_text()
    assert WORDS in page.locator("#brief-words").inner_text()
    assert "Session 2" in page.locator("#brief-session").inner_text()
    visit.check_accessibility("the brief for next week's session")

    # The printable copy, fetched with the same signed-in session.
    pdf = page.request.get(reverse("brief:appointment_pdf", args=[next_week.pk]))
    assert pdf.status == 200
    assert pdf.body().startswith(b"%PDF-")
    assert AuditEvent.objects.filter(action=Action.BRIEF_VIEWED, actor_id=owner.pk).exists()
    assert AuditEvent.objects.filter(action=Action.BRIEF_DOWNLOADED, actor_id=owner.pk).exists()

    visit.assert_clean()
