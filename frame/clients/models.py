"""The client record, the people in the client's life, the care team and the status history."""

from __future__ import annotations

import datetime as dt
import secrets
import unicodedata
import uuid
from collections.abc import Iterable
from typing import Any, TypeVar

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models, transaction
from django.utils import timezone

from frame.accounts.models import Practice
from frame.lib.fields import EncryptedTextField

# No 0/O or 1/I/L: case codes are read aloud in supervision and copied by hand.
CASE_CODE_ALPHABET = "ABCDEFGHJKMNPQRSTUVWXYZ23456789"
CASE_CODE_LENGTH = 6

# Changing any of these changes the search keys, so saves of them must write the keys too.
NAME_FIELDS = frozenset({"given_name", "family_name", "preferred_name"})
SEARCHED_FIELDS = NAME_FIELDS | {"case_code"}
KEY_FIELDS = ("sort_key", "given_key", "preferred_key")
KEY_LENGTH = 210

_M = TypeVar("_M", bound=models.Model)

EARLIEST_BIRTH_DATE = dt.date(1900, 1, 1)


def new_case_code() -> str:
    return "".join(secrets.choice(CASE_CODE_ALPHABET) for _ in range(CASE_CODE_LENGTH))


def search_key(text: str) -> str:
    """Lower-case, accent-free form used for prefix search and sorting.

    "Zoë  O'Brien" and "zoe o'brien" give the same key, so a search needs no LIKE or collation
    tricks: it is a plain range over an ordinary index on SQLite and PostgreSQL alike.
    """
    # Decompose before and after folding: a styled letter (mathematical script A) only becomes
    # a letter that folds once decomposed.
    decomposed = unicodedata.normalize("NFKD", unicodedata.normalize("NFKD", text).casefold())
    stripped = "".join(ch for ch in decomposed if not unicodedata.combining(ch))
    return " ".join(stripped.split())


class RecordsAreNotDeleted(Exception):
    """Raised by any attempt to delete a client record, its history or the people in it."""


class UndeletableQuerySet(models.QuerySet[_M]):
    """Records that are never deleted: clients are archived, people are marked as removed."""

    def delete(self) -> tuple[int, dict[str, int]]:
        raise RecordsAreNotDeleted(
            f"{self.model.__name__} records are never deleted; archive or mark them removed."
        )


class ClientQuerySet(UndeletableQuerySet["Client"]):
    def bulk_create(self, objs: Iterable[Client], *args: Any, **kwargs: Any) -> list[Client]:
        # Seeding and imports use bulk_create, which skips save(); keys must still be filled in,
        # and the clients and their search keys are written together or not at all.
        objs = list(objs)
        for obj in objs:
            obj.refresh_search_keys()
        with transaction.atomic(using=self.db):
            created = super().bulk_create(objs, *args, **kwargs)
            SearchKey.objects.using(self.db).bulk_create(
                [key for obj in objs for key in obj.search_key_rows()],
                batch_size=kwargs.get("batch_size"),
            )
        return created


class Status(models.TextChoices):
    ENQUIRY = "enquiry", "Enquiry"
    ASSESSMENT = "assessment", "Assessment"
    ACTIVE = "active", "Active"
    ENDED = "ended", "Ended"
    ARCHIVED = "archived", "Archived"


class ReferralSource(models.TextChoices):
    SELF = "self", "Self-referred"
    GP = "gp", "GP or health professional"
    EMPLOYER = "employer", "Employer or employee assistance"
    EDUCATION = "education", "School, college or university"
    THERAPIST = "therapist", "Another therapist"
    DIRECTORY = "directory", "Online directory"
    OTHER = "other", "Other"


class Client(models.Model):
    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    # No index of its own: every client index starts with practice, and a bare practice index
    # would only tempt the planner to walk a whole practice.
    practice = models.ForeignKey(
        Practice, on_delete=models.PROTECT, related_name="clients", db_index=False
    )
    case_code = models.CharField(max_length=12)

    given_name = models.CharField(max_length=100)
    family_name = models.CharField(max_length=100)
    preferred_name = models.CharField(max_length=100, blank=True)
    pronouns = models.CharField(max_length=40, blank=True)
    date_of_birth = models.DateField(null=True, blank=True)
    # Where they work, if they say: the dual-relationship check compares it with other clients'.
    employer = models.CharField(max_length=150, blank=True)

    email = models.EmailField(blank=True)
    phone = models.CharField(max_length=40, blank=True)
    address = models.TextField(max_length=500, blank=True)
    postcode = models.CharField(max_length=12, blank=True)

    # Safe-contact preferences: how Frame and the practice may reach this person without harm.
    may_leave_voicemail = models.BooleanField(default=False)
    may_email = models.BooleanField(default=True)
    may_text = models.BooleanField(default=False)
    discreet_wording = models.BooleanField(default=True)
    safe_contact_notes = EncryptedTextField(blank=True, default="")

    gp_name = models.CharField("GP name", max_length=150, blank=True)
    gp_surgery = models.CharField("GP surgery", max_length=200, blank=True)
    gp_phone = models.CharField("GP phone", max_length=40, blank=True)
    emergency_contact_name = models.CharField(max_length=150, blank=True)
    emergency_contact_relationship = models.CharField(max_length=80, blank=True)
    emergency_contact_phone = models.CharField(max_length=40, blank=True)

    referral_source = models.CharField(max_length=20, choices=ReferralSource.choices, blank=True)
    referral_reason = EncryptedTextField(blank=True, default="")

    status = models.CharField(max_length=16, choices=Status.choices, default=Status.ENQUIRY)
    status_changed_at = models.DateTimeField(default=timezone.now)
    # Derived from the names on every save (see search_key); never typed by anyone.
    sort_key = models.CharField(max_length=KEY_LENGTH, editable=False, blank=True)
    given_key = models.CharField(max_length=100, editable=False, blank=True)
    preferred_key = models.CharField(max_length=100, editable=False, blank=True)

    created_at = models.DateTimeField(default=timezone.now)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )

    objects = ClientQuerySet.as_manager()

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["practice", "case_code"], name="client_case_code_unique"
            ),
            models.CheckConstraint(
                condition=models.Q(status__in=Status.values), name="client_status_valid"
            ),
        ]
        # Every list query is "this practice, in name order, the first page": these indexes let
        # the database walk the rows in order and stop after one page, however large the practice.
        # `id` is last so keyset pagination (sort_key, id) is a range over the same index.
        # Name searches use SearchKey's index instead.
        indexes = [
            models.Index(fields=["practice", "sort_key", "id"], name="client_practice_sort_idx"),
            models.Index(
                fields=["practice", "status", "sort_key", "id"], name="client_status_sort_idx"
            ),
        ]

    def __str__(self) -> str:
        return self.display_name

    def save(self, *args: Any, **kwargs: Any) -> None:
        self.refresh_search_keys()
        update_fields = kwargs.get("update_fields")
        renamed = update_fields is None or bool(SEARCHED_FIELDS.intersection(update_fields))
        if update_fields is not None and renamed:
            kwargs["update_fields"] = {*update_fields, *KEY_FIELDS}
        adding = self._state.adding
        with transaction.atomic(using=kwargs.get("using")):
            super().save(*args, **kwargs)
            if adding:
                SearchKey.objects.bulk_create(self.search_key_rows())
            elif renamed:
                self._replace_search_keys()

    def delete(self, *args: Any, **kwargs: Any) -> tuple[int, dict[str, int]]:
        raise RecordsAreNotDeleted("Client records are never deleted; archive them instead.")

    def clean(self) -> None:
        if self.date_of_birth is not None:
            if self.date_of_birth > timezone.localdate():
                raise ValidationError(
                    {"date_of_birth": "The date of birth cannot be in the future."}
                )
            if self.date_of_birth < EARLIEST_BIRTH_DATE:
                raise ValidationError(
                    {"date_of_birth": "Please check the year: the date of birth looks too early."}
                )

    def refresh_search_keys(self) -> None:
        # Case folding can lengthen text ("ß" → "ss"), so keys are cut to fit their columns.
        self.sort_key = search_key(f"{self.family_name} {self.given_name}")[:KEY_LENGTH]
        self.given_key = search_key(self.given_name)[:100]
        self.preferred_key = search_key(self.preferred_name)[:100]

    def search_key_rows(self) -> list[SearchKey]:
        """The ways to find this client: each name order and the case code, one row each."""
        forms = [
            (SearchKey.Kind.FAMILY, f"{self.family_name} {self.given_name}"),
            (SearchKey.Kind.GIVEN, f"{self.given_name} {self.family_name}"),
        ]
        if self.preferred_name and search_key(self.preferred_name) != search_key(self.given_name):
            forms.append((SearchKey.Kind.PREFERRED, f"{self.preferred_name} {self.family_name}"))
        forms.append((SearchKey.Kind.CASE_CODE, self.case_code))
        rows: dict[str, SearchKey] = {}
        for kind, text in forms:
            key = search_key(text)[:KEY_LENGTH]
            if key and key not in rows:  # "Morgan Morgan" reads the same both ways round
                rows[key] = SearchKey(
                    client_id=self.pk, practice_id=self.practice_id, key=key, kind=kind
                )
        return list(rows.values())

    def _replace_search_keys(self) -> None:
        SearchKey.objects.filter(client_id=self.pk).delete()
        SearchKey.objects.bulk_create(self.search_key_rows())

    @property
    def display_name(self) -> str:
        known_as = (
            f" ({self.preferred_name})"
            if self.preferred_name and self.preferred_name != self.given_name
            else ""
        )
        return f"{self.given_name}{known_as} {self.family_name}"


class SearchKey(models.Model):
    """One way of finding a client: "family given", "given family", "preferred family" or the
    case code, as an accent-free, lower-case key.

    Search is a prefix range over (practice, key). The index hands back matches already in
    alphabetical order of the name that matched, so a search reads one page of rows and stops,
    however many clients share the prefix. Rows are derived from the client and rewritten by
    Client.save() and ClientQuerySet.bulk_create(); never edit them by hand.
    """

    class Kind(models.TextChoices):
        FAMILY = "family", "Family name first"
        GIVEN = "given", "Given name first"
        PREFERRED = "preferred", "Preferred name first"
        CASE_CODE = "code", "Case code"

    client = models.ForeignKey(
        Client, on_delete=models.CASCADE, related_name="search_keys", db_index=False
    )
    practice = models.ForeignKey(
        Practice, on_delete=models.PROTECT, related_name="+", db_index=False
    )
    key = models.CharField(max_length=KEY_LENGTH)
    kind = models.CharField(max_length=10, choices=Kind.choices)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["client", "key"], name="client_search_key_unique"),
        ]
        indexes = [
            models.Index(fields=["practice", "key", "client"], name="client_search_key_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} key for {self.client_id}"


class CareTeamMember(models.Model):
    client = models.ForeignKey(Client, on_delete=models.PROTECT, related_name="care_team")
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="care_team_links"
    )
    added_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["client", "user"], name="care_team_unique")]
        indexes = [models.Index(fields=["user", "client"], name="care_team_user_idx")]

    def __str__(self) -> str:
        return f"{self.user} on {self.client_id}"


class StatusChange(models.Model):
    client = models.ForeignKey(Client, on_delete=models.PROTECT, related_name="status_changes")
    from_status = models.CharField(max_length=16, choices=Status.choices, blank=True)
    to_status = models.CharField(max_length=16, choices=Status.choices)
    changed_at = models.DateTimeField(default=timezone.now)
    effective_date = models.DateField(default=timezone.localdate)
    changed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )

    objects = UndeletableQuerySet["StatusChange"].as_manager()

    class Meta:
        ordering = ["changed_at", "id"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(to_status__in=Status.values), name="status_change_to_valid"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.from_status or 'new'} → {self.to_status}"

    def delete(self, *args: Any, **kwargs: Any) -> tuple[int, dict[str, int]]:
        raise RecordsAreNotDeleted("A client's status history is never deleted.")


class PersonQuerySet(UndeletableQuerySet["Person"]):
    def current(self) -> PersonQuerySet:
        return self.filter(removed_at__isnull=True)


class Person(models.Model):
    """Someone in the client's life, named so later checks (dual relationships) can find them."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    client = models.ForeignKey(Client, on_delete=models.PROTECT, related_name="people")
    name = models.CharField(max_length=150)
    relationship = models.CharField(max_length=80)
    organisation = models.CharField(max_length=150, blank=True)
    added_at = models.DateTimeField(default=timezone.now)
    # Removal is a mark, not a deletion: later checks (dual relationships) still need the name.
    removed_at = models.DateTimeField(null=True, blank=True)

    objects = PersonQuerySet.as_manager()

    class Meta:
        ordering = ["name", "id"]

    def __str__(self) -> str:
        return f"{self.name} ({self.relationship})"

    def delete(self, *args: Any, **kwargs: Any) -> tuple[int, dict[str, int]]:
        raise RecordsAreNotDeleted("People in a client's life are marked removed, not deleted.")


# Which fields belong to which part of the record. Administrators may see and edit the first two.
IDENTITY_FIELDS = (
    "given_name",
    "family_name",
    "preferred_name",
    "pronouns",
    "date_of_birth",
    "employer",
)
CONTACT_FIELDS = (
    "email",
    "phone",
    "address",
    "postcode",
    "may_leave_voicemail",
    "may_email",
    "may_text",
    "discreet_wording",
    "safe_contact_notes",
)
GP_AND_EMERGENCY_FIELDS = (
    "gp_name",
    "gp_surgery",
    "gp_phone",
    "emergency_contact_name",
    "emergency_contact_relationship",
    "emergency_contact_phone",
)
REFERRAL_FIELDS = ("referral_source", "referral_reason")
ADMINISTRATIVE_FIELDS = IDENTITY_FIELDS + CONTACT_FIELDS
CLINICAL_FIELDS = GP_AND_EMERGENCY_FIELDS + REFERRAL_FIELDS
EDITABLE_FIELDS = ADMINISTRATIVE_FIELDS + CLINICAL_FIELDS
PERSON_FIELDS = ("name", "relationship", "organisation")
