"""How long the dual-relationship matcher takes at practice scale.

    .venv/bin/python -m tests.bench.dual_check            # 10,000 and 50,000 records
    .venv/bin/python -m tests.bench.dual_check --sizes 10000 --rounds 9

For each size it builds fictional records (`people`), then times, as the median of the rounds:
building the index, and screening one enquiry against it — together, what happens when an
enquiry is created or changed. The enquiry shares an employer with about 4% of the records, so
it really does match hundreds of them. Timings are printed, never asserted in tests.

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


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=[10_000, 50_000])
    parser.add_argument("--rounds", type=int, default=5)
    args = parser.parse_args()
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
