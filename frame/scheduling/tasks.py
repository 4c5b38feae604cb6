"""Background tasks: reminders every five minutes, regular slots kept a year ahead daily, and
whatever other apps add with `register(...)` from their `AppConfig.ready()`.

`frame worker` runs them (see `frame.scheduling.management.commands.worker`). Each periodic run is
enqueued once per period, whoever else is enqueuing: a `PeriodicRun` row with a unique key is
written in the same transaction as the queued task, so a second worker's attempt fails quietly.
A task that raises is queued again after 5, 10, 20 and 40 minutes; the fifth failure is left as a
failed task and shown to the practice's owners on their home page.
"""

from __future__ import annotations

import datetime as dt
import logging
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django.db import IntegrityError, transaction
from django.utils import timezone
from django_tasks import task
from django_tasks.base import Task

from frame.scheduling.actions import extend_open_ended_slots
from frame.scheduling.models import PeriodicRun
from frame.scheduling.reminders import backoff, describe, send_due_reminders

logger = logging.getLogger(__name__)

MAX_TASK_ATTEMPTS = 5


def _with_retries(
    this: Task[Any, Any], work: Callable[[], dict[str, Any]], period: str, attempt: int
) -> dict[str, Any]:
    """Run `work`; if it raises, queue this task again after a back-off, until the last try."""
    try:
        return work()
    except Exception:
        if attempt >= MAX_TASK_ATTEMPTS:
            raise  # left as a failed task, which the owners' home page shows
        logger.warning("Task %s failed (attempt %s); trying again later.", this.name, attempt)
        this.using(run_after=timezone.now() + backoff(attempt)).enqueue(
            period=period, attempt=attempt + 1
        )
        return {"retrying": attempt + 1}


@task()
def send_reminders(period: str = "", attempt: int = 1) -> dict[str, Any]:
    """Send the reminders that are due (and retry earlier failed emails)."""
    return _with_retries(send_reminders, lambda: describe(send_due_reminders()), period, attempt)


@task()
def extend_slots(period: str = "", attempt: int = 1) -> dict[str, Any]:
    """Write open-ended regular slots' sessions a year ahead again."""
    return _with_retries(
        extend_slots, lambda: {"added": extend_open_ended_slots()}, period, attempt
    )


@dataclass(frozen=True)
class Periodic:
    name: str
    task: Task[Any, Any]
    every: dt.timedelta
    label: str  # what the owners' home page calls it if it fails


_schedule: dict[str, Periodic] = {}


def register(periodic: Periodic) -> None:
    """Add a periodic task to the worker's schedule (other apps call this from `ready()`)."""
    _schedule[periodic.name] = periodic  # re-registering replaces, never doubles


def schedule() -> list[Periodic]:
    return list(_schedule.values())


register(
    Periodic(
        "send_reminders", send_reminders, dt.timedelta(minutes=5), "Sending appointment reminders"
    )
)
register(
    Periodic(
        "extend_slots", extend_slots, dt.timedelta(days=1), "Writing regular slots' sessions ahead"
    )
)


def label_for(task_path: str) -> str:
    labels = {periodic.task.module_path: periodic.label for periodic in schedule()}
    return labels.get(task_path, task_path)


EPOCH = dt.datetime(2000, 1, 1, tzinfo=dt.UTC)


def period_start(now: dt.datetime, every: dt.timedelta) -> dt.datetime:
    """The start of the period `now` falls in (periods counted from a fixed UTC moment)."""
    return EPOCH + every * ((now - EPOCH) // every)


def enqueue_due(*, now: dt.datetime | None = None) -> list[str]:
    """Queue each periodic task whose current period has not been queued yet; return their names."""
    now = now or timezone.now()
    queued = []
    for periodic in schedule():
        start = period_start(now, periodic.every)
        try:
            with transaction.atomic():
                PeriodicRun.objects.create(name=periodic.name, period_start=start)
                periodic.task.enqueue(period=start.isoformat())
        except IntegrityError:
            continue  # another worker queued this period already
        queued.append(periodic.name)
    return queued
