"""Idle timeout, absolute session lifetime, and people ending their own sessions."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import time_machine
from allauth.usersessions.models import UserSession
from django.contrib.sessions.models import Session
from django.test import Client as HttpClient
from django.urls import reverse
from django.utils import timezone

from frame.accounts.models import User
from frame.audit.models import Action, AuditEvent
from tests.accounts.conftest import enrol_totp, sign_in_fully

START = timezone.datetime(2026, 3, 2, 9, 0, tzinfo=timezone.get_current_timezone())


def _goes_to_login(response: Any) -> bool:
    return response.status_code == 302 and response["Location"].startswith(reverse("account_login"))


def test_idle_for_31_minutes_means_signing_in_again(practitioner: User, settings: Any) -> None:
    assert settings.FRAME_IDLE_TIMEOUT_MINUTES == 30
    secret = enrol_totp(practitioner)
    with time_machine.travel(START, tick=False) as clock:
        http = HttpClient()
        sign_in_fully(http, practitioner, secret)
        assert http.get(reverse("home")).status_code == 200
        clock.shift(timedelta(minutes=29))
        assert http.get(reverse("home")).status_code == 200, "activity keeps it alive"
        clock.shift(timedelta(minutes=31))
        assert _goes_to_login(http.get(reverse("home")))


def test_sessions_end_after_the_absolute_lifetime_however_active(
    practitioner: User, settings: Any
) -> None:
    secret = enrol_totp(practitioner)
    lifetime = timedelta(hours=settings.FRAME_SESSION_MAX_HOURS)
    with time_machine.travel(START, tick=False) as clock:
        http = HttpClient()
        sign_in_fully(http, practitioner, secret)
        elapsed = timedelta()
        while elapsed + timedelta(minutes=10) < lifetime:
            clock.shift(timedelta(minutes=10))
            elapsed += timedelta(minutes=10)
            assert http.get(reverse("home")).status_code == 200, f"ended early, at {elapsed}"
        clock.shift(timedelta(minutes=10))
        assert _goes_to_login(http.get(reverse("home")))
        assert _goes_to_login(http.get(reverse("home"))), "and it stays ended"


def test_people_see_and_end_their_other_sessions(practitioner: User) -> None:
    secret = enrol_totp(practitioner)
    with time_machine.travel(START, tick=False) as clock:
        laptop, phone = (
            HttpClient(HTTP_USER_AGENT="Laptop browser"),
            HttpClient(HTTP_USER_AGENT="Phone browser"),
        )
        sign_in_fully(laptop, practitioner, secret)
        clock.shift(timedelta(seconds=31))  # a fresh code for the second sign-in
        sign_in_fully(phone, practitioner, secret)
        phone_key = phone.session.session_key

        listing = laptop.get(reverse("usersessions_list"))
        assert listing.status_code == 200
        assert b"Laptop browser" in listing.content and b"Phone browser" in listing.content

        ended = laptop.post(reverse("usersessions_list"))

        assert ended.status_code == 302
        assert not Session.objects.filter(session_key=phone_key).exists()
        assert _goes_to_login(phone.get(reverse("home")))
        assert laptop.get(reverse("home")).status_code == 200
        assert UserSession.objects.filter(user=practitioner).count() == 1
        event = AuditEvent.objects.get(action=Action.SESSION_ENDED)
        assert event.actor_id == practitioner.pk and event.detail == {"count": 1}


def test_security_page_links_to_every_control(as_user: Any, practitioner: User) -> None:
    enrol_totp(practitioner)
    response = as_user(practitioner).get(reverse("accounts:security"))
    assert response.status_code == 200
    body = response.content.decode()
    for name in (
        "account_change_password",
        "mfa_index",
        "mfa_generate_recovery_codes",
        "usersessions_list",
    ):
        assert f'href="{reverse(name)}"' in body, name
    assert "Authenticator app: set up" in body


def test_signing_out_tells_the_browser_to_forget_the_site(as_user: Any, practitioner: Any) -> None:
    http = as_user(practitioner)
    response = http.post(reverse("account_logout"))
    assert response.status_code == 302
    assert response["Clear-Site-Data"] == '"cache", "cookies", "storage"'
    assert http.get(reverse("home")).status_code == 302  # signed out for real
