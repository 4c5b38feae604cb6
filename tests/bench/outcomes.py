"""`make bench`, outcomes: scoring throughput, and the service outcomes report at scale.

    python -m tests.bench.outcomes [--episodes 100000] [--rounds 3] [--backends sqlite postgres]

1. Scoring: frame.measures.scoring.score on random answers for every fixed-item instrument, in
   process; administrations per second, per instrument and overall.
2. The report: for each database (SQLite in a temporary data folder; PostgreSQL in a throwaway
   database `frame_bench_outcomes` on 127.0.0.1:5432, trust auth, created and dropped here) this
   migrates an empty schema and writes one practice with eight clinicians, `--episodes` ended
   clients with their attended sessions (and assessments, missed sessions, an active caseload on
   top) and ten PHQ-9/GAD-7 administrations each — 1,000,000 at the default 100,000 episodes —
   by bulk insert. It then times frame.outcomes.report.service_outcomes (the ORM aggregate the
   page uses, whole practice and every practitioner) against the same figures from one
   hand-written SQL statement, taking turns for `--rounds`, and prints both medians and their
   ratio. Exits non-zero if the two disagree on any count.

The default run took 9 to 25 minutes on two shared cores, depending on their load (see
docs/benchmarks.md); `--episodes 5000 --backends sqlite` is a quick check.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import random
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
import uuid
import zoneinfo
from collections.abc import Iterator
from decimal import Decimal
from pathlib import Path
from typing import Any

from tests.bench.run import ROOT, _env

PG_ADMIN_URL = "postgresql://postgres@127.0.0.1:5432/postgres"
PG_DATABASE = "frame_bench_outcomes"
CLINICIANS = 8
PERIOD_START = dt.date(2024, 4, 1)
PERIOD_END = dt.date(2026, 3, 31)
ADMINISTRATIONS_PER_EPISODE = 10
BATCH = 20_000
SEED = 7

# --- 1. Scoring throughput (in process, pure Python) ------------------------------------------


def scoring_throughput(per_instrument: int) -> dict[str, Any]:
    from frame.measures import definitions, scoring

    rng = random.Random(SEED)
    results: dict[str, float] = {}
    total_runs, total_seconds = 0, 0.0
    for instrument in definitions.all_instruments():
        if instrument.is_goal_based:
            continue
        scored = instrument.scored_items
        batches = []
        for _ in range(per_instrument):
            answers: list[Any] = []
            for item in scored:
                rs = item.response_set
                if rs.kind == "options":
                    answers.append(rng.randrange(len(rs.options)))
                else:
                    answers.append(Decimal(rng.randint(0, int(rs.maximum) * 10)) / 10)
            if instrument.max_missing and rng.random() < 0.1:
                answers[rng.randrange(len(answers))] = None
            batches.append(answers)
        started = time.perf_counter()
        for answers in batches:
            scoring.score(instrument, answers)
        seconds = time.perf_counter() - started
        results[instrument.short_title] = per_instrument / seconds
        total_runs += per_instrument
        total_seconds += seconds
    return {"per_instrument": results, "overall": total_runs / total_seconds}


# --- 2. Seeding (child process, pointed at one database) --------------------------------------


def _template_row(table: str, pk: Any) -> tuple[list[str], list[Any]]:
    from django.db import connection

    if isinstance(pk, uuid.UUID) and not connection.features.has_native_uuid_field:
        pk = pk.hex
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT * FROM {table} WHERE id = %s", [pk])  # noqa: S608 (fixed names)
        columns = [c[0] for c in cursor.description]
        return columns, list(cursor.fetchone())


def _writer(table: str, columns: list[str]) -> Any:
    """A function that bulk-inserts rows (lists in `columns` order) into `table`."""
    from django.db import connection

    names = ", ".join(columns)
    if connection.vendor == "postgresql":

        def copy(rows: list[list[Any]]) -> None:
            with (
                connection.cursor() as wrapper,
                wrapper.cursor.copy(f"COPY {table} ({names}) FROM STDIN") as out,
            ):
                for row in rows:
                    out.write_row(row)

        return copy

    marks = ", ".join(["%s"] * len(columns))
    sql = f"INSERT INTO {table} ({names}) VALUES ({marks})"  # noqa: S608 (fixed names)

    def insert(rows: list[list[Any]]) -> None:
        with connection.cursor() as cursor:
            cursor.executemany(sql, rows)

    return insert


class _Cloner:
    """Rows shaped like one real row written by the ORM, with some columns changed."""

    def __init__(self, table: str, pk: Any) -> None:
        from django.db import connection

        self.table = table
        self.columns, self.template = _template_row(table, pk)
        # JSON columns come back parsed on PostgreSQL; write them back as JSON text.
        self.template = [json.dumps(v) if isinstance(v, list | dict) else v for v in self.template]
        self.index = {name: i for i, name in enumerate(self.columns)}
        self.write = _writer(table, self.columns)
        self.pending: list[list[Any]] = []
        self.count = 0
        native = connection.features.has_native_uuid_field
        self.uuid = (lambda: uuid.uuid4()) if native else (lambda: uuid.uuid4().hex)
        self.moment = connection.ops.adapt_datetimefield_value
        self.day = connection.ops.adapt_datefield_value

    def add(self, **values: Any) -> Any:
        row = list(self.template)
        row[self.index["id"]] = new_id = self.uuid()
        for name, value in values.items():
            row[self.index[name]] = value
        self.pending.append(row)
        if len(self.pending) >= BATCH:
            self.flush()
        return new_id

    def flush(self) -> None:
        if self.pending:
            self.write(self.pending)
            self.count += len(self.pending)
            self.pending = []


def _clinicians() -> tuple[Any, list[Any]]:
    from frame.accounts.models import Membership, Practice, Role, User

    practice = Practice.objects.create(name="Benchmark Counselling")
    staff = []
    for n in range(CLINICIANS):
        user = User.objects.create_user(
            email=f"clinician{n}@bench.example", full_name=f"Clinician {n:02d}"
        )
        Membership.objects.create(
            user=user, practice=practice, role=Role.OWNER if n == 0 else Role.PRACTITIONER
        )
        staff.append(user)
    return practice, staff


def _days(first: dt.date, count: int, rng: random.Random) -> Iterator[dt.date]:
    day = first
    for _ in range(count):
        yield day
        day += dt.timedelta(days=7 + rng.choice([0, 0, 0, 1, -1, 7]))


def seed(episodes: int) -> dict[str, Any]:
    from django.conf import settings
    from django.db import connection, transaction

    from frame.clients.models import Client, new_case_code
    from frame.measures.models import Administration, Mode
    from frame.scheduling.models import Appointment

    started = time.monotonic()
    if connection.vendor == "sqlite":
        with connection.cursor() as cursor:
            cursor.execute("PRAGMA synchronous = OFF")  # a throwaway benchmark database
    practice, staff = _clinicians()
    zone = zoneinfo.ZoneInfo(settings.TIME_ZONE)
    template_client = Client.objects.create(
        practice=practice,
        case_code=new_case_code(),
        given_name="Template",
        family_name="Row",
        status="active",
        created_by=staff[0],
    )
    moment = dt.datetime(2024, 1, 1, 10, tzinfo=zone)
    template_appt = Appointment.objects.create(
        practice=practice,
        client=template_client,
        practitioner=staff[0],
        starts_at=moment,
        ends_at=moment + dt.timedelta(minutes=50),
        status="attended",
        created_by=staff[0],
    )
    template_admin = Administration.objects.create(
        client=template_client,
        instrument="phq9",
        instrument_version="1.0",
        scoring_version="1",
        mode=Mode.IN_SESSION,
        completed_on=moment.date(),
        answers=[1] * 9,
        valid=True,
        total=Decimal(9),
        recorded_by=staff[0],
    )
    clients = _Cloner(Client._meta.db_table, template_client.pk)
    appointments = _Cloner(Appointment._meta.db_table, template_appt.pk)
    administrations = _Cloner(Administration._meta.db_table, template_admin.pk)
    rng = random.Random(SEED)
    span = (PERIOD_END - PERIOD_START).days
    hour = dt.timedelta(hours=1)

    def appointment(client_id: Any, user: Any, day: dt.date, kind: str, status: str) -> None:
        start = dt.datetime.combine(day, dt.time(rng.choice([9, 11, 14, 17])), tzinfo=zone)
        appointments.add(
            client_id=client_id,
            practitioner_id=user.pk,
            starts_at=appointments.moment(start),
            ends_at=appointments.moment(start + hour),
            kind=kind,
            status=status,
        )

    def administration(client_id: Any, instrument: str, day: dt.date, total: int | None) -> None:
        recorded = dt.datetime.combine(day, dt.time(12), tzinfo=zone)
        administrations.add(
            client_id=client_id,
            instrument=instrument,
            completed_on=administrations.day(day),
            valid=total is not None,
            total=total,
            recorded_at=administrations.moment(recorded),
            answers=json.dumps([0] * (9 if instrument == "phq9" else 7)),
        )

    with transaction.atomic():
        active = episodes // 20
        for number in range(episodes + active):
            ended = number < episodes
            status = "ended" if rng.random() < 0.95 else "archived"
            client_id = clients.add(
                case_code=f"B{number:07d}", status=status if ended else "active"
            )
            user = staff[number % CLINICIANS]
            sessions = rng.choice([1, 2, 3, 4, 5, 6, 6, 8, 8, 10, 12, 16])
            # Every ended course's last attended session lands inside the period (the gaps
            # between sessions vary, so keep clear of both ends).
            last = PERIOD_START + dt.timedelta(days=40 + rng.randrange(span - 140))
            first = last - dt.timedelta(weeks=sessions + 1)
            appointment(client_id, user, first - dt.timedelta(days=7), "assessment", "attended")
            days = list(_days(first, sessions, rng))
            for day in days:
                status_ = rng.choice(["attended"] * 12 + ["late", "did_not_attend"])
                if day == days[-1]:
                    status_ = "attended"  # the course ends with an attended session
                appointment(client_id, user, day, "session", status_)
            if not ended:
                continue
            # Ten questionnaires: PHQ-9 and GAD-7 on five days from the start to the end.
            phq, gad = rng.randint(2, 27), rng.randint(1, 21)
            score_days = sorted({days[0], *rng.sample(days, min(3, len(days))), days[-1]})
            while len(score_days) < 5:
                score_days.append(score_days[-1] + dt.timedelta(days=1))
            for day in score_days[:5]:
                administration(client_id, "phq9", day, None if rng.random() < 0.03 else phq)
                gad_day = day + dt.timedelta(days=1) if rng.random() < 0.08 else day
                administration(client_id, "gad7", gad_day, None if rng.random() < 0.03 else gad)
                phq = min(27, max(0, phq + rng.randint(-6, 3)))
                gad = min(21, max(0, gad + rng.randint(-5, 3)))
        for table in (clients, appointments, administrations):
            table.flush()
        with connection.cursor() as cursor:  # the templates were only patterns
            for model, pk in (
                (Appointment, template_appt.pk),
                (Administration, template_admin.pk),
            ):
                pk_value = pk if connection.features.has_native_uuid_field else pk.hex
                table = model._meta.db_table
                cursor.execute(f"DELETE FROM {table} WHERE id = %s", [pk_value])  # noqa: S608
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute("ANALYZE")
        else:
            cursor.execute("ANALYZE")
            cursor.execute("PRAGMA optimize")
        cursor.execute(f"SELECT COUNT(*) FROM {Administration._meta.db_table}")  # noqa: S608
        stored_administrations = cursor.fetchone()[0]
        cursor.execute(f"SELECT COUNT(*) FROM {Appointment._meta.db_table}")  # noqa: S608
        stored_appointments = cursor.fetchone()[0]
    return {
        "practice": practice.pk,
        "clients": clients.count,
        "appointments": stored_appointments,
        "administrations": stored_administrations,
        "seconds": round(time.monotonic() - started, 1),
    }


# --- 3. Measuring (child process) -------------------------------------------------------------

# The report's rules written by hand, as a person would for this schema: group the attended
# treatment sessions per client, take the last session's practitioner with a correlated lookup,
# keep the last-recorded total per instrument and day (a window), pair PHQ-9 with GAD-7 by day,
# and read each client's first and last pairs with window frames. Aggregations and hash-joinable
# steps only, so neither planner is led into nested loops by its guesses about window filters.
HAND_SQL = """
WITH held AS (
    SELECT a.client_id, COUNT(*) AS sessions, MAX(a.starts_at) AS last_at
    FROM scheduling_appointment a
    JOIN clients_client c ON c.id = a.client_id
    WHERE c.practice_id = %s AND c.status IN ('ended', 'archived')
      AND a.status IN ('attended', 'late') AND a.kind IN ('session', 'review', 'ending')
    GROUP BY a.client_id
),
episode AS (
    SELECT h.client_id, h.sessions,
           (SELECT a.practitioner_id FROM scheduling_appointment a
            WHERE a.client_id = h.client_id AND a.status IN ('attended', 'late')
              AND a.kind IN ('session', 'review', 'ending')
            ORDER BY a.starts_at DESC, a.id DESC LIMIT 1) AS practitioner_id
    FROM held h
    WHERE h.last_at >= %s AND h.last_at < %s
),
daily AS (
    SELECT m.client_id, m.instrument, m.completed_on, m.total,
           ROW_NUMBER() OVER (PARTITION BY m.client_id, m.instrument, m.completed_on
                              ORDER BY m.recorded_at DESC, m.id DESC) AS rn
    FROM measures_administration m
    WHERE m.client_id IN (SELECT client_id FROM episode)
      AND m.instrument IN ('phq9', 'gad7') AND m.valid AND m.total IS NOT NULL
),
paired AS (
    SELECT client_id, completed_on AS day,
           MAX(CASE WHEN instrument = 'phq9' THEN total END) AS phq,
           MAX(CASE WHEN instrument = 'gad7' THEN total END) AS gad
    FROM daily WHERE rn = 1
    GROUP BY client_id, completed_on
    HAVING COUNT(*) = 2
),
ends AS (
    SELECT client_id, MIN(first_day) AS first_day, MAX(last_day) AS last_day,
           MAX(phq_first) AS phq_first, MAX(gad_first) AS gad_first,
           MAX(phq_last) AS phq_last, MAX(gad_last) AS gad_last
    FROM (
        SELECT client_id,
               MIN(day) OVER w AS first_day, MAX(day) OVER w AS last_day,
               FIRST_VALUE(phq) OVER w AS phq_first, FIRST_VALUE(gad) OVER w AS gad_first,
               LAST_VALUE(phq) OVER w AS phq_last, LAST_VALUE(gad) OVER w AS gad_last
        FROM paired
        WINDOW w AS (PARTITION BY client_id ORDER BY day
                     ROWS BETWEEN UNBOUNDED PRECEDING AND UNBOUNDED FOLLOWING)
    ) framed
    GROUP BY client_id
),
flags AS (
    SELECT e.practitioner_id,
           CASE WHEN e.sessions >= 2 THEN 1 ELSE 0 END AS finished,
           CASE WHEN e.sessions >= 2 AND x.last_day > x.first_day THEN 1 ELSE 0 END AS paired,
           CASE WHEN x.phq_first >= 10 OR x.gad_first >= 8 THEN 1 ELSE 0 END AS is_case,
           CASE WHEN x.phq_last < 10 AND x.gad_last < 8 THEN 1 ELSE 0 END AS below,
           CASE WHEN x.phq_first - x.phq_last >= 6 OR x.gad_first - x.gad_last >= 4
                THEN 1 ELSE 0 END AS better,
           CASE WHEN x.phq_last - x.phq_first >= 6 OR x.gad_last - x.gad_first >= 4
                THEN 1 ELSE 0 END AS worse
    FROM episode e LEFT JOIN ends x ON x.client_id = e.client_id
)
SELECT practitioner_id,
       COUNT(*) AS episodes,
       SUM(finished),
       SUM(paired),
       SUM(paired * is_case),
       SUM(paired * is_case * below),
       SUM(paired * better * (1 - worse)),
       SUM(paired * is_case * below * better * (1 - worse)),
       SUM(paired * worse)
FROM flags
GROUP BY practitioner_id
"""


def hand_written(practice_id: int) -> dict[int, dict[str, int]]:
    from django.db import connection, transaction

    from frame.outcomes.episodes import period_bounds
    from frame.outcomes.report import COUNTS

    low, high = period_bounds(PERIOD_START, PERIOD_END)
    adapt = connection.ops.adapt_datetimefield_value
    with transaction.atomic(), connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute("SET LOCAL jit = off")  # as the report does: same conditions
        cursor.execute(HAND_SQL, [practice_id, adapt(low), adapt(high)])
        rows = cursor.fetchall()
    return {
        row[0]: {key: int(value or 0) for key, value in zip(COUNTS, row[1:], strict=True)}
        for row in rows
    }


def orm_report(practice_id: int) -> dict[int, dict[str, int]]:
    from frame.outcomes.report import practitioners_of, service_outcomes

    people = practitioners_of(practice_id)
    overall, per = service_outcomes(
        practice_id, PERIOD_START, PERIOD_END, practitioners=people, whole_practice=True
    )
    result = {group.practitioner_id or 0: group.counts for group in per}
    result[-1] = overall.counts
    return result


def measure(practice_id: int, rounds: int) -> dict[str, Any]:
    from django.db import connection

    orm_ms: list[float] = []
    sql_ms: list[float] = []
    orm = sql = {}
    for turn in range(rounds):
        order = ("orm", "sql") if turn % 2 == 0 else ("sql", "orm")
        for which in order:
            started = time.perf_counter()
            if which == "orm":
                orm = orm_report(practice_id)
                orm_ms.append((time.perf_counter() - started) * 1000)
            else:
                sql = hand_written(practice_id)
                sql_ms.append((time.perf_counter() - started) * 1000)
    overall = orm.pop(-1)
    summed = {key: sum(group[key] for group in sql.values()) for key in overall}
    same = orm == sql and summed == overall
    return {
        "vendor": connection.vendor,
        "orm_ms": orm_ms,
        "sql_ms": sql_ms,
        "same": same,
        "overall": overall,
        "orm": {str(k): v for k, v in orm.items()},
        "sql": {str(k): v for k, v in sql.items()},
    }


# --- The runner -------------------------------------------------------------------------------


def _child_env(data_dir: Path, database_url: str | None) -> dict[str, str]:
    env = _env(data_dir)
    if database_url:
        env["DATABASE_URL"] = database_url
    return env


def _child(env: dict[str, str], *args: str) -> Any:
    done = subprocess.run(
        [sys.executable, "-m", "tests.bench.outcomes", *args],
        cwd=ROOT,
        env=env,
        check=True,
        stdout=subprocess.PIPE,
        text=True,
    )
    return json.loads(done.stdout.strip().splitlines()[-1])


def _pg(statement: str) -> None:
    import psycopg

    with psycopg.connect(PG_ADMIN_URL, autocommit=True) as admin:
        admin.execute(statement)


def run_backend(backend: str, episodes: int, rounds: int) -> dict[str, Any]:
    folder = Path(tempfile.mkdtemp(prefix=f"frame-bench-outcomes-{backend}-"))
    url = None
    if backend == "postgres":
        url = f"postgres://postgres@127.0.0.1:5432/{PG_DATABASE}"
        _pg(f'DROP DATABASE IF EXISTS "{PG_DATABASE}"')
        _pg(f'CREATE DATABASE "{PG_DATABASE}"')
    env = _child_env(folder, url)
    try:
        subprocess.run(
            [sys.executable, "-m", "frame.cli", "migrate", "--noinput", "--verbosity", "0"],
            cwd=ROOT,
            env=env,
            check=True,
        )
        print(f"{backend}: writing {episodes:,} episodes …", flush=True)
        seeded = _child(env, "seed", str(episodes))
        print(
            f"  {seeded['clients']:,} clients, {seeded['appointments']:,} appointments, "
            f"{seeded['administrations']:,} administrations in {seeded['seconds']} s",
            flush=True,
        )
        print(f"{backend}: timing the report ({rounds} rounds) …", flush=True)
        result = _child(env, "measure", str(seeded["practice"]), str(rounds))
        result["seeded"] = seeded
        return result
    finally:
        shutil.rmtree(folder, ignore_errors=True)
        if backend == "postgres":
            _pg(f'DROP DATABASE IF EXISTS "{PG_DATABASE}"')


def main() -> None:
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    sub = parser.add_subparsers(dest="task")
    seed_task = sub.add_parser("seed")
    seed_task.add_argument("episodes", type=int)
    measure_task = sub.add_parser("measure")
    measure_task.add_argument("practice", type=int)
    measure_task.add_argument("rounds", type=int)
    parser.add_argument("--episodes", type=int, default=100_000)
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--scoring", type=int, default=20_000, help="answers per instrument")
    parser.add_argument(
        "--backends", nargs="+", default=["sqlite", "postgres"], choices=["sqlite", "postgres"]
    )
    args = parser.parse_args()

    if args.task:
        os.environ.setdefault("DJANGO_SETTINGS_MODULE", "frame.settings")
        import django

        django.setup()
        if args.task == "seed":
            print(json.dumps(seed(args.episodes)))
        else:
            print(json.dumps(measure(args.practice, args.rounds)))
        return

    started = time.monotonic()
    scoring = scoring_throughput(args.scoring)
    print("Scoring (pure Python, one core): administrations per second")
    for name, rate in scoring["per_instrument"].items():
        print(f"  {name:<20} {rate:>10,.0f}")
    print(f"  {'all instruments':<20} {scoring['overall']:>10,.0f}")

    status = 0
    results = []
    try:
        for backend in args.backends:
            results.append(run_backend(backend, args.episodes, args.rounds))
    except subprocess.CalledProcessError as failed:
        sys.exit(f"The benchmark stopped: {' '.join(failed.cmd[1:])} failed (see above).")
    print()
    print(f"{'database':<11} {'episodes':>9} {'ORM ms':>9} {'SQL ms':>9} {'ratio':>6}  counts")
    print("-" * 60)
    for result in results:
        orm, sql = statistics.median(result["orm_ms"]), statistics.median(result["sql_ms"])
        verdict = "equal" if result["same"] else "DIFFER"
        print(
            f"{result['vendor']:<11} {result['overall']['episodes']:>9,} {orm:>9.0f} "
            f"{sql:>9.0f} {orm / sql:>5.2f}x  {verdict}"
        )
        if not result["same"]:
            status = 1
            print(json.dumps({"orm": result["orm"], "sql": result["sql"]}, indent=1))
    for result in results:
        print(f"\n{result['vendor']} whole practice: {json.dumps(result['overall'])}")
    load = ", ".join(f"{value:.2f}" for value in os.getloadavg())
    print(
        f"\n{os.cpu_count()} CPUs; load average at the end {load}; "
        f"total {time.monotonic() - started:.0f} s."
    )
    sys.exit(status)


if __name__ == "__main__":
    main()
