"""`make bench`, memory of the work: the before-we-meet brief and a client's note timeline, for
a client with 50 sessions and one with 500.

    python -m tests.bench.memory [--sizes 50 500] [--rounds 4] [--requests 100]

This builds one fresh SQLite practice (`frame seed`, as tests.bench.run does) and gives one of
its practitioners a client per size: that many weekly sessions going back (attended, with their
booked time units), each with a signed note under the default headings and an addendum; three
goals rated every session; a PHQ-9 and a GAD-7 every fifth session (recorded through the
measures app, so scored as in use); a boundary event every 25th session, some still open; and a
next session booked a week ahead. It then times, through the full middleware stack, the brief
for that next session, its PDF, and the first page of the client's note timeline, sizes taking
turns round by round, and reports median and p95 latency and queries per request.

Exits non-zero if a page's query count differs between sizes. Latency is reported against the
1.5x target, never asserted in tests.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

from tests.bench.run import ROOT, _env, build, summarise

P95_RATIO_TARGET = 1.5
BENCH_SEED = 1
BENCH_STAFF_INDEX = 1
CLIENTS = 200  # the practice around the measured clients; their own history is what grows
PDF_SHARE = 10  # the PDF is timed on a tenth of the requests: WeasyPrint is the slow part
BATCH = 2_000


# --- Seeding (child process pointed at the data folder) -------------------------------------------


def seed_client(sessions: int, hour: int) -> dict[str, Any]:
    from zoneinfo import ZoneInfo

    from django.conf import settings
    from django.db import transaction
    from django.utils import timezone

    from frame.accounts.models import User
    from frame.demo.seeding import seed_user_email
    from frame.measures import actions as measures
    from frame.measures import definitions
    from frame.notes import actions as notes
    from frame.notes.models import Addendum, GoalRating, NoteStatus, SessionNote, pack
    from frame.scheduling import actions as scheduling
    from frame.scheduling.models import Appointment, BookedUnit, Status
    from frame.scheduling.recurrence import to_instant, units
    from tests.factories import CareTeamMemberFactory, ClientFactory
    from tests.factories.boundaries import BoundaryEventFactory

    zone = ZoneInfo(settings.TIME_ZONE)
    user = User.objects.get(email=seed_user_email(BENCH_SEED, BENCH_STAFF_INDEX))
    practice_id = user.active_membership.practice_id
    today = timezone.localdate()
    started = time.monotonic()
    client = ClientFactory(
        practice=user.active_membership.practice,
        created_by=user,
        given_name="Bench",
        family_name=f"History {sessions}",
    )
    CareTeamMemberFactory(client=client, user=user)
    days = [today - dt.timedelta(weeks=sessions - n) for n in range(sessions)]
    with transaction.atomic():
        appointments = []
        for day in days:
            starts_at = to_instant(day, dt.time(hour), zone)
            appointments.append(
                Appointment(
                    practice_id=practice_id,
                    client=client,
                    practitioner=user,
                    starts_at=starts_at,
                    ends_at=starts_at + dt.timedelta(minutes=50),
                    status=Status.ATTENDED,
                    created_by=user,
                )
            )
        Appointment.objects.bulk_create(appointments, batch_size=BATCH)
        BookedUnit.objects.bulk_create(
            [
                BookedUnit(practitioner_id=user.pk, unit=u, appointment_id=a.pk)
                for a in appointments
                for u in units(a.starts_at, a.ends_at)
            ],
            batch_size=BATCH,
        )
        themes = ["grief", "work stress", "sleep", "her sister", "anger", "money worries"]
        session_notes = [
            SessionNote(
                client=client,
                appointment=a,
                author=user,
                status=NoteStatus.SIGNED,
                content=pack(
                    [
                        ("What the client brought", f"Week {n}: the move, work and sleep."),
                        ("Themes", f"{themes[n % 6]}; {themes[(n + 1) % 6]}"),
                        ("The client's own words worth remembering", f"I can rest ({n})."),
                        ("What we did", "Went over the week; the sleep diary."),
                        ("Plan for next time", f"Keep the sleep diary ({n})."),
                    ]
                ),
                risk_noted=False,
                version=1,
                created_at=a.ends_at,
                updated_at=a.ends_at,
                signed_at=a.ends_at,
            )
            for n, a in enumerate(appointments)
        ]
        SessionNote.objects.bulk_create(session_notes, batch_size=BATCH)
        Addendum.objects.bulk_create(
            [
                Addendum(note=note, text="Rang afterwards to say thank you.", added_by=user)
                for note in session_notes
            ],
            batch_size=BATCH,
        )
    goals = [
        notes.add_goal(client=client, words=words, agreed_on=days[0], rating=None, by=user)
        for words in ("Sleep through the night", "Go back to work", "Talk to my sister")
    ]
    GoalRating.objects.bulk_create(
        [
            GoalRating(
                goal=goal, rating=(n + g) % 11, rated_on=day, occasion="session", recorded_by=user
            )
            for g, goal in enumerate(goals)
            for n, day in enumerate(days)
        ],
        batch_size=BATCH,
    )
    phq9, gad7 = definitions.get("phq9"), definitions.get("gad7")
    for n, day in enumerate(days):
        if n % 5 == 0:
            level = 3 - (3 * n) // sessions  # scores fall as the work goes on
            measures.record_administration(
                client=client, instrument=phq9, answers=[level] * 8 + [0], completed_on=day, by=user
            )
            measures.record_administration(
                client=client, instrument=gad7, answers=[level] * 7, completed_on=day, by=user
            )
        if n % 25 == 0:
            BoundaryEventFactory(
                client=client,
                created_by=user,
                occurred_on=day,
                explored_on=day if n % 50 == 0 else None,
            )
    upcoming = scheduling.book_appointment(
        by=user,
        client=client,
        practitioner=user,
        day=today + dt.timedelta(weeks=1),
        time=dt.time(hour),
        duration_minutes=50,
    )
    return {
        "sessions": sessions,
        "client": str(client.pk),
        "appointment": str(upcoming.pk),
        "notes": SessionNote.objects.filter(client=client).count(),
        "seconds": round(time.monotonic() - started, 1),
    }


# --- Measuring (child process) --------------------------------------------------------------------


def measure_pages(
    clients: dict[str, dict[str, str]], *, warmup: int, requests: int
) -> dict[str, list[dict[str, Any]]]:
    from django.db import connection
    from django.test import Client as HttpClient
    from django.test.utils import CaptureQueriesContext
    from django.urls import reverse

    from frame.accounts.models import User
    from frame.demo.seeding import seed_user_email
    from tests.conftest import sign_in

    user = User.objects.get(email=seed_user_email(BENCH_SEED, BENCH_STAFF_INDEX))
    http = sign_in(HttpClient(HTTP_HOST="127.0.0.1"), user)
    results: dict[str, list[dict[str, Any]]] = {}
    for size, ids in clients.items():
        pages = [
            ("brief", reverse("brief:appointment", args=[ids["appointment"]]), requests, "Plan"),
            (
                "brief PDF",
                reverse("brief:appointment_pdf", args=[ids["appointment"]]),
                max(requests // PDF_SHARE, 3),
                "",
            ),
            ("note timeline", reverse("notes:timeline", args=[ids["client"]]), requests, "Signed"),
        ]
        rows = []
        for label, path, count, marker in pages:
            first = http.get(path)
            if first.status_code != 200 or marker.encode() not in first.content:
                raise SystemExit(f"{label} for {size} sessions answered {first.status_code}")
            for _ in range(warmup if count == requests else 1):
                http.get(path)
            counts = set()
            for _ in range(3):
                with CaptureQueriesContext(connection) as captured:
                    http.get(path)
                counts.add(len(captured.captured_queries))
            if len(counts) != 1:
                raise SystemExit(f"{label} issued a varying number of queries: {sorted(counts)}")
            timings = []
            for _ in range(count):
                started = time.perf_counter()
                response = http.get(path)
                timings.append((time.perf_counter() - started) * 1000)
                if response.status_code != 200:
                    raise SystemExit(f"{label} answered {response.status_code} mid-run")
            rows.append(
                {"page": label, "path": path, "queries": counts.pop(), "timings_ms": timings}
            )
        results[size] = rows
    return results


# --- The runner -----------------------------------------------------------------------------------


def _child(data_dir: Path, *args: str) -> Any:
    done = subprocess.run(
        [sys.executable, "-m", "tests.bench.memory", *args],
        cwd=ROOT,
        env=_env(data_dir),
        check=True,
        stdout=subprocess.PIPE,
        text=True,
    )
    return json.loads(done.stdout.strip().splitlines()[-1])


def report(summary: dict[int, dict[str, dict[str, Any]]]) -> int:
    print()
    print(f"{'page':<14} {'sessions':>9} {'median ms':>10} {'p95 ms':>8} {'queries':>8}")
    print("-" * 53)
    for size, pages in summary.items():
        for name, row in pages.items():
            queries = "/".join(map(str, row["queries"]))
            print(
                f"{name:<14} {size:>9,} {row['median_ms']:>10.1f} {row['p95_ms']:>8.1f} "
                f"{queries:>8}"
            )
    sizes = sorted(summary)
    small, large = sizes[0], sizes[-1]
    status = 0
    print()
    for name in summary[small]:
        counts = [tuple(summary[size][name]["queries"]) for size in sizes]
        same = len(set(counts)) == 1 and len(counts[0]) == 1
        ratio = summary[large][name]["p95_ms"] / summary[small][name]["p95_ms"]
        verdict = "within" if ratio <= P95_RATIO_TARGET else "OVER"
        shown = " vs ".join("/".join(map(str, c)) for c in counts)
        print(
            f"{name:<14} queries {'identical' if same else 'DIFFER'} ({shown}); "
            f"p95 {large:,}/{small:,} sessions = {ratio:.2f}x ({verdict} the "
            f"{P95_RATIO_TARGET}x target)"
        )
        if not same:
            status = 1
    return status


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    sub = parser.add_subparsers(dest="task")
    seed = sub.add_parser("seed")
    seed.add_argument("sessions", type=int)
    seed.add_argument("--hour", type=int, default=9, help="the weekly session's hour")
    pages = sub.add_parser("measure")
    pages.add_argument("clients")
    pages.add_argument("--warmup", type=int, default=10)
    pages.add_argument("--requests", type=int, default=25)
    parser.add_argument("--sizes", type=int, nargs="+", default=[50, 500])
    parser.add_argument("--rounds", type=int, default=4)
    parser.add_argument("--warmup", type=int, default=10)
    parser.add_argument("--requests", type=int, default=100)
    parser.add_argument("--keep", action="store_true", help="keep the benchmark data folder")
    args = parser.parse_args()

    if args.task:
        if not os.environ.get("FRAME_DATA_DIR"):
            sys.exit("Set FRAME_DATA_DIR to a seeded data folder (the runner does this).")
        os.environ.setdefault("DJANGO_SETTINGS_MODULE", "frame.settings")
        import django

        django.setup()
        if args.task == "seed":
            print(json.dumps(seed_client(args.sessions, args.hour)))
        else:
            clients = json.loads(args.clients)
            print(json.dumps(measure_pages(clients, warmup=args.warmup, requests=args.requests)))
        return

    per_round = max(args.requests // args.rounds, 1)
    folder = Path(tempfile.mkdtemp(prefix="frame-bench-memory-"))
    raw: dict[int, list[list[dict[str, Any]]]] = {size: [] for size in sorted(args.sizes)}
    try:
        print(f"Building a practice with {CLIENTS:,} clients in {folder} …", flush=True)
        build(CLIENTS, folder)
        clients: dict[str, dict[str, str]] = {}
        for index, size in enumerate(sorted(args.sizes)):
            # Each client has its own weekly hour, so their sessions never double-book.
            seeded = _child(folder, "seed", str(size), "--hour", str(9 + 2 * index))
            print(
                f"  a client with {seeded['notes']:,} signed notes in {seeded['seconds']} s",
                flush=True,
            )
            clients[str(size)] = {"client": seeded["client"], "appointment": seeded["appointment"]}
        for turn in range(args.rounds):
            print(f"Round {turn + 1} of {args.rounds} …", flush=True)
            ordered = dict(
                sorted(clients.items(), key=lambda kv: int(kv[0]), reverse=turn % 2 == 1)
            )
            measured = _child(
                folder,
                "measure",
                json.dumps(ordered),
                "--warmup",
                str(args.warmup),
                "--requests",
                str(per_round),
            )
            for size, rows in measured.items():
                raw[int(size)].append(rows)
    except subprocess.CalledProcessError as failed:
        sys.exit(f"The benchmark stopped: {' '.join(failed.cmd[1:])} failed (see above).")
    finally:
        if not args.keep:
            shutil.rmtree(folder, ignore_errors=True)
    load = ", ".join(f"{value:.2f}" for value in os.getloadavg())
    print(f"\n{os.cpu_count()} CPUs; load average at the end {load}.")
    sys.exit(report(summarise(raw)))


if __name__ == "__main__":
    main()
