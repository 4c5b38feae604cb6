"""Time Frame's pages in-process, through the full middleware stack, on a seeded database.

Run by `tests.bench.run` in a subprocess whose environment points FRAME_DATA_DIR at a database
built by `frame seed`; prints the raw timings and query counts as JSON on its last line.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import time
from collections.abc import Callable
from dataclasses import asdict, dataclass
from typing import Any

BENCH_SEED = 1
# Staff index 1 is an ordinary practitioner (not the owner) with about a quarter of the caseload.
BENCH_STAFF_INDEX = 1


@dataclass(frozen=True)
class PageResult:
    page: str
    path: str
    queries: int
    timings_ms: list[float]


def _pages(user: Any) -> list[tuple[str, str, Callable[[Any], bool]]]:
    """(label, path, check) for each page measured. Checks prove we timed the real page."""
    from django.urls import NoReverseMatch, reverse

    from frame.clients.models import CareTeamMember

    link = (
        CareTeamMember.objects.filter(user=user)
        .select_related("client")
        .order_by("client__sort_key", "client__id")
        .first()
    )
    if link is None:
        raise SystemExit("The seeded practitioner has no clients; was the database seeded?")
    client = link.client
    try:
        list_path = reverse("clients:list")
        card_path = reverse("clients:card", kwargs={"client_id": client.pk})
    except NoReverseMatch as missing:
        raise SystemExit(f"A page the benchmark measures does not exist yet: {missing}") from None
    # A family name shared by about 1 in 100 clients: results grow with the practice, pages don't.
    search_path = f"{list_path}?q={client.family_name[:4]}"
    name = client.family_name.encode()
    return [
        ("home (floor)", reverse("home"), lambda response: b"<main" in response.content),
        ("client list", list_path, lambda response: name in response.content),
        ("search", search_path, lambda response: name in response.content),
        ("client card", card_path, lambda response: name in response.content),
    ]


def measure(*, warmup: int, requests: int) -> list[PageResult]:
    from django.db import connection
    from django.test import Client as HttpClient
    from django.test.utils import CaptureQueriesContext

    from frame.accounts.models import User
    from frame.demo.seeding import seed_user_email
    from tests.conftest import sign_in

    user = User.objects.get(email=seed_user_email(BENCH_SEED, BENCH_STAFF_INDEX))
    http = sign_in(HttpClient(HTTP_HOST="127.0.0.1"), user)
    results = []
    for label, path, looks_right in _pages(user):
        first = http.get(path)
        if first.status_code != 200 or not looks_right(first):
            raise SystemExit(f"{label} ({path}) answered {first.status_code}, not the page itself")
        for _ in range(warmup):
            http.get(path)
        counts = set()
        for _ in range(5):
            with CaptureQueriesContext(connection) as captured:
                http.get(path)
            counts.add(len(captured.captured_queries))
        if len(counts) != 1:
            raise SystemExit(f"{label} issued a varying number of queries: {sorted(counts)}")
        timings = []
        for _ in range(requests):
            started = time.perf_counter()
            response = http.get(path)
            timings.append((time.perf_counter() - started) * 1000)
            if response.status_code != 200:
                raise SystemExit(f"{label} ({path}) answered {response.status_code} mid-run")
        results.append(
            PageResult(
                page=label, path=path.split("?")[0], queries=counts.pop(), timings_ms=timings
            )
        )
    return results


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--warmup", type=int, default=30)
    parser.add_argument("--requests", type=int, default=200)
    args = parser.parse_args()
    if not os.environ.get("FRAME_DATA_DIR"):
        sys.exit("Set FRAME_DATA_DIR to a seeded data folder (tests.bench.run does this).")
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "frame.settings")
    import django

    django.setup()
    results = measure(warmup=args.warmup, requests=args.requests)
    print(json.dumps([asdict(result) for result in results]))


if __name__ == "__main__":
    main()
