"""Many processes booking the same time at once, on a real SQLite file (see test_double_booking).

    python -m tests.scheduling.booking_race <processes>

Run in a child process whose FRAME_DATA_DIR is a fresh folder. It migrates, creates a practice,
a practitioner and clients, signs the practitioner in once, then forks: every child posts the
booking form for the same practitioner at the same time (each for a different client), all
released at once by a barrier. Prints one line of JSON: what each request answered, and what the
database holds afterwards.
"""

from __future__ import annotations

import json
import os
import sys
from typing import Any

import django

BOOKED_DAY = "2027-06-15"
BOOKED_TIME = "10:00"


def race(processes: int) -> dict[str, Any]:
    from tests.concurrency.worker import _fork_and_run, _migrate

    _migrate()
    from django.db import connections
    from django.test import Client as HttpClient
    from django.urls import reverse

    from frame.accounts.models import Membership, Practice, Role, User
    from frame.clients.models import CareTeamMember, Client
    from frame.scheduling.models import Appointment, BookedUnit
    from tests.conftest import sign_in

    practice = Practice.objects.create(name="Willowbank Counselling")
    owner = User.objects.create_user("robin.ashdown@example.org", None, full_name="Robin Ashdown")
    Membership.objects.create(user=owner, practice=practice, role=Role.OWNER)
    clients = []
    for n in range(processes):
        client = Client.objects.create(
            practice=practice,
            case_code=f"RACE{n:02d}",
            given_name="Client",
            family_name=f"Number {n}",
            created_by=owner,
        )
        CareTeamMember.objects.create(client=client, user=owner)
        clients.append(client.pk)
    http = sign_in(HttpClient(HTTP_HOST="127.0.0.1"), owner)
    cookies = {key: morsel.value for key, morsel in http.cookies.items()}
    connections.close_all()

    def book(index: int) -> dict[str, Any]:
        child = HttpClient(HTTP_HOST="127.0.0.1")
        for key, value in cookies.items():
            child.cookies[key] = value
        response = child.post(
            reverse("scheduling:book", args=[clients[index]]),
            {"kind": "session", "day": BOOKED_DAY, "time": BOOKED_TIME, "duration_minutes": "50"},
        )
        body = response.content.decode()
        return {
            "status": response.status_code,
            "booked": response.status_code == 302
            and response["Location"].startswith("/diary/appointments/"),
            "refused_plainly": "Robin Ashdown is already booked then" in body,
        }

    outcomes = _fork_and_run(processes, book)
    return {
        "outcomes": outcomes,
        "appointments": Appointment.objects.count(),
        "units": BookedUnit.objects.count(),
    }


def main(argv: list[str]) -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "frame.settings")
    django.setup()
    print(json.dumps(race(int(argv[0]))))


if __name__ == "__main__":
    main(sys.argv[1:])
