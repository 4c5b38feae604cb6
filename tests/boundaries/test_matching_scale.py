"""Screening an enquiry against 10,000 records: the index finds exactly what comparing every pair
finds, including the planted matches, and none of the planted near misses.

The time is measured and printed (run with -s to see it), never asserted: see docs/benchmarks.md
and `python -m tests.bench.dual_check` for the figures.
"""

from __future__ import annotations

import time

from frame.boundaries.matching import Field, How, Index, Record, compare_records
from tests.bench.dual_check import people

ENQUIRY = Record(
    ref="enquiry",
    names=("Jon Smyth",),
    emails=("jon.smyth@example.org",),
    phones=("+44 7700 900123",),
    postcodes=("BA11 1AA",),
    organisations=("Harbour Lane Bakery",),
)

PLANTED = [
    Record(ref="one letter", names=("John Smyth",)),
    Record(ref="initial", names=("J. Smyth",)),
    Record(ref="reordered", names=("SMYTH, Jon",)),
    Record(ref="email", emails=(" JON.SMYTH@example.org",)),
    Record(ref="phone", phones=("07700 900123",)),
    Record(ref="postcode", postcodes=("ba111aa",)),
]
NEAR_MISSES = [
    Record(ref="near: two letters", names=("Joan Smythe",)),
    Record(ref="near: given and family", names=("Jan Smith",)),
    Record(ref="near: longer family", names=("Jon Smythson",)),
    Record(ref="near: initial and typo", names=("J. Smith",)),
    Record(ref="near: phone", phones=("07700 900124",)),
    Record(ref="near: postcode", postcodes=("BA11 1AB",)),
]


def test_ten_thousand_records_screened_through_the_index() -> None:
    synthetic = people(10_000)
    records = synthetic[:5000] + PLANTED + NEAR_MISSES + synthetic[5000:]

    started = time.perf_counter()
    index = Index(records)
    found = index.search(ENQUIRY)
    elapsed = time.perf_counter() - started
    print(f"\nindexed {len(records):,} records and screened one enquiry in {elapsed * 1000:.0f} ms")

    every_pair = [match for record in records for match in compare_records(ENQUIRY, record)]
    assert sorted(map(repr, found)) == sorted(map(repr, every_pair))

    refs = {match.record: match for match in found}
    assert {planted.ref for planted in PLANTED} <= set(refs)
    assert not {near.ref for near in NEAR_MISSES} & set(refs)
    assert refs["one letter"].how == How.ONE_LETTER
    assert refs["initial"].how == How.INITIAL
    assert refs["reordered"].how == How.SAME
    # About one in twenty-five synthetic clients works at the bakery: every one of them is found.
    bakers = [r.ref for r in synthetic if "Harbour Lane Bakery" in r.organisations]
    assert len(bakers) > 200
    assert {m.record for m in found if m.field == Field.ORGANISATION} == set(bakers)
