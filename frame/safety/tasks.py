"""The background task that emails reminders about unacknowledged risk flags.

`frame worker` queues it every fifteen minutes (it is listed in frame.scheduling.tasks.SCHEDULE).
A run that fails is simply run again in the next period: every step is safe to repeat.
"""

from __future__ import annotations

from typing import Any

from django_tasks import task

from frame.safety.reminders import send_flag_reminders as _send


@task()
def send_flag_reminders(period: str = "", attempt: int = 1) -> dict[str, Any]:
    run = _send()
    return {"due": run.due, "sent": run.sent, "failed": run.failed}
