"""`frame demo`: a small, plainly fictional practice, loaded through the real actions."""

from __future__ import annotations

import io
import json
import os
import re
import subprocess
import sys
from collections import Counter
from pathlib import Path
from typing import Any

import pytest
from allauth.mfa.models import Authenticator
from django.core.management import call_command
from django.core.management.base import CommandError
from django.test import Client as HttpClient
from django.urls import reverse

from frame.accounts.models import Membership, Role, User
from frame.audit.models import Action, AuditEvent
from frame.clients.models import CareTeamMember, Client, Person
from frame.demo.loading import DEMO_PRACTICE, STAFF, DemoRefused, load_demo

ROOT = Path(__file__).resolve().parents[2]
PASSWORD = "kestrel-orchard-5130-willow-ember"
FICTIONAL_PHONE = re.compile(r"^(07700 900\d{3}|01632 960\d{3})$")


@pytest.fixture
def demo(db: Any) -> Any:
    return load_demo(password=PASSWORD)


def test_demo_has_four_staff_with_the_right_roles(demo: Any) -> None:
    roles = Counter(
        Membership.objects.filter(practice=demo.practice).values_list("role", flat=True)
    )
    assert roles == {Role.OWNER: 1, Role.PRACTITIONER: 2, Role.ADMINISTRATOR: 1}
    assert demo.practice.name == DEMO_PRACTICE
    for user in User.objects.all():
        assert user.check_password(PASSWORD)
        # Nobody has a second step yet: each person enrols on first sign-in.
        assert not Authenticator.objects.filter(user=user).exists()


def test_demo_has_forty_clients_at_every_stage(demo: Any) -> None:
    assert Client.objects.filter(practice=demo.practice).count() == 40
    statuses = Counter(Client.objects.values_list("status", flat=True))
    assert set(statuses) == {"enquiry", "assessment", "active", "ended", "archived"}
    assert statuses["active"] > statuses["enquiry"]
    for client in Client.objects.all():
        history = list(client.status_changes.order_by("effective_date", "changed_at"))
        assert history[-1].to_status == client.status
        dates = [change.effective_date for change in history]
        assert dates == sorted(dates)


def test_demo_spreads_care_teams_and_never_puts_the_administrator_on_one(demo: Any) -> None:
    administrator = User.objects.get(membership__role=Role.ADMINISTRATOR)
    per_client = Counter(CareTeamMember.objects.values_list("client_id", flat=True))
    assert len(per_client) == 40  # every client has someone
    assert any(count > 1 for count in per_client.values())
    assert not CareTeamMember.objects.filter(user=administrator).exists()
    clinicians = set(CareTeamMember.objects.values_list("user_id", flat=True))
    assert len(clinicians) == 3


def test_demo_has_people_in_clients_lives(demo: Any) -> None:
    assert demo.people == Person.objects.count() > 20
    assert Person.objects.exclude(organisation="").exists()
    assert len(set(Person.objects.values_list("relationship", flat=True))) > 4


def test_demo_contact_details_are_plainly_fictional(demo: Any) -> None:
    for user in User.objects.all():
        assert user.email.endswith("@example.org")
    for client in Client.objects.all():
        assert client.email.endswith(("@example.org", "@example.net"))
        assert FICTIONAL_PHONE.match(client.phone)
        assert client.postcode.startswith("ZZ")
        for phone in (client.gp_phone, client.emergency_contact_phone):
            assert phone == "" or FICTIONAL_PHONE.match(phone)


def test_demo_writes_the_audit_trail_the_pages_would(demo: Any) -> None:
    actions = Counter(AuditEvent.objects.values_list("action", flat=True))
    assert actions[Action.PRACTICE_CREATED] == 1
    assert actions[Action.INVITATION_SENT] == actions[Action.INVITATION_ACCEPTED] == 3
    assert actions[Action.CLIENT_CREATED] == 40
    assert actions[Action.CLIENT_STATUS_CHANGED] > 40
    assert actions[Action.PERSON_ADDED] == demo.people
    # No names, notes or reasons in any audit row: only ids, statuses and field names.
    details = json.dumps(list(AuditEvent.objects.values_list("detail", flat=True)))
    for client in Client.objects.all():
        assert client.family_name not in details
        assert client.referral_reason == "" or client.referral_reason not in details
    for person in Person.objects.all():
        assert person.name not in details


def test_demo_sends_no_invitation_email(demo: Any, mailoutbox: list[Any]) -> None:
    assert mailoutbox == []


def test_demo_staff_are_asked_to_enrol_two_step_sign_in(demo: Any) -> None:
    http = HttpClient()
    response = http.post(
        reverse("account_login"), {"login": STAFF[1].email, "password": PASSWORD}, follow=True
    )
    assert response.status_code == 200
    assert response.redirect_chain, "signing in should move on from the login page"
    # With no second step yet, every staff page sends them to set one up.
    home = http.get(reverse("home"))
    assert home.status_code == 302
    assert home["Location"] == reverse("accounts:mfa_required")


@pytest.mark.django_db
def test_demo_refuses_when_a_practice_exists(practice: Any) -> None:
    with pytest.raises(DemoRefused, match="already has a practice"):
        load_demo(password=PASSWORD)
    assert not Client.objects.exists()
    with pytest.raises(CommandError, match="FRAME_DATA_DIR"):
        call_command("demo", password=PASSWORD, stdout=io.StringIO())


@pytest.mark.django_db
def test_demo_command_prints_who_to_sign_in_as() -> None:
    out = io.StringIO()
    call_command("demo", stdout=out)
    text = out.getvalue()
    for member in STAFF:
        assert member.email in text
    password = text.split("Password for all of them: ")[1].split()[0]
    assert User.objects.get(email=STAFF[0].email).check_password(password)
    assert "two-step sign-in" in text


def test_frame_demo_twice_refuses_the_second_time_with_a_plain_message(tmp_path: Path) -> None:
    env = {
        k: v for k, v in os.environ.items() if not k.startswith("FRAME_") and k != "DATABASE_URL"
    }
    env["FRAME_DATA_DIR"] = str(tmp_path)

    def frame(*args: str) -> subprocess.CompletedProcess[str]:
        return subprocess.run(
            [sys.executable, "-m", "frame.cli", *args],
            cwd=ROOT,
            env=env,
            capture_output=True,
            text=True,
            timeout=300,
            check=False,
        )

    assert frame("migrate", "--noinput", "--verbosity", "0").returncode == 0
    first = frame("demo", "--password", PASSWORD)
    assert first.returncode == 0, first.stderr
    assert "imogen.ashdale@example.org" in first.stdout
    second = frame("demo", "--password", PASSWORD)
    assert second.returncode != 0
    assert "already has a practice" in second.stderr
    assert "Traceback" not in second.stderr
