"""Every other portal page, and the staff pages that look after the portal, checked in a browser
with axe-core: the owner's settings, crisis contacts and article library, the card's portal
controls, and the client's pages before and around signing in (with two-step sign-in required)."""

from __future__ import annotations

import re
from typing import Any

from allauth.mfa.totp.internal.auth import TOTP, generate_totp_secret
from django.urls import reverse

from frame.accounts.models import Role
from frame.portal import actions
from frame.portal.models import Article
from tests.browser.conftest import Visit
from tests.browser.totp import current_code
from tests.factories import (
    TEST_PASSWORD,
    CareTeamMemberFactory,
    ClientFactory,
    MembershipFactory,
    PracticeFactory,
)
from tests.portal.factories import article_share_for, portal_user_for

STAFF_PASSWORD = "juniper-marram-6402-copper-heather"


def test_portal_and_portal_admin_pages_are_accessible(
    visit: Visit, transactional_db: Any, mailoutbox: list[Any]
) -> None:
    page = visit.page
    practice = PracticeFactory(name="Saltmarsh Counselling", portal_requires_mfa=True)
    owner = MembershipFactory(
        practice=practice,
        role=Role.OWNER,
        user__email="imogen.thwaite@example.org",
        user__full_name="Imogen Thwaite",
        user__password=STAFF_PASSWORD,
    ).user
    secret = generate_totp_secret()
    TOTP.activate(owner, secret)
    joined = ClientFactory(practice=practice, created_by=owner, given_name="Rowan")
    invited = ClientFactory(practice=practice, created_by=owner, given_name="Tamsin")
    for record in (joined, invited):
        CareTeamMemberFactory(client=record, user=owner)
    client_user = portal_user_for(joined, invited_by=owner)
    share = article_share_for(joined, by=owner)
    actions.invite_client(client=invited, by=owner)
    article = Article.objects.get(practice=practice, key="endings")

    visit.goto(reverse("account_login"))
    page.locator("input[name=login]").fill(owner.email)
    page.locator("input[name=password]").fill(STAFF_PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    page.get_by_label(re.compile("code from your app", re.IGNORECASE)).fill(current_code(secret)[0])
    page.get_by_role("button", name="Continue").click()
    page.get_by_role("heading", name=re.compile("good to see you", re.IGNORECASE)).wait_for()

    staff_pages = {
        "portal settings": reverse("portal_staff:settings"),
        "crisis contacts": reverse("portal_staff:crisis_contacts"),
        "article library": reverse("portal_staff:library"),
        "an article": reverse("portal_staff:article", args=[article.pk]),
        "edit an article": reverse("portal_staff:article_edit", args=[article.pk]),
        "new article": reverse("portal_staff:article_new"),
        "card with a portal account": reverse("clients:card", args=[joined.pk]),
        "card with an invitation": reverse("clients:card", args=[invited.pk]),
        "share an article": reverse("portal_staff:share", args=[joined.pk]),
        "withdraw a shared article": reverse(
            "portal_staff:withdraw_share", args=[joined.pk, share.pk]
        ),
        "withdraw an invitation": reverse("portal_staff:withdraw_invitation", args=[invited.pk]),
        "pause portal access": reverse("portal_staff:pause", args=[joined.pk]),
        "restore portal access": reverse("portal_staff:restore", args=[joined.pk]),
    }
    for label, path in staff_pages.items():
        response = visit.goto(path)
        assert response.status == 200, f"{label}: {response.status}"
        visit.check_accessibility(label)

    # A crisis contact left without a way to reach it: the error summary and fields.
    visit.goto(reverse("portal_staff:crisis_contacts"))
    page.locator("#id_contacts-0-how_to_reach").fill("")
    page.get_by_role("button", name="Save crisis contacts").click()
    page.get_by_role("alert").wait_for()
    visit.check_accessibility("crisis contacts with an error")
    page.get_by_role("button", name="Sign out").click()
    page.locator("input[name=login]").wait_for()

    for label, path in {
        "portal sign in": reverse("portal:sign_in"),
        "portal forgotten password": reverse("portal:password_reset"),
        "portal reset link sent": reverse("portal:password_reset_done"),
        "portal access paused": reverse("portal:paused"),
        "dead invitation link": reverse("portal:join", args=["no-such-link"]),
    }.items():
        visit.goto(path)
        visit.check_accessibility(label)

    # The client signs in; the practice requires a second step, so they set one up first.
    visit.goto(reverse("portal:sign_in"))
    page.locator("input[name=login]").fill(client_user.email)
    page.locator("input[name=password]").fill(TEST_PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    page.get_by_role("heading", name=re.compile("one more step", re.IGNORECASE)).wait_for()
    visit.check_accessibility("two-step sign-in required")
    page.get_by_role("link", name="Set up two-step sign-in").click()
    page.locator("input[name=password]").wait_for()
    visit.check_accessibility("confirm your password (portal layout)")
    page.locator("input[name=password]").fill(TEST_PASSWORD)
    page.get_by_role("button", name="Confirm").click()
    page.get_by_role("heading", name="Set up two-step sign-in").wait_for()
    visit.check_accessibility("set up two-step sign-in")
    key = re.sub(r"\s+", "", page.locator("main code").inner_text())
    page.locator("input[name=code]").fill(current_code(key)[0])
    page.get_by_role("button", name="Finish setting up").click()
    page.get_by_role("heading", name="Your recovery codes").wait_for()
    visit.check_accessibility("recovery codes (portal)")
    page.get_by_role("link", name=re.compile("saved them", re.IGNORECASE)).click()
    page.get_by_role("heading", name=re.compile("hello, rowan", re.IGNORECASE)).wait_for()
    visit.goto(reverse("portal:articles"))
    visit.check_accessibility("articles shared with you")
    visit.goto(reverse("portal:account"))
    visit.check_accessibility("account with two-step sign-in")

    visit.assert_clean()
