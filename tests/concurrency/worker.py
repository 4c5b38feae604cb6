"""Tasks run in a child process against a SQLite file in FRAME_DATA_DIR (see filedb.py).

    python -m tests.concurrency.worker pragmas
    python -m tests.concurrency.worker canary <canary text> <plaintext marker>  (waits for stdin)
    python -m tests.concurrency.worker audit-writers <processes> <events each>
    python -m tests.concurrency.worker counter <processes> <transactions each> <transaction mode>

Each task prints one line of JSON last. Multi-process tasks migrate once, close every connection,
then fork: each child opens its own connection, so the SQLite file really is shared by separate
processes with separate locks, just as gunicorn workers share it.
"""

from __future__ import annotations

import json
import multiprocessing
import os
import sys
import traceback
import uuid
from collections.abc import Callable
from typing import Any

import django


def main(argv: list[str]) -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "frame.settings")
    task, *args = argv
    if task == "counter":
        _set_transaction_mode(args[2])
    django.setup()
    result = TASKS[task](*args)
    print(json.dumps(result))


def _set_transaction_mode(mode: str) -> None:
    # Before any connection exists; used to show the counter test can detect lock failures.
    from django.conf import settings

    settings.DATABASES["default"]["OPTIONS"]["transaction_mode"] = mode


def _migrate() -> None:
    from django.core.management import call_command
    from django.db import connections

    call_command("migrate", verbosity=0)
    connections.close_all()


def _fork_and_run(processes: int, work: Callable[[int], dict[str, Any]]) -> list[dict[str, Any]]:
    """Run `work(index)` in `processes` forked children, all released at once by a barrier."""
    from django.db import connections

    connections.close_all()
    context = multiprocessing.get_context("fork")
    barrier = context.Barrier(processes)
    results = context.Queue()

    def child(index: int) -> None:
        try:
            barrier.wait(timeout=120)
            outcome = work(index)
        except Exception:  # reported to the parent, which fails the test with it
            outcome = {"crash": traceback.format_exc()}
        finally:
            connections.close_all()
        results.put(outcome)

    children = [context.Process(target=child, args=(i,)) for i in range(processes)]
    for process in children:
        process.start()
    collected = [results.get(timeout=600) for _ in children]
    for process in children:
        process.join(timeout=60)
    return collected


# --- Tasks ----------------------------------------------------------------------------------------


def pragmas() -> dict[str, Any]:
    from django.db import connection

    with connection.cursor() as cursor:
        values = {}
        for name in ("journal_mode", "synchronous", "foreign_keys", "busy_timeout"):
            cursor.execute(f"PRAGMA {name}")
            values[name] = cursor.fetchone()[0]
    values["transaction_mode"] = connection.transaction_mode  # type: ignore[attr-defined]
    values["database"] = str(connection.settings_dict["NAME"])
    return values


def canary(text: str, marker: str) -> dict[str, Any]:
    """Write `text` to a client's encrypted fields through the ORM, then checkpoint the WAL."""
    _migrate()
    from django.db import connection

    from frame.accounts.models import Practice, User
    from frame.clients.models import Client

    practice = Practice.objects.create(name="Willowbank Counselling")
    owner = User.objects.create_user("robin.ashdown@example.org", None, full_name="Robin Ashdown")
    client = Client(
        practice=practice,
        case_code="K7M2QX",
        given_name="Morgan",
        family_name=marker,  # not encrypted: proves the scan does find plain text when it is there
        created_by=owner,
        referral_reason=f"Referral: {text}",
        safe_contact_notes=f"Safe contact: {text}",
    )
    client.save()
    # Edit it twice more, so old versions of the row pass through the WAL and freed pages too.
    for n in range(2):
        client.referral_reason = f"Referral, revision {n}: {text}"
        client.save()
    fresh = Client.objects.get(pk=client.pk)
    read_back = (fresh.referral_reason, fresh.safe_contact_notes)
    with connection.cursor() as cursor:
        cursor.execute("PRAGMA wal_checkpoint(TRUNCATE)")
        checkpoint = list(cursor.fetchone())
    # Hold the connection open (so the -wal and -shm files exist) until the test has scanned them.
    print(json.dumps({"read_back": read_back, "checkpoint": checkpoint}), flush=True)
    sys.stdin.readline()
    connection.close()
    return {"closed": True}


def audit_writers(processes: str, each: str) -> dict[str, Any]:
    _migrate()

    def work(index: int) -> dict[str, Any]:
        from frame.audit.actions import record
        from frame.audit.models import Action

        written = []
        for n in range(int(each)):
            event = record(
                action=Action.CLIENT_VIEWED,
                client=str(uuid.uuid4()),
                detail={"writer": index, "n": n},
            )
            written.append(event.seq)
        return {"written": written}

    outcomes = _fork_and_run(int(processes), work)
    return {"outcomes": outcomes}


def counter(processes: str, each: str, mode: str) -> dict[str, Any]:
    """Read-modify-write transactions on one row, from many processes at once.

    Frame has no model whose job is counting, and a test-only model would put test scaffolding in
    the production schema, so the count lives in a Practice's name. What is under test is the
    pattern every edit in Frame follows (read the row, change it in Python, save every column),
    and that is the same whichever model it is.
    """
    _migrate()
    from django.db import OperationalError, transaction

    from frame.accounts.models import Practice

    pk = Practice.objects.create(name="0").pk

    def work(index: int) -> dict[str, Any]:
        locked, other = 0, []
        for _ in range(int(each)):
            try:
                with transaction.atomic():
                    row = Practice.objects.get(pk=pk)
                    row.name = str(int(row.name) + 1)
                    row.save()
            except OperationalError as error:
                if "locked" in str(error) or "busy" in str(error):
                    locked += 1
                else:
                    other.append(str(error))
        return {"locked": locked, "other": other}

    outcomes = _fork_and_run(int(processes), work)
    final = int(Practice.objects.get(pk=pk).name)
    return {"final": final, "outcomes": outcomes, "mode": mode}


TASKS: dict[str, Callable[..., dict[str, Any]]] = {
    "pragmas": pragmas,
    "canary": canary,
    "audit-writers": audit_writers,
    "counter": counter,
}

if __name__ == "__main__":
    main(sys.argv[1:])
