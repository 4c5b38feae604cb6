"""allauth's pages render inside Frame's layout: labelled forms, nothing inline (strict CSP)."""

from __future__ import annotations

import re
from html.parser import HTMLParser
from typing import Any

import pytest
from allauth.mfa.recovery_codes.internal.auth import RecoveryCodes
from django.core import mail
from django.test import Client as HttpClient
from django.urls import reverse

from frame.accounts import actions
from frame.accounts.models import User
from tests.accounts.conftest import (
    add_security_key,
    confirm_recently,
    enrol_totp,
    sign_in_with_password,
)


class _Page(HTMLParser):
    """Collects what the checks below need: inputs, labels, scripts and inline styles."""

    def __init__(self) -> None:
        super().__init__()
        self.inputs: list[dict[str, str | None]] = []
        self.label_for: set[str] = set()
        self.inline_scripts = 0
        self.style_attributes = 0
        self.event_handlers = 0
        self.style_elements = 0
        self.fieldset_depth = 0
        self.label_depth = 0

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        attributes = dict(attrs)
        if "style" in attributes:
            self.style_attributes += 1
        self.event_handlers += sum(1 for name in attributes if name.startswith("on"))
        if tag == "script" and not attributes.get("src"):
            self.inline_scripts += 1
        if tag == "style":
            self.style_elements += 1
        if tag == "label":
            self.label_depth += 1
            if attributes.get("for"):
                self.label_for.add(str(attributes["for"]))
        if tag in {"input", "select", "textarea"}:
            attributes["_inside_label"] = "yes" if self.label_depth else None
            self.inputs.append(attributes)

    def handle_endtag(self, tag: str) -> None:
        if tag == "label":
            self.label_depth -= 1


def assert_frame_page(response: Any) -> str:
    assert response.status_code == 200
    body = response.content.decode()
    assert 'class="skip-link"' in body and 'class="site-header"' in body, "inside base.html"
    assert "Menu:" not in body, "not allauth's bare layout"
    page = _Page()
    page.feed(body)
    assert page.inline_scripts == 0, "no inline <script>"
    assert page.style_attributes == 0 and page.style_elements == 0, "no inline style"
    assert page.event_handlers == 0, "no inline event handlers"
    for field in page.inputs:
        if field.get("type") in {"hidden", "submit"}:
            continue
        labelled = field.get("id") in page.label_for or field.get("_inside_label")
        assert labelled, f"unlabelled field: {field}"
    assert re.search(r"<h1>.+</h1>", body, re.S), "every page has a heading"
    return body


@pytest.mark.parametrize(
    "url_name",
    [
        "account_login",
        "account_reset_password",
        "account_reset_password_done",
        "account_signup",
    ],
)
def test_entrance_pages_are_frames_own(client: HttpClient, db: Any, url_name: str) -> None:
    assert_frame_page(client.get(reverse(url_name)))


def test_login_page_words(client: HttpClient, db: Any) -> None:
    body = assert_frame_page(client.get(reverse("account_login")))
    assert "Sign in to Frame" in body and "Forgotten your password?" in body
    assert "sign up" not in body.lower().replace("no way to sign up", "")


def test_login_errors_show_in_a_summary_and_keep_the_email(client: HttpClient, db: Any) -> None:
    response = sign_in_with_password(client, "someone@example.org", "wrong password")
    body = response.content.decode()
    assert 'class="error-summary"' in body
    assert "That email address and password do not match" in body
    assert 'value="someone@example.org"' in body


def test_mfa_challenge_page(client: HttpClient, practitioner: User) -> None:
    enrol_totp(practitioner)
    sign_in_with_password(client, practitioner.email)
    body = assert_frame_page(client.get(reverse("mfa_authenticate")))
    assert "Your second step" in body
    assert "data-webauthn" not in body, "no security-key button for someone without a key"


def test_mfa_challenge_offers_a_registered_security_key(
    client: HttpClient, practitioner: User
) -> None:
    enrol_totp(practitioner)
    add_security_key(practitioner)
    sign_in_with_password(client, practitioner.email)
    body = assert_frame_page(client.get(reverse("mfa_authenticate")))
    assert 'data-webauthn="authenticate"' in body, "wired by data- attributes, not inline script"
    assert "allowCredentials" in body and "/static/accounts/webauthn.js" in body


def test_security_key_pages(as_user: Any, practitioner: User) -> None:
    enrol_totp(practitioner)
    key = add_security_key(practitioner, name="Desk key")
    http = as_user(practitioner)
    confirm_recently(http, practitioner)
    listing = assert_frame_page(http.get(reverse("mfa_list_webauthn")))
    assert "Desk key" in listing
    assert_frame_page(http.get(reverse("mfa_edit_webauthn", kwargs={"pk": key.pk})))
    assert_frame_page(http.get(reverse("mfa_remove_webauthn", kwargs={"pk": key.pk})))
    index = assert_frame_page(http.get(reverse("mfa_index")))
    assert "You have added one security key." in index


def test_password_reset_from_the_emailed_link(client: HttpClient, practitioner: User) -> None:
    client.post(reverse("account_reset_password"), {"email": practitioner.email})
    link = re.search(r"http\S+/password/reset/key/\S+/", mail.outbox[0].body)
    assert link
    path = link.group(0).split("://", 1)[1].split("/", 1)[1]
    page = client.get("/" + path, follow=True)
    body = assert_frame_page(page)
    assert "Choose a new password" in body
    bad = assert_frame_page(client.get("/account/password/reset/key/1-nonsense/"))
    assert "does not work any more" in bad


@pytest.mark.parametrize(
    "url_name",
    [
        "accounts:security",
        "account_change_password",
        "mfa_index",
        "mfa_add_webauthn",
        "mfa_list_webauthn",
        "mfa_generate_recovery_codes",
        "usersessions_list",
        "account_logout",
    ],
)
def test_account_pages_are_frames_own(as_user: Any, practitioner: User, url_name: str) -> None:
    enrol_totp(practitioner)
    http = as_user(practitioner)
    confirm_recently(http, practitioner)
    assert_frame_page(http.get(reverse(url_name)))


def test_reauthentication_page(as_user: Any, practitioner: User) -> None:
    enrol_totp(practitioner)
    http = as_user(practitioner)
    body = assert_frame_page(http.get(reverse("account_reauthenticate")))
    assert "Please confirm it is you" in body
    assert reverse("mfa_reauthenticate") in body, "a code from the app works too"
    assert_frame_page(http.get(reverse("mfa_reauthenticate")))


def test_totp_activation_page(client: HttpClient, practitioner: User) -> None:
    client.force_login(practitioner)
    confirm_recently(client, practitioner)
    body = assert_frame_page(client.get(reverse("mfa_activate_totp")))
    assert '<img src="data:image/svg+xml;base64,' in body, "QR code as a data: image (CSP allows)"
    assert 'id="totp-secret"' in body
    assert "Set up your authenticator app" in body


def test_recovery_codes_page(as_user: Any, practitioner: User) -> None:
    enrol_totp(practitioner)
    RecoveryCodes.activate(practitioner)
    http = as_user(practitioner)
    confirm_recently(http, practitioner)
    body = assert_frame_page(http.get(reverse("mfa_view_recovery_codes")))
    assert "Frame shows them only this once" in body


def test_mfa_required_page(client: HttpClient, practitioner: User) -> None:
    client.force_login(practitioner)
    assert_frame_page(client.get(reverse("accounts:mfa_required")))


def test_setup_and_join_pages(client: HttpClient, db: Any) -> None:
    token = actions.issue_setup_token()
    body = assert_frame_page(client.get(reverse("accounts:setup", kwargs={"token": token})))
    assert "Set up your practice" in body


def test_team_and_member_pages(as_user: Any, practitioner: User, colleague: User) -> None:
    http = as_user(practitioner)
    assert_frame_page(http.get(reverse("accounts:team")))
    member = reverse("accounts:member", kwargs={"member_id": colleague.membership.pk})
    assert_frame_page(http.get(member))
    deactivate = reverse(
        "accounts:deactivate_member", kwargs={"member_id": colleague.membership.pk}
    )
    assert_frame_page(http.get(deactivate))


def test_allauth_templates_shipped_with_inline_script_are_all_overridden(settings: Any) -> None:
    """allauth's own versions of these carry inline <script> blocks; ours must replace them."""
    from django.template.loader import get_template

    for name in (
        "mfa/authenticate.html",
        "mfa/recovery_codes/index.html",
        "mfa/webauthn/add_form.html",
        "mfa/webauthn/reauthenticate.html",
    ):
        origin = get_template(name).origin.name  # type: ignore[attr-defined]
        assert origin == str(settings.BASE_DIR / "templates" / name), origin


def test_email_addresses_page_is_frames_own(as_user: Any, practitioner: User) -> None:
    enrol_totp(practitioner)
    http = as_user(practitioner)
    assert_frame_page(http.get(reverse("account_email")))
