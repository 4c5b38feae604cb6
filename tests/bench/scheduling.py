"""`make bench`, the diary: the week view and day list with 2,000 and 200,000 appointments.

    python -m tests.bench.scheduling [--sizes 2000 200000] [--rounds 4] [--requests 200]

For each size this builds a fresh SQLite practice (`frame seed`, as tests.bench.run does) and adds
that many appointments, with their booked time units, spread over the four clinicians: years of
history behind, and the same busy week ahead for the measured practitioner at every size. So the
pages show the same rows; only the table around them grows. It then times the week view (full page
and the HTMX swap) and the day list through the full middleware stack, sizes taking turns round by
round, and reports median and p95 latency and queries per request. It also times the expansion of
a five-year weekly series: the pure rule, and writing its 261 sessions (rolled back).

Exits non-zero if a page's query count differs between sizes. The p95 ratio is reported against
the 1.5x target, never asserted in tests.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import shutil
import statistics
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
CLINICIANS = 4
CLIENTS = 1_000
# The measured week: Monday to Friday, six sessions a day, at every size.
WEEK_DAYS = 5
WEEK_HOURS = (9, 10, 11, 13, 14, 15)
# History: ten sessions a day, seven days a week, going back from the measured week.
HISTORY_HOURS = tuple(range(8, 18))
BATCH = 5_000


def measured_monday() -> dt.date:
    from django.utils import timezone

    today = timezone.localdate()
    return today + dt.timedelta(days=7 - today.weekday())


# --- Seeding (runs in a child process pointed at one data folder) -------------------------------


def seed_appointments(total: int) -> dict[str, Any]:
    from zoneinfo import ZoneInfo

    from django.conf import settings
    from django.db import transaction

    from frame.accounts.models import User
    from frame.clients.models import CareTeamMember
    from frame.demo.seeding import seed_user_email
    from frame.scheduling.models import Appointment, BookedUnit, Status
    from frame.scheduling.recurrence import to_instant, units

    zone = ZoneInfo(settings.TIME_ZONE)
    monday = measured_monday()
    staff = [User.objects.get(email=seed_user_email(BENCH_SEED, i)) for i in range(CLINICIANS)]
    bench = staff[BENCH_STAFF_INDEX]
    length = dt.timedelta(minutes=50)
    started = time.monotonic()

    def appointment(user: Any, client_id: Any, day: dt.date, hour: int, status: str) -> Any:
        starts_at = to_instant(day, dt.time(hour), zone)
        return Appointment(
            practice_id=user.active_membership.practice_id,
            client_id=client_id,
            practitioner=user,
            starts_at=starts_at,
            ends_at=starts_at + length,
            status=status,
            created_by=user,
        )

    rows: list[Any] = []
    week_clients = list(
        CareTeamMember.objects.filter(user=bench)
        .order_by("client_id")[:30]
        .values_list("client_id", flat=True)
    )
    for day_index in range(WEEK_DAYS):
        for n, hour in enumerate(WEEK_HOURS):
            client_id = week_clients[(day_index * len(WEEK_HOURS) + n) % len(week_clients)]
            rows.append(
                appointment(
                    bench, client_id, monday + dt.timedelta(days=day_index), hour, "planned"
                )
            )
    per_clinician = (total - len(rows)) // CLINICIANS
    statuses = [Status.ATTENDED] * 8 + [Status.LATE, Status.DID_NOT_ATTEND]
    for user in staff:
        clients = list(
            CareTeamMember.objects.filter(user=user)
            .order_by("client_id")
            .values_list("client_id", flat=True)
        )
        made = 0
        day = monday - dt.timedelta(days=1)
        while made < per_clinician:
            for hour in HISTORY_HOURS:
                if made == per_clinician:
                    break
                rows.append(
                    appointment(user, clients[made % len(clients)], day, hour, statuses[made % 10])
                )
                made += 1
            day -= dt.timedelta(days=1)
    while len(rows) < total:  # the remainder: more history for the bench practitioner
        rows.append(
            appointment(bench, week_clients[0], day, HISTORY_HOURS[len(rows) % 10], "attended")
        )
        if len(rows) % len(HISTORY_HOURS) == 0:
            day -= dt.timedelta(days=1)
    with transaction.atomic():
        for start in range(0, len(rows), BATCH):
            batch = rows[start : start + BATCH]
            Appointment.objects.bulk_create(batch)
            BookedUnit.objects.bulk_create(
                [
                    BookedUnit(practitioner_id=a.practitioner_id, unit=u, appointment_id=a.pk)
                    for a in batch
                    for u in units(a.starts_at, a.ends_at)
                ],
                batch_size=BATCH,
            )
    return {
        "appointments": Appointment.objects.count(),
        "units": BookedUnit.objects.count(),
        "seconds": round(time.monotonic() - started, 1),
    }


# --- Measuring (child process) ------------------------------------------------------------------


def measure_pages(*, warmup: int, requests: int) -> list[dict[str, Any]]:
    from django.db import connection
    from django.test import Client as HttpClient
    from django.test.utils import CaptureQueriesContext
    from django.urls import reverse

    from frame.accounts.models import User
    from frame.demo.seeding import seed_user_email
    from tests.conftest import sign_in

    user = User.objects.get(email=seed_user_email(BENCH_SEED, BENCH_STAFF_INDEX))
    http = sign_in(HttpClient(HTTP_HOST="127.0.0.1"), user)
    monday = measured_monday()
    week = f"{reverse('scheduling:week')}?week={monday:%Y-%m-%d}"
    day = f"{reverse('scheduling:day')}?date={monday + dt.timedelta(days=1):%Y-%m-%d}"
    pages = [
        ("week view", week, {}, len(WEEK_HOURS) * WEEK_DAYS),
        ("week (htmx)", week, {"HX-Request": "true"}, len(WEEK_HOURS) * WEEK_DAYS),
        ("day list", day, {}, len(WEEK_HOURS)),
    ]
    results = []
    for label, path, headers, expected_rows in pages:
        first = http.get(path, headers=headers)
        shown = first.content.count(b"/diary/appointments/")
        if first.status_code != 200 or shown < expected_rows:
            raise SystemExit(f"{label} answered {first.status_code} with {shown} appointments")
        for _ in range(warmup):
            http.get(path, headers=headers)
        counts = set()
        for _ in range(5):
            with CaptureQueriesContext(connection) as captured:
                http.get(path, headers=headers)
            counts.add(len(captured.captured_queries))
        if len(counts) != 1:
            raise SystemExit(f"{label} issued a varying number of queries: {sorted(counts)}")
        timings = []
        for _ in range(requests):
            started = time.perf_counter()
            response = http.get(path, headers=headers)
            timings.append((time.perf_counter() - started) * 1000)
            if response.status_code != 200:
                raise SystemExit(f"{label} answered {response.status_code} mid-run")
        results.append(
            {"page": label, "path": path, "queries": counts.pop(), "timings_ms": timings}
        )
    return results


def measure_expansion(*, runs: int) -> dict[str, Any]:
    """A five-year weekly series: the pure rule, and writing its sessions (then rolled back)."""
    from zoneinfo import ZoneInfo

    from django.conf import settings
    from django.db import transaction

    from frame.accounts.models import User
    from frame.clients.models import CareTeamMember
    from frame.demo.seeding import seed_user_email
    from frame.scheduling import actions
    from frame.scheduling.recurrence import SlotRule

    user = User.objects.get(email=seed_user_email(BENCH_SEED, BENCH_STAFF_INDEX))
    client = CareTeamMember.objects.filter(user=user).select_related("client").last().client
    first_day = measured_monday() + dt.timedelta(weeks=2, days=5)  # a free Saturday evening
    until = first_day + dt.timedelta(days=5 * 365)
    rule = SlotRule(
        first_day=first_day, time=dt.time(19), zone=ZoneInfo(settings.TIME_ZONE), until=until
    )
    pure, written, sessions = [], [], 0
    for _ in range(runs):
        started = time.perf_counter()
        sessions = len(rule.occurrences())
        pure.append((time.perf_counter() - started) * 1000)

    class Rollback(Exception):
        pass

    for _ in range(max(runs // 10, 3)):
        started = time.perf_counter()
        try:
            with transaction.atomic():
                result = actions.create_regular_slot(
                    by=user,
                    client=client,
                    practitioner=user,
                    first_day=first_day,
                    time=dt.time(19),
                    interval_weeks=1,
                    duration_minutes=50,
                    until=until,
                )
                if len(result.written.created) != sessions:
                    raise SystemExit("the series was not written in full")
                raise Rollback
        except Rollback:
            pass
        written.append((time.perf_counter() - started) * 1000)
    return {"sessions": sessions, "rule_ms": pure, "written_ms": written}


# --- The runner ---------------------------------------------------------------------------------


def _child(data_dir: Path, *args: str) -> Any:
    done = subprocess.run(
        [sys.executable, "-m", "tests.bench.scheduling", *args],
        cwd=ROOT,
        env=_env(data_dir),
        check=True,
        stdout=subprocess.PIPE,
        text=True,
    )
    return json.loads(done.stdout.strip().splitlines()[-1])


def _p95(values: list[float]) -> float:
    return statistics.quantiles(values, n=100, method="inclusive")[94]


def report(summary: dict[int, dict[str, dict[str, Any]]], expansion: dict[str, Any]) -> int:
    print()
    print(f"{'page':<14} {'appointments':>13} {'median ms':>10} {'p95 ms':>8} {'queries':>8}")
    print("-" * 57)
    for size, pages in summary.items():
        for name, row in pages.items():
            queries = "/".join(map(str, row["queries"]))
            print(
                f"{name:<14} {size:>13,} {row['median_ms']:>10.1f} {row['p95_ms']:>8.1f} "
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
            f"p95 {large:,}/{small:,} = {ratio:.2f}x ({verdict} the {P95_RATIO_TARGET}x target)"
        )
        if not same:
            status = 1
    print()
    print(
        f"A five-year weekly series ({expansion['sessions']} sessions): the rule expands in "
        f"{statistics.median(expansion['rule_ms']):.1f} ms (median, p95 "
        f"{_p95(expansion['rule_ms']):.1f} ms); writing its sessions and their time units takes "
        f"{statistics.median(expansion['written_ms']):.0f} ms (median of "
        f"{len(expansion['written_ms'])}, with {large:,} appointments in the database)."
    )
    return status


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    sub = parser.add_subparsers(dest="task")
    seed = sub.add_parser("seed")
    seed.add_argument("appointments", type=int)
    pages = sub.add_parser("measure")
    pages.add_argument("--warmup", type=int, default=30)
    pages.add_argument("--requests", type=int, default=50)
    expand = sub.add_parser("expand")
    expand.add_argument("--runs", type=int, default=50)
    parser.add_argument("--sizes", type=int, nargs="+", default=[2_000, 200_000])
    parser.add_argument("--rounds", type=int, default=4)
    parser.add_argument("--warmup", type=int, default=30)
    parser.add_argument("--requests", type=int, default=200)
    parser.add_argument("--keep", action="store_true", help="keep the benchmark data folders")
    args = parser.parse_args()

    if args.task:
        if not os.environ.get("FRAME_DATA_DIR"):
            sys.exit("Set FRAME_DATA_DIR to a seeded data folder (the runner does this).")
        os.environ.setdefault("DJANGO_SETTINGS_MODULE", "frame.settings")
        import django

        django.setup()
        if args.task == "seed":
            print(json.dumps(seed_appointments(args.appointments)))
        elif args.task == "measure":
            print(json.dumps(measure_pages(warmup=args.warmup, requests=args.requests)))
        else:
            print(json.dumps(measure_expansion(runs=args.runs)))
        return

    per_round = max(args.requests // args.rounds, 1)
    folders = {
        size: Path(tempfile.mkdtemp(prefix=f"frame-bench-diary-{size}-")) for size in args.sizes
    }
    raw: dict[int, list[list[dict[str, Any]]]] = {size: [] for size in sorted(args.sizes)}
    try:
        for size, folder in sorted(folders.items()):
            print(f"Building a practice with {size:,} appointments in {folder} …", flush=True)
            build(CLIENTS, folder)
            seeded = _child(folder, "seed", str(size))
            print(
                f"  {seeded['appointments']:,} appointments, {seeded['units']:,} booked units "
                f"in {seeded['seconds']} s",
                flush=True,
            )
        for turn in range(args.rounds):
            order = sorted(folders) if turn % 2 == 0 else sorted(folders, reverse=True)
            print(f"Round {turn + 1} of {args.rounds} …", flush=True)
            for size in order:
                raw[size].append(
                    _child(
                        folders[size],
                        "measure",
                        "--warmup",
                        str(args.warmup),
                        "--requests",
                        str(per_round),
                    )
                )
        expansion = _child(folders[max(folders)], "expand")
    except subprocess.CalledProcessError as failed:
        sys.exit(f"The benchmark stopped: {' '.join(failed.cmd[1:])} failed (see above).")
    finally:
        if not args.keep:
            for folder in folders.values():
                shutil.rmtree(folder, ignore_errors=True)
    load = ", ".join(f"{value:.2f}" for value in os.getloadavg())
    print(f"\n{os.cpu_count()} CPUs; load average at the end {load}.")
    sys.exit(report(summarise(raw), expansion))


if __name__ == "__main__":
    main()
