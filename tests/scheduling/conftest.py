"""Helpers for scheduling tests: a fixed "now" in early 2027, and quick ways to book."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from typing import Any
from zoneinfo import ZoneInfo

import pytest
import time_machine

from frame.accounts.models import User
from frame.clients.models import Client
from frame.scheduling import actions
from frame.scheduling.models import Appointment
from tests.factories import CareTeamMemberFactory, ClientFactory

LONDON = ZoneInfo("Europe/London")
# Monday 1 March 2027, 09:00 in London: four weeks before the clocks go forward.
NOW = dt.datetime(2027, 3, 1, 9, 0, tzinfo=LONDON)


@pytest.fixture
def frozen() -> Iterator[Any]:
    with time_machine.travel(NOW, tick=False) as traveller:
        yield traveller


@pytest.fixture
def book(practitioner: User, client_record: Client) -> Any:
    """`book(day, "10:00", minutes=50, client=..., by=...)` books a one-off appointment."""

    def make(
        day: dt.date,
        time: str,
        *,
        minutes: int = 50,
        client: Client | None = None,
        by: User | None = None,
        practitioner_: User | None = None,
        **extra: Any,
    ) -> Appointment:
        hours, mins = (int(part) for part in time.split(":"))
        return actions.book_appointment(
            by=by or practitioner,
            client=client or client_record,
            practitioner=practitioner_ or practitioner,
            day=day,
            time=dt.time(hours, mins),
            duration_minutes=minutes,
            **extra,
        )

    return make


@pytest.fixture
def second_client(practice: Any, practitioner: User) -> Client:
    record = ClientFactory(
        practice=practice, created_by=practitioner, given_name="Ellis", family_name="Marsh"
    )
    CareTeamMemberFactory(client=record, user=practitioner)
    return record
