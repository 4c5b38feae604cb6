"""Signing in at the portal: allauth's own flow in the portal's layout, and the right home after."""

from __future__ import annotations

from typing import Any

import pytest
from django.test import Client as HttpClient
from django.urls import reverse

from frame.accounts.models import User
from frame.portal.models import PortalAccount
from tests.factories import TEST_PASSWORD

pytestmark = pytest.mark.django_db


def _sign_in(http: HttpClient, email: str, password: str = TEST_PASSWORD, **extra: Any) -> Any:
    return http.post(reverse("portal:sign_in"), {"login": email, "password": password}, **extra)


def test_the_sign_in_page_wears_the_portal_layout_with_crisis_contacts(
    client: HttpClient,
) -> None:
    response = client.get(reverse("portal:sign_in"))
    assert response.status_code == 200
    html = response.content.decode()
    assert 'class="portal"' in html
    assert "Sign in to your space" in html
    assert "116 123" in html and "85258" in html and "999" in html


def test_a_client_signs_in_and_lands_on_the_portal_home(
    client: HttpClient, portal_user: User
) -> None:
    response = _sign_in(client, portal_user.email)
    assert response.status_code == 302
    assert response["Location"] == reverse("portal:home")
    assert client.get(reverse("portal:home")).status_code == 200


def test_a_client_signing_in_at_the_staff_page_also_lands_in_the_portal(
    client: HttpClient, portal_user: User
) -> None:
    response = client.post(
        reverse("account_login"), {"login": portal_user.email, "password": TEST_PASSWORD}
    )
    assert response.status_code == 302
    assert response["Location"] == reverse("portal:home")


def test_staff_signing_in_at_the_portal_page_land_on_the_staff_side(
    client: HttpClient, practitioner: User
) -> None:
    response = _sign_in(client, practitioner.email)
    assert response.status_code == 302
    assert response["Location"] != reverse("portal:home")
    assert not response["Location"].startswith("/portal/")


def test_a_wrong_password_gets_the_same_plain_words_as_an_unknown_address(
    client: HttpClient, portal_user: User
) -> None:
    wrong = _sign_in(client, portal_user.email, "not the password at all")
    unknown = _sign_in(client, "nobody@example.net", "not the password at all")
    assert wrong.status_code == unknown.status_code == 200
    for response in (wrong, unknown):
        assert "That email address and password do not match" in response.content.decode()


def test_sign_in_is_rate_limited(client: HttpClient, portal_user: User) -> None:
    responses = [_sign_in(client, portal_user.email, f"wrong password {n}") for n in range(7)]
    assert any("too many attempts" in r.content.decode() or r.status_code == 429 for r in responses)


def test_a_suspended_client_cannot_sign_in_and_is_told_plainly(
    client: HttpClient, portal_user: User
) -> None:
    account = PortalAccount.objects.get(user=portal_user)
    account.status = PortalAccount.Status.SUSPENDED
    account.save()
    User.objects.filter(pk=portal_user.pk).update(is_active=False)
    response = _sign_in(client, portal_user.email, follow=True)
    assert response.redirect_chain[-1][0] == reverse("portal:paused")
    assert "access to this space is paused" in response.content.decode()
    assert "_auth_user_id" not in client.session


def test_signing_out_returns_a_client_to_the_portal_sign_in(
    portal_user: User, as_client: Any
) -> None:
    http = as_client(portal_user)
    response = http.post(reverse("account_logout"), {"next": reverse("portal:sign_in")})
    assert response.status_code == 302
    assert response["Location"] == reverse("portal:sign_in")
    assert "_auth_user_id" not in http.session


def test_a_signed_in_client_visiting_sign_in_goes_home(portal_user: User, as_client: Any) -> None:
    response = as_client(portal_user).get(reverse("portal:sign_in"))
    assert response.status_code == 302
    assert response["Location"] == reverse("portal:home")
