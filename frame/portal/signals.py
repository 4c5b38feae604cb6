"""Every new practice starts with Frame's UK crisis contacts and its articles on the frame."""

from __future__ import annotations

from typing import Any

from django.db.models.signals import post_save
from django.dispatch import receiver

from frame.accounts.models import Practice
from frame.portal import actions


@receiver(post_save, sender=Practice, dispatch_uid="portal_practice_defaults")
def _practice_created(
    sender: Any, instance: Practice, created: bool, raw: bool, **kwargs: Any
) -> None:
    if created and not raw:
        actions.add_practice_defaults(practice_id=instance.pk)
