"""Keeping a draft that arrives after its writer's session has ended.

Each note form carries a signed token naming the writer and the appointment. When a save
arrives without a session (the idle timeout passed while they typed), the token proves who wrote
it; the text is stored encrypted for that person alone (KeptDraft) and goes into their draft the
next time they open the note signed in. See the decision record on drafts after session expiry
in docs/decisions/.
"""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.core import signing

SALT = "frame.notes.keeper"


def token_for(user: Any, appointment_id: Any) -> str:
    return signing.dumps({"u": user.pk, "a": str(appointment_id)}, salt=SALT)


def max_age_seconds() -> int:
    # Long enough for a session that lasted as long as sessions may, and a little over.
    return int(settings.FRAME_SESSION_MAX_HOURS) * 3600 + 3600


def writer_of(token: str, appointment_id: Any) -> int | None:
    """The user id the token was issued to, if it is genuine, recent and for this appointment."""
    try:
        data = signing.loads(token, salt=SALT, max_age=max_age_seconds())
    except signing.BadSignature:
        return None
    if not isinstance(data, dict) or data.get("a") != str(appointment_id):
        return None
    user_id = data.get("u")
    return user_id if isinstance(user_id, int) else None
