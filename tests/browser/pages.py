"""Steps the staff-side browser tests share: signing in with a second step, finding headings and
fields the way a person reads them."""

from __future__ import annotations

import re
from typing import Any

from django.urls import reverse

from tests.browser.conftest import Visit
from tests.browser.totp import current_code


def heading(visit: Visit, pattern: str) -> None:
    """Wait for the page's main heading and check it says what the person expects."""
    found = visit.page.get_by_role("heading", level=1)
    found.wait_for()
    assert re.search(pattern, found.inner_text(), re.IGNORECASE), found.inner_text()


def field(visit: Visit, label: str) -> Any:
    """The input whose label starts with `label` (labels may add "(optional)")."""
    return visit.page.get_by_label(re.compile(rf"^{re.escape(label)}"))


def staff_sign_in(visit: Visit, email: str, password: str, secret: str) -> None:
    """Sign in with a password and the current code from the authenticator app."""
    page = visit.page
    visit.goto(reverse("account_login"))
    page.locator("input[name=login]").fill(email)
    page.locator("input[name=password]").fill(password)
    page.get_by_role("button", name="Sign in").click()
    code = page.get_by_label(re.compile("code from your app", re.IGNORECASE))
    code.wait_for()
    code.fill(current_code(secret)[0])
    page.get_by_role("button", name="Continue").click()
    page.get_by_role("heading", name=re.compile("good to see you", re.IGNORECASE)).wait_for()
