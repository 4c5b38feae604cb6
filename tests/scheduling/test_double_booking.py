"""A practitioner cannot be double-booked: the database refuses it, whatever the code above does.

Twenty booking requests for the same time, all at once: exactly one books, nineteen are told
plainly that the time is taken, and the database holds one appointment. Run on a real SQLite file
with twenty processes, and on PostgreSQL with twenty threads.
"""

from __future__ import annotations

import datetime as dt
import subprocess
import sys
import threading
from pathlib import Path
from typing import Any

import pytest
from django.db import IntegrityError, connection, transaction
from django.test import Client as HttpClient
from django.urls import reverse

from frame.scheduling.models import Appointment, BookedUnit, Status
from tests.concurrency.filedb import REPO, frame_env
from tests.conftest import sign_in
from tests.factories import CareTeamMemberFactory, ClientFactory

REQUESTS = 20


def test_overlapping_units_are_refused_by_the_database_itself(
    practice: Any, practitioner: Any, client_record: Any, second_client: Any
) -> None:
    """Bypassing every check in actions.py: the unique key alone refuses the overlap."""
    start = dt.datetime(2027, 6, 15, 9, 0, tzinfo=dt.UTC)

    def appointment(client: Any, offset_minutes: int, minutes: int) -> Appointment:
        begins = start + dt.timedelta(minutes=offset_minutes)
        return Appointment.objects.create(
            practice=practice,
            client=client,
            practitioner=practitioner,
            created_by=practitioner,
            starts_at=begins,
            ends_at=begins + dt.timedelta(minutes=minutes),
            status=Status.PLANNED,
        )

    def units(row: Appointment) -> list[BookedUnit]:
        first = int(row.starts_at.timestamp()) // 300
        last = int(row.ends_at.timestamp()) // 300
        return [
            BookedUnit(practitioner=practitioner, unit=u, appointment=row)
            for u in range(first, last)
        ]

    held = appointment(client_record, 0, 50)
    BookedUnit.objects.bulk_create(units(held))
    # 09:45 for 15 minutes overlaps the last five minutes of 09:00-09:50.
    late = appointment(second_client, 45, 15)
    with pytest.raises(IntegrityError), transaction.atomic():
        BookedUnit.objects.bulk_create(units(late))
    # Back to back at 09:50 is fine.
    after = appointment(second_client, 50, 50)
    BookedUnit.objects.bulk_create(units(after))
    assert BookedUnit.objects.count() == 20


@pytest.fixture
def second_client(practice: Any, practitioner: Any) -> Any:
    record = ClientFactory(
        practice=practice, created_by=practitioner, given_name="Ellis", family_name="Marsh"
    )
    CareTeamMemberFactory(client=record, user=practitioner)
    return record


@pytest.mark.slow
@pytest.mark.xdist_group("concurrency")
@pytest.mark.skipif(connection.vendor != "sqlite", reason="the SQLite file test runs on SQLite")
def test_twenty_processes_booking_one_time_on_a_sqlite_file(tmp_path: Path) -> None:
    import json

    done = subprocess.run(
        [sys.executable, "-m", "tests.scheduling.booking_race", str(REQUESTS)],
        cwd=REPO,
        env=frame_env(tmp_path),
        capture_output=True,
        text=True,
        timeout=600,
        check=False,
    )
    assert done.returncode == 0, f"{done.stdout}\n{done.stderr}"
    result = json.loads(done.stdout.strip().splitlines()[-1])
    outcomes = result["outcomes"]
    assert [o for o in outcomes if "crash" in o] == []
    assert sum(o["booked"] for o in outcomes) == 1
    refused = [o for o in outcomes if not o["booked"]]
    assert len(refused) == REQUESTS - 1
    assert all(o["status"] == 200 and o["refused_plainly"] for o in refused), refused
    assert (result["appointments"], result["units"]) == (1, 10)


@pytest.mark.slow
@pytest.mark.xdist_group("concurrency")
@pytest.mark.skipif(connection.vendor != "postgresql", reason="threads need a server database")
def test_twenty_threads_booking_one_time_on_postgres(
    transactional_db: Any, practice: Any, practitioner: Any
) -> None:
    clients = []
    for n in range(REQUESTS):
        record = ClientFactory(
            practice=practice, created_by=practitioner, family_name=f"Number {n}"
        )
        CareTeamMemberFactory(client=record, user=practitioner)
        clients.append(record.pk)
    signed_in = sign_in(HttpClient(), practitioner)
    cookies = {key: morsel.value for key, morsel in signed_in.cookies.items()}
    barrier = threading.Barrier(REQUESTS)
    outcomes: list[dict[str, Any]] = []
    failures: list[BaseException] = []

    def book(index: int) -> None:
        try:
            http = HttpClient()
            for key, value in cookies.items():
                http.cookies[key] = value
            url = reverse("scheduling:book", args=[clients[index]])
            barrier.wait(timeout=60)
            response = http.post(
                url,
                {"kind": "session", "day": "2027-06-15", "time": "10:00", "duration_minutes": "50"},
            )
            outcomes.append(
                {
                    "status": response.status_code,
                    "booked": response.status_code == 302,
                    "refused_plainly": b"Robin Ashdown is already booked then" in response.content,
                }
            )
        except BaseException as error:  # reported below with the others
            failures.append(error)
        finally:
            connection.close()

    threads = [threading.Thread(target=book, args=(i,)) for i in range(REQUESTS)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)

    assert failures == []
    assert sum(o["booked"] for o in outcomes) == 1
    refused = [o for o in outcomes if not o["booked"]]
    assert len(refused) == REQUESTS - 1
    assert all(o["status"] == 200 and o["refused_plainly"] for o in refused), refused
    assert Appointment.objects.count() == 1
    assert BookedUnit.objects.count() == 10
