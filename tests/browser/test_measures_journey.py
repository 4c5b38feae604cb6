"""Questionnaires in a real browser: a client fills one in in their portal and reads a shared chart;
a practitioner reads progress, shares it, sends a questionnaire and sets up a schedule.

The practitioner sends a PHQ-9 to the client's portal. The client opens the emailed link, signs
in, answers half of it with the keyboard, saves and leaves; comes back from their home page to
find their answers still there; tries to send with questions left (kept, not scored, and told
which); finishes and sends. The practitioner shares the chart, and the client reads it with its
plain-words explanation. Every page is checked with axe-core and must not trip the CSP.
"""

from __future__ import annotations

import datetime as dt
import re
from typing import Any
from urllib.parse import urlsplit

from allauth.mfa.totp.internal.auth import TOTP, generate_totp_secret
from django.urls import reverse
from django.utils import timezone

from frame.accounts.models import Role
from frame.measures import actions, definitions
from frame.measures.models import (
    Administration,
    ChartShare,
    MeasureSchedule,
    Mode,
    QuestionnaireRequest,
    RequestStatus,
)
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

PHQ9 = definitions.get("phq9")
FREQUENCY = ["Not at all", "Several days", "More than half the days", "Nearly every day"]
DIFFICULTY = [
    "Not difficult at all",
    "Somewhat difficult",
    "Very difficult",
    "Extremely difficult",
]


def _heading(visit: Visit, pattern: str) -> None:
    heading = visit.page.get_by_role("heading", level=1)
    heading.wait_for()
    text = heading.inner_text()
    assert re.search(pattern, text, re.IGNORECASE), f"expected {pattern!r}, saw {text!r}"


def _answer(visit: Visit, item: int, label: str) -> None:
    """Choose an answer with the keyboard alone: Space on the first option, then arrow down."""
    page = visit.page
    group = page.get_by_role("group", name=re.compile(rf"^{item}\. "))
    options = FREQUENCY if item <= 9 else DIFFICULTY
    group.get_by_role("radio").first.focus()
    page.keyboard.press("Space")
    for _ in range(options.index(label)):
        page.keyboard.press("ArrowDown")
    assert group.get_by_role("radio", name=label, exact=True).is_checked()


def test_a_client_completes_a_questionnaire_in_the_portal(
    visit: Visit, transactional_db: Any, mailoutbox: list[Any]
) -> None:
    page = visit.page
    practice = PracticeFactory(name="Heronsgate Counselling")
    practitioner = MembershipFactory(
        practice=practice,
        role=Role.OWNER,
        user__email="tamsin.orrell@example.org",
        user__full_name="Tamsin Orrell",
    ).user
    client = ClientFactory(
        practice=practice,
        created_by=practitioner,
        given_name="Jesse",
        family_name="Quarrendon",
        email="jesse.quarrendon@example.net",
    )
    CareTeamMemberFactory(client=client, user=practitioner)
    client_user = portal_user_for(client, invited_by=practitioner)
    # An earlier score from a session, so the chart has a first score to measure change from.
    actions.record_administration(
        client=client,
        instrument=PHQ9,
        answers=[2, 2, 2, 2, 2, 2, 2, 2, 0, 1],
        completed_on=timezone.localdate() - dt.timedelta(days=28),
        by=practitioner,
    )
    actions.send_to_portal(client=client, instrument=PHQ9, by=practitioner)

    # The emailed link leads to the portal's sign-in, then straight to the questionnaire.
    (message,) = mailoutbox
    assert "PHQ" not in message.subject + message.body
    link = re.search(r"https?://\S+/portal/questionnaires/start/\S+/", message.body)
    assert link is not None
    visit.goto(urlsplit(link.group(0)).path)
    _heading(visit, "sign in to your space")
    page.locator("input[name=login]").fill(client_user.email)
    page.locator("input[name=password]").fill(TEST_PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    _heading(visit, "PHQ-9")
    visit.check_accessibility("portal questionnaire, empty")

    # Half of it, by keyboard, then "Save and finish later".
    for item in range(1, 6):
        _answer(visit, item, "Several days")
    page.get_by_role("button", name="Save and finish later").click()
    _heading(visit, "questionnaires")
    assert "Saved." in page.content()
    visit.check_accessibility("portal questionnaires list")
    request = QuestionnaireRequest.objects.get()
    assert request.answers[:6] == [1, 1, 1, 1, 1, None] and request.status == RequestStatus.OPEN
    assert not Administration.objects.filter(mode=Mode.PORTAL).exists()

    # Back later from the home page: the answers so far are still chosen.
    visit.goto(reverse("portal:home"))
    _heading(visit, "hello, jesse")
    visit.check_accessibility("portal home with a questionnaire waiting")
    page.get_by_role("link", name="PHQ-9").first.click()
    _heading(visit, "PHQ-9")
    assert "5 of 10 answered so far" in page.content()
    group = page.get_by_role("group", name=re.compile(r"^3\. "))
    assert group.get_by_role("radio", name="Several days").is_checked()

    # Sending with questions left: kept, not scored, and the summary says which.
    _answer(visit, 6, "Not at all")
    page.get_by_role("button", name="Send my answers").click()
    summary = page.get_by_role("alert")
    summary.wait_for()
    assert "still need an answer" in summary.inner_text()
    visit.check_accessibility("portal questionnaire, questions left")
    assert not Administration.objects.filter(mode=Mode.PORTAL).exists()
    summary.get_by_role("link").first.click()  # the error links take you to the question

    for item in (7, 8, 9):
        _answer(visit, item, "Not at all")
    _answer(visit, 10, "Somewhat difficult")
    page.get_by_role("button", name="Send my answers").click()
    _heading(visit, "questionnaires")
    assert "Your answers have been sent" in page.content()
    administration = Administration.objects.get(mode=Mode.PORTAL)
    assert administration.total == 5 and administration.recorded_by == client_user
    request.refresh_from_db()
    assert request.status == RequestStatus.COMPLETED

    # The link is spent: it says so kindly.
    visit.goto(urlsplit(link.group(0)).path)
    _heading(visit, "this questionnaire is closed")
    visit.check_accessibility("portal questionnaire, link already used")

    # The practitioner shares the chart; the client reads it.
    share = actions.share_chart(client=client, instrument=PHQ9, by=practitioner)
    visit.goto(reverse("portal:home"))
    page.get_by_role("link", name="Your PHQ-9 scores over time").click()
    _heading(visit, "your phq-9 scores over time")
    assert urlsplit(page.url).path == reverse("portal:progress_chart", args=[share.pk])
    assert page.get_by_role("img", name=re.compile("PHQ-9 scores over time")).is_visible()
    assert "How to read it" in page.content()
    visit.check_accessibility("portal shared chart")

    visit.assert_clean()


STAFF_PASSWORD = "lapwing-3307-granite-meadow"


def test_the_practitioner_sends_schedules_and_shares(
    visit: Visit, transactional_db: Any, mailoutbox: list[Any]
) -> None:
    page = visit.page
    owner = MembershipFactory(
        role=Role.OWNER,
        user__email="piran.hollis@example.org",
        user__full_name="Piran Hollis",
        user__password=STAFF_PASSWORD,
    ).user
    secret = generate_totp_secret()
    TOTP.activate(owner, secret)
    client = ClientFactory(
        practice=owner.membership.practice,
        created_by=owner,
        given_name="Noor",
        family_name="Ashbourne",
        email="noor.ashbourne@example.net",
    )
    CareTeamMemberFactory(client=client, user=owner)
    portal_user_for(client, invited_by=owner)
    for days, answers in ((35, [3] * 8 + [0]), (7, [1] * 8 + [0])):
        actions.record_administration(
            client=client,
            instrument=PHQ9,
            answers=answers,
            completed_on=timezone.localdate() - dt.timedelta(days=days),
            by=owner,
        )

    visit.goto(reverse("account_login"))
    page.locator("input[name=login]").fill(owner.email)
    page.locator("input[name=password]").fill(STAFF_PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    code = page.get_by_label(re.compile("code from your app", re.IGNORECASE))
    code.wait_for()
    code.fill(current_code(secret)[0])
    page.get_by_role("button", name="Continue").click()
    page.get_by_role("heading", name=re.compile("good to see you", re.IGNORECASE)).wait_for()

    # From the card: the PHQ-9 progress page, its chart and the change first to latest.
    visit.goto(reverse("clients:card", args=[client.pk]))
    _heading(visit, "Noor Ashbourne")
    page.get_by_role("link", name="progress on PHQ-9").first.click()
    _heading(visit, "PHQ-9 progress for Noor Ashbourne")
    assert "Reliable improvement, and clinically significant" in page.content()
    assert page.get_by_role("img", name=re.compile("PHQ-9 scores over time")).is_visible()
    visit.check_accessibility("progress page")
    page.get_by_role("button", name="Share this chart with Noor").click()
    _heading(visit, "PHQ-9 progress")
    assert ChartShare.objects.filter(client=client, withdrawn_at__isnull=True).count() == 1
    visit.check_accessibility("progress page, shared")

    # Send a GAD-7 to the portal now.
    visit.goto(reverse("measures:send", args=[client.pk]))
    _heading(visit, "send a questionnaire")
    visit.check_accessibility("send to the portal")
    page.get_by_role("button", name="Send to their portal").click()
    page.get_by_role("alert").wait_for()  # nothing chosen: the error summary
    visit.check_accessibility("send to the portal, nothing chosen")
    page.get_by_label("Questionnaire").select_option("gad7")
    page.get_by_role("button", name="Send to their portal").click()
    _heading(visit, "send a questionnaire")
    assert "Waiting until" in page.content() and len(mailoutbox) == 1

    # And a schedule: every 4th session.
    page.get_by_role("link", name="Or send on a schedule").click()
    _heading(visit, "questionnaire schedule")
    page.get_by_label("Questionnaire").select_option("phq9")
    page.get_by_label("Before every Nth session").check()
    page.get_by_label(re.compile("how often")).fill("4")
    page.get_by_role("button", name="Add schedule").click()
    _heading(visit, "questionnaire schedule")
    assert "Before every 4th session" in page.content()
    visit.check_accessibility("schedule page")
    assert MeasureSchedule.objects.get(client=client).every_n == 4

    visit.assert_clean()
