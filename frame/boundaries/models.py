"""Boundary events, the practitioner's declared circle, and dual-relationship checks.

Boundary events are clinical records: kept, never deleted. A correction is an edit that keeps
the earlier version (`BoundaryEventRevision`); an entry made against the wrong client or by
mistake is marked "recorded in error" and stays, greyed out, with the reason.

The declared circle belongs to one practitioner alone. Every part of an entry is encrypted: the
matcher works in memory on the practitioner's own (small) circle, so nothing needs to be
searchable in the database. See docs/decisions/0009 and 0010.
"""

from __future__ import annotations

import uuid
from typing import Any

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone

from frame.boundaries import matching
from frame.clients.models import Client, RecordsAreNotDeleted, UndeletableQuerySet
from frame.lib.fields import EncryptedTextField


class Kind(models.TextChoices):
    SOCIAL_CONTACT = "social_contact", "Request for social contact or friendship"
    SOCIAL_MEDIA = "social_media", "Social-media request"
    GIFT = "gift", "Gift"
    CHANCE_ENCOUNTER = "chance_encounter", "Chance encounter"
    OUTSIDE_CONTACT = "outside_contact", "Contact outside agreed channels or hours"
    DUAL_ROLE = "dual_role", "Dual role discovered"
    PHYSICAL_CONTACT = "physical_contact", "Physical contact"
    OTHER = "other", "Other"


class GiftOutcome(models.TextChoices):
    OFFERED = "offered", "Offered, not yet accepted or declined"
    ACCEPTED = "accepted", "Accepted"
    DECLINED = "declined", "Declined"


class BoundaryEvent(models.Model):
    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    client = models.ForeignKey(Client, on_delete=models.PROTECT, related_name="boundary_events")
    kind = models.CharField(max_length=20, choices=Kind.choices)
    occurred_on = models.DateField()
    what_happened = EncryptedTextField()
    response = EncryptedTextField(blank=True, default="")
    gift_outcome = models.CharField(max_length=10, choices=GiftOutcome.choices, blank=True)
    gift_value_pounds = models.PositiveIntegerField(null=True, blank=True)

    to_explore = models.BooleanField(default=True)
    explored_on = models.DateField(null=True, blank=True)
    # The session note (notes.SessionNote pk) where it was explored, chosen on the event form.
    # A plain id rather than a foreign key so the boundary log never depends on the notes app's
    # tables; actions.py checks the note belongs to the same client before storing it.
    explored_in_session_id = models.UUIDField(null=True, blank=True, editable=False)
    to_supervision = models.BooleanField(default=False)
    taken_to_supervision_on = models.DateField(null=True, blank=True)

    recorded_in_error_at = models.DateTimeField(null=True, blank=True)
    recorded_in_error_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    error_reason = EncryptedTextField(blank=True, default="")

    created_at = models.DateTimeField(default=timezone.now)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    edited_at = models.DateTimeField(null=True, blank=True)

    objects = UndeletableQuerySet["BoundaryEvent"].as_manager()

    # The session behind explored_in_session_id, for pages: set by selectors.attach_session_links.
    explored_session: Any = None

    class Meta:
        constraints = [
            models.CheckConstraint(
                condition=Q(kind__in=Kind.values), name="boundary_event_kind_valid"
            ),
            models.CheckConstraint(
                condition=Q(gift_outcome__in=["", *GiftOutcome.values]),
                name="boundary_event_gift_outcome_valid",
            ),
            models.CheckConstraint(
                condition=Q(kind=Kind.GIFT) | Q(gift_outcome="", gift_value_pounds__isnull=True),
                name="boundary_event_gift_details_only_for_gifts",
            ),
            models.CheckConstraint(
                condition=Q(explored_on__isnull=True) | Q(to_explore=True),
                name="boundary_event_explored_means_to_explore",
            ),
            models.CheckConstraint(
                condition=Q(explored_in_session_id__isnull=True) | Q(explored_on__isnull=False),
                name="boundary_event_session_needs_explored_date",
            ),
            models.CheckConstraint(
                condition=Q(taken_to_supervision_on__isnull=True) | Q(to_supervision=True),
                name="boundary_event_taken_means_to_supervision",
            ),
            models.CheckConstraint(
                condition=Q(recorded_in_error_at__isnull=True, recorded_in_error_by__isnull=True)
                | Q(recorded_in_error_at__isnull=False, recorded_in_error_by__isnull=False),
                name="boundary_event_error_at_and_by_together",
            ),
        ]
        indexes = [
            models.Index(fields=["client", "occurred_on", "id"], name="boundary_event_client_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} on {self.occurred_on:%d %b %Y}"

    def delete(self, *args: Any, **kwargs: Any) -> tuple[int, dict[str, int]]:
        raise RecordsAreNotDeleted("Boundary events are kept; mark one as recorded in error.")

    @property
    def in_error(self) -> bool:
        return self.recorded_in_error_at is not None

    @property
    def awaiting_exploration(self) -> bool:
        return not self.in_error and self.to_explore and self.explored_on is None

    @property
    def awaiting_supervision(self) -> bool:
        return not self.in_error and self.to_supervision and self.taken_to_supervision_on is None


# Fields a practitioner edits; each edit keeps the earlier values in a revision.
EVENT_FIELDS = (
    "kind",
    "occurred_on",
    "what_happened",
    "response",
    "gift_outcome",
    "gift_value_pounds",
    "to_explore",
    "explored_on",
    "explored_in_session_id",
    "to_supervision",
    "taken_to_supervision_on",
)
EVENT_TEXT_FIELDS = ("what_happened", "response")

# Open items: not in error, and waiting to be explored or taken to supervision.
AWAITING = Q(recorded_in_error_at__isnull=True) & (
    Q(to_explore=True, explored_on__isnull=True)
    | Q(to_supervision=True, taken_to_supervision_on__isnull=True)
)


class BoundaryEventRevision(models.Model):
    """How an event read before one edit: who changed it, when, and which fields."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    event = models.ForeignKey(BoundaryEvent, on_delete=models.PROTECT, related_name="revisions")
    changed_fields = models.JSONField(default=list)
    # The structured fields as they were (kind, dates, yes/no); the typed text is sealed below.
    previous = models.JSONField(default=dict)
    previous_what_happened = EncryptedTextField(blank=True, default="")
    previous_response = EncryptedTextField(blank=True, default="")
    revised_at = models.DateTimeField(default=timezone.now)
    revised_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )

    objects = UndeletableQuerySet["BoundaryEventRevision"].as_manager()

    class Meta:
        ordering = ["-revised_at", "-id"]

    def __str__(self) -> str:
        return f"Revision of {self.event_id} at {self.revised_at:%Y-%m-%d %H:%M}"

    def delete(self, *args: Any, **kwargs: Any) -> tuple[int, dict[str, int]]:
        raise RecordsAreNotDeleted("The history of a boundary event is kept.")


# --- The declared circle --------------------------------------------------------------------------


class CircleEntry(models.Model):
    """Someone (or an organisation) the practitioner has a personal tie with. Theirs alone.

    At least a name or an organisation. Deleting an entry is allowed: it is the practitioner's
    own private list, not a clinical record, and keeping it smaller keeps it safer.
    """

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", db_index=False
    )
    name = EncryptedTextField(blank=True, default="")
    relationship = EncryptedTextField(blank=True, default="")
    organisation = EncryptedTextField(blank=True, default="")
    town = EncryptedTextField(blank=True, default="")
    added_at = models.DateTimeField(default=timezone.now)
    updated_at = models.DateTimeField(default=timezone.now)

    class Meta:
        indexes = [models.Index(fields=["owner", "added_at"], name="circle_entry_owner_idx")]

    def __str__(self) -> str:
        return f"Circle entry {self.pk}"

    @property
    def label(self) -> str:
        return str(self.name or self.organisation)

    def as_record(self) -> matching.Record:
        return matching.Record(
            ref=("circle", self.pk),
            names=(self.name,) if self.name else (),
            organisations=(self.organisation,) if self.organisation else (),
        )


CIRCLE_FIELDS = ("name", "relationship", "organisation", "town")


# --- Dual-relationship checks ---------------------------------------------------------------------


class Decision(models.TextChoices):
    PROCEED = "proceed", "Proceed: offer to work together"
    REFER_ON = "refer_on", "Refer on to someone else"
    SUPERVISION = "supervision", "Discuss in supervision before deciding"


class Screening(models.Model):
    """One run of the check of an enquiry, for one practitioner, and what it found.

    Runs are kept: a new one is stored only when the matches differ from the last run's (the
    fingerprint says so), and a decision belongs to the run it was made on, so a new match
    always asks for a fresh decision.
    """

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    client = models.ForeignKey(Client, on_delete=models.PROTECT, related_name="+")
    practitioner = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    fingerprint = models.CharField(max_length=64)
    match_count = models.PositiveIntegerField(default=0)
    created_at = models.DateTimeField(default=timezone.now)
    # When the matches were last confirmed unchanged by a later run.
    checked_at = models.DateTimeField(default=timezone.now)

    objects = UndeletableQuerySet["Screening"].as_manager()

    class Meta:
        indexes = [
            models.Index(
                fields=["client", "practitioner", "created_at"], name="screening_latest_idx"
            ),
        ]

    def __str__(self) -> str:
        return f"Check of {self.client_id} for {self.practitioner_id}"

    def delete(self, *args: Any, **kwargs: Any) -> tuple[int, dict[str, int]]:
        raise RecordsAreNotDeleted("Dual-relationship checks are kept.")


class EnquiryPart(models.TextChoices):
    ENQUIRY = "enquiry", "The enquiry"
    PERSON = "person", "Someone the enquiry named"
    EMERGENCY_CONTACT = "emergency", "The enquiry's emergency contact"


class Target(models.TextChoices):
    CIRCLE = "circle", "Your declared circle"
    OWN_CLIENT = "own_client", "Your client"
    OWN_CLIENT_CONTACT = "own_contact", "Someone your client named"
    COLLEAGUE_CLIENT = "colleague_client", "A colleague's client"
    COLLEAGUE_CLIENT_CONTACT = "colleague_contact", "Someone a colleague's client named"


# Targets whose details the practitioner may see; the others show only their kind and case code.
OWN_TARGETS = frozenset({Target.CIRCLE, Target.OWN_CLIENT, Target.OWN_CLIENT_CONTACT})


class ScreeningMatch(models.Model):
    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    screening = models.ForeignKey(Screening, on_delete=models.PROTECT, related_name="matches")
    position = models.PositiveIntegerField()
    enquiry_part = models.CharField(max_length=10, choices=EnquiryPart.choices)
    field = models.CharField(max_length=12, choices=[(f.value, f.value) for f in matching.Field])
    how = models.CharField(max_length=20, choices=[(h.value, h.value) for h in matching.How])
    target = models.CharField(max_length=20, choices=Target.choices)
    target_client = models.ForeignKey(
        Client, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    circle_entry = models.ForeignKey(
        CircleEntry, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    # What matched, as the practitioner may see it (JSON: the enquiry's value, and for their own
    # clients and circle the matching name and what it belongs to). Never anything of a
    # colleague's client beyond the case code, which is read from `target_client` when shown.
    shown = EncryptedTextField(blank=True, default="")

    objects = UndeletableQuerySet["ScreeningMatch"].as_manager()

    class Meta:
        ordering = ["position"]
        constraints = [
            models.UniqueConstraint(
                fields=["screening", "position"], name="screening_match_position_unique"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.target} match on {self.field}"


class ScreeningDecision(models.Model):
    """What the practitioner decided on one run's matches, and why (in their words, sealed)."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    screening = models.ForeignKey(Screening, on_delete=models.PROTECT, related_name="decisions")
    decision = models.CharField(max_length=12, choices=Decision.choices)
    reason = EncryptedTextField()
    decided_at = models.DateTimeField(default=timezone.now)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )

    objects = UndeletableQuerySet["ScreeningDecision"].as_manager()

    class Meta:
        ordering = ["-decided_at", "-id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(decision__in=Decision.values), name="screening_decision_valid"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_decision_display()} ({self.decided_at:%Y-%m-%d})"
