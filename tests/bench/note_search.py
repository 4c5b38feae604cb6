"""`make bench`, note search: a practitioner's own notes searched at two caseload sizes.

    python -m tests.bench.note_search [--clients 10 60] [--notes 100] [--rounds 2] [--requests 40]

For each size this builds a fresh SQLite database in a temporary data folder (`migrate`), one
practitioner with that many clients and `--notes` signed session notes each (about 80 words from
a 2,000-word vocabulary, common words more often, as in real writing), indexed by the same code
signing uses. It then times the search page through the full middleware stack (POST, as the
page sends it) for a common word (in half the notes), a rare word (in one note) and two words
together (one note in six), sizes taking turns round by round, and reports median and p95
latency, results found and queries per request.

Exits non-zero if a search issues a different number of queries at different sizes. Latency is
reported, never asserted.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

from tests.bench.run import ROOT, _env

COMMON = "sleep"
RARE = "lighthouse"
ALSO = "family"  # in every third note, so two words together find about one note in six
QUERIES = {"common word": COMMON, "rare word": RARE, "two words": f"{COMMON} {ALSO}"}
WORDS_PER_NOTE = 80


def _vocabulary(rng: random.Random) -> list[str]:
    syllables = ["ka", "lo", "mi", "ren", "tor", "sa", "vel", "dun", "pri", "the", "nor", "bel"]
    words = {"work", "anger", "mother", "partner", "grief", "worry", "hope", "body"}
    while len(words) < 2000:
        words.add("".join(rng.choice(syllables) for _ in range(rng.randint(2, 4))))
    words -= {COMMON, RARE, ALSO}
    return sorted(words)


# --- In a child process pointed at one data folder ------------------------------------------------


def seed(clients: int, notes: int) -> dict[str, Any]:
    import datetime as dt

    from django.core.management import call_command
    from django.db import transaction
    from django.utils import timezone

    from frame.accounts.models import Role
    from frame.notes import search
    from frame.notes.models import NoteStatus, SessionNote, pack
    from frame.scheduling.models import Appointment, Status
    from tests.factories import CareTeamMemberFactory, ClientFactory, MembershipFactory

    call_command("migrate", verbosity=0)
    call_command("collectstatic", interactive=False, verbosity=0)
    started = time.monotonic()
    rng = random.Random(1)
    vocabulary = _vocabulary(rng)
    weights = [1 / (rank + 1) for rank in range(len(vocabulary))]  # Zipf-like word use
    membership = MembershipFactory(
        role=Role.OWNER, user__email="bench@example.org", user__full_name="Bench Practitioner"
    )
    user, practice = membership.user, membership.practice
    now = timezone.now()
    rare_written = False
    with transaction.atomic():
        for index in range(clients):
            client = ClientFactory(practice=practice, created_by=user)
            CareTeamMemberFactory(client=client, user=user)
            appointments = Appointment.objects.bulk_create(
                [
                    Appointment(
                        practice=practice,
                        client=client,
                        practitioner=user,
                        starts_at=now - dt.timedelta(days=7 * (n + 1), minutes=index),
                        ends_at=now - dt.timedelta(days=7 * (n + 1), minutes=index - 50),
                        status=Status.ATTENDED,
                        created_by=user,
                    )
                    for n in range(notes)
                ]
            )
            rows = []
            for n, appointment in enumerate(appointments):
                words = rng.choices(vocabulary, weights=weights, k=WORDS_PER_NOTE)
                if n % 2 == 0:
                    words.append(COMMON)
                if n % 3 == 0:
                    words.append(ALSO)
                if not rare_written and index == clients // 2:
                    words.append(RARE)
                    rare_written = True
                rows.append(
                    SessionNote(
                        client=client,
                        appointment=appointment,
                        author=user,
                        status=NoteStatus.SIGNED,
                        content=pack([("Themes", " ".join(words) + ".")]),
                        risk_noted=False,
                        version=1,
                        signed_at=appointment.ends_at,
                    )
                )
            for note in SessionNote.objects.bulk_create(rows):
                search.index_note(note, practice_id=practice.pk)
    return {"seconds": time.monotonic() - started}


def measure(requests: int, warmup: int) -> list[dict[str, Any]]:
    from django.db import connection
    from django.test import Client as HttpClient
    from django.test.utils import CaptureQueriesContext
    from django.urls import reverse

    from frame.accounts.models import User
    from tests.conftest import sign_in

    user = User.objects.get(email="bench@example.org")
    http = sign_in(HttpClient(HTTP_HOST="127.0.0.1"), user)
    url = reverse("notes:search")
    rows = []
    for label, query in QUERIES.items():
        first = http.post(url, {"q": query})
        if first.status_code != 200 or b"found" not in first.content:
            raise SystemExit(f"The search for {query!r} answered {first.status_code}")
        found = first.content.decode().split('id="results-title">', 1)[1].split("<", 1)[0]
        for _ in range(warmup):
            http.post(url, {"q": query})
        counts = set()
        for _ in range(3):
            with CaptureQueriesContext(connection) as captured:
                http.post(url, {"q": query})
            counts.add(len(captured.captured_queries))
        if len(counts) != 1:
            raise SystemExit(f"{label} issued a varying number of queries: {sorted(counts)}")
        timings = []
        for _ in range(requests):
            started = time.perf_counter()
            http.post(url, {"q": query})
            timings.append((time.perf_counter() - started) * 1000)
        rows.append({"page": label, "queries": counts.pop(), "found": found, "timings_ms": timings})
    return rows


def child(args: argparse.Namespace) -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "frame.settings")
    import django

    django.setup()
    if args.child == "seed":
        print(json.dumps(seed(args.clients[0], args.notes)))
    else:
        print(json.dumps(measure(args.requests, args.warmup)))


# --- The parent: build, take turns, report --------------------------------------------------------


def _run(folder: Path, *extra: str) -> Any:
    result = subprocess.run(
        [sys.executable, "-m", "tests.bench.note_search", *extra],
        cwd=ROOT,
        env=_env(folder),
        check=True,
        stdout=subprocess.PIPE,
        text=True,
    )
    return json.loads(result.stdout.strip().splitlines()[-1])


def _p95(values: list[float]) -> float:
    return statistics.quantiles(values, n=100, method="inclusive")[94]


def report(raw: dict[int, list[list[dict[str, Any]]]], notes: int) -> int:
    merged: dict[int, dict[str, dict[str, Any]]] = {}
    for size, rounds in raw.items():
        pages: dict[str, dict[str, Any]] = {}
        for rows in rounds:
            for row in rows:
                page = pages.setdefault(
                    row["page"], {"timings": [], "queries": set(), "found": row["found"]}
                )
                page["timings"].extend(row["timings_ms"])
                page["queries"].add(row["queries"])
        merged[size] = pages
    print()
    header = (
        f"{'search':<12} {'clients':>7} {'notes':>6} {'median ms':>10} {'p95 ms':>7} {'queries':>8}"
    )
    print(header + "  found")
    print("-" * (len(header) + 20))
    for size, pages in merged.items():
        for name, page in pages.items():
            queries = "/".join(map(str, sorted(page["queries"])))
            print(
                f"{name:<12} {size:>7} {size * notes:>6} "
                f"{statistics.median(page['timings']):>10.1f} {_p95(page['timings']):>7.1f} "
                f"{queries:>8}  {page['found']}"
            )
    status = 0
    print()
    sizes = sorted(merged)
    for name in merged[sizes[0]]:
        counts = [tuple(sorted(merged[size][name]["queries"])) for size in sizes]
        same = len(set(counts)) == 1 and len(counts[0]) == 1
        shown = " vs ".join("/".join(map(str, count)) for count in counts)
        print(f"{name:<12} queries {'identical' if same else 'DIFFER'} ({shown})")
        status = status or (0 if same else 1)
    print(
        "\nQuery counts are identical at every size."
        if status == 0
        else "\nQuery counts differ between sizes: the search does work that grows with the data."
    )
    return status


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--clients", type=int, nargs="+", default=[10, 60])
    parser.add_argument("--notes", type=int, default=100, help="signed notes per client")
    parser.add_argument("--rounds", type=int, default=2)
    parser.add_argument("--requests", type=int, default=40, help="timed requests per search")
    parser.add_argument("--warmup", type=int, default=5)
    parser.add_argument("--keep", action="store_true", help="keep the benchmark data folders")
    parser.add_argument("--child", choices=["seed", "measure"], help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        child(args)
        return
    per_round = max(args.requests // args.rounds, 1)
    folders = {n: Path(tempfile.mkdtemp(prefix=f"frame-bench-notes-{n}-")) for n in args.clients}
    raw: dict[int, list[list[dict[str, Any]]]] = {n: [] for n in sorted(args.clients)}
    try:
        for size, folder in sorted(folders.items()):
            print(f"Writing {size} clients x {args.notes} signed notes in {folder} …", flush=True)
            built = _run(
                folder, "--child", "seed", "--clients", str(size), "--notes", str(args.notes)
            )
            print(f"  written and indexed in {built['seconds']:.1f} s", flush=True)
        for turn in range(args.rounds):
            order = sorted(folders) if turn % 2 == 0 else sorted(folders, reverse=True)
            print(f"Round {turn + 1} of {args.rounds} …", flush=True)
            for size in order:
                raw[size].append(
                    _run(
                        folders[size],
                        "--child",
                        "measure",
                        "--requests",
                        str(per_round),
                        "--warmup",
                        str(args.warmup),
                    )
                )
    except subprocess.CalledProcessError as failed:
        sys.exit(f"The benchmark stopped: {' '.join(failed.cmd[1:])} failed (see above).")
    finally:
        if not args.keep:
            for folder in folders.values():
                shutil.rmtree(folder, ignore_errors=True)
    load = ", ".join(f"{value:.2f}" for value in os.getloadavg())
    print(f"\n{os.cpu_count()} CPUs; load average at the end {load}.")
    sys.exit(report(raw, args.notes))


if __name__ == "__main__":
    main()
