"""Portal clients for tests (other apps' portal tests may import these). All data fictional."""

from __future__ import annotations

from typing import Any

from django.test import Client as HttpClient
from django.utils import timezone

from frame.accounts.models import User
from frame.clients.models import Client
from frame.portal.models import PortalAccount
from tests.factories import TEST_PASSWORD


def portal_user_for(client: Client, *, invited_by: User, email: str | None = None) -> User:
    """A client's own sign-in with an active portal account (as if they accepted an invite)."""
    user = User.objects.create_user(
        email or client.email or f"{client.pk}@example.net",
        TEST_PASSWORD,
        full_name=f"{client.given_name} {client.family_name}",
    )
    PortalAccount.objects.create(
        user=user, client=client, invited_by=invited_by, status_changed_at=timezone.now()
    )
    return user


def signed_in_client(user: User) -> HttpClient:
    """A test client signed in as a portal client, with a password only (no second step)."""
    http = HttpClient()
    http.force_login(user)
    return http


def portal_http(user: Any) -> HttpClient:
    return signed_in_client(user)


def article_share_for(client: Client, *, by: User, key: str = "confidentiality") -> Any:
    """Share one of the practice's default articles with the client (as the care team would)."""
    from frame.portal.models import Article, ArticleShare

    article = Article.objects.get(practice_id=client.practice_id, key=key)
    return ArticleShare.objects.create(
        client=client, version_id=article.current_version_id, shared_by=by
    )
