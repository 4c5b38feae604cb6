"""The first person's journey, in a real browser: from the setup link to finding a client.

Set up the practice from the one-time link, enrol an authenticator app, see the recovery codes,
sign out, sign in again with password and code, add a client and find them by search. Every page
on the way is checked with axe-core, and none may trip the Content-Security-Policy.
"""

from __future__ import annotations

import io
import re
from typing import Any
from urllib.parse import urlsplit

from django.conf import settings

from frame.accounts.management.commands.serve import announce_setup_link
from frame.accounts.models import Role, User
from frame.clients.models import Client
from tests.browser.conftest import Visit
from tests.browser.totp import current_code

OWNER_EMAIL = "harriet.quaye@example.org"
OWNER_PASSWORD = "lantern-bramble-2093-tideline"


def _field(visit: Visit, label: str) -> Any:
    """The input whose label starts with `label` (labels may add "(optional)")."""
    return visit.page.get_by_label(re.compile(rf"^{re.escape(label)}\b"))


def _expect_heading(visit: Visit, pattern: str) -> None:
    heading = visit.page.get_by_role("heading", level=1)
    heading.wait_for()
    text = heading.inner_text()
    assert re.search(pattern, text, re.IGNORECASE), f"expected {pattern!r}, saw {text!r}"


def test_first_practice_from_setup_link_to_finding_a_client(visit: Visit) -> None:
    page = visit.page
    printed = io.StringIO()
    link = announce_setup_link(printed)  # exactly what `frame serve` prints on a new install
    assert link is not None and link in printed.getvalue()

    # 1. The setup link: create the practice and the owner's account.
    visit.goto(urlsplit(link).path)
    _expect_heading(visit, "set up your practice")
    visit.check_accessibility("setup link")
    page.get_by_label("Name of your practice").fill("Lantern Row Therapy")
    page.get_by_label("Your full name").fill("Harriet Quaye")
    page.get_by_label("Your email address").fill(OWNER_EMAIL)
    page.get_by_label("Choose a password").fill(OWNER_PASSWORD)
    page.get_by_label("Type the password again").fill(OWNER_PASSWORD)
    page.get_by_role("button", name="Create my practice").click()

    # 2. Two-step sign-in is required before anything else.
    _expect_heading(visit, "two-step sign-in")
    visit.check_accessibility("two-step sign-in required")
    owner = User.objects.get(email=OWNER_EMAIL)
    assert owner.membership.role == Role.OWNER
    page.get_by_role("link", name="Set up an authenticator app").click()

    # 3. Enrol TOTP with the setup key shown on the page, as someone without a camera would.
    _expect_heading(visit, "authenticator app")
    visit.check_accessibility("enrol authenticator app")
    secret = re.sub(r"\s+", "", page.locator("#totp-secret").inner_text())
    code, enrolled_at = current_code(secret)
    page.locator("input[name=code]").fill(code)
    page.get_by_role("button", name="Finish setting up").click()

    # 4. Recovery codes, shown once.
    _expect_heading(visit, "recovery codes")
    visit.check_accessibility("recovery codes")
    codes = page.get_by_role("list", name="Recovery codes").locator("li")
    assert codes.count() >= 8
    page.get_by_role("link", name=re.compile("saved them", re.IGNORECASE)).click()
    _expect_heading(visit, "good to see you")
    visit.check_accessibility("home")

    # 5. Sign out, then sign in with password and a fresh code.
    page.get_by_role("button", name="Sign out").click()
    page.locator("input[name=login]").wait_for()
    visit.check_accessibility("sign in")
    page.locator("input[name=login]").fill(OWNER_EMAIL)
    page.locator("input[name=password]").fill(OWNER_PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    _expect_heading(visit, "second step")
    visit.check_accessibility("second step")
    code, _ = current_code(secret, after=enrolled_at)  # codes work once: wait for a new one
    page.get_by_label(re.compile("code from your app", re.IGNORECASE)).fill(code)
    page.get_by_role("button", name="Continue").click()
    _expect_heading(visit, "good to see you")
    cookies = {cookie["name"]: cookie for cookie in page.context.cookies()}
    session = cookies[settings.SESSION_COOKIE_NAME]
    assert session["secure"] and session["httpOnly"] and session["sameSite"] == "Lax"

    # 6. Add a client.
    page.get_by_role("navigation", name="Main").get_by_role("link", name="Clients").click()
    _expect_heading(visit, "clients")
    visit.check_accessibility("client list (empty)")
    page.get_by_role("link", name=re.compile("add a client", re.IGNORECASE)).click()
    _expect_heading(visit, "client")
    visit.check_accessibility("new client form")
    _field(visit, "Given name").fill("Ottoline")
    _field(visit, "Family name").fill("Brightwater")
    _field(visit, "Date of birth").fill("14/03/1987")
    _field(visit, "Phone").fill("07700 900456")
    _field(visit, "What brings them").fill("Wants space to think about a change of career.")
    page.get_by_role("button", name=re.compile("add", re.IGNORECASE)).click()
    _expect_heading(visit, "Ottoline Brightwater")
    visit.check_accessibility("client card")
    client = Client.objects.get(family_name="Brightwater")
    assert client.referral_reason == "Wants space to think about a change of career."

    # 7. Find them again by searching for the start of their name.
    page.get_by_role("navigation", name="Main").get_by_role("link", name="Clients").click()
    page.get_by_label("Name or case code").fill("brightw")
    page.get_by_label("Name or case code").press("Enter")
    result = page.get_by_role("link", name="Brightwater, Ottoline")
    result.wait_for()
    visit.check_accessibility("search results")
    result.click()
    _expect_heading(visit, "Ottoline Brightwater")
    assert client.case_code in page.content()

    visit.assert_clean()
