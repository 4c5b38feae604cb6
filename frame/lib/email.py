"""Sending email that must not leave a dangling record behind when the mail server fails."""

from __future__ import annotations

import logging
import smtplib
from collections.abc import Callable

from django.core.mail import EmailMessage

logger = logging.getLogger(__name__)

INVITATION_NOT_SENT = (
    "Frame could not send the invitation email, so the invitation has been withdrawn. "
    "Please check the email settings, then try again."
)


def send_or_undo(message: EmailMessage, *, undo: Callable[[], None], label: str) -> bool:
    """Send `message`; if the mail server fails, run `undo` and return False.

    Callers send outside their database transaction (a slow mail server must not hold SQLite's
    write lock), so a failure has to be undone explicitly: no link should exist that nobody got.
    Only the error's type is logged — an SMTP error can echo the recipient's address.
    """
    try:
        message.send(fail_silently=False)
    except (OSError, smtplib.SMTPException) as error:
        logger.warning("%s could not be sent: %s", label, type(error).__name__)
        undo()
        return False
    return True
