"""Risk and safety in a real browser: a PHQ-9 with item 9 answered raises a flag, shown on the
home page and the card; acknowledging it (after trying without saying what was done) closes it;
a risk assessment is saved; the caseload safety view. axe-core on every page."""

from __future__ import annotations

import re
from typing import Any

from allauth.mfa.totp.internal.auth import TOTP, generate_totp_secret
from django.urls import reverse
from django.utils import timezone

from frame.accounts.models import Role
from frame.measures import actions as measures_actions
from frame.measures import definitions
from frame.measures.models import RiskAlert
from frame.safety.models import RiskAssessmentVersion, RiskFlag
from tests.browser.conftest import Visit
from tests.browser.pages import field, heading, staff_sign_in
from tests.factories import CareTeamMemberFactory, ClientFactory, MembershipFactory

PASSWORD = "heather-4821-slate-plover"


def test_flag_acknowledgement_assessment_and_caseload(visit: Visit, transactional_db: Any) -> None:
    owner = MembershipFactory(
        role=Role.OWNER,
        user__email="ffion.marsh@example.org",
        user__full_name="Ffion Marsh",
        user__password=PASSWORD,
    ).user
    client = ClientFactory(
        practice=owner.membership.practice,
        created_by=owner,
        given_name="Idris",
        family_name="Carrow",
        status="active",
    )
    CareTeamMemberFactory(client=client, user=owner)
    measures_actions.record_administration(
        client=client,
        instrument=definitions.get("phq9"),
        answers=[1, 2, 1, 2, 1, 1, 0, 0, 2],
        completed_on=timezone.localdate(),
        by=owner,
    )
    secret = generate_totp_secret()
    TOTP.activate(owner, secret)
    page = visit.page
    staff_sign_in(visit, owner.email, PASSWORD, secret)

    # 1. The flag waits on the home page and the card.
    visit.goto(reverse("home"))
    assert "PHQ-9 item 9 answered 2" in page.locator("main").inner_text()
    visit.check_accessibility("home with an open risk flag")
    visit.goto(reverse("clients:card", args=[client.pk]))
    heading(visit, "Idris Carrow")
    assert "Risk flag to acknowledge" in page.locator("#risk-flags").inner_text()
    visit.check_accessibility("card with an open risk flag")

    # 2. Acknowledge: first without saying what was done, then properly.
    page.locator("#risk-flags").get_by_role("link", name=re.compile("^Acknowledge")).click()
    heading(visit, "risk flag for Idris Carrow")
    visit.check_accessibility("risk flag, open")
    page.get_by_role("button", name="Acknowledge").click()
    page.get_by_role("alert").wait_for()
    visit.check_accessibility("risk flag with an error")
    field(visit, "What you did or decided").fill("Explored in session: no plan, no intent.")
    page.get_by_role("button", name="Acknowledge").click()
    page.get_by_text("Acknowledged by Ffion Marsh").wait_for()
    visit.check_accessibility("risk flag, acknowledged")
    flag = RiskFlag.objects.get()
    assert not flag.is_open and not RiskAlert.objects.get().is_open

    # 3. A risk assessment, with an error first.
    visit.goto(reverse("safety:assessment_new", args=[client.pk]))
    heading(visit, "risk assessment")
    visit.check_accessibility("new risk assessment")
    page.get_by_role("button", name="Save the assessment").click()
    page.get_by_role("alert").wait_for()
    visit.check_accessibility("risk assessment with errors")
    page.get_by_role("group", name=re.compile("^Thoughts of suicide")).get_by_label("Yes").check()
    field(visit, "Your overall judgement").fill("Passive thoughts; strong reasons for living.")
    page.get_by_role("group", name=re.compile("^The level you judge")).get_by_label(
        "Moderate"
    ).check()
    page.get_by_role("group", name=re.compile("safety plan needed")).get_by_label("Yes").check()
    field(visit, "Review by").fill(timezone.localdate().strftime("%d/%m/%Y"))
    page.get_by_role("button", name="Save the assessment").click()
    page.get_by_text("Assessment saved.").wait_for()
    visit.check_accessibility("risk assessment")
    assert RiskAssessmentVersion.objects.get().level == "moderate"

    # 4. The caseload view: a safety plan is needed and there is none.
    visit.goto(reverse("safety:caseload"))
    heading(visit, "safety across your caseload")
    assert "Needed, none yet" in page.locator("main").inner_text()
    visit.check_accessibility("caseload safety view")
    visit.goto(reverse("safety:client", args=[client.pk]))
    visit.check_accessibility("client's risk and safety page")

    visit.assert_clean()
