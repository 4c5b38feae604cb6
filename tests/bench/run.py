"""`make bench`: how Frame's busiest pages behave as a practice grows.

For each size (1,000 and 50,000 clients by default) this builds a fresh SQLite database in a
temporary data folder (`frame migrate`, `collectstatic`, `frame seed`). It then times the pages
in subprocesses pointed at those folders, through the full middleware stack, signed in as a
seeded practitioner. Sizes take turns, round by round, so a busy moment on the machine lands on
both rather than skewing one. It prints median and p95 latency and queries per request.

Exits non-zero if any page issues a different number of queries at different sizes: a page whose
query count grows with the data will not stay fast. Latency is reported here, never asserted in
tests.
"""

from __future__ import annotations

import argparse
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

ROOT = Path(__file__).resolve().parents[2]
P95_RATIO_TARGET = 1.5
PASSWORD = "bench-harbour-4821-lantern-meadow"  # only ever on a throwaway benchmark database


def _env(data_dir: Path) -> dict[str, str]:
    env = {
        name: value
        for name, value in os.environ.items()
        if not name.startswith("FRAME_") and name not in {"DATABASE_URL", "DJANGO_SETTINGS_MODULE"}
    }
    env["FRAME_DATA_DIR"] = str(data_dir)
    env["DJANGO_SETTINGS_MODULE"] = "frame.settings"
    env["PYTHONPATH"] = str(ROOT)
    return env


def _frame(env: dict[str, str], *args: str) -> None:
    subprocess.run(
        [sys.executable, "-m", "frame.cli", *args],
        cwd=ROOT,
        env=env,
        check=True,
        stdout=subprocess.DEVNULL,  # seeding prints a line per batch; errors still show
    )


def build(size: int, data_dir: Path) -> float:
    """Migrate and seed a fresh database; returns the seeding time in seconds."""
    env = _env(data_dir)
    _frame(env, "migrate", "--noinput", "--verbosity", "0")
    _frame(env, "createcachetable")
    _frame(env, "collectstatic", "--noinput", "--verbosity", "0")
    started = time.monotonic()
    _frame(env, "seed", "--clients", str(size), "--seed", "1", "--password", PASSWORD)
    return time.monotonic() - started


def measure(data_dir: Path, *, warmup: int, requests: int) -> list[dict[str, Any]]:
    result = subprocess.run(
        [
            sys.executable,
            "-m",
            "tests.bench.measure",
            "--warmup",
            str(warmup),
            "--requests",
            str(requests),
        ],
        cwd=ROOT,
        env=_env(data_dir),
        check=True,
        stdout=subprocess.PIPE,  # the JSON; anything on stderr reaches the person running it
        text=True,
    )
    rows: list[dict[str, Any]] = json.loads(result.stdout.strip().splitlines()[-1])
    return rows


def _p95(values: list[float]) -> float:
    return statistics.quantiles(values, n=100, method="inclusive")[94]


def summarise(raw: dict[int, list[list[dict[str, Any]]]]) -> dict[int, dict[str, dict[str, Any]]]:
    """Merge each size's rounds into one row per page: median, p95 and the query counts seen."""
    summary: dict[int, dict[str, dict[str, Any]]] = {}
    for size, rounds in raw.items():
        pages: dict[str, dict[str, Any]] = {}
        for rows in rounds:
            for row in rows:
                page = pages.setdefault(row["page"], {"timings": [], "queries": set()})
                page["timings"].extend(row["timings_ms"])
                page["queries"].add(row["queries"])
        summary[size] = {
            name: {
                "median_ms": statistics.median(page["timings"]),
                "p95_ms": _p95(page["timings"]),
                "queries": sorted(page["queries"]),
                "requests": len(page["timings"]),
            }
            for name, page in pages.items()
        }
    return summary


def report(summary: dict[int, dict[str, dict[str, Any]]]) -> int:
    """Print the table and the comparison; returns the exit status."""
    print()
    print(f"{'page':<16} {'clients':>8} {'median ms':>10} {'p95 ms':>8} {'queries':>8}")
    print("-" * 54)
    for size, pages in summary.items():
        for name, row in pages.items():
            queries = "/".join(map(str, row["queries"]))
            print(
                f"{name:<16} {size:>8,} {row['median_ms']:>10.1f} "
                f"{row['p95_ms']:>8.1f} {queries:>8}"
            )
    sizes = sorted(summary)
    small, large = sizes[0], sizes[-1]
    print()
    status = 0
    for name in summary[small]:
        counts = [tuple(summary[size][name]["queries"]) for size in sizes]
        same = len(set(counts)) == 1 and len(counts[0]) == 1
        ratio = summary[large][name]["p95_ms"] / summary[small][name]["p95_ms"]
        verdict = "within" if ratio <= P95_RATIO_TARGET else "OVER"
        shown = " vs ".join("/".join(map(str, count)) for count in counts)
        print(
            f"{name:<16} queries {'identical' if same else 'DIFFER'} ({shown}); "
            f"p95 {large:,}/{small:,} = {ratio:.2f}x ({verdict} the {P95_RATIO_TARGET}x target)"
        )
        if not same:
            status = 1
    print()
    print(
        "Query counts are identical at every size."
        if status == 0
        else "Query counts differ between sizes: some page does work that grows with the data."
    )
    return status


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=[1_000, 50_000])
    parser.add_argument("--rounds", type=int, default=4, help="turns each size takes")
    parser.add_argument(
        "--warmup", type=int, default=30, help="untimed requests per page, per turn"
    )
    parser.add_argument("--requests", type=int, default=200, help="timed requests per page")
    parser.add_argument("--keep", action="store_true", help="keep the benchmark data folders")
    args = parser.parse_args()
    per_round = max(args.requests // args.rounds, 1)

    folders = {size: Path(tempfile.mkdtemp(prefix=f"frame-bench-{size}-")) for size in args.sizes}
    raw: dict[int, list[list[dict[str, Any]]]] = {size: [] for size in sorted(args.sizes)}
    try:
        for size, folder in sorted(folders.items()):
            print(f"Building a practice with {size:,} clients in {folder} …", flush=True)
            print(f"  seeded in {build(size, folder):.1f} s", flush=True)
        for turn in range(args.rounds):
            order = sorted(folders) if turn % 2 == 0 else sorted(folders, reverse=True)
            print(f"Round {turn + 1} of {args.rounds} …", flush=True)
            for size in order:
                raw[size].append(measure(folders[size], warmup=args.warmup, requests=per_round))
    except subprocess.CalledProcessError as failed:
        sys.exit(f"The benchmark stopped: {' '.join(failed.cmd[1:])} failed (see above).")
    finally:
        if not args.keep:
            for folder in folders.values():
                shutil.rmtree(folder, ignore_errors=True)
    load = ", ".join(f"{value:.2f}" for value in os.getloadavg())
    print(f"\n{os.cpu_count()} CPUs; load average at the end {load}.")
    sys.exit(report(summarise(raw)))


if __name__ == "__main__":
    main()
