"""The main navigation offers each person the areas they can use, and the owner's team page
gathers the practice's settings."""

from __future__ import annotations

import re
from typing import Any

import pytest
from django.urls import reverse

from frame.accounts.models import Role
from tests.factories import MembershipFactory

pytestmark = pytest.mark.django_db

CLINICAL_AREAS = ["Safety", "Outcomes", "Supervision", "Search notes", "Journal and CPD"]


def nav_links(html: str) -> dict[str, str]:
    nav = html.split('<nav aria-label="Main">', 1)[1].split("</nav>", 1)[0]
    return {text: href for href, text in re.findall(r'<a href="([^"]+)"[^>]*>([^<]+)</a>', nav)}


def test_clinicians_reach_the_clinical_areas_from_the_navigation(
    as_user: Any, practitioner: Any, colleague: Any
) -> None:
    for user in (practitioner, colleague):
        http = as_user(user)
        links = nav_links(http.get(reverse("home")).content.decode())
        for area in CLINICAL_AREAS:
            assert area in links, f"{area} missing for {user.email}"
            assert http.get(links[area]).status_code == 200


def test_administrators_and_supervisors_see_only_what_they_can_use(
    as_user: Any, administrator: Any, practice: Any
) -> None:
    links = nav_links(as_user(administrator).get(reverse("home")).content.decode())
    assert not set(CLINICAL_AREAS) & set(links)
    supervisor = MembershipFactory(practice=practice, role=Role.SUPERVISOR).user
    http = as_user(supervisor)
    links = nav_links(http.get(reverse("home")).content.decode())
    assert not set(CLINICAL_AREAS) & set(links)
    assert http.get(links["Shared with you"]).status_code == 200


def test_the_team_page_gathers_the_practice_settings(as_user: Any, practitioner: Any) -> None:
    http = as_user(practitioner)  # the owner
    page = http.get(reverse("accounts:team")).content.decode()
    section = page.split('id="practice-settings"', 1)[1]
    hrefs = re.findall(r'<a href="([^"]+)">', section)
    assert len(hrefs) == 7
    for href in hrefs:
        assert http.get(href).status_code == 200, href
