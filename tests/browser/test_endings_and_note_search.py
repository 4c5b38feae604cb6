"""Planning and recording an ending, its letter, and searching your own notes, in a real browser.

A planned ending set from the card shows its countdown there; recording an unplanned ending is
first refused with the missing things named (what was typed kept), then confirmed; the letter is
edited and the review saved; and a signed note is found by a word in it. axe-core on every page,
in its empty, error and filled states; no page may trip the Content-Security-Policy.
"""

from __future__ import annotations

import datetime as dt
import re
from typing import Any

from allauth.mfa.totp.internal.auth import TOTP, generate_totp_secret
from django.urls import reverse
from django.utils import timezone

from frame.accounts.models import Role
from frame.endings.models import Ending, PlannedEnding
from frame.notes import actions as note_actions
from tests.browser.conftest import Visit
from tests.browser.pages import field, heading, staff_sign_in
from tests.endings.factories import session
from tests.factories import CareTeamMemberFactory, ClientFactory, MembershipFactory

PASSWORD = "harbour-7315-willow-slate"


def test_plan_record_an_ending_and_search_notes(visit: Visit, transactional_db: Any) -> None:
    owner = MembershipFactory(
        role=Role.OWNER,
        user__email="nesta.marlow@example.org",
        user__full_name="Nesta Marlow",
        user__password=PASSWORD,
    ).user
    client = ClientFactory(
        practice=owner.membership.practice,
        created_by=owner,
        given_name="Tamsin",
        family_name="Rowe",
        status="active",
    )
    CareTeamMemberFactory(client=client, user=owner)
    held = session(client, owner, days_from_now=-14)
    note_actions.save_draft(
        appointment=held,
        sections=[("Themes", "Talked about the lighthouse walks with her brother.")],
        risk_noted=False,
        by=owner,
    )
    note_actions.sign_note(appointment=held, by=owner)
    secret = generate_totp_secret()
    TOTP.activate(owner, secret)
    page = visit.page
    staff_sign_in(visit, owner.email, PASSWORD, secret)

    # 1. A planned ending from the card, with its countdown.
    visit.goto(reverse("clients:card", args=[client.pk]))
    page.get_by_role("link", name=re.compile("^Plan an ending")).click()
    heading(visit, "planned ending")
    visit.check_accessibility("plan an ending, empty")
    field(visit, "Agreed number of sessions").fill("6")
    page.get_by_role("button", name="Save planned ending").click()
    page.locator("#ending").wait_for()
    assert "5 sessions left of 6" in page.locator("#ending").inner_text()
    visit.check_accessibility("card with a countdown")
    assert PlannedEnding.objects.filter(client=client, sessions=6).exists()

    # 2. An unplanned ending: refused with what is missing named, then confirmed.
    page.get_by_role("link", name="Record the ending").click()
    heading(visit, "record the ending")
    visit.check_accessibility("record an ending, empty")
    page.get_by_role("radio", name="Unplanned ending").check()
    field(visit, "Date the work ended").fill(timezone.localdate().isoformat())
    field(visit, "Ending review: what changed").fill("More able to ask for help.")
    page.get_by_role("button", name="Continue").click()
    summary = page.get_by_role("alert")
    summary.wait_for()
    assert "Say what was tried to reach the client" in summary.inner_text()
    assert field(visit, "Ending review: what changed").input_value() == (
        "More able to ask for help."
    )
    visit.check_accessibility("record an ending, with errors")
    field(visit, "What was tried to reach the client").fill("Two emails and a letter.")
    field(visit, "Date the client last attended").fill(
        (timezone.localdate() - dt.timedelta(days=14)).isoformat()
    )
    page.get_by_role("button", name="Continue").click()
    heading(visit, "confirm the ending")
    assert "kept until" in page.locator("main").inner_text()
    visit.check_accessibility("confirm the ending")
    page.get_by_role("button", name="Yes, record the ending").click()
    heading(visit, "ending letter")
    ending = Ending.objects.get(client=client)
    assert ending.kind == "unplanned" and ending.what_was_tried == "Two emails and a letter."
    visit.check_accessibility("ending letter")

    # 3. The letter edited and saved; the review and the card after the ending.
    letter = field(visit, "Letter")
    assert letter.input_value().startswith("Dear Tamsin,")
    letter.fill("Dear Tamsin,\n\nThank you for our work together.\n\nNesta")
    page.get_by_role("button", name="Save letter").click()
    page.get_by_text("Letter saved.").wait_for()
    visit.goto(reverse("endings:review", args=[client.pk]))
    heading(visit, "ending review")
    visit.check_accessibility("ending review")
    visit.goto(reverse("clients:card", args=[client.pk]))
    assert "After the ending" in page.locator("main").inner_text()
    visit.check_accessibility("card after the ending")

    # 4. Searching your own signed notes by a word in them.
    visit.goto(reverse("notes:search"))
    heading(visit, "search your notes")
    visit.check_accessibility("note search, empty")
    page.get_by_role("button", name="Search").click()
    page.get_by_role("alert").wait_for()
    visit.check_accessibility("note search, with an error")
    field(visit, "Words to find").fill("Lighthouse")
    page.get_by_role("button", name="Search").click()
    page.get_by_role("heading", name="1 note found").wait_for()
    assert "lighthouse walks" in page.locator("main").inner_text()
    assert "Lighthouse" not in page.url  # the words never go into the address
    visit.check_accessibility("note search, with a result")
    visit.assert_clean()
