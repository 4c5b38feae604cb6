"""Inviting a client from their card, joining by the emailed link, and links that no longer work."""

from __future__ import annotations

import re
from datetime import timedelta
from typing import Any

import pytest
from django.contrib.auth import SESSION_KEY
from django.test import Client as HttpClient
from django.urls import reverse
from django.utils import timezone

from frame.accounts.models import User, hash_token
from frame.audit.models import Action, AuditEvent
from frame.clients.models import Client
from frame.portal import actions
from frame.portal.models import PortalAccount, PortalInvitation

pytestmark = pytest.mark.django_db

NEW_PASSWORD = "lanterns over the quiet estuary"


def _invite(http: HttpClient, client: Client) -> Any:
    return http.post(reverse("portal_staff:invite", args=[client.pk]))


def _token(mailoutbox: list[Any]) -> str:
    match = re.search(r"/portal/join/([\w-]+)/", mailoutbox[-1].body)
    assert match, mailoutbox[-1].body
    return match.group(1)


def _join(http: HttpClient, token: str, password: str = NEW_PASSWORD, again: str = "") -> Any:
    return http.post(
        reverse("portal:join", args=[token]),
        {"password1": password, "password2": again or password},
    )


# --- Inviting -------------------------------------------------------------------------------------


def test_the_card_offers_an_invitation(
    as_user: Any, practitioner: User, client_record: Client
) -> None:
    html = as_user(practitioner).get(reverse("clients:card", args=[client_record.pk])).content
    assert b"Client portal" in html
    assert reverse("portal_staff:invite", args=[client_record.pk]).encode() in html


def test_inviting_emails_a_single_use_link_and_keeps_only_its_hash(
    as_user: Any, practitioner: User, client_record: Client, mailoutbox: list[Any]
) -> None:
    response = _invite(as_user(practitioner), client_record)
    assert response.status_code == 302
    assert len(mailoutbox) == 1
    assert mailoutbox[0].to == [client_record.email]
    token = _token(mailoutbox)
    invitation = PortalInvitation.objects.get(client=client_record)
    assert invitation.token_hash == hash_token(token)
    assert token not in str(PortalInvitation.objects.values().get())
    event = AuditEvent.objects.get(action=Action.PORTAL_INVITED)
    assert event.client_id == str(client_record.pk) and event.actor_id == practitioner.pk
    assert token not in str(event.detail)


def test_a_discreet_invitation_never_mentions_counselling(
    as_user: Any, practitioner: User, client_record: Client, mailoutbox: list[Any]
) -> None:
    client_record.discreet_wording = True
    client_record.save()
    _invite(as_user(practitioner), client_record)
    message = mailoutbox[0]
    for text in (message.subject, message.body):
        lowered = text.lower()
        assert "counsel" not in lowered and "therap" not in lowered
        assert client_record.practice.name.lower() not in lowered  # "Willowbank Counselling"
    assert "practitioner" not in message.subject.lower()


def test_a_plain_invitation_names_the_practice(
    as_user: Any, practitioner: User, client_record: Client, mailoutbox: list[Any]
) -> None:
    client_record.discreet_wording = False
    client_record.save()
    _invite(as_user(practitioner), client_record)
    assert client_record.practice.name in mailoutbox[0].subject


def test_administrators_may_invite_but_staff_off_the_team_may_not(
    as_user: Any,
    administrator: User,
    colleague: User,
    outsider: User,
    client_record: Client,
    mailoutbox: list[Any],
) -> None:
    assert _invite(as_user(colleague), client_record).status_code == 404
    assert _invite(as_user(outsider), client_record).status_code == 404
    assert not mailoutbox
    assert _invite(as_user(administrator), client_record).status_code == 302
    assert len(mailoutbox) == 1


@pytest.mark.parametrize(
    ("changes", "words"),
    [
        ({"email": ""}, "no email address"),
        ({"may_email": False}, "says not to email them"),
    ],
)
def test_an_invitation_that_cannot_go_is_refused_plainly(
    changes: dict[str, Any],
    words: str,
    as_user: Any,
    practitioner: User,
    client_record: Client,
    mailoutbox: list[Any],
) -> None:
    Client.objects.filter(pk=client_record.pk).update(**changes)
    response = _invite(as_user(practitioner), client_record)
    assert response.status_code == 400
    assert words in response.content.decode()
    assert not mailoutbox and not PortalInvitation.objects.exists()


def test_a_new_invitation_retires_the_earlier_link(
    as_user: Any, practitioner: User, client_record: Client, mailoutbox: list[Any], client: Any
) -> None:
    http = as_user(practitioner)
    _invite(http, client_record)
    first = _token(mailoutbox)
    _invite(http, client_record)
    second = _token(mailoutbox)
    assert first != second
    assert client.get(reverse("portal:join", args=[first])).status_code == 404
    assert client.get(reverse("portal:join", args=[second])).status_code == 200


def test_an_email_failure_withdraws_the_invitation(
    as_user: Any, practitioner: User, client_record: Client, settings: Any
) -> None:
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST, settings.EMAIL_PORT = "127.0.0.1", 9  # nothing listens there
    response = _invite(as_user(practitioner), client_record)
    assert response.status_code == 400
    assert "could not send the invitation email" in response.content.decode()
    invitation = PortalInvitation.objects.get()
    assert invitation.revoked_at is not None


# --- Joining --------------------------------------------------------------------------------------


@pytest.fixture
def token(as_user: Any, practitioner: User, client_record: Client, mailoutbox: list[Any]) -> str:
    _invite(as_user(practitioner), client_record)
    return _token(mailoutbox)


def test_joining_sets_a_password_and_lands_on_the_portal(
    client: HttpClient, token: str, client_record: Client
) -> None:
    page = client.get(reverse("portal:join", args=[token]))
    assert page.status_code == 200
    assert "Welcome, Morgan" in page.content.decode()
    response = _join(client, token)
    assert response.status_code == 302
    assert response["Location"] == reverse("portal:home")
    account = PortalAccount.objects.get(client=client_record)
    assert account.user.email == client_record.email
    assert account.user.check_password(NEW_PASSWORD)
    assert not hasattr(account.user, "membership") or account.user.active_membership is None
    assert client.get(reverse("portal:home")).status_code == 200
    event = AuditEvent.objects.get(action=Action.PORTAL_JOINED)
    assert event.actor_id == account.user_id and event.actor_role == "client"


def test_a_link_works_once(client: HttpClient, token: str) -> None:
    _join(client, token)
    client.post(reverse("account_logout"))
    again = HttpClient()
    response = again.get(reverse("portal:join", args=[token]))
    assert response.status_code == 404
    assert "This link no longer works" in response.content.decode()
    assert _join(again, token, "another long enough password").status_code == 404
    assert User.objects.filter(email__iexact=PortalAccount.objects.get().user.email).count() == 1


def test_an_expired_link_says_so_and_offers_a_new_one(client: HttpClient, token: str) -> None:
    PortalInvitation.objects.update(expires_at=timezone.now() - timedelta(minutes=1))
    response = client.get(reverse("portal:join", args=[token]))
    html = response.content.decode()
    assert response.status_code == 404
    assert "This link no longer works" in html and "Ask for a new link" in html
    assert "Morgan" not in html and "Feltham" not in html


@pytest.mark.parametrize(
    ("password", "again", "words"),
    [
        ("short", "short", "too short"),
        (NEW_PASSWORD, "something else entirely", "two passwords are different"),
        ("password123456", "password123456", "too common"),
    ],
)
def test_a_weak_or_mismatched_password_is_refused_plainly(
    client: HttpClient, token: str, password: str, again: str, words: str
) -> None:
    response = _join(client, token, password, again)
    assert response.status_code == 400
    assert words in response.content.decode()
    assert not PortalAccount.objects.exists()
    assert PortalInvitation.objects.usable().exists(), "a refused password must not use the link"


def test_an_address_already_used_by_an_account_is_refused_plainly(
    client: HttpClient, token: str, client_record: Client
) -> None:
    User.objects.create_user(client_record.email.upper(), "some other long password")
    response = _join(client, token)
    assert response.status_code == 400
    assert "already an account with this email address" in response.content.decode()
    assert not PortalAccount.objects.exists()
    assert PortalInvitation.objects.usable().exists()


def test_joining_when_signed_in_as_staff_is_not_found(
    as_user: Any, colleague: User, token: str
) -> None:
    assert as_user(colleague).get(reverse("portal:join", args=[token])).status_code == 404


# --- Asking for a new link ------------------------------------------------------------------------


def _ask(http: HttpClient, token: str) -> Any:
    return http.post(reverse("portal:request_link", args=[token]))


def test_asking_for_a_new_link_tells_the_practitioner_without_telling_the_asker_anything(
    client: HttpClient,
    token: str,
    practitioner: User,
    client_record: Client,
    mailoutbox: list[Any],
    as_user: Any,
) -> None:
    PortalInvitation.objects.update(expires_at=timezone.now() - timedelta(days=1))
    mailoutbox.clear()
    known = _ask(client, token)
    unknown = _ask(HttpClient(), "made-up-token-that-never-existed")
    assert known.status_code == unknown.status_code == 200
    assert known.content == unknown.content
    assert len(mailoutbox) == 1
    note = mailoutbox[0]
    assert note.to == [practitioner.email]
    assert client_record.given_name not in note.body + note.subject
    assert client_record.family_name not in note.body + note.subject
    assert AuditEvent.objects.filter(action=Action.PORTAL_LINK_REQUESTED).count() == 1
    staff = as_user(practitioner)
    home = staff.get(reverse("home")).content.decode()
    assert "Portal links asked for" in home and client_record.family_name in home
    card = staff.get(reverse("clients:card", args=[client_record.pk])).content.decode()
    assert "asked for a new one" in card


def test_a_second_request_for_the_same_link_is_not_sent_twice(
    client: HttpClient, token: str, mailoutbox: list[Any]
) -> None:
    PortalInvitation.objects.update(expires_at=timezone.now() - timedelta(days=1))
    mailoutbox.clear()
    _ask(client, token)
    _ask(client, token)
    assert len(mailoutbox) == 1


def test_asking_for_new_links_is_rate_limited(
    client: HttpClient,
    practitioner: User,
    make_clients: Any,
    mailoutbox: list[Any],
) -> None:
    tokens = []
    for record in make_clients(7):
        invitation, _ = actions._record_invitation(client=record, by=practitioner)
        token = f"t-{record.pk}"
        PortalInvitation.objects.filter(pk=invitation.pk).update(
            token_hash=hash_token(token), expires_at=timezone.now() - timedelta(days=1)
        )
        tokens.append(token)
    for token in tokens:
        assert _ask(client, token).status_code == 200
    assert PortalInvitation.objects.filter(new_link_requested_at__isnull=False).count() == 5


def test_sending_a_new_link_clears_the_request_from_home(
    client: HttpClient,
    token: str,
    practitioner: User,
    client_record: Client,
    as_user: Any,
) -> None:
    PortalInvitation.objects.update(expires_at=timezone.now() - timedelta(days=1))
    _ask(client, token)
    staff = as_user(practitioner)
    _invite(staff, client_record)
    assert "Portal links asked for" not in staff.get(reverse("home")).content.decode()


def test_the_dead_link_page_signs_nobody_in(client: HttpClient, token: str) -> None:
    PortalInvitation.objects.update(used_at=timezone.now())
    client.get(reverse("portal:join", args=[token]))
    assert SESSION_KEY not in client.session


def test_the_home_panel_of_link_requests_does_not_grow_with_them(
    client: HttpClient, practitioner: User, make_clients: Any, as_user: Any
) -> None:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    def ask_for(records: list[Client]) -> None:
        for record in records:
            invitation, _ = actions._record_invitation(client=record, by=practitioner)
            actions.request_new_link(invitation=invitation)

    staff = as_user(practitioner)
    ask_for(make_clients(1))
    staff.get(reverse("home"))
    with CaptureQueriesContext(connection) as few:
        assert "Portal links asked for" in staff.get(reverse("home")).content.decode()
    ask_for(make_clients(12))
    with CaptureQueriesContext(connection) as many:
        html = staff.get(reverse("home")).content.decode()
    assert len(few) == len(many)
    assert html.count('#portal">') == 10, "the panel shows the latest ten"


def test_link_requests_show_only_to_those_who_can_see_the_client(
    client: HttpClient, token: str, colleague: User, outsider: User, as_user: Any
) -> None:
    PortalInvitation.objects.update(expires_at=timezone.now() - timedelta(days=1))
    _ask(client, token)
    for person in (colleague, outsider):
        assert "Portal links asked for" not in as_user(person).get(reverse("home")).content.decode()
