"""The pages of a practice with real-looking content, checked in a browser with axe-core.

The first-practice journey sees mostly empty pages. Here the demo practice is loaded, so the
list has rows and badges, and the card has a care team, people in the client's life and a status
history. Its owner signs in with a password and an authenticator code, then visits each page.
"""

from __future__ import annotations

import re
from typing import Any

from allauth.mfa.totp.internal.auth import TOTP, generate_totp_secret
from django.db.models import Count
from django.urls import reverse

from frame.accounts.models import User
from frame.clients.models import Client
from frame.demo.loading import STAFF, load_demo
from tests.browser.conftest import Visit
from tests.browser.totp import current_code

PASSWORD = "juniper-marram-6402-copper-heather"


def _sign_in_with_totp(visit: Visit, email: str, secret: str) -> None:
    page = visit.page
    visit.goto(reverse("account_login"))
    page.locator("input[name=login]").fill(email)
    page.locator("input[name=password]").fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    code = page.get_by_label(re.compile("code from your app", re.IGNORECASE))
    code.wait_for()
    code.fill(current_code(secret)[0])
    page.get_by_role("button", name="Continue").click()
    page.get_by_role("heading", name=re.compile("good to see you", re.IGNORECASE)).wait_for()


def _busiest_client(owner: User) -> Client:
    """One of the owner's clients with a shared care team and people in their life."""
    candidates = (
        Client.objects.filter(care_team__user=owner)
        .annotate(team=Count("care_team", distinct=True), known=Count("people", distinct=True))
        .filter(known__gt=0)
        .order_by("-team", "-known", "sort_key")
    )
    # The referral reason is encrypted, so "has one" is checked here rather than in SQL.
    return next(client for client in candidates if client.referral_reason)


def test_demo_practice_pages_have_no_serious_accessibility_problems(
    visit: Visit, transactional_db: Any
) -> None:
    load_demo(password=PASSWORD)
    owner = User.objects.get(email=STAFF[0].email)
    secret = generate_totp_secret()
    TOTP.activate(owner, secret)
    client = _busiest_client(owner)
    person = client.people.first()
    assert person is not None

    _sign_in_with_totp(visit, owner.email, secret)
    visit.check_accessibility("home with a practice")

    pages = {
        "client list (40 clients)": reverse("clients:list"),
        "client list, everyone": reverse("clients:list") + "?status=all",
        "search with no results": reverse("clients:list") + "?q=zzzz",
        "client card": reverse("clients:card", kwargs={"client_id": client.pk}),
        "edit client": reverse("clients:edit", kwargs={"client_id": client.pk}),
        "change status": reverse("clients:status", kwargs={"client_id": client.pk}),
        "care team": reverse("clients:care_team", kwargs={"client_id": client.pk}),
        "add a person": reverse("clients:person_add", kwargs={"client_id": client.pk}),
        "edit a person": reverse(
            "clients:person_edit", kwargs={"client_id": client.pk, "person_id": person.pk}
        ),
        "who accessed this client": reverse("clients:access_log", kwargs={"client_id": client.pk}),
        "team": reverse("accounts:team"),
        "your security": reverse("accounts:security"),
        "two-step methods": reverse("mfa_index"),
        "your sessions": reverse("usersessions_list"),
    }
    for label, path in pages.items():
        response = visit.goto(path)
        assert response is not None and response.status == 200, f"{label}: {response}"
        visit.page.get_by_role("heading", level=1).wait_for()
        visit.check_accessibility(label)
    # The card shows what the demo put there, so the check ran on a page with content.
    visit.goto(pages["client card"])
    assert person.name in visit.page.content()
    assert client.referral_reason in visit.page.content()

    # The administrator sees other versions of some pages: identity and contact only, and a new
    # client form that asks which practitioner will respond.
    visit.page.get_by_role("button", name="Sign out").click()
    visit.page.locator("input[name=login]").wait_for()
    administrator = User.objects.get(email=STAFF[3].email)
    admin_secret = generate_totp_secret()
    TOTP.activate(administrator, admin_secret)
    _sign_in_with_totp(visit, administrator.email, admin_secret)
    for label, path in {
        "client card (administrator)": pages["client card"],
        "client list (administrator)": reverse("clients:list"),
        "new client (administrator)": reverse("clients:new"),
    }.items():
        response = visit.goto(path)
        assert response is not None and response.status == 200, f"{label}: {response}"
        visit.page.get_by_role("heading", level=1).wait_for()
        visit.check_accessibility(label)
        if label.startswith("client card"):
            assert client.family_name in visit.page.content()
            assert client.referral_reason not in visit.page.content()  # clinical: not theirs

    visit.assert_clean()
