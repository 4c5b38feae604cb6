"""The background task that emails reminders about unacknowledged risk flags.

Run by `frame worker` (registered in the periodic schedule from SafetyConfig.ready(), every
EVERY), or by `frame sendflagreminders` from cron. Every step is safe to repeat,
so a failed run is simply done again at the next period.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django_tasks import task

from frame.safety.reminders import send_flag_reminders as _send

EVERY = dt.timedelta(minutes=15)


@task()
def send_flag_reminders(period: str = "", attempt: int = 1) -> dict[str, Any]:
    run = _send()
    return {"due": run.due, "sent": run.sent, "failed": run.failed}
