"""What the measures app stores. Instrument definitions themselves are files, not rows."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils import timezone

from frame.accounts.models import Practice


class ImportedWording(models.Model):
    """A practice's wording for a licensed instrument, imported from its own licensed copy.

    Only words live here: the structure and scoring always come from Frame's definition file, and
    the import refuses anything that would change them.
    """

    practice = models.ForeignKey(Practice, on_delete=models.PROTECT, related_name="+")
    instrument = models.CharField(max_length=40)
    instrument_version = models.CharField(max_length=20)
    instructions = models.TextField(blank=True)
    items = models.JSONField(help_text="Item number (as text) to wording.")
    option_labels = models.JSONField(help_text="Response set name to its option labels, in order.")
    imported_at = models.DateTimeField(default=timezone.now)
    imported_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["practice", "instrument"], name="measures_wording_one_per_instrument"
            )
        ]

    def __str__(self) -> str:
        return f"{self.instrument} wording for practice {self.practice_id}"
