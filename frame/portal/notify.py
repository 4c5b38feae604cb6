"""Letting the practitioner know something happened in the portal that needs them.

Emails to staff name no client: they say what happened and where to look in Frame, so a mailbox
seen over someone's shoulder reveals nothing.
"""

from __future__ import annotations

import logging
import smtplib

from django.conf import settings
from django.core.mail import EmailMessage
from django.template.loader import render_to_string

from frame.accounts.models import Membership
from frame.portal.models import PortalInvitation

logger = logging.getLogger(__name__)


def link_requested(invitation: PortalInvitation) -> None:
    """Email whoever sent the invitation (if still in the practice) that a new link is wanted."""
    inviter = invitation.invited_by
    if not Membership.objects.filter(user_id=inviter.pk, is_active=True).exists():
        return  # they have left; the request still shows on the card and the home page
    context = {"inviter": inviter, "base_url": settings.FRAME_BASE_URL}
    message = EmailMessage(
        subject=render_to_string("portal/email/link_requested_subject.txt", context).strip(),
        body=render_to_string("portal/email/link_requested_message.txt", context),
        to=[inviter.email],
    )
    try:
        message.send(fail_silently=False)
    except (OSError, smtplib.SMTPException) as error:
        # The request is recorded either way; the email is only a nudge.
        logger.warning("Link-request email could not be sent: %s", type(error).__name__)
