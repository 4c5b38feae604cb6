"""A client's first visit to their portal, in a real browser.

The practitioner invites the client from the card and shares an article; the client opens the
emailed link, chooses a password, lands on their portal home, reads the article and looks at
their account; then signs out, and the used link says plainly that it no longer works. Every
page is checked with axe-core and none may trip the Content-Security-Policy.
"""

from __future__ import annotations

import re
from typing import Any
from urllib.parse import urlsplit

from allauth.mfa.totp.internal.auth import TOTP, generate_totp_secret
from django.urls import reverse

from frame.accounts.models import Role
from frame.portal.models import PortalAccount, PortalInvitation
from tests.browser.conftest import Visit
from tests.browser.totp import current_code
from tests.factories import (
    CareTeamMemberFactory,
    ClientFactory,
    MembershipFactory,
    PracticeFactory,
)

STAFF_PASSWORD = "juniper-marram-6402-copper-heather"
CLIENT_PASSWORD = "kestrel-over-saltmarsh-1187"


def _heading(visit: Visit, pattern: str) -> None:
    heading = visit.page.get_by_role("heading", level=1)
    heading.wait_for()
    text = heading.inner_text()
    assert re.search(pattern, text, re.IGNORECASE), f"expected {pattern!r}, saw {text!r}"


def test_invite_join_and_read_in_the_portal(
    visit: Visit, transactional_db: Any, mailoutbox: list[Any]
) -> None:
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
        practice=practice,
        created_by=owner,
        given_name="Rowan",
        family_name="Ellery",
        email="rowan.ellery@example.net",
        discreet_wording=True,
    )
    CareTeamMemberFactory(client=client, user=owner)

    # The practitioner signs in and invites Rowan from the card.
    visit.goto(reverse("account_login"))
    page.locator("input[name=login]").fill(owner.email)
    page.locator("input[name=password]").fill(STAFF_PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    page.get_by_label(re.compile("code from your app", re.IGNORECASE)).fill(current_code(secret)[0])
    page.get_by_role("button", name="Continue").click()
    _heading(visit, "good to see you")
    visit.goto(reverse("clients:card", args=[client.pk]))
    _heading(visit, "Rowan Ellery")
    visit.check_accessibility("client card, before the portal")
    page.get_by_role("link", name="Invite Rowan to the portal").click()
    _heading(visit, "invite rowan ellery to the portal")
    visit.check_accessibility("invite to the portal")
    page.get_by_role("button", name="Send the invitation").click()
    _heading(visit, "Rowan Ellery")
    assert "Invitation sent to rowan.ellery@example.net" in page.content()

    # ...and shares an article explaining confidentiality.
    page.get_by_role("link", name="Share an article").click()
    _heading(visit, "share an article")
    visit.check_accessibility("share an article")
    page.get_by_role("button", name="Share “Confidentiality and its limits”").click()
    _heading(visit, "Rowan Ellery")
    visit.check_accessibility("client card, invited and an article shared")
    page.get_by_role("button", name="Sign out").click()
    page.locator("input[name=login]").wait_for()

    # Rowan opens the emailed link: a discreet subject, and a link that works once.
    assert len(mailoutbox) == 1
    message = mailoutbox[0]
    assert "counsel" not in message.subject.lower() and "therap" not in message.subject.lower()
    link = re.search(r"https?://\S+/portal/join/\S+/", message.body).group(0)
    join_path = urlsplit(link).path
    visit.goto(join_path)
    _heading(visit, "welcome, rowan")
    visit.check_accessibility("join: choose a password")
    page.get_by_label("Choose a password").fill(CLIENT_PASSWORD)
    page.get_by_label("Type the password again").fill(CLIENT_PASSWORD)
    page.get_by_role("button", name="Set up my space").click()

    # Their own portal: their name, what was shared, and where to find help.
    _heading(visit, "hello, rowan")
    assert urlsplit(page.url).path == reverse("portal:home")
    visit.check_accessibility("portal home")
    footer = page.locator("footer").inner_text()
    assert "116 123" in footer and "85258" in footer and "999" in footer
    account = PortalAccount.objects.get(client=client)
    assert account.user.email == "rowan.ellery@example.net"
    page.get_by_role("link", name="Confidentiality and its limits").click()
    _heading(visit, "confidentiality and its limits")
    visit.check_accessibility("portal article")
    page.get_by_role("navigation", name="Your space").get_by_role(
        "link", name="Your account"
    ).click()
    _heading(visit, "your account")
    visit.check_accessibility("portal account")
    page.get_by_role("link", name="Change your password").click()
    _heading(visit, "change your password")
    visit.check_accessibility("portal change password")

    # Signing out leads back to the portal's own sign-in page.
    page.get_by_role("button", name="Sign out").click()
    _heading(visit, "sign in to your space")
    visit.check_accessibility("portal sign in")

    # The link was used: it says so plainly and offers to ask for a new one.
    visit.goto(join_path)
    _heading(visit, "this link no longer works")
    visit.check_accessibility("used invitation link")
    page.get_by_role("button", name="Ask for a new link").click()
    _heading(visit, "thank you")
    visit.check_accessibility("new link asked for")
    assert PortalInvitation.objects.get(client=client).new_link_requested_at is not None

    visit.assert_clean()
