"""`frame worker`: queued tasks run from the database, periodic ones queued once, failures shown."""

from __future__ import annotations

import datetime as dt
import io
import os
import signal
from typing import Any

import pytest
import time_machine
from django.core.management import call_command
from django.urls import reverse
from django_tasks_db.models import DBTaskResult

from frame.scheduling import tasks
from frame.scheduling.models import PeriodicRun, Reminder
from tests.scheduling.conftest import LONDON

# The worker checks its database connection between tasks, as it would in production; inside a
# test transaction that check closes the connection on PostgreSQL, so these tests really commit.
pytestmark = pytest.mark.django_db(transaction=True)


# Every periodic task the worker queues: the diary's own, and those other apps register.
EVERY_TASK_PATH = [
    "frame.scheduling.tasks.send_reminders",
    "frame.scheduling.tasks.extend_slots",
    "frame.measures.tasks.send_scheduled_questionnaires",
    "frame.safety.tasks.send_flag_reminders",
]


def at(hour: int, minute: int = 0) -> dt.datetime:
    return dt.datetime(2027, 3, 1, hour, minute, tzinfo=LONDON)


@pytest.fixture
def tomorrow_at_ten(book: Any) -> Any:
    with time_machine.travel(at(9), tick=False):
        return book(dt.date(2027, 3, 2), "10:00", location="Room 2")


def test_the_worker_sends_due_reminders_from_the_queue(
    tomorrow_at_ten: Any, client_record: Any, mailoutbox: list[Any]
) -> None:
    with time_machine.travel(at(10, 1), tick=False):
        call_command("worker", "--once")
    (message,) = mailoutbox
    assert message.to == [client_record.email]
    assert Reminder.objects.get().state == Reminder.State.SENT
    ran = DBTaskResult.objects.successful().values_list("task_path", flat=True)
    assert sorted(ran) == sorted(EVERY_TASK_PATH)
    # Within the same five minutes nothing is queued again, so nothing is sent twice.
    with time_machine.travel(at(10, 4), tick=False):
        call_command("worker", "--once")
    assert DBTaskResult.objects.count() == len(EVERY_TASK_PATH) and len(mailoutbox) == 1


def test_a_period_is_queued_once_however_many_workers_ask(db: Any) -> None:
    now = at(10, 2)
    assert tasks.enqueue_due(now=now) == [
        "send_reminders",
        "extend_slots",
        "send_questionnaires",
        "send_flag_reminders",
    ]
    assert tasks.enqueue_due(now=now) == []
    assert tasks.enqueue_due(now=at(10, 4)) == []
    assert DBTaskResult.objects.count() == 4
    # The next five minutes bring the reminders round again; the slots wait for tomorrow, the
    # questionnaires and the risk-flag reminders for the next quarter hour.
    assert tasks.enqueue_due(now=at(10, 6)) == ["send_reminders"]
    assert PeriodicRun.objects.filter(name="send_reminders").count() == 2
    assert DBTaskResult.objects.count() == 5
    assert tasks.enqueue_due(now=at(10, 15)) == [
        "send_reminders",
        "send_questionnaires",
        "send_flag_reminders",
    ]


def test_a_failing_task_is_retried_with_back_off_then_shown_to_the_owner(
    db: Any, monkeypatch: Any, as_user: Any, practitioner: Any, colleague: Any
) -> None:
    calls: list[dt.datetime] = []

    def broken() -> int:
        calls.append(dt.datetime.now(tz=dt.UTC))
        raise RuntimeError("the diary could not be written")

    monkeypatch.setattr(tasks, "extend_open_ended_slots", broken)
    start = at(10)
    with time_machine.travel(start, tick=False):
        call_command("worker", "--once")  # queues the day's run of the slots task, which fails
    assert len(calls) == 1
    moment = start
    for wait in (5, 10, 20, 40):
        moment += dt.timedelta(minutes=wait)
        before = len(calls)
        with time_machine.travel(moment - dt.timedelta(seconds=30), tick=False):
            call_command("worker", "--once")
        assert len(calls) == before, "a retry came early"
        with time_machine.travel(moment, tick=False):
            call_command("worker", "--once")
        assert len(calls) == before + 1
    assert len(calls) == 5
    (failed,) = DBTaskResult.objects.failed().filter(task_path__endswith="extend_slots")
    assert failed.exception_class_path == "builtins.RuntimeError"
    with time_machine.travel(moment + dt.timedelta(minutes=1), tick=False):
        home = as_user(practitioner).get(reverse("home")).content.decode()
        assert "Background work that failed" in home
        assert "Writing regular slots&#x27; sessions ahead" in home
        assert "could not be written" not in home  # the error's words stay in the server's log
        assert "Background work that failed" not in (
            as_user(colleague).get(reverse("home")).content.decode()
        )


def test_serve_starts_the_worker_then_hands_over_to_gunicorn(db: Any, monkeypatch: Any) -> None:
    from frame.accounts.management.commands import serve

    started: list[list[str]] = []
    monkeypatch.setattr(serve.subprocess, "Popen", lambda command: started.append(command))

    def exec_gunicorn(path: str, command: list[str]) -> None:
        assert started, "the worker must be started before gunicorn takes over"
        started.append(command)

    monkeypatch.setattr(serve.os, "execvp", exec_gunicorn)
    call_command("serve", stdout=io.StringIO())
    worker, gunicorn = started
    assert worker[1:] == ["worker", "--parent-pid", str(os.getpid())]
    assert worker[0].endswith("/frame") and "frame.wsgi:application" in gunicorn


def test_the_worker_stops_when_the_server_it_belongs_to_has_gone(db: Any) -> None:
    saved = {sig: signal.getsignal(sig) for sig in (signal.SIGINT, signal.SIGTERM, signal.SIGQUIT)}
    err = io.StringIO()
    try:
        # A parent id that is not ours: the server has gone, so after one round the loop ends.
        call_command("worker", "--parent-pid", str(os.getppid() + 1), "--interval", "0", stderr=err)
    finally:
        for sig, handler in saved.items():
            signal.signal(sig, handler)
    assert "The server has stopped" in err.getvalue()
    assert DBTaskResult.objects.successful().count() == len(EVERY_TASK_PATH)
