"""Owners invite colleagues by single-use, expiring links; nothing reveals who has an account."""

from __future__ import annotations

import re
from datetime import timedelta
from typing import Any

import pytest
import time_machine
from django.core import mail
from django.core.mail.backends.base import BaseEmailBackend
from django.test import Client as HttpClient
from django.urls import reverse
from django.utils import timezone

from frame.accounts.models import Invitation, Membership, Role, User, hash_token
from frame.audit.models import Action, AuditEvent
from tests.factories import MembershipFactory

NEWCOMER = "kit.harrow@example.org"
JOIN = {
    "full_name": "Kit Harrow",
    "password1": "pebbles under a slow river",
    "password2": "pebbles under a slow river",
}


def _invite(
    http: HttpClient, capture: Any, email: str = NEWCOMER, role: str = Role.PRACTITIONER
) -> Any:
    with capture(execute=True):
        return http.post(reverse("accounts:team"), {"email": email, "role": role})


def _link_from(message: Any) -> str:
    found = re.search(r"https?://\S+/join/([\w-]+)/", message.body)
    assert found, message.body
    return reverse("accounts:join", kwargs={"token": found.group(1)})


class UnreachableMailServer(BaseEmailBackend):
    def send_messages(self, email_messages: Any) -> int:
        raise ConnectionRefusedError("no mail server here")


@pytest.fixture
def owner_http(as_user: Any, practitioner: User) -> HttpClient:
    return as_user(practitioner)


def test_owner_invites_and_the_newcomer_joins_with_the_chosen_role(
    owner_http: HttpClient,
    practitioner: User,
    client: HttpClient,
    django_capture_on_commit_callbacks: Any,
    settings: Any,
) -> None:
    response = _invite(owner_http, django_capture_on_commit_callbacks, role=Role.ADMINISTRATOR)

    assert response.status_code == 302 and response["Location"] == reverse("accounts:team")
    invitation = Invitation.objects.get()
    assert invitation.email == NEWCOMER and invitation.role == Role.ADMINISTRATOR
    assert invitation.invited_by == practitioner
    assert invitation.expires_at - invitation.created_at == timedelta(
        days=settings.FRAME_INVITATION_DAYS
    )
    [message] = mail.outbox
    assert message.to == [NEWCOMER]
    join_url = _link_from(message)
    token = join_url.rstrip("/").rsplit("/", 1)[1]
    assert invitation.token_hash == hash_token(token), "only the token's hash is stored"
    assert "Willowbank Counselling" in message.subject
    team = owner_http.get(reverse("accounts:team"))
    assert NEWCOMER.encode() in team.content

    page = client.get(join_url)
    assert page.status_code == 200 and NEWCOMER.encode() in page.content
    assert b"as an administrator" in page.content
    joined = client.post(join_url, JOIN)

    assert joined.status_code == 302
    assert joined["Location"] == reverse("accounts:mfa_required")
    user = User.objects.get(email=NEWCOMER)
    assert user.full_name == "Kit Harrow"
    assert user.membership.role == Role.ADMINISTRATOR
    assert user.membership.practice_id == practitioner.membership.practice_id
    invitation.refresh_from_db()
    assert invitation.used_at is not None
    assert AuditEvent.objects.filter(
        action=Action.INVITATION_ACCEPTED, actor_id=user.pk, object_id=str(invitation.pk)
    ).exists()
    assert AuditEvent.objects.filter(
        action=Action.INVITATION_SENT, actor_id=practitioner.pk
    ).exists()
    # Signed in, and sent to set up two-step sign-in before anything else.
    assert client.get(reverse("home"))["Location"] == reverse("accounts:mfa_required")


def test_an_invitation_works_only_once(
    owner_http: HttpClient, client: HttpClient, django_capture_on_commit_callbacks: Any
) -> None:
    _invite(owner_http, django_capture_on_commit_callbacks)
    join_url = _link_from(mail.outbox[0])
    assert client.post(join_url, JOIN).status_code == 302
    client.logout()

    again = HttpClient()
    assert again.get(join_url).status_code == 404
    assert again.post(join_url, {**JOIN, "full_name": "Someone Else"}).status_code == 404
    assert User.objects.filter(email=NEWCOMER).count() == 1


def test_an_invitation_expires(
    owner_http: HttpClient,
    client: HttpClient,
    django_capture_on_commit_callbacks: Any,
    settings: Any,
) -> None:
    _invite(owner_http, django_capture_on_commit_callbacks)
    join_url = _link_from(mail.outbox[0])
    later = timezone.now() + timedelta(days=settings.FRAME_INVITATION_DAYS, minutes=1)
    with time_machine.travel(later):
        assert client.get(join_url).status_code == 404
        assert client.post(join_url, JOIN).status_code == 404
    assert not User.objects.filter(email=NEWCOMER).exists()


def test_an_owner_can_withdraw_an_invitation(
    owner_http: HttpClient,
    practitioner: User,
    client: HttpClient,
    django_capture_on_commit_callbacks: Any,
) -> None:
    _invite(owner_http, django_capture_on_commit_callbacks)
    join_url = _link_from(mail.outbox[0])
    invitation = Invitation.objects.get()
    withdraw = reverse("accounts:withdraw_invitation")

    confirm = owner_http.get(withdraw, {"invitation": invitation.pk})
    assert confirm.status_code == 200 and NEWCOMER.encode() in confirm.content
    assert Invitation.objects.usable().exists(), "asking is not doing"

    done = owner_http.post(withdraw, {"invitation": invitation.pk})

    assert done["Location"] == reverse("accounts:team")
    assert not Invitation.objects.usable().exists()
    assert client.get(join_url).status_code == 404
    assert AuditEvent.objects.filter(
        action=Action.INVITATION_REVOKED, actor_id=practitioner.pk
    ).exists()
    assert owner_http.post(withdraw, {"invitation": invitation.pk}).status_code == 404


@pytest.mark.parametrize("value", ["", "abc", "-1", "99999999999999999999999"])
def test_withdrawing_with_a_malformed_id_is_a_404(owner_http: HttpClient, value: str) -> None:
    withdraw = reverse("accounts:withdraw_invitation")
    assert owner_http.get(withdraw, {"invitation": value}).status_code == 404
    assert owner_http.post(withdraw, {"invitation": value}).status_code == 404


def test_another_practices_invitation_cannot_be_withdrawn(
    as_user: Any, outsider: User, owner_http: HttpClient, django_capture_on_commit_callbacks: Any
) -> None:
    _invite(owner_http, django_capture_on_commit_callbacks)
    invitation = Invitation.objects.get()
    stranger = as_user(outsider)
    withdraw = reverse("accounts:withdraw_invitation")
    assert stranger.get(withdraw, {"invitation": invitation.pk}).status_code == 404
    assert stranger.post(withdraw, {"invitation": invitation.pk}).status_code == 404
    assert Invitation.objects.usable().exists()


@pytest.mark.parametrize("persona", ["colleague", "administrator"])
def test_only_owners_manage_the_team(
    persona: str, request: Any, as_user: Any, django_capture_on_commit_callbacks: Any
) -> None:
    http = as_user(request.getfixturevalue(persona))
    assert http.get(reverse("accounts:team")).status_code == 404
    response = _invite(http, django_capture_on_commit_callbacks)
    assert response.status_code == 404
    assert not Invitation.objects.exists()
    assert mail.outbox == []


def test_inviting_an_address_with_an_account_elsewhere_looks_the_same(
    owner_http: HttpClient, outsider: User, django_capture_on_commit_callbacks: Any
) -> None:
    """No account enumeration: the owner cannot tell that the outsider has an account."""
    fresh = _invite(owner_http, django_capture_on_commit_callbacks, email=NEWCOMER)
    fresh_page = owner_http.get(reverse("accounts:team")).content.decode()
    existing = _invite(owner_http, django_capture_on_commit_callbacks, email=outsider.email)
    existing_page = owner_http.get(reverse("accounts:team")).content.decode()

    assert fresh.status_code == existing.status_code == 302
    assert fresh["Location"] == existing["Location"]
    said_fresh = re.findall(r'<p class="message[^"]*">(.*?)</p>', fresh_page)
    said_existing = re.findall(r'<p class="message[^"]*">(.*?)</p>', existing_page)
    assert said_fresh and [m.replace(NEWCOMER, "ADDRESS") for m in said_fresh] == [
        m.replace(outsider.email, "ADDRESS") for m in said_existing
    ]
    for address in (NEWCOMER, outsider.email):
        assert f"<td>{address}</td>" in existing_page, "both are listed as waiting"

    new_mail, note = mail.outbox
    assert "/join/" in new_mail.body
    assert note.to == [outsider.email]
    assert "/join/" not in note.body, "the existing account holder gets a note, not a link"
    assert "already has a Frame account" in note.body
    assert Membership.objects.filter(user=outsider).get().practice_id != (
        Membership.objects.get(user__email="robin.ashdown@example.org").practice_id
    )


def test_inviting_someone_already_on_the_team_says_so(
    owner_http: HttpClient, colleague: User, django_capture_on_commit_callbacks: Any
) -> None:
    response = _invite(owner_http, django_capture_on_commit_callbacks, email=colleague.email)
    assert response.status_code == 400
    assert b"already on your team" in response.content
    assert not Invitation.objects.exists()
    assert mail.outbox == []


@pytest.mark.parametrize(
    "data",
    [
        {"email": "not-an-address", "role": Role.PRACTITIONER},
        {"email": NEWCOMER, "role": "superuser"},
        {"email": "", "role": ""},
        {"email": "x" * 300 + "@example.org", "role": Role.PRACTITIONER},
    ],
)
def test_bad_invitations_are_refused_in_plain_words(
    owner_http: HttpClient, data: dict[str, str], django_capture_on_commit_callbacks: Any
) -> None:
    with django_capture_on_commit_callbacks(execute=True):
        response = owner_http.post(reverse("accounts:team"), data)
    assert response.status_code == 400
    assert b"error-summary" in response.content
    if data["email"]:
        assert data["email"].encode() in response.content, "what was typed is kept"
    assert not Invitation.objects.exists()


def test_join_form_keeps_the_name_when_passwords_differ(
    owner_http: HttpClient, client: HttpClient, django_capture_on_commit_callbacks: Any
) -> None:
    _invite(owner_http, django_capture_on_commit_callbacks)
    join_url = _link_from(mail.outbox[0])
    response = client.post(join_url, {**JOIN, "password2": "something different here"})
    assert response.status_code == 400
    assert b'value="Kit Harrow"' in response.content
    assert b"The two passwords are different" in response.content
    assert Invitation.objects.usable().exists(), "a failed attempt does not use the link up"


def test_a_newer_invitation_replaces_the_older_one(
    owner_http: HttpClient, client: HttpClient, django_capture_on_commit_callbacks: Any
) -> None:
    _invite(owner_http, django_capture_on_commit_callbacks)
    _invite(owner_http, django_capture_on_commit_callbacks, role=Role.SUPERVISOR)
    first, second = (_link_from(m) for m in mail.outbox)
    assert client.get(first).status_code == 404
    assert client.post(second, JOIN).status_code == 302
    assert User.objects.get(email=NEWCOMER).membership.role == Role.SUPERVISOR


def test_team_page_lists_members_and_paginates_with_constant_queries(
    owner_http: HttpClient, practitioner: User
) -> None:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    practice = practitioner.membership.practice

    def count() -> int:
        with CaptureQueriesContext(connection) as queries:
            response = owner_http.get(reverse("accounts:team"))
        assert response.status_code == 200
        return len(queries)

    MembershipFactory.create_batch(3, practice=practice)
    count()  # the first request of a session does one-off work (tracking the session)
    few = count()
    MembershipFactory.create_batch(60, practice=practice)
    many = count()
    assert few == many
    page = owner_http.get(reverse("accounts:team"))
    assert b"Page 1 of 2" in page.content
    assert owner_http.get(reverse("accounts:team"), {"page": "nonsense"}).status_code == 200


def test_an_invitation_that_cannot_be_emailed_is_withdrawn_and_said_plainly(
    owner_http: HttpClient, settings: Any
) -> None:
    settings.EMAIL_BACKEND = f"{__name__}.UnreachableMailServer"
    response = owner_http.post(
        reverse("accounts:team"), {"email": NEWCOMER, "role": Role.PRACTITIONER}
    )
    assert response.status_code == 400
    assert b"could not send the invitation email" in response.content
    assert NEWCOMER.encode() in response.content, "what was typed is kept"
    assert not Invitation.objects.usable().exists(), "no live link that nobody received"
    assert AuditEvent.objects.filter(action=Action.INVITATION_REVOKED, outcome="failed").exists()


def test_invitation_email_wording(
    owner_http: HttpClient, django_capture_on_commit_callbacks: Any
) -> None:
    _invite(owner_http, django_capture_on_commit_callbacks, role=Role.ADMINISTRATOR)
    body = mail.outbox[0].body
    assert "Robin Ashdown has invited you to join Willowbank Counselling" in body
    assert "as an administrator" in body
    assert "expires in 7 days" in body
