"""The one-time setup link, `frame serve`'s announcement of it, and `frame createpractice`."""

from __future__ import annotations

import io
import sys
from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest
import time_machine
from allauth.mfa.models import Authenticator
from allauth.mfa.totp.internal.auth import SECRET_SESSION_KEY
from django.core.management import CommandError, call_command
from django.test import Client as HttpClient
from django.urls import reverse
from django.utils import timezone

from frame.accounts import actions
from frame.accounts.management.commands.serve import announce_setup_link, gunicorn_command
from frame.accounts.models import Membership, Role, SetupToken, User, hash_token
from frame.audit.models import Action, AuditEvent
from tests.accounts.conftest import totp_code
from tests.factories import MembershipFactory

GOOD = {
    "practice_name": "Larkspur Therapy",
    "full_name": "Nia Calloway",
    "email": "Nia.Calloway@example.org",
    "password1": "quiet orchard lantern morning",
    "password2": "quiet orchard lantern morning",
}


def _setup_url(token: str) -> str:
    return reverse("accounts:setup", kwargs={"token": token})


def _new_token() -> str:
    return actions.issue_setup_token()


# --- The link itself ------------------------------------------------------------------------------


def test_setup_link_creates_practice_and_owner_then_asks_for_mfa(
    client: HttpClient, db: Any
) -> None:
    token = _new_token()
    assert client.get(_setup_url(token)).status_code == 200

    response = client.post(_setup_url(token), GOOD)

    assert response.status_code == 302
    assert response["Location"] == reverse("accounts:mfa_required")
    user = User.objects.get()
    assert user.email == "nia.calloway@example.org"
    assert user.full_name == "Nia Calloway"
    membership = Membership.objects.get(user=user)
    assert membership.role == Role.OWNER and membership.is_active
    assert membership.practice.name == "Larkspur Therapy"
    assert SetupToken.objects.get().used_at is not None
    assert AuditEvent.objects.filter(
        action=Action.PRACTICE_CREATED, actor_id=user.pk, practice_id=membership.practice_id
    ).exists()
    # Signed in, but every staff page sends them to enrol a two-step method first.
    assert client.get(reverse("home"))["Location"] == reverse("accounts:mfa_required")


def test_new_owner_enrols_totp_without_retyping_password_and_sees_codes_once(
    client: HttpClient, db: Any, on_commit_immediately: None
) -> None:
    client.post(_setup_url(_new_token()), GOOD)

    page = client.get(reverse("mfa_activate_totp"))
    assert page.status_code == 200, "the password typed a moment ago counts as a fresh check"
    secret = client.session[SECRET_SESSION_KEY]
    grouped = " ".join(secret[i : i + 4] for i in range(0, len(secret), 4))
    assert grouped.encode() in page.content, "the setup key is shown as text"
    assert b"data:image/svg+xml;base64," in page.content, "and as a QR code"

    done = client.post(reverse("mfa_activate_totp"), {"code": totp_code(secret)})
    assert done["Location"] == reverse("mfa_view_recovery_codes")
    user = User.objects.get()
    assert Authenticator.objects.filter(user=user, type=Authenticator.Type.TOTP).exists()

    codes = Authenticator.objects.get(user=user, type=Authenticator.Type.RECOVERY_CODES)
    first_code = codes.wrap().get_unused_codes()[0]
    assert first_code.encode() in client.get(reverse("mfa_view_recovery_codes")).content
    assert first_code.encode() not in client.get(reverse("mfa_view_recovery_codes")).content
    assert client.get(reverse("home")).status_code == 200


def test_setup_form_errors_are_plain_and_keep_what_was_typed(client: HttpClient, db: Any) -> None:
    token = _new_token()
    bad = {**GOOD, "email": "not an address", "password2": "something else entirely"}

    response = client.post(_setup_url(token), bad)

    assert response.status_code == 400
    body = response.content.decode()
    assert "There are some problems" in body
    assert "The two passwords are different" in body
    assert 'value="Larkspur Therapy"' in body and 'value="Nia Calloway"' in body
    assert 'value="not an address"' in body
    assert not User.objects.exists()
    assert SetupToken.objects.get().used_at is None, "a failed attempt does not use up the link"


def test_setup_refuses_a_weak_password(client: HttpClient, db: Any) -> None:
    response = client.post(
        _setup_url(_new_token()), {**GOOD, "password1": "password", "password2": "password"}
    )
    assert response.status_code == 400
    assert not User.objects.exists()


@pytest.mark.parametrize("state", ["used", "expired", "revoked", "unknown", "account_exists"])
def test_unusable_setup_links_all_give_the_same_404(
    state: str, client: HttpClient, db: Any
) -> None:
    token = _new_token()
    if state == "used":
        assert client.post(_setup_url(token), GOOD).status_code == 302
        client.logout()
    elif state == "revoked":
        _new_token()  # a newer printout retires the older link
    elif state == "expired":
        SetupToken.objects.update(expires_at=timezone.now() - timedelta(seconds=1))
    elif state == "unknown":
        token = "not-a-real-token"
    elif state == "account_exists":
        MembershipFactory(role=Role.OWNER)
    unknown = client.get(_setup_url("x" * 43))

    for response in (
        client.get(_setup_url(token)),
        client.post(_setup_url(token), {**GOOD, "email": "second@example.org"}),
    ):
        assert response.status_code == 404
        assert response.content == unknown.content
    assert not User.objects.filter(email="second@example.org").exists()


def test_a_setup_link_expires_after_the_configured_hours(
    client: HttpClient, db: Any, settings: Any
) -> None:
    token = _new_token()
    later = timezone.now() + timedelta(hours=settings.FRAME_SETUP_LINK_HOURS, minutes=1)
    with time_machine.travel(later):
        assert client.get(_setup_url(token)).status_code == 404
        assert client.post(_setup_url(token), GOOD).status_code == 404
    assert not User.objects.exists()


def test_only_the_tokens_hash_is_stored(db: Any) -> None:
    token = _new_token()
    stored = SetupToken.objects.get()
    assert stored.token_hash == hash_token(token)
    assert token not in stored.token_hash


def test_a_setup_link_cannot_be_used_twice_even_by_a_racing_request(db: Any) -> None:
    token = _new_token()
    setup_token = SetupToken.find_usable(token)
    assert setup_token is not None
    actions.create_practice(
        practice_name="First",
        full_name="A B",
        email="a@example.org",
        password="x" * 20,
        setup_token=setup_token,
    )
    with pytest.raises(actions.TokenUnusable):
        actions.create_practice(
            practice_name="Second",
            full_name="C D",
            email="c@example.org",
            password="x" * 20,
            setup_token=setup_token,  # the same object, fetched before the first use
        )
    assert User.objects.count() == 1


# --- frame serve ----------------------------------------------------------------------------------


def test_serve_prints_a_fresh_link_only_while_there_is_no_account(db: Any, settings: Any) -> None:
    settings.FRAME_BASE_URL = "http://127.0.0.1:8000"
    out = io.StringIO()

    link = announce_setup_link(out)

    assert link is not None and link.startswith("http://127.0.0.1:8000/setup/")
    text = out.getvalue()
    assert link in text
    assert str(settings.DATA_DIR) in text
    assert "Back up" in text and "encryption" in text
    token = link.rstrip("/").rsplit("/", 1)[1]
    assert SetupToken.find_usable(token) is not None

    # Printing again retires the first link.
    second = announce_setup_link(io.StringIO())
    assert second is not None and second != link
    assert SetupToken.find_usable(token) is None

    actions.create_practice(
        practice_name="P", full_name="Q R", email="q@example.org", password="y" * 20
    )
    quiet = io.StringIO()
    assert announce_setup_link(quiet) is None
    assert quiet.getvalue() == ""


def test_serve_runs_gunicorn_from_the_same_environment(monkeypatch: Any) -> None:
    monkeypatch.delenv("FRAME_BIND", raising=False)
    monkeypatch.setenv("PORT", "8123")
    command = gunicorn_command()
    assert command[0] == str(Path(sys.executable).with_name("gunicorn"))
    assert command[1:] == ["frame.wsgi:application", "--bind", "127.0.0.1:8123", "--workers", "2"]
    monkeypatch.delenv("PORT")
    assert "127.0.0.1:8000" in gunicorn_command()
    monkeypatch.setenv("FRAME_BIND", "0.0.0.0:9000")
    assert "0.0.0.0:9000" in gunicorn_command()


# --- frame createpractice -------------------------------------------------------------------------


def _createpractice(monkeypatch: Any, password: str, *args: str) -> str:
    monkeypatch.setattr("sys.stdin", io.StringIO(password + "\n"))
    out = io.StringIO()
    call_command("createpractice", *args, "--password-stdin", stdout=out)
    return out.getvalue()


def test_createpractice_makes_a_practice_and_owner(monkeypatch: Any, db: Any) -> None:
    out = _createpractice(
        monkeypatch,
        "seven amber kites drifting",
        "--practice",
        "Fenwick Counselling",
        "--email",
        "Ola@Example.org",
        "--name",
        "Ola Fenwick",
    )
    user = User.objects.get(email="ola@example.org")
    assert user.check_password("seven amber kites drifting")
    assert user.membership.role == Role.OWNER
    assert user.membership.practice.name == "Fenwick Counselling"
    assert "Fenwick Counselling" in out
    assert AuditEvent.objects.filter(action=Action.PRACTICE_CREATED, actor_id=user.pk).exists()


def test_createpractice_asks_for_the_password_twice(monkeypatch: Any, db: Any) -> None:
    answers = iter(["seven amber kites drifting", "seven amber kites drifting"])
    monkeypatch.setattr("getpass.getpass", lambda prompt="": next(answers))
    call_command(
        "createpractice",
        "--practice",
        "P",
        "--email",
        "p@example.org",
        "--name",
        "P Q",
        stdout=io.StringIO(),
    )
    assert User.objects.filter(email="p@example.org").exists()


def test_createpractice_refuses_mismatched_typed_passwords(monkeypatch: Any, db: Any) -> None:
    answers = iter(["seven amber kites drifting", "seven amber kites drifted"])
    monkeypatch.setattr("getpass.getpass", lambda prompt="": next(answers))
    with pytest.raises(CommandError, match="two passwords are different"):
        call_command(
            "createpractice", "--practice", "P", "--email", "p@example.org", "--name", "P Q"
        )
    assert not User.objects.exists()


@pytest.mark.parametrize(
    ("args", "password", "message"),
    [
        (["--email", "not-an-email"], "seven amber kites drifting", "--email"),
        (["--name", "   "], "seven amber kites drifting", "--name: Please enter your full name"),
        (["--practice", ""], "seven amber kites drifting", "--practice"),
        ([], "short", "password"),
        ([], "password12345", "password"),
    ],
)
def test_createpractice_validates_in_plain_words(
    args: list[str], password: str, message: str, monkeypatch: Any, db: Any
) -> None:
    options = {"--practice": "Fenwick", "--email": "ola@example.org", "--name": "Ola Fenwick"}
    for flag, value in zip(args[::2], args[1::2], strict=True):
        options[flag] = value
    argv = [item for pair in options.items() for item in pair]
    with pytest.raises(CommandError) as raised:
        _createpractice(monkeypatch, password, *argv)
    assert "Nothing was created" in str(raised.value)
    assert message in str(raised.value)
    assert not User.objects.exists()


def test_createpractice_refuses_an_address_already_in_use(
    monkeypatch: Any, practitioner: Any
) -> None:
    with pytest.raises(CommandError, match="already an account"):
        _createpractice(
            monkeypatch,
            "seven amber kites drifting",
            "--practice",
            "P",
            "--email",
            practitioner.email.upper(),
            "--name",
            "Someone Else",
        )


def test_createpractice_exits_non_zero_from_the_frame_command(tmp_path: Any) -> None:
    import subprocess

    result = subprocess.run(
        [
            sys.executable,
            "-m",
            "frame.cli",
            "createpractice",
            "--practice",
            "P",
            "--email",
            "bad",
            "--name",
            "N",
            "--password-stdin",
        ],
        input="short\n",
        capture_output=True,
        text=True,
        timeout=120,
        env={**__import__("os").environ, "FRAME_DATA_DIR": str(tmp_path)},
    )
    assert result.returncode != 0
    assert "Nothing was created" in result.stderr
