"""How long the dual-relationship matcher takes at practice scale.

    .venv/bin/python -m tests.bench.dual_check            # 10,000 and 50,000 records
    .venv/bin/python -m tests.bench.dual_check --sizes 10000 --rounds 9
    .venv/bin/python -m tests.bench.dual_check --database --sizes 10000

For each size it builds fictional records (`people`), then times, as the median of the rounds:
building the index, and screening one enquiry against it — together, what happens when an
enquiry is created or changed. The enquiry shares an employer with about 4% of the records, so
it really does match hundreds of them. Timings are printed, never asserted in tests.

With --database it instead seeds a throwaway SQLite practice (`frame seed`, as `make bench` does)
and times the whole check as Frame runs it when an enquiry is added: reading every client and
every person they named from the database, indexing them, screening, storing the result and its
audit event — measured as the extra time `create_client` takes because of the check.

`people` is also what tests/boundaries/test_matching_scale.py matches against.
"""

from __future__ import annotations

import argparse
import random
import statistics
import string
import time

from frame.boundaries.matching import Index, Record

_EMPLOYERS = [
    "Hillside Surgery",
    "Frome Library",
    "Ridgeway Rowing Club",
    "Mendip District Council",
    "St Anne's Primary School",
    "Harbour Lane Bakery",
    "Westfield Academy",
    "Riverside Housing",
]


def _name_lists() -> tuple[list[str], list[str]]:
    # Faker's lists of common British names: family names repeat as they do in a real practice,
    # so the index's buckets are as full as they would really be.
    from faker.providers.person.en_GB import Provider

    given = sorted({*Provider.first_names_female, *Provider.first_names_male})
    return given, sorted(Provider.last_names)


def _postcode(rng: random.Random) -> str:
    letters = string.ascii_uppercase
    return (
        f"{rng.choice(letters)}{rng.choice(letters)}{rng.randint(1, 29)} "
        f"{rng.randint(0, 9)}{rng.choice(letters)}{rng.choice(letters)}"
    )


def people(count: int, *, seed: int = 1) -> list[Record]:
    """`count` fictional clients (deterministic for a seed): name, email, mobile, postcode and,
    for about a third, one of a few local employers."""
    rng = random.Random(seed)
    given_names, family_names = _name_lists()
    records = []
    for n in range(count):
        given, family = rng.choice(given_names), rng.choice(family_names)
        records.append(
            Record(
                ref=("synthetic", n),
                names=(f"{given} {family}",),
                emails=(f"{given}.{family}{n}@example.net".lower(),),
                phones=(f"07{rng.randint(100_000_000, 999_999_999)}",),
                postcodes=(_postcode(rng),),
                organisations=(rng.choice(_EMPLOYERS),) if rng.random() < 0.3 else (),
            )
        )
    return records


ENQUIRY = Record(
    ref="enquiry",
    names=("Jon Smyth",),
    emails=("jon.smyth@example.org",),
    phones=("+44 7700 900123",),
    postcodes=("BA11 1AA",),
    organisations=("Hillside Surgery",),
)


def measure(size: int, rounds: int) -> dict[str, float]:
    records = people(size)
    build, one = [], []
    matches = 0
    for _ in range(rounds):
        started = time.perf_counter()
        index = Index(records)
        built = time.perf_counter()
        matches = len(index.search(ENQUIRY))
        searched = time.perf_counter()
        build.append(built - started)
        one.append(searched - built)
    return {
        "build_ms": statistics.median(build) * 1000,
        "one_enquiry_ms": statistics.median(one) * 1000,
        "total_ms": statistics.median(b + o for b, o in zip(build, one, strict=True)) * 1000,
        "matches": matches,
    }


def _in_database(rounds: int) -> dict[str, float]:
    """Run inside a process whose FRAME_DATA_DIR is a seeded data folder."""
    import django

    django.setup()
    from django.db import transaction

    from frame.accounts.models import User
    from frame.boundaries import screening
    from frame.boundaries.models import Screening
    from frame.clients import actions
    from frame.clients.signals import client_details_changed
    from frame.demo.seeding import seed_user_email

    user = User.objects.get(email=seed_user_email(1, 1))
    with_check, without_check, loads = [], [], []
    for n in range(rounds):
        details = {"given_name": "Jon", "family_name": f"Smyth{n}", "postcode": "BA11 1AA"}
        started = time.perf_counter()
        loaded = screening.PracticeRecords.load(user.membership.practice_id)
        loads.append(time.perf_counter() - started)
        for timings, connected in ((with_check, True), (without_check, False)):
            if not connected:
                client_details_changed.disconnect(dispatch_uid="boundaries.screen_enquiry")
            started = time.perf_counter()
            with transaction.atomic():
                actions.create_client(by=user, details=details)
                transaction.set_rollback(True)  # measure again from the same state
            timings.append(time.perf_counter() - started)
            screening.connect()
    assert Screening.objects.count() == 0 and len(loaded.client_names) > 0
    return {
        "clients": len(loaded.client_names),
        "people": len(loaded.people),
        "load_ms": statistics.median(loads) * 1000,
        "check_ms": (statistics.median(with_check) - statistics.median(without_check)) * 1000,
    }


def _database(sizes: list[int], rounds: int) -> None:
    import json
    import subprocess
    import sys
    import tempfile
    from pathlib import Path

    from tests.bench.run import ROOT, _env, build

    print("| clients | people named | read from database (ms) | whole check (ms) |")
    print("|---:|---:|---:|---:|")
    for size in sizes:
        folder = Path(tempfile.mkdtemp(prefix=f"frame-dual-check-{size}-"))
        build(size, folder)
        result = subprocess.run(
            [sys.executable, "-m", "tests.bench.dual_check", "--in-database", str(rounds)],
            cwd=ROOT,
            env=_env(folder),
            check=True,
            stdout=subprocess.PIPE,
            text=True,
        )
        figures = json.loads(result.stdout.splitlines()[-1])
        print(
            f"| {figures['clients']:,} | {figures['people']:,} | {figures['load_ms']:.0f} "
            f"| {figures['check_ms']:.0f} |"
        )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=[10_000, 50_000])
    parser.add_argument("--rounds", type=int, default=5)
    parser.add_argument("--database", action="store_true", help="time the check through Django")
    parser.add_argument("--in-database", type=int, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.in_database:
        import json

        print(json.dumps(_in_database(args.in_database)))
        return
    if args.database:
        _database(args.sizes, args.rounds)
        return
    print("| records | build index (ms) | screen one enquiry (ms) | together (ms) | matches |")
    print("|---:|---:|---:|---:|---:|")
    for size in args.sizes:
        result = measure(size, args.rounds)
        print(
            f"| {size:,} | {result['build_ms']:.0f} | {result['one_enquiry_ms']:.1f} "
            f"| {result['total_ms']:.0f} | {result['matches']} |"
        )


if __name__ == "__main__":
    main()
