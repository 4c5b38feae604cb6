"""Supervision in a real browser: a supervision recorded (after a refused zero-minute entry), the
log with its monthly totals, a pack built from a boundary event and a client, shared with the
practice's supervisor (after a refused past expiry), and the supervisor reading it and writing
their own note. No client name on any pack page. axe-core on every page."""

from __future__ import annotations

import datetime as dt
import re
from typing import Any

from allauth.mfa.totp.internal.auth import TOTP, generate_totp_secret
from django.urls import reverse
from django.utils import timezone

from frame.accounts.models import Role
from frame.supervision.models import Pack, PackShare, SupervisorNote
from tests.browser.conftest import Visit
from tests.browser.pages import field, heading, staff_sign_in
from tests.factories import CareTeamMemberFactory, ClientFactory, MembershipFactory
from tests.factories.boundaries import BoundaryEventFactory

PASSWORD = "lichen-7305-copper-wren"


def test_build_share_and_read_a_pack(visit: Visit, transactional_db: Any) -> None:
    owner = MembershipFactory(
        role=Role.OWNER,
        user__email="nell.carraway@example.org",
        user__full_name="Nell Carraway",
        user__password=PASSWORD,
    ).user
    supervisor = MembershipFactory(
        practice=owner.membership.practice,
        role=Role.SUPERVISOR,
        user__email="osric.penhallow@example.org",
        user__full_name="Osric Penhallow",
        user__password=PASSWORD,
    ).user
    client = ClientFactory(
        practice=owner.membership.practice,
        created_by=owner,
        given_name="Temperance",
        family_name="Ashgrove",
        status="active",
    )
    CareTeamMemberFactory(client=client, user=owner)
    BoundaryEventFactory(
        client=client,
        created_by=owner,
        kind="chance_encounter",
        occurred_on=timezone.localdate() - dt.timedelta(days=5),
        what_happened="Temperance Ashgrove was at the next table in a café",
        to_supervision=True,
    )
    owner_secret, supervisor_secret = generate_totp_secret(), generate_totp_secret()
    TOTP.activate(owner, owner_secret)
    TOTP.activate(supervisor, supervisor_secret)
    page = visit.page
    staff_sign_in(visit, owner.email, PASSWORD, owner_secret)

    # 1. Record a supervision: zero minutes is refused, then a group of 5 is credited a fifth.
    visit.goto(reverse("supervision:new"))
    heading(visit, "Record a supervision")
    visit.check_accessibility("record a supervision")
    field(visit, "Date of the supervision").fill(
        (timezone.localdate() - dt.timedelta(days=1)).strftime("%d/%m/%Y")
    )
    field(visit, "Length, in minutes").fill("0")
    page.get_by_label("Group", exact=True).check()
    field(visit, "Number in the group").fill("5")
    field(visit, "Supervisor").fill("Osric Penhallow")
    page.get_by_role("button", name="Record").click()
    page.get_by_role("alert").wait_for()
    assert "more than zero minutes" in page.get_by_role("alert").inner_text()
    visit.check_accessibility("record a supervision, with an error")
    field(visit, "Length, in minutes").fill("150")
    page.get_by_role("button", name="Record").click()
    heading(visit, "Supervision on")
    assert "30 min" in page.locator("main").inner_text()
    visit.check_accessibility("a supervision")

    # 2. The log: monthly totals against 1.5 hours.
    visit.goto(reverse("supervision:log"))
    heading(visit, "Supervision log")
    assert "1 h 30 min" in page.locator("main").inner_text()
    visit.check_accessibility("supervision log")

    # 3. Build a pack from the boundary event and the whole client, with a gender given.
    visit.goto(reverse("supervision:pack_new"))
    heading(visit, "Build a preparation pack")
    visit.check_accessibility("build a pack")
    page.get_by_label(re.compile(rf"^{client.case_code}: Chance encounter")).check()
    page.get_by_label(client.case_code, exact=True).check()
    page.get_by_label(f"Gender to show for {client.case_code}").select_option("non-binary")
    page.get_by_role("button", name="Build the pack").click()
    heading(visit, "Preparation pack of")
    main = page.locator("main").inner_text()
    assert f"Case {client.case_code}" in main and "Non-binary" in main
    assert "Chance encounter" in main and "[name] was at the next table" in main
    assert "Temperance" not in main and "Ashgrove" not in main
    visit.check_accessibility("a pack")
    pack = Pack.objects.get()

    # 4. Share it: a past date is refused, then until next week.
    page.get_by_role("link", name="Share with a supervisor").click()
    heading(visit, "Share the pack")
    page.get_by_label("Supervisor").select_option(str(supervisor.pk))
    field(visit, "Share until").fill(
        (timezone.localdate() - dt.timedelta(days=1)).strftime("%d/%m/%Y")
    )
    page.get_by_role("button", name="Share").click()
    page.get_by_role("alert").wait_for()
    assert "must be in the future" in page.get_by_role("alert").inner_text()
    visit.check_accessibility("share a pack, with an error")
    until = timezone.localdate() + dt.timedelta(days=7)
    field(visit, "Share until").fill(until.strftime("%d/%m/%Y"))
    page.get_by_role("button", name="Share").click()
    heading(visit, "Preparation pack of")
    assert "Shared with Osric Penhallow" in page.locator("main").inner_text()
    assert PackShare.objects.get().expires_on == until
    page.get_by_role("button", name="Sign out").click()

    # 5. The supervisor finds it on their home page, reads it and writes their own note.
    staff_sign_in(visit, supervisor.email, PASSWORD, supervisor_secret)
    assert "Packs shared with you" in page.locator("main").inner_text()
    visit.check_accessibility("supervisor home")
    page.get_by_role("link", name=re.compile("Pack of .* from Nell Carraway")).first.click()
    heading(visit, "Pack of .* from Nell Carraway")
    main = page.locator("main").inner_text()
    assert f"Case {client.case_code}" in main and "Temperance" not in main
    visit.check_accessibility("a shared pack")
    page.get_by_role("textbox", name="Your note").fill("Explore the pull to be liked")
    page.get_by_role("button", name="Save note").click()
    page.get_by_text("Explore the pull to be liked").wait_for()
    assert SupervisorNote.objects.get(pack=pack).author == supervisor
    visit.goto(reverse("supervision:shared_notes"))
    heading(visit, "Your supervision notes")
    visit.check_accessibility("supervisor's notes")
    visit.goto(reverse("clients:card", args=[client.pk]))
    assert "Temperance" not in page.content()
    visit.assert_clean()
