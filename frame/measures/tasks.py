"""The background task that sends scheduled questionnaires (see schedules.py).

Run by `frame worker` (registered in its periodic schedule from MeasuresConfig.ready()), or by
`frame sendquestionnaires` from cron. Each run is idempotent, so a failed run is simply done again
at the next period; a task that raises is left as a failed task for the owners' home page.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django_tasks import task

from frame.measures.schedules import send_due

EVERY = dt.timedelta(minutes=15)  # how often `frame worker` queues it (see apps.py)


@task()
def send_scheduled_questionnaires(period: str = "", attempt: int = 1) -> dict[str, Any]:
    """Put due scheduled questionnaires in clients' portals (once per schedule and appointment)."""
    return send_due().as_dict()
