"""The confidentiality register, the reflective journal and the CPD record in a real browser.

A decision recorded after a refused attempt (what is missing named, what was typed kept), opened,
corrected, due for review on the home page and followed up; a journal entry tagged with a case
code and its subject-access review list; a CPD activity with the yearly total. axe-core on every
page, in its empty, error and filled states.
"""

from __future__ import annotations

import re
from typing import Any

from allauth.mfa.totp.internal.auth import TOTP, generate_totp_secret
from django.urls import reverse
from django.utils import timezone

from frame.accounts.models import Role
from frame.confidentiality.models import RegisterEntry
from frame.development.models import CpdActivity, JournalEntry
from tests.browser.conftest import Visit
from tests.browser.pages import field, heading, staff_sign_in
from tests.factories import CareTeamMemberFactory, ClientFactory, MembershipFactory

PASSWORD = "lantern-4821-heather-moss"


def test_register_journal_and_cpd(visit: Visit, transactional_db: Any) -> None:
    owner = MembershipFactory(
        role=Role.OWNER,
        user__email="ffion.carew@example.org",
        user__full_name="Ffion Carew",
        user__password=PASSWORD,
    ).user
    client = ClientFactory(
        practice=owner.membership.practice,
        created_by=owner,
        given_name="Idris",
        family_name="Maelor",
        status="active",
    )
    CareTeamMemberFactory(client=client, user=owner)
    secret = generate_totp_secret()
    TOTP.activate(owner, secret)
    page = visit.page
    today = timezone.localdate().strftime("%d/%m/%Y")
    staff_sign_in(visit, owner.email, PASSWORD, secret)

    # 1. The register from the client card: empty, then a refused entry, then a decision.
    visit.goto(reverse("clients:card", args=[client.pk]))
    assert "Confidentiality register" in page.locator("#confidentiality-register").inner_text()
    page.get_by_role("link", name=re.compile("^Open the register")).click()
    heading(visit, "confidentiality register")
    visit.check_accessibility("register, empty")
    page.get_by_role("link", name="Record a decision").click()
    heading(visit, "record a decision")
    visit.check_accessibility("new register entry")
    field(visit, "The concern").fill("Mentioned a neighbour's child left alone at night.")
    page.get_by_role("button", name="Record the decision").click()
    summary = page.get_by_role("alert")
    summary.wait_for()
    text = summary.inner_text()
    assert "Choose the decision" in text and "basis you considered" in text
    assert "reasons for the decision" in text
    assert field(visit, "The concern").input_value().startswith("Mentioned a neighbour")
    visit.check_accessibility("new register entry with errors")
    page.get_by_label("Child protection").check()
    page.get_by_label("Supervisor").check()
    field(visit, "The advice you were given").fill("Supervisor: discuss with the client first.")
    page.get_by_label("Yes, before the decision was acted on").check()
    page.get_by_label("Not share").check()
    field(visit, "The reasons for the decision").fill(
        "The client will contact the child's parent; no immediate danger described."
    )
    field(visit, "Review date").fill(today)
    page.get_by_role("button", name="Record the decision").click()
    heading(visit, "not share")
    visit.check_accessibility("register entry")
    first = RegisterEntry.objects.get(client=client)
    assert first.decision == "not_share" and first.legal_hold

    # 2. A correction: a new entry, the old one kept and marked.
    page.get_by_role("link", name="Correct this entry").click()
    heading(visit, "correct the entry")
    visit.check_accessibility("correcting a register entry")
    field(visit, "Follow-up").fill("Check in at the next session.")
    page.get_by_role("button", name="Record the correction").click()
    heading(visit, "not share")
    assert "This entry corrects" in page.locator("main").inner_text()
    visit.goto(reverse("confidentiality:entry", args=[client.pk, first.pk]))
    assert "has been corrected" in page.locator("main").inner_text()
    visit.check_accessibility("a corrected register entry")
    visit.goto(reverse("confidentiality:register", args=[client.pk]))
    visit.check_accessibility("register with entries")
    assert RegisterEntry.objects.filter(client=client).count() == 2

    # 3. The review is due today: it shows on the home page; a follow-up (after an error) closes it.
    visit.goto(reverse("home"))
    panel = page.get_by_role("region", name="Confidentiality decisions to review")
    assert "Idris Maelor" in panel.inner_text()
    visit.check_accessibility("home with decisions to review")
    panel.get_by_role("link", name=re.compile("^Idris Maelor")).click()
    heading(visit, "not share")
    page.get_by_role("button", name="Add the follow-up").click()
    page.get_by_role("alert").wait_for()
    visit.check_accessibility("register entry with a follow-up error")
    field(visit, "What happened next").fill("The client spoke to the parent; all well.")
    page.get_by_role("button", name="Add the follow-up").click()
    page.get_by_text("Follow-up added.").wait_for()
    assert "none planned" in page.locator("#follow-ups").inner_text()
    visit.check_accessibility("register entry with a follow-up")
    visit.goto(reverse("home"))
    assert "Confidentiality decisions to review" not in page.locator("main").inner_text()

    # 4. The journal: an error, then an entry tagged with the client's case code.
    visit.goto(reverse("development:journal"))
    heading(visit, "reflective journal")
    visit.check_accessibility("journal, empty")
    page.get_by_role("button", name="Save entry").click()
    page.get_by_role("alert").wait_for()
    visit.check_accessibility("journal with an error")
    field(visit, "Your reflection").fill("Felt a rush of protectiveness I want to look at.")
    field(visit, "Case code").fill(client.case_code)
    page.get_by_role("button", name="Save entry").click()
    page.get_by_text("Journal entry saved.").wait_for()
    assert "Maelor" not in page.locator("main").inner_text()  # case code only
    visit.check_accessibility("journal with an entry")
    page.get_by_role("link", name=re.compile("^to review for a subject access request")).click()
    heading(visit, "subject access request")
    assert "rush of protectiveness" in page.locator("main").inner_text()
    visit.check_accessibility("journal entries to review")
    entry = JournalEntry.objects.get(author=owner)
    visit.goto(reverse("development:journal_entry", args=[entry.pk]))
    visit.check_accessibility("journal entry")

    # 5. CPD: an error, an activity, the year's total, and the year start.
    visit.goto(reverse("development:cpd"))
    heading(visit, "your cpd record")
    visit.check_accessibility("CPD record, empty")
    page.get_by_role("link", name="Record an activity").click()
    heading(visit, "record a cpd activity")
    field(visit, "Hours").fill("0")
    page.get_by_role("button", name="Record").click()
    page.get_by_role("alert").wait_for()
    visit.check_accessibility("new CPD activity with errors")
    field(visit, "Activity").fill("Trauma-informed practice, day two")
    field(visit, "Date").fill(today)
    field(visit, "Hours").fill("3.5")
    field(visit, "Kind of activity").select_option("course")
    field(visit, "What you learnt").fill("Grounding before, not after, difficult material.")
    page.get_by_role("button", name="Record").click()
    heading(visit, "your cpd record")
    assert "3.5 hours" in page.locator("main").inner_text()
    visit.check_accessibility("CPD record with an activity")
    assert CpdActivity.objects.get(practitioner=owner).hours == 3.5
    visit.goto(reverse("development:cpd_year"))
    heading(visit, "cpd year starts")
    visit.check_accessibility("CPD year start")

    visit.assert_clean()
