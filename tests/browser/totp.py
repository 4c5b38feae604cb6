"""Authenticator-app codes for browser tests, computed as the phone app would (RFC 6238)."""

from __future__ import annotations

import time

from allauth.mfa.totp.internal.auth import format_hotp_value, hotp_value
from django.conf import settings

# Frame accepts a code only in its own 30-second window (no tolerance). A code typed in the last
# moments of a window could arrive in the next one, so wait for a window with time to spare.
MARGIN_SECONDS = 4.0


def current_code(secret: str, *, after: int = -1) -> tuple[str, int]:
    """A code valid for at least MARGIN_SECONDS, from a later window than `after`.

    Codes cannot be reused, so a sign-in right after enrolment passes the enrolment's window as
    `after`. Returns the code and its window number. Waits on the clock, never on the page.
    """
    period = settings.MFA_TOTP_PERIOD
    while True:
        now = time.time()
        counter = int(now // period)
        remaining = (counter + 1) * period - now
        if counter > after and remaining >= MARGIN_SECONDS:
            return format_hotp_value(hotp_value(secret, counter)), counter
        time.sleep(remaining + 0.05)
