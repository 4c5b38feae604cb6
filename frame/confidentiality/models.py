"""The confidentiality register: every decision to share — or not to share — without consent.

An entry is written once and never changed or deleted. `save()` on an existing row, any
`QuerySet.update()` (and so `bulk_update()`) and any `delete()` raise `RegisterIsAppendOnly`. A
correction is a new entry whose `corrects` points at the one it replaces; the earlier entry stays
and shows who corrected it. Every entry carries a legal hold (see docs/decisions on the register's
legal hold): retention and deletion jobs must skip a client with any held entry.

All free text is encrypted. What the fields are for follows clinical-domain.md §6.3.
"""

from __future__ import annotations

import uuid
from typing import Any, TypeVar

from django.conf import settings
from django.db import models
from django.utils import timezone

from frame.lib.fields import EncryptedTextField


class RegisterIsAppendOnly(Exception):
    """A register entry was about to be changed or deleted."""


_M = TypeVar("_M", bound=models.Model)


class _AppendOnlyQuerySet(models.QuerySet[_M]):
    """Bulk writes skip the model's checks, so they are refused outright."""

    def update(self, **kwargs: Any) -> int:
        raise RegisterIsAppendOnly(
            "Register entries are never changed: record a correction (a new, linked entry)."
        )

    def bulk_update(self, objs: Any, fields: Any, batch_size: int | None = None) -> int:
        # Refused before Django opens its transaction, so a caller's transaction stays usable.
        raise RegisterIsAppendOnly("Register entries are never changed in bulk.")

    def delete(self) -> tuple[int, dict[str, int]]:
        raise RegisterIsAppendOnly("Register entries are never deleted.")


class Basis(models.TextChoices):
    """The legal or ethical basis the practitioner considered."""

    CONSENT = "consent", "Client consent"
    SERIOUS_HARM = "serious_harm", "Serious risk of harm to self or others"
    CHILD_PROTECTION = "child_protection", "Child protection"
    ADULT_SAFEGUARDING = "adult_safeguarding", "Adult safeguarding"
    TERRORISM = "terrorism_s38b", "Terrorism Act 2000 s.38B"
    COURT_ORDER = "court_order", "Court order"
    OTHER = "other", "Other"


class AtRisk(models.TextChoices):
    CLIENT = "client", "The client"
    IDENTIFIABLE_PERSON = "identifiable_person", "An identifiable other person"
    CHILD = "child", "A child"
    ADULT_AT_RISK = "adult_at_risk", "An adult at risk"
    PUBLIC = "public", "The public, or people not yet known"


class Article6(models.TextChoices):
    """UK GDPR Article 6(1): the lawful basis for sharing the personal data."""

    CONSENT = "6_1_a", "Article 6(1)(a): consent"
    LEGAL_OBLIGATION = "6_1_c", "Article 6(1)(c): legal obligation (e.g. s.38B, a court order)"
    VITAL_INTERESTS = "6_1_d", "Article 6(1)(d): vital interests (to protect someone's life)"
    PUBLIC_TASK = "6_1_e", "Article 6(1)(e): public task (public bodies and some services)"
    LEGITIMATE_INTERESTS = "6_1_f", "Article 6(1)(f): legitimate interests"


class Article9(models.TextChoices):
    """UK GDPR Article 9(2) condition for health data, with the DPA 2018 basis where needed."""

    EXPLICIT_CONSENT = "9_2_a", "Article 9(2)(a): explicit consent"
    VITAL_INTERESTS = (
        "9_2_c",
        "Article 9(2)(c): vital interests, where the client cannot give consent",
    )
    LEGAL_CLAIMS = "9_2_f", "Article 9(2)(f): legal claims, or a court acting judicially"
    SAFEGUARDING = (
        "9_2_g_sch1_18",
        "Article 9(2)(g) with DPA 2018 Schedule 1 para 18: safeguarding of children and of "
        "individuals at risk",
    )
    UNLAWFUL_ACTS = (
        "9_2_g_sch1_10",
        "Article 9(2)(g) with DPA 2018 Schedule 1 para 10: preventing or detecting unlawful acts",
    )
    HEALTH_CARE = (
        "9_2_h_sch1_2",
        "Article 9(2)(h) with DPA 2018 Schedule 1 para 2: health or social care purposes",
    )


class Consulted(models.TextChoices):
    SUPERVISOR = "supervisor", "Supervisor"
    SAFEGUARDING_LEAD = "safeguarding_lead", "Safeguarding lead"
    INSURER_LEGAL_LINE = "insurer_legal", "Insurer's legal line"
    PROFESSIONAL_BODY = "professional_body", "Professional body (e.g. an ethics helpline)"
    OTHER = "other", "Someone else"


class ClientTold(models.TextChoices):
    BEFORE = "before", "Yes, before the decision was acted on"
    AFTER = "after", "Yes, afterwards"
    NOT_TOLD = "not_told", "No"


class Decision(models.TextChoices):
    SHARE = "share", "Share"
    SHARE_PARTLY = "share_partly", "Share part of it"
    NOT_SHARE = "not_share", "Not share"


SHARING = frozenset({Decision.SHARE, Decision.SHARE_PARTLY})


class SharedHow(models.TextChoices):
    PHONE = "phone", "By phone"
    SECURE_EMAIL = "secure_email", "By secure email"
    LETTER = "letter", "By letter"
    REFERRAL_FORM = "referral_form", "Through a referral form or portal"
    IN_PERSON = "in_person", "In person"
    OTHER = "other", "Another way"


class RegisterEntry(models.Model):
    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    client = models.ForeignKey(
        "clients.Client", on_delete=models.PROTECT, related_name="+", db_index=False
    )
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", db_index=False
    )
    # A correction is a new entry pointing at the one it replaces; each entry is corrected once
    # at most, so the chain of corrections is a line, not a tree.
    corrects = models.OneToOneField(
        "self",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="corrected_by",
    )

    # The concern and the facts.
    concern_arose_on = models.DateField()
    concern = EncryptedTextField()
    facts = EncryptedTextField(blank=True, default="")
    at_risk = models.JSONField(default=list, blank=True)  # AtRisk values
    at_risk_detail = EncryptedTextField(blank=True, default="")

    # The basis considered and the data-protection conditions relied on.
    basis = models.JSONField(default=list)  # Basis values, at least one
    basis_detail = EncryptedTextField(blank=True, default="")
    article_6 = models.CharField(max_length=16, choices=Article6.choices, blank=True)
    article_9 = models.CharField(max_length=16, choices=Article9.choices, blank=True)

    # Who was consulted and what they advised.
    consulted = models.JSONField(default=list, blank=True)  # Consulted values
    advice = EncryptedTextField(blank=True, default="")

    # Whether the client was told.
    client_told = models.CharField(max_length=16, choices=ClientTold.choices)
    client_told_detail = EncryptedTextField(blank=True, default="")

    # The decision.
    decision = models.CharField(max_length=16, choices=Decision.choices)
    decided_on = models.DateField()
    reasons = EncryptedTextField()

    # What was shared (when the decision was to share, in full or in part).
    what_shared = EncryptedTextField(blank=True, default="")
    shared_with = EncryptedTextField(blank=True, default="")
    shared_how = models.CharField(max_length=16, choices=SharedHow.choices, blank=True)
    shared_on = models.DateField(null=True, blank=True)
    shared_time = models.TimeField(null=True, blank=True)  # local time, when it is known
    reference_numbers = EncryptedTextField(blank=True, default="")

    # Follow-up.
    follow_up = EncryptedTextField(blank=True, default="")
    review_on = models.DateField(null=True, blank=True)

    # Always on: see held_client_ids() in selectors.py and the decision record.
    legal_hold = models.BooleanField(default=True, editable=False)
    recorded_at = models.DateTimeField(default=timezone.now)

    objects = _AppendOnlyQuerySet["RegisterEntry"].as_manager()

    class Meta:
        ordering = ["-recorded_at"]
        indexes = [
            models.Index(fields=["client", "-recorded_at"], name="confid_entry_client_idx"),
            models.Index(fields=["author", "client"], name="confid_entry_author_idx"),
            models.Index(fields=["legal_hold", "client"], name="confid_entry_hold_idx"),
            models.Index(fields=["author", "review_on"], name="confid_entry_review_idx"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(decision__in=Decision.values), name="confid_decision_valid"
            ),
            models.CheckConstraint(
                condition=models.Q(client_told__in=ClientTold.values),
                name="confid_client_told_valid",
            ),
        ]

    def __str__(self) -> str:
        return f"Register entry {self.pk}"

    def save(self, *args: Any, **kwargs: Any) -> None:
        if not self._state.adding:
            raise RegisterIsAppendOnly(
                "Register entries are written once: record a correction instead."
            )
        super().save(*args, **kwargs)

    def delete(self, *args: Any, **kwargs: Any) -> tuple[int, dict[str, int]]:
        raise RegisterIsAppendOnly("Register entries are never deleted.")

    @property
    def shared(self) -> bool:
        return self.decision in SHARING

    def basis_labels(self) -> list[str]:
        return _labels(Basis, self.basis)

    def at_risk_labels(self) -> list[str]:
        return _labels(AtRisk, self.at_risk)

    def consulted_labels(self) -> list[str]:
        return _labels(Consulted, self.consulted)


def _labels(choices: type[models.TextChoices], values: Any) -> list[str]:
    known = dict(choices.choices)
    return [str(known.get(value, value)) for value in values or []]


class FollowUp(models.Model):
    """What happened next with a decision, added later: append-only like the entry itself.

    Its `next_review_on` replaces the entry's review date; empty means no further review is
    planned.
    """

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    entry = models.ForeignKey(RegisterEntry, on_delete=models.PROTECT, related_name="follow_ups")
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", db_index=False
    )
    text = EncryptedTextField()
    next_review_on = models.DateField(null=True, blank=True)
    written_at = models.DateTimeField(default=timezone.now)

    objects = _AppendOnlyQuerySet["FollowUp"].as_manager()

    class Meta:
        ordering = ["written_at", "id"]
        indexes = [models.Index(fields=["entry", "-written_at"], name="confid_followup_idx")]

    def __str__(self) -> str:
        return f"Follow-up {self.pk}"

    def save(self, *args: Any, **kwargs: Any) -> None:
        if not self._state.adding:
            raise RegisterIsAppendOnly("Follow-ups are written once: add another instead.")
        super().save(*args, **kwargs)

    def delete(self, *args: Any, **kwargs: Any) -> tuple[int, dict[str, int]]:
        raise RegisterIsAppendOnly("Follow-ups are never deleted.")
