"""A client reads their safety plan in the portal and suggests a change, in a real browser.

The practitioner has written the plan with the client. The client signs in, finds the plan from
their portal home, suggests a change to one part and sees it waiting, with the plan itself
unchanged. The practitioner signs in, finds the suggestion on their home page, reads it beside
the plan's current words and takes it into the plan; the client then reads the new version.
Every page is checked with axe-core and none may trip the Content-Security-Policy.
"""

from __future__ import annotations

import re
from typing import Any

from allauth.mfa.totp.internal.auth import TOTP, generate_totp_secret
from django.urls import reverse

from frame.accounts.models import Role
from frame.safetyplans.models import SafetyPlan, Suggestion
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
from tests.safetyplans.factories import SECTIONS, plan_version

STAFF_PASSWORD = "lantern-over-fenland-5521-ochre"
SUGGESTED = "Put the kettle on and ring my neighbour Bea."


def _heading(visit: Visit, pattern: str) -> None:
    heading = visit.page.get_by_role("heading", level=1)
    heading.wait_for()
    text = heading.inner_text()
    assert re.search(pattern, text, re.IGNORECASE), f"expected {pattern!r}, saw {text!r}"


def test_a_client_suggests_a_change_and_the_practitioner_takes_it_in(
    visit: Visit, transactional_db: Any
) -> None:
    page = visit.page
    practice = PracticeFactory(name="Fenland Talking Space")
    practitioner = MembershipFactory(
        practice=practice,
        role=Role.OWNER,
        user__email="ottilie.marsh@example.org",
        user__full_name="Ottilie Marsh",
        user__password=STAFF_PASSWORD,
    ).user
    secret = generate_totp_secret()
    TOTP.activate(practitioner, secret)
    client = ClientFactory(
        practice=practice,
        created_by=practitioner,
        given_name="Corin",
        family_name="Ashwell",
        email="corin.ashwell@example.net",
    )
    CareTeamMemberFactory(client=client, user=practitioner)
    client_user = portal_user_for(client, invited_by=practitioner)
    plan_version(client, practitioner)

    # The client signs in and finds their plan from the portal home.
    visit.goto(reverse("portal:sign_in"))
    page.locator("input[name=login]").fill(client_user.email)
    page.locator("input[name=password]").fill(TEST_PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    _heading(visit, "hello, corin")
    assert "You have a safety plan" in page.content()
    page.get_by_role("link", name="Read your safety plan").click()
    _heading(visit, "your safety plan")
    assert SECTIONS["on_my_own"] in page.content()
    assert "116 123" in page.locator("footer").inner_text()
    visit.check_accessibility("portal safety plan")

    # A suggestion with nothing written is refused plainly, then sent.
    page.get_by_role("link", name="Suggest a change to “Things I can do on my own”").click()
    _heading(visit, "suggest a change")
    visit.check_accessibility("portal suggest a change")
    assert page.get_by_role("radio", name="Things I can do on my own").is_checked()
    page.get_by_role("button", name="Send suggestion").click()
    page.get_by_role("alert").wait_for()
    assert "Write the change you would like before sending it." in page.content()
    visit.check_accessibility("portal suggest a change, with an error")
    page.get_by_label("What would you like to change or add?").fill(SUGGESTED)
    page.get_by_role("button", name="Send suggestion").click()
    _heading(visit, "your safety plan")
    assert "Your suggestion is waiting for your practitioner" in page.content()
    listed = page.locator(".suggestion-list").inner_text()
    assert SUGGESTED in listed and "Waiting for review" in listed
    plan = SafetyPlan.objects.select_related("current_version").get(client=client)
    assert plan.current_version is not None and plan.current_version.number == 1
    assert plan.current_version.sections["on_my_own"] == SECTIONS["on_my_own"]
    visit.check_accessibility("portal safety plan, suggestion waiting")
    page.get_by_role("button", name="Sign out").click()
    _heading(visit, "sign in to your space")

    # The practitioner sees it waiting and takes it into the plan.
    visit.goto(reverse("account_login"))
    page.locator("input[name=login]").fill(practitioner.email)
    page.locator("input[name=password]").fill(STAFF_PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    page.get_by_label(re.compile("code from your app", re.IGNORECASE)).fill(current_code(secret)[0])
    page.get_by_role("button", name="Continue").click()
    _heading(visit, "good to see you")
    assert "Suggested changes to safety plans" in page.content()
    visit.check_accessibility("staff home with a suggestion waiting")
    page.get_by_role("link", name=re.compile("Corin Ashwell: Things I can do on my own")).click()
    _heading(visit, "suggested change: things i can do on my own")
    assert SUGGESTED in page.content()
    visit.check_accessibility("review a suggested change")
    page.get_by_role("radio", name=re.compile("Take it into the plan")).check()
    page.get_by_label("The part of the plan as it will read").fill(
        "Walk the long way round the reservoir. " + SUGGESTED
    )
    page.get_by_label("A reply the client will read").fill("Added, as we talked about.")
    page.get_by_role("button", name="Send answer").click()
    _heading(visit, "suggested changes")
    assert "Taken into the plan as version 2" in page.content()
    visit.check_accessibility("suggested changes, answered")
    page.get_by_role("link", name="Back to the safety plan").click()
    _heading(visit, "safety plan: corin ashwell")
    visit.check_accessibility("staff safety plan")
    assert Suggestion.objects.get().status == "accepted"
    page.get_by_role("button", name="Sign out").click()
    page.locator("input[name=login]").wait_for()

    # The client reads the new version and the reply.
    visit.goto(reverse("portal:sign_in"))
    page.locator("input[name=login]").fill(client_user.email)
    page.locator("input[name=password]").fill(TEST_PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    _heading(visit, "hello, corin")
    visit.goto(reverse("portal:safety_plan"))
    _heading(visit, "your safety plan")
    body = page.content()
    assert "Walk the long way round the reservoir. " + SUGGESTED in body
    assert "Added, as we talked about." in body
    visit.check_accessibility("portal safety plan, new version")

    visit.assert_clean()


def test_the_practitioners_plan_pages_are_accessible(visit: Visit, transactional_db: Any) -> None:
    """Writing a version (with a mistake first), the history, a version compared with the one
    before, and the owner's statement of when messages are read."""
    page = visit.page
    practice = PracticeFactory(name="Fenland Talking Space")
    practitioner = MembershipFactory(
        practice=practice,
        role=Role.OWNER,
        user__email="ottilie.marsh@example.org",
        user__full_name="Ottilie Marsh",
        user__password=STAFF_PASSWORD,
    ).user
    secret = generate_totp_secret()
    TOTP.activate(practitioner, secret)
    client = ClientFactory(
        practice=practice, created_by=practitioner, given_name="Corin", family_name="Ashwell"
    )
    CareTeamMemberFactory(client=client, user=practitioner)
    plan_version(client, practitioner)

    visit.goto(reverse("account_login"))
    page.locator("input[name=login]").fill(practitioner.email)
    page.locator("input[name=password]").fill(STAFF_PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    page.get_by_label(re.compile("code from your app", re.IGNORECASE)).fill(current_code(secret)[0])
    page.get_by_role("button", name="Continue").click()
    _heading(visit, "good to see you")

    visit.goto(reverse("clients:card", args=[client.pk]))
    _heading(visit, "Corin Ashwell")
    page.get_by_role("link", name="Open the safety plan for Corin Ashwell").click()
    _heading(visit, "safety plan: corin ashwell")
    page.get_by_role("link", name="Write a new version").click()
    _heading(visit, "safety plan: corin ashwell")
    visit.check_accessibility("write a new version")
    page.get_by_label("Made with the client on").fill("")
    page.get_by_label("My reasons for living").fill("The sea at Holkham in winter.")
    page.get_by_role("button", name="Save as a new version").click()
    page.get_by_role("alert").wait_for()
    assert "Give the date you made this plan together." in page.content()
    visit.check_accessibility("write a new version, with an error")
    page.get_by_label("Made with the client on").fill("2026-01-05")
    page.get_by_role("button", name="Save as a new version").click()
    _heading(visit, "safety plan: corin ashwell")
    assert "Saved as version 2 of the plan." in page.content()
    page.get_by_role("link", name="Version history").click()
    _heading(visit, "safety plan versions")
    visit.check_accessibility("version history")
    page.get_by_role("link", name="Version 2").click()
    _heading(visit, "safety plan version 2")
    assert "Compared with version 1: 1 part changed" in page.content()
    visit.check_accessibility("version compared with the one before")

    visit.goto(reverse("safetyplans:messages_statement"))
    _heading(visit, "when messages are read")
    visit.check_accessibility("when messages are read")

    visit.assert_clean()
