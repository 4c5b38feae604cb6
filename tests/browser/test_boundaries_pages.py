"""Boundaries in a real browser: the declared circle, a new enquiry checked against it, the
decision, and a boundary event recorded, corrected and followed up. axe-core on every page, in
its empty, filled and error states."""

from __future__ import annotations

import re
from typing import Any

from allauth.mfa.totp.internal.auth import TOTP, generate_totp_secret
from django.urls import reverse

from frame.accounts.models import Role
from frame.boundaries.models import BoundaryEvent, CircleEntry, ScreeningDecision
from frame.clients.models import Client
from tests.browser.conftest import Visit
from tests.browser.pages import field, heading, staff_sign_in
from tests.factories import CareTeamMemberFactory, ClientFactory, MembershipFactory

PASSWORD = "saltmarsh-7310-copper-wren"


def test_circle_check_decision_and_boundary_events(visit: Visit, transactional_db: Any) -> None:
    owner = MembershipFactory(
        role=Role.OWNER,
        user__email="nia.trevelyan@example.org",
        user__full_name="Nia Trevelyan",
        user__password=PASSWORD,
    ).user
    client = ClientFactory(
        practice=owner.membership.practice,
        created_by=owner,
        given_name="Tomos",
        family_name="Penhallow",
        status="active",
    )
    CareTeamMemberFactory(client=client, user=owner)
    secret = generate_totp_secret()
    TOTP.activate(owner, secret)
    page = visit.page
    staff_sign_in(visit, owner.email, PASSWORD, secret)

    # 1. The declared circle: empty, the form (with an error), then one entry.
    visit.goto(reverse("boundaries:circle"))
    heading(visit, "your declared circle")
    visit.check_accessibility("declared circle, empty")
    page.get_by_role("link", name="Add someone").click()
    heading(visit, "add to your declared circle")
    page.get_by_role("button", name="Add").click()
    page.get_by_role("alert").wait_for()
    visit.check_accessibility("declared circle form with an error")
    field(visit, "Name").fill("Sarah Cole")
    field(visit, "How you know them").fill("Sister-in-law")
    field(visit, "Organisation").fill("Hillside Surgery")
    field(visit, "Town").fill("Frome")
    page.get_by_role("button", name="Add").click()
    heading(visit, "your declared circle")
    assert page.get_by_role("cell", name="Sarah Cole", exact=True).is_visible()
    visit.check_accessibility("declared circle with an entry")
    assert CircleEntry.objects.filter(owner=owner).count() == 1

    # 2. A new enquiry that works at the same surgery, one letter away from her name.
    visit.goto(reverse("clients:new"))
    field(visit, "Given name").fill("Sara")
    field(visit, "Family name").fill("Cole")
    field(visit, "Employer").fill("The Hillside Surgery")
    page.get_by_role("button", name=re.compile("^Add")).click()
    heading(visit, "Sara Cole")
    alert = page.locator("#dual-check")
    assert "Possible connections found" in alert.inner_text()
    assert "Sarah Cole" in alert.inner_text() and "one letter different" in alert.inner_text()
    visit.check_accessibility("enquiry card with the check's alert")

    # 3. Look at the check and decide (after trying without choosing).
    page.get_by_role("link", name="Look at the check and decide").click()
    heading(visit, "dual-relationship check")
    visit.check_accessibility("dual-relationship check")
    page.get_by_role("button", name="Record my decision").click()
    page.get_by_role("alert").wait_for()
    visit.check_accessibility("dual-relationship check with errors")
    page.get_by_label("Discuss in supervision before deciding").check()
    field(visit, "Your reason").fill("Her sister-in-law may be my sister-in-law.")
    page.get_by_role("button", name="Record my decision").click()
    page.get_by_text("Your decision has been recorded.").wait_for()
    enquiry = Client.objects.get(given_name="Sara", family_name="Cole")
    assert ScreeningDecision.objects.get(screening__client=enquiry).decision == "supervision"
    visit.check_accessibility("dual-relationship check with a decision")

    # 4. A boundary event on the other client's card: an error first, then recorded.
    visit.goto(reverse("clients:card", args=[client.pk]))
    page.get_by_role("link", name=re.compile("^Record a boundary event")).click()
    heading(visit, "record a boundary event")
    visit.check_accessibility("new boundary event")
    page.get_by_role("button", name="Record").click()
    page.get_by_role("alert").wait_for()
    visit.check_accessibility("new boundary event with errors")
    field(visit, "What kind of event").select_option("gift")
    field(visit, "Date it happened").fill("02/03/2026")
    field(visit, "What happened").fill("Brought a jar of homemade marmalade.")
    field(visit, "How you responded").fill("Thanked them; said we would talk about gifts.")
    field(visit, "For a gift: what happened to it").select_option("accepted")
    field(visit, "For a gift: roughly what it was worth").fill("5")
    field(visit, "Take this to supervision").check()
    page.get_by_role("button", name="Record").click()
    heading(visit, "Tomos Penhallow")
    assert "marmalade" in page.locator("#boundaries").inner_text()
    visit.check_accessibility("card with a boundary event")
    event = BoundaryEvent.objects.get(client=client)

    # 5. The log, a correction with its history, the follow-up list and the home panel.
    page.get_by_role("link", name="The full boundary log").click()
    heading(visit, "boundary log")
    visit.check_accessibility("boundary log")
    page.get_by_role("link", name=re.compile("^Update or correct")).click()
    heading(visit, "gift")
    field(visit, "Date explored in session").fill("09/03/2026")
    page.get_by_role("button", name="Save changes").click()
    heading(visit, "boundary log")
    event.refresh_from_db()
    assert event.explored_on is not None and event.revisions.count() == 1
    visit.goto(reverse("boundaries:event_edit", args=[client.pk, event.pk]))
    visit.check_accessibility("boundary event with its history")
    visit.goto(reverse("boundaries:event_error", args=[client.pk, event.pk]))
    heading(visit, "recorded in error")
    visit.check_accessibility("mark as recorded in error")
    visit.goto(reverse("boundaries:awaiting"))
    heading(visit, "boundaries to follow up")
    assert "Penhallow" in page.locator("main").inner_text()  # still to take to supervision
    visit.check_accessibility("boundaries to follow up")
    visit.goto(reverse("home"))
    assert "Boundaries to follow up" in page.locator("main").inner_text()
    visit.check_accessibility("home with the boundaries panel")

    visit.assert_clean()
