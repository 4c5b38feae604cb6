"""The client portal: clients' own accounts, the links that invite them, the crisis contacts shown
on every portal page, and the articles that explain the frame."""

from __future__ import annotations

import uuid
from datetime import timedelta
from typing import Any

from django.conf import settings
from django.db import models
from django.utils import timezone

from frame.accounts.models import Practice, TokenQuerySet, hash_token
from frame.clients.models import Client


class PortalAccount(models.Model):
    """Links a client's own sign-in (an `accounts.User` with no practice membership) to their
    record. A client has at most one; a user belongs to at most one client."""

    class Status(models.TextChoices):
        ACTIVE = "active", "Active"
        SUSPENDED = "suspended", "Suspended"

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="portal_account"
    )
    client = models.OneToOneField(Client, on_delete=models.PROTECT, related_name="portal_account")
    status = models.CharField(max_length=16, choices=Status.choices, default=Status.ACTIVE)
    created_at = models.DateTimeField(default=timezone.now)
    invited_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    status_changed_at = models.DateTimeField(default=timezone.now)
    status_changed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", null=True
    )

    class Meta:
        constraints = [
            models.CheckConstraint(
                condition=models.Q(status__in=["active", "suspended"]),
                name="portal_account_status_valid",
            ),
        ]

    def __str__(self) -> str:
        return f"Portal account for {self.client_id}"

    @property
    def is_active(self) -> bool:
        return self.status == self.Status.ACTIVE


class PortalInvitation(models.Model):
    """A single-use, expiring link that lets a client set a password. Only the token's hash is
    stored, so a copy of the database cannot be used to join anyone's portal."""

    client = models.ForeignKey(Client, on_delete=models.PROTECT, related_name="portal_invitations")
    email = models.EmailField()
    token_hash = models.CharField(max_length=64, unique=True)
    invited_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)
    expires_at = models.DateTimeField()
    used_at = models.DateTimeField(null=True, blank=True)
    revoked_at = models.DateTimeField(null=True, blank=True)
    # Someone holding a dead link asked the practice for a new one.
    new_link_requested_at = models.DateTimeField(null=True, blank=True)

    objects = TokenQuerySet.as_manager()

    class Meta:
        indexes = [models.Index(fields=["client", "-created_at"], name="portal_invite_client_idx")]

    def __str__(self) -> str:
        return f"Portal invitation for {self.client_id}"

    @staticmethod
    def default_expiry() -> Any:
        return timezone.now() + timedelta(days=settings.FRAME_INVITATION_DAYS)

    @classmethod
    def find_usable(cls, token: str) -> PortalInvitation | None:
        return (
            cls.objects.usable()
            .filter(token_hash=hash_token(token))
            .select_related("client__practice")
            .first()
        )

    @classmethod
    def find_any(cls, token: str) -> PortalInvitation | None:
        """The invitation a token belongs to, usable or not (for "ask for a new link")."""
        return cls.objects.filter(token_hash=hash_token(token)).first()


class Nation(models.TextChoices):
    ENGLAND = "england", "England"
    SCOTLAND = "scotland", "Scotland"
    WALES = "wales", "Wales"
    NORTHERN_IRELAND = "northern-ireland", "Northern Ireland"


class CrisisContact(models.Model):
    """One way to get urgent help, as the practice wants its clients to see it."""

    practice = models.ForeignKey(Practice, on_delete=models.PROTECT, related_name="+")
    position = models.PositiveIntegerField(default=0)
    name = models.CharField(max_length=100)
    how_to_reach = models.CharField(max_length=200)
    when_to_use = models.CharField(max_length=300, blank=True)
    # Comma-separated Nation values; blank means everywhere in the UK.
    nations = models.CharField(max_length=80, blank=True)

    class Meta:
        ordering = ["position", "id"]
        indexes = [models.Index(fields=["practice", "position"], name="crisis_contact_order_idx")]

    def __str__(self) -> str:
        return self.name

    @property
    def nation_list(self) -> list[str]:
        return [value for value in self.nations.split(",") if value]

    @property
    def nations_display(self) -> str:
        labels = dict(Nation.choices)
        return ", ".join(labels.get(value, value) for value in self.nation_list)


class Article(models.Model):
    """An explanation of the frame a practitioner can share with clients. Its words live in
    versions: editing adds a version, so what a client was given stays exactly as given."""

    practice = models.ForeignKey(Practice, on_delete=models.PROTECT, related_name="+")
    # Frame's own articles carry a key, so each is added once per practice; others have none.
    key = models.CharField(max_length=40, blank=True)
    current_version = models.ForeignKey(
        "ArticleVersion", on_delete=models.PROTECT, related_name="+", null=True
    )
    created_at = models.DateTimeField(default=timezone.now)
    position = models.PositiveIntegerField(default=100)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["practice", "key"],
                condition=~models.Q(key=""),
                name="article_default_once_per_practice",
            ),
        ]
        indexes = [models.Index(fields=["practice", "position", "id"], name="article_order_idx")]

    def __str__(self) -> str:
        return self.current_version.title if self.current_version else f"Article {self.pk}"


class ArticleVersion(models.Model):
    article = models.ForeignKey(Article, on_delete=models.PROTECT, related_name="versions")
    number = models.PositiveIntegerField()
    title = models.CharField(max_length=150)
    summary = models.CharField(max_length=300)
    body = models.TextField(max_length=20_000)
    created_at = models.DateTimeField(default=timezone.now)
    # Blank for Frame's own wording, shipped with Frame.
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", null=True
    )

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["article", "number"], name="article_version_unique"),
        ]

    def __str__(self) -> str:
        return f"{self.title} (version {self.number})"


class ArticleShare(models.Model):
    """An article version given to one client. The client reads exactly this version."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    client = models.ForeignKey(Client, on_delete=models.PROTECT, related_name="article_shares")
    version = models.ForeignKey(ArticleVersion, on_delete=models.PROTECT, related_name="shares")
    shared_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    shared_at = models.DateTimeField(default=timezone.now)
    first_read_at = models.DateTimeField(null=True, blank=True)
    withdrawn_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        indexes = [models.Index(fields=["client", "-shared_at"], name="article_share_client_idx")]

    def __str__(self) -> str:
        return f"Article share {self.pk}"
