"""The contract journey, in a real browser, from both sides of the relationship.

The practitioner invites a client to the portal; the client sets a password, reads and agrees the
contract section by section and types their name, downloads the PDF, and says what they would like
if they meet their practitioner by chance. The practitioner then sees the agreement and the
preference on the card. Every contract page, staff and portal, is checked with axe-core.
"""

from __future__ import annotations

import re
import subprocess
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from allauth.mfa.totp.internal.auth import TOTP, generate_totp_secret
from django.urls import reverse

from frame.accounts.models import Role
from frame.contracts import selectors
from frame.contracts.models import Agreement, AgreementMethod, EncounterChoice
from tests.browser.conftest import Visit
from tests.browser.totp import current_code
from tests.factories import CareTeamMemberFactory, ClientFactory, MembershipFactory

STAFF_PASSWORD = "harbour-thistle-5521-lantern"
CLIENT_PASSWORD = "quiet-meadow-8812-kestrel"
JOIN_LINK = re.compile(r"https?://[^\s]+/portal/join/[^\s/]+/")


def _heading(visit: Visit, pattern: str) -> None:
    heading = visit.page.get_by_role("heading", level=1)
    heading.wait_for()
    assert re.search(pattern, heading.inner_text(), re.IGNORECASE), heading.inner_text()


def _staff_sign_in(visit: Visit, email: str, secret: str, *, after: int = -1) -> int:
    """Sign in with password and code; returns the code's window (codes work only once)."""
    page = visit.page
    visit.goto(reverse("account_login"))
    page.locator("input[name=login]").fill(email)
    page.locator("input[name=password]").fill(STAFF_PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    code = page.get_by_label(re.compile("code from your app", re.IGNORECASE))
    code.wait_for()
    value, window = current_code(secret, after=after)
    code.fill(value)
    page.get_by_role("button", name="Continue").click()
    page.get_by_role("heading", name=re.compile("good to see you", re.IGNORECASE)).wait_for()
    return window


def _sign_out(visit: Visit) -> None:
    visit.page.get_by_role("button", name="Sign out").click()
    visit.page.wait_for_load_state("domcontentloaded")


def test_invite_agree_download_and_chance_encounter(
    visit: Visit, transactional_db: Any, mailoutbox: list[Any], tmp_path: Path
) -> None:
    page = visit.page
    owner = MembershipFactory(
        role=Role.OWNER,
        practice__name="Kingfisher Lane Counselling",
        user__email="imogen.hale@example.org",
        user__full_name="Imogen Hale",
        user__password=STAFF_PASSWORD,
    ).user
    secret = generate_totp_secret()
    TOTP.activate(owner, secret)
    client = ClientFactory(
        practice=owner.membership.practice,
        created_by=owner,
        given_name="Morgan",
        family_name="Feltham",
        email="morgan.feltham@example.net",
    )
    CareTeamMemberFactory(client=client, user=owner)
    card_url = reverse("clients:card", args=[client.pk])

    # 1. The practitioner invites Morgan from the card.
    first_window = _staff_sign_in(visit, owner.email, secret)
    visit.goto(card_url)
    _heading(visit, "Morgan Feltham")
    page.get_by_role("link", name=re.compile("Invite Morgan to the portal")).click()
    page.get_by_role("button", name="Send the invitation").click()
    _heading(visit, "Morgan Feltham")
    assert len(mailoutbox) == 1
    match = JOIN_LINK.search(mailoutbox[0].body)
    assert match is not None, mailoutbox[0].body
    _sign_out(visit)

    # 2. Morgan sets a password and lands in their own space.
    visit.goto(urlsplit(match.group(0)).path)
    _heading(visit, "Welcome")
    page.get_by_label("Choose a password").fill(CLIENT_PASSWORD)
    page.get_by_label("Type the password again").fill(CLIENT_PASSWORD)
    page.get_by_role("button", name="Set up my space").click()
    _heading(visit, "Hello")
    visit.check_accessibility("portal home, contract to agree")

    # 3. Read and agree the contract: every section confirmed, name typed.
    page.get_by_role("link", name="Read and agree").click()
    _heading(visit, "Your agreement")
    visit.check_accessibility("portal agreement to agree")
    boxes = page.get_by_role("checkbox")
    total = boxes.count()
    assert total == len(selectors.contract_for(client).document.clauses)  # type: ignore[union-attr]
    # Missing one section is refused in plain words, keeping the ticks and the name.
    for index in range(total - 1):
        boxes.nth(index).check()
    page.get_by_label("Type your full name to agree").fill("Morgan Feltham")
    page.get_by_role("button", name="Agree").click()
    page.get_by_role("alert").first.wait_for()
    assert "Please confirm you agree to" in page.get_by_role("alert").first.inner_text()
    visit.check_accessibility("portal agreement with an error")
    page.get_by_role("checkbox").nth(total - 1).check()
    page.get_by_role("button", name="Agree").click()
    page.get_by_text("Your agreement has been recorded").wait_for()
    agreement = Agreement.objects.get(client=client)
    assert agreement.method == AgreementMethod.PORTAL and agreement.typed_name == "Morgan Feltham"
    visit.check_accessibility("portal agreement agreed")

    # 4. Download the PDF copy.
    with page.expect_download() as download_info:
        page.get_by_role("link", name="Download your copy (PDF)").click()
    saved = tmp_path / "agreement.pdf"
    download_info.value.save_as(saved)
    text = subprocess.run(
        ["/usr/bin/pdftotext", str(saved), "-"], capture_output=True, check=True
    ).stdout.decode()
    assert "Morgan Feltham" in text and "£60" in text

    # 5. Change the chance-encounter preference.
    visit.goto(reverse("portal:home"))
    page.get_by_role("link", name="Tell me what you would prefer").click()
    _heading(visit, "If we meet by chance")
    visit.check_accessibility("portal chance encounter")
    page.get_by_label("A nod or a smile only").check()
    page.get_by_label(re.compile("in your own words")).fill("Only if I am on my own.")
    page.get_by_role("button", name="Save").click()
    page.get_by_text("Your preference has been saved").wait_for()
    preference = selectors.chance_encounter_for(client)
    assert preference is not None and preference.choice == EncounterChoice.NOD_OR_SMILE
    _sign_out(visit)

    # 6. The practitioner sees the agreement and the preference on the card.
    _staff_sign_in(visit, owner.email, secret, after=first_window)
    visit.goto(card_url)
    _heading(visit, "Morgan Feltham")
    alert = page.locator("#chance-encounter")
    assert "If you meet by chance: A nod or a smile only" in alert.inner_text()
    assert "Only if I am on my own." in alert.inner_text()
    assert "Agreed on" in page.locator("#contract").inner_text()
    visit.check_accessibility("card with agreement and preference")

    # 7. Every staff contract page, after a template edit so the re-agreement view has content.
    template = selectors.template_for(client)
    assert template is not None
    visit.goto(reverse("contracts:template_edit", args=[template.pk]))
    _heading(visit, "Edit")
    visit.check_accessibility("edit a template")
    gifts = page.get_by_label("Text").nth(13)
    gifts.fill(gifts.input_value() + " Thank you for understanding.")
    page.get_by_role("button", name=re.compile("Save as version 2")).click()
    page.get_by_text("Saved as version 2").wait_for()
    visit.goto(card_url)
    assert "Re-agreement needed" in page.locator("#reagreement").inner_text()
    visit.check_accessibility("card with re-agreement needed")
    pages = {
        "contract templates": reverse("contracts:templates"),
        "template": reverse("contracts:template", args=[template.pk]),
        "earlier version": reverse("contracts:template", args=[template.pk]) + "?version=1",
        "compare versions": reverse("contracts:template_compare", args=[template.pk])
        + "?old=1&new=2",
        "copy a template": reverse("contracts:template_copy", args=[template.pk]),
        "practice terms": reverse("contracts:practice_terms"),
        "client contract": reverse("contracts:client_contract", args=[client.pk]),
        "client terms": reverse("contracts:client_terms", args=[client.pk]),
        "record an agreement": reverse("contracts:record_agreement", args=[client.pk]),
        "chance encounter (staff)": reverse("contracts:chance_encounter", args=[client.pk]),
        "communication preferences": reverse("contracts:communication", args=[client.pk]),
    }
    for label, path in pages.items():
        response = visit.goto(path)
        assert response is not None and response.status == 200, f"{label}: {response}"
        page.get_by_role("heading", level=1).wait_for()
        visit.check_accessibility(label)
    # A form with errors, too: a bad fee on the practice's terms.
    visit.goto(pages["practice terms"])
    page.get_by_label("Fee per session (£)").fill("-5")
    page.get_by_role("button", name="Save the practice's terms").click()
    page.get_by_role("alert").first.wait_for()
    visit.check_accessibility("practice terms with an error")

    visit.assert_clean()
