"""`frame seed`: a large synthetic practice, identical for the same size and seed."""

from __future__ import annotations

import io
from collections import Counter
from typing import Any

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import connection, transaction
from django.urls import reverse

from frame.accounts.models import Membership, Practice, Role, User
from frame.audit.models import Action, AuditEvent
from frame.clients.models import (
    CASE_CODE_ALPHABET,
    CareTeamMember,
    Client,
    Person,
    StatusChange,
    search_key,
)
from frame.demo.seeding import (
    STATUS_PATHS,
    SeedRefused,
    plan_clients,
    seed_practice,
    seed_user_email,
)

PASSWORD = "harbour-lantern-4821-meadow-ember"


class _Rollback(Exception):
    pass


def _snapshot() -> list[tuple[Any, ...]]:
    """What a benchmark depends on: ids, names, case codes, statuses and who is on the care team."""
    teams: dict[Any, list[str]] = {}
    for client_id, email in CareTeamMember.objects.values_list("client_id", "user__email"):
        teams.setdefault(client_id, []).append(email)
    return [
        (row.id, row.case_code, row.given_name, row.family_name, row.status, sorted(teams[row.id]))
        for row in Client.objects.order_by("id")
    ]


def test_plan_is_identical_for_the_same_size_and_seed() -> None:
    first = list(plan_clients(count=500, seed=11))
    again = list(plan_clients(count=500, seed=11))
    assert first == again
    other_seed = list(plan_clients(count=500, seed=12))
    assert [p.case_code for p in first] != [p.case_code for p in other_seed]
    # A larger run starts with exactly the same clients as a smaller one.
    assert list(plan_clients(count=600, seed=11))[:500] == first


def test_plan_case_codes_are_unique_and_readable() -> None:
    codes = [plan.case_code for plan in plan_clients(count=20_000, seed=3)]
    assert len(set(codes)) == len(codes)
    assert all(len(code) == 6 and set(code) <= set(CASE_CODE_ALPHABET) for code in codes)


def test_plan_spreads_statuses_and_care_teams() -> None:
    plans = list(plan_clients(count=2_000, seed=5))
    statuses = Counter(plan.status for plan in plans)
    assert set(statuses) == set(STATUS_PATHS)
    assert statuses["active"] > statuses["enquiry"]
    main_practitioners = Counter(plan.care_team[0] for plan in plans)
    assert set(main_practitioners) == {0, 1, 2, 3}
    assert min(main_practitioners.values()) > 400  # roughly a quarter each
    assert any(len(plan.care_team) == 2 for plan in plans)
    assert all(len(set(plan.care_team)) == len(plan.care_team) for plan in plans)


def test_plan_uses_only_fictional_contact_details() -> None:
    for plan in plan_clients(count=1_000, seed=9):
        assert plan.email.endswith("@example.net")
        assert plan.phone.startswith("07700 900")
        assert plan.postcode.startswith("ZZ")


@pytest.mark.django_db
def test_seed_writes_the_planned_practice() -> None:
    result = seed_practice(clients=300, seed=21, password=PASSWORD, batch_size=70)

    plans = {plan.id: plan for plan in plan_clients(count=300, seed=21)}
    assert Client.objects.filter(practice=result.practice).count() == 300
    assert result.people == Person.objects.count() == sum(len(p.people) for p in plans.values())
    assert result.care_team_links == CareTeamMember.objects.count()
    assert result.status_changes == StatusChange.objects.count()

    staff = list(Membership.objects.filter(practice=result.practice).order_by("user__email"))
    assert Counter(m.role for m in staff) == {
        Role.OWNER: 1,
        Role.PRACTITIONER: 3,
        Role.ADMINISTRATOR: 1,
    }
    clinicians = {
        member.user_id for member in staff if member.role in {Role.OWNER, Role.PRACTITIONER}
    }
    team_users = set(CareTeamMember.objects.values_list("user_id", flat=True))
    assert team_users == clinicians  # the caseload is spread over all four, never the admin

    for client in Client.objects.all():
        plan = plans[client.id]
        assert (client.case_code, client.given_name, client.status) == (
            plan.case_code,
            plan.given_name,
            plan.status,
        )
        # bulk_create skips save(): the search keys must still be there, or search finds nobody.
        assert client.sort_key == search_key(f"{client.family_name} {client.given_name}")
        assert client.given_key == search_key(client.given_name)
        assert client.referral_reason == plan.referral_reason  # opens with the row's own key
        history = list(client.status_changes.values_list("to_status", flat=True))
        assert tuple(history) == STATUS_PATHS[client.status]


@pytest.mark.django_db
def test_seed_encrypts_free_text_at_rest() -> None:
    seed_practice(clients=20, seed=4, password=PASSWORD)
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT referral_reason FROM {Client._meta.db_table}")  # noqa: S608
        stored = [row[0] for row in cursor.fetchall()]
    assert stored and all(value.startswith("frame1$") for value in stored)


@pytest.mark.django_db
def test_seed_writes_one_audit_event_with_counts_only() -> None:
    before = AuditEvent.objects.count()
    result = seed_practice(clients=120, seed=8, password=PASSWORD)
    events = list(AuditEvent.objects.filter(seq__gt=before))
    assert [event.action for event in events] == [Action.DATA_SEEDED]
    assert events[0].practice_id == result.practice.pk
    assert events[0].detail == {
        "seed": 8,
        "clients": 120,
        "people": result.people,
        "care_team_links": result.care_team_links,
        "status_changes": result.status_changes,
        "staff": 5,
    }


@pytest.mark.django_db
def test_seed_is_deterministic_in_the_database() -> None:
    snapshots = []
    for _ in range(2):
        try:
            with transaction.atomic():
                seed_practice(clients=150, seed=33, password=PASSWORD)
                snapshots.append(_snapshot())
                raise _Rollback
        except _Rollback:
            pass
    assert snapshots[0] == snapshots[1]
    assert len(snapshots[0]) == 150


@pytest.mark.django_db
def test_seed_refuses_a_database_that_already_has_a_practice(practice: Practice) -> None:
    with pytest.raises(SeedRefused):
        seed_practice(clients=10, seed=1, password=PASSWORD)
    assert Client.objects.count() == 0
    with pytest.raises(CommandError, match="already has a practice"):
        call_command("seed", clients=10, seed=1, stdout=io.StringIO())


@pytest.mark.django_db
def test_seed_command_prints_progress_accounts_and_a_working_password() -> None:
    out = io.StringIO()
    call_command("seed", clients=40, seed=2, stdout=out)
    text = out.getvalue()
    assert "40 of 40 clients" in text
    for index in range(5):
        assert seed_user_email(2, index) in text
    password = text.split("Password for all of them: ")[1].split()[0]
    owner = User.objects.get(email=seed_user_email(2, 0))
    assert owner.check_password(password)
    assert "two-step sign-in" in text


@pytest.mark.django_db
def test_seed_command_refuses_a_negative_count() -> None:
    with pytest.raises(CommandError, match="zero or more"):
        call_command("seed", clients=-1, seed=2, stdout=io.StringIO())


@pytest.mark.django_db
def test_seeded_clients_can_be_found_by_name_and_case_code(as_user: Any) -> None:
    result = seed_practice(clients=200, seed=13, password=PASSWORD)
    practitioner = result.staff[1]
    mine = Client.objects.filter(care_team__user=practitioner).order_by("sort_key").first()
    assert mine is not None
    http = as_user(practitioner)
    for query in (mine.family_name[:4].lower(), mine.case_code):
        response = http.get(reverse("clients:list"), {"q": query})
        assert response.status_code == 200
        assert str(mine.pk) in response.content.decode(), f"searching {query!r} missed them"


@pytest.mark.django_db(transaction=True)
def test_a_large_seed_keeps_sqlite_rollback_data_on_disk_then_restores_it() -> None:
    if connection.vendor != "sqlite":
        pytest.skip("temp_store is SQLite's")

    def temp_store() -> int:
        with connection.cursor() as cursor:
            cursor.execute("PRAGMA temp_store")
            return int(cursor.fetchone()[0])

    before = temp_store()
    during: list[int] = []
    seed_practice(
        clients=10, seed=14, password=PASSWORD, progress=lambda _: during.append(temp_store())
    )
    assert during == [1]  # FILE: memory stays flat however many rows one transaction holds
    assert temp_store() == before
