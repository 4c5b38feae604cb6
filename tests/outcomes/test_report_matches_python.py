"""The database report gives exactly what the Python episode rules give, client by client.

episodes.client_episode reads one client and classifies with frame.measures.change's
classify_episode; report.service_outcomes counts the whole practice in one aggregate query. On
randomised practices (every awkward case: no sessions, one session, non-treatment bookings,
missed sessions, unpaired and invalid questionnaires, two questionnaires on one day, episodes
ending outside the period, active clients) the two must agree on every count.
"""

from __future__ import annotations

import datetime as dt
import random
from typing import Any

import pytest

from frame.clients.models import Status
from frame.outcomes.episodes import client_episode, ends_in
from frame.outcomes.report import COUNTS, practitioners_of, service_outcomes
from frame.scheduling.models import Kind
from frame.scheduling.models import Status as Attendance
from tests.factories import MembershipFactory
from tests.outcomes.builders import at, ended_client, score, session

ATTENDED = Attendance.ATTENDED
START = dt.date(2025, 4, 1)
END = dt.date(2026, 3, 31)


def _expected(clients: list[Any], practitioner_id: int | None = None) -> dict[str, int]:
    counts = dict.fromkeys(COUNTS, 0)
    for client in clients:
        item = client_episode(client)
        if not ends_in(item, START, END):
            continue
        if practitioner_id is not None and item.practitioner_id != practitioner_id:
            continue
        counts["episodes"] += 1
        counts["finished"] += item.finished
        if item.episode is None:
            continue
        episode = item.episode
        counts["paired"] += 1
        counts["cases"] += bool(episode.case_at_start)
        counts["recovered"] += bool(episode.recovery)
        counts["improved"] += bool(episode.reliable_improvement)
        counts["reliably_recovered"] += bool(episode.reliable_recovery)
        counts["deteriorated"] += bool(episode.reliable_deterioration)
    return counts


def _random_client(rng: random.Random, practice: Any, staff: list[Any]) -> Any:
    status = rng.choice([Status.ENDED] * 6 + [Status.ARCHIVED, Status.ACTIVE])
    client = ended_client(practice, staff[0])
    if status != Status.ENDED:
        client.status = status
        client.save(update_fields=["status"])
    # Some courses end before the period, some after it, most inside.
    first = START + dt.timedelta(days=rng.randint(-120, 330))
    days = sorted({first + dt.timedelta(days=7 * n + rng.randint(0, 2)) for n in range(8)})
    for day in days[: rng.choice([0, 1, 2, 2, 3, 4, 6, 8])]:
        session(
            client,
            rng.choice(staff),
            day,
            status=rng.choice([ATTENDED] * 4 + [Attendance.LATE, Attendance.DID_NOT_ATTEND]),
            kind=rng.choice([Kind.SESSION] * 5 + [Kind.ASSESSMENT, Kind.REVIEW, Kind.OTHER]),
            hour=rng.choice([8, 13, 23]),
        )
    for day in rng.sample(days, rng.randint(0, 4)):
        what = rng.random()
        instruments = ["phq9", "gad7"] if what < 0.75 else [rng.choice(["phq9", "gad7"])]
        for instrument in instruments:
            top = 27 if instrument == "phq9" else 21
            total = None if rng.random() < 0.08 else rng.randint(0, top)
            score(client, staff[0], instrument, day, total, recorded_at=at(day, 12))
            if rng.random() < 0.1:  # entered twice that day: the later one counts
                later = rng.randint(0, top)
                score(client, staff[0], instrument, day, later, recorded_at=at(day, 18))
    return client


@pytest.mark.django_db
@pytest.mark.parametrize("seed", [1, 2, 3])
def test_the_report_equals_the_python_episode_rules(
    seed: int, practice: Any, practitioner: Any, colleague: Any
) -> None:
    rng = random.Random(seed)
    staff = [practitioner, colleague]
    clients = [_random_client(rng, practice, staff) for _ in range(45)]
    people = practitioners_of(practice.pk)
    overall, per = service_outcomes(
        practice.pk, START, END, practitioners=people, whole_practice=True
    )
    assert overall.counts == _expected(clients)
    assert overall.counts["paired"] > 3  # the random practice really exercised classification
    by_id = {o.practitioner_id: o.counts for o in per}
    for person in staff:
        assert by_id[person.pk] == _expected(clients, person.pk)
    mine, none = service_outcomes(
        practice.pk,
        START,
        END,
        practitioners=[(colleague.pk, colleague.full_name)],
        whole_practice=False,
    )
    assert none == []
    assert mine.counts == _expected(clients, colleague.pk)


@pytest.mark.django_db
def test_other_practices_episodes_are_not_counted(practice: Any, practitioner: Any) -> None:
    elsewhere = MembershipFactory(role="owner").user
    other_practice = elsewhere.membership.practice
    client = ended_client(other_practice, elsewhere)
    for week in range(3):
        session(client, elsewhere, START + dt.timedelta(weeks=week))
    overall, _ = service_outcomes(
        practice.pk, START, END, practitioners=practitioners_of(practice.pk), whole_practice=True
    )
    assert overall.counts["episodes"] == 0
