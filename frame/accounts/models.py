"""Staff users, the practice they work in, and their role there."""

from __future__ import annotations

import hashlib
import secrets
from datetime import timedelta
from functools import cached_property
from typing import Any

from django.conf import settings
from django.contrib.auth.models import AbstractBaseUser, BaseUserManager, PermissionsMixin
from django.db import models
from django.utils import timezone


class UserManager(BaseUserManager["User"]):
    use_in_migrations = True

    def create_user(self, email: str, password: str | None = None, **extra: Any) -> User:
        if not email:
            raise ValueError("An email address is required.")
        user = self.model(email=self.normalize_email(email).lower(), **extra)
        user.set_password(password)
        user.save(using=self._db)
        return user

    def create_superuser(self, email: str, password: str | None = None, **extra: Any) -> User:
        extra.setdefault("is_staff", True)
        extra.setdefault("is_superuser", True)
        return self.create_user(email, password, **extra)


class User(AbstractBaseUser, PermissionsMixin):
    email = models.EmailField("email address", unique=True)
    full_name = models.CharField(max_length=150)
    is_active = models.BooleanField(default=True)
    is_staff = models.BooleanField(default=False, help_text="Can open Django's admin site.")
    date_joined = models.DateTimeField(default=timezone.now)

    objects = UserManager()

    USERNAME_FIELD = "email"
    EMAIL_FIELD = "email"
    REQUIRED_FIELDS = ["full_name"]

    def __str__(self) -> str:
        return self.full_name or self.email

    def get_full_name(self) -> str:
        return self.full_name

    def get_short_name(self) -> str:
        return self.full_name.split(" ")[0] if self.full_name else self.email

    @cached_property
    def active_membership(self) -> Membership | None:
        # One query with the practice: every staff page shows the practice's name.
        return (
            Membership.objects.select_related("practice")
            .filter(user_id=self.pk, is_active=True)
            .first()
        )

    @property
    def role_name(self) -> str:
        membership = self.active_membership
        return membership.role if membership else ""

    @property
    def practice_id_for_audit(self) -> int | None:
        membership = self.active_membership
        return membership.practice_id if membership else None


class Practice(models.Model):
    name = models.CharField(max_length=200)
    created_at = models.DateTimeField(default=timezone.now)
    # Clients signing in to the portal must also pass a second step (authenticator app).
    portal_requires_mfa = models.BooleanField(
        "Clients need two-step sign-in for the portal", default=False
    )

    def __str__(self) -> str:
        return self.name


class Role(models.TextChoices):
    OWNER = "owner", "Owner"
    PRACTITIONER = "practitioner", "Practitioner"
    ADMINISTRATOR = "administrator", "Administrator"
    SUPERVISOR = "supervisor", "Supervisor"


CLINICAL_ROLES = frozenset({Role.OWNER, Role.PRACTITIONER})


class Membership(models.Model):
    user = models.OneToOneField(User, on_delete=models.PROTECT, related_name="membership")
    practice = models.ForeignKey(Practice, on_delete=models.PROTECT, related_name="memberships")
    role = models.CharField(max_length=32, choices=Role.choices)
    is_active = models.BooleanField(default=True)
    joined_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [
            models.CheckConstraint(
                condition=models.Q(role__in=Role.values), name="membership_role_valid"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.user} — {self.get_role_display()} at {self.practice}"

    @property
    def is_owner(self) -> bool:
        return self.role == Role.OWNER

    @property
    def is_clinical(self) -> bool:
        return self.role in CLINICAL_ROLES


def _hash_token(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


class TokenQuerySet(models.QuerySet[Any]):
    def usable(self) -> TokenQuerySet:
        return self.filter(
            used_at__isnull=True, revoked_at__isnull=True, expires_at__gt=timezone.now()
        )


class Invitation(models.Model):
    """A single-use, expiring link an owner sends a colleague. Only the token's hash is stored."""

    practice = models.ForeignKey(Practice, on_delete=models.PROTECT, related_name="invitations")
    email = models.EmailField()
    role = models.CharField(max_length=32, choices=Role.choices)
    token_hash = models.CharField(max_length=64, unique=True)
    invited_by = models.ForeignKey(User, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(default=timezone.now)
    expires_at = models.DateTimeField()
    used_at = models.DateTimeField(null=True, blank=True)
    revoked_at = models.DateTimeField(null=True, blank=True)

    objects = TokenQuerySet.as_manager()

    def __str__(self) -> str:
        return f"Invitation for {self.email}"

    @staticmethod
    def new_token() -> tuple[str, str]:
        token = secrets.token_urlsafe(32)
        return token, _hash_token(token)

    @staticmethod
    def default_expiry() -> Any:
        return timezone.now() + timedelta(days=settings.FRAME_INVITATION_DAYS)

    @classmethod
    def find_usable(cls, token: str) -> Invitation | None:
        return (
            cls.objects.usable()
            .filter(token_hash=_hash_token(token))
            .select_related("practice")
            .first()
        )


class SetupToken(models.Model):
    """The one-time link printed by `make run` before anyone has an account."""

    token_hash = models.CharField(max_length=64, unique=True)
    created_at = models.DateTimeField(default=timezone.now)
    expires_at = models.DateTimeField()
    used_at = models.DateTimeField(null=True, blank=True)
    revoked_at = models.DateTimeField(null=True, blank=True)

    objects = TokenQuerySet.as_manager()

    def __str__(self) -> str:
        return "Setup link"

    @classmethod
    def find_usable(cls, token: str) -> SetupToken | None:
        return cls.objects.usable().filter(token_hash=_hash_token(token)).first()


hash_token = _hash_token
