"""The client model's own guarantees: search keys, case codes, and no deletion, ever."""

from __future__ import annotations

from typing import Any

import pytest
from django.db import connection
from hypothesis import example, given
from hypothesis import strategies as st

from frame.clients.models import (
    CASE_CODE_ALPHABET,
    Client,
    Person,
    RecordsAreNotDeleted,
    StatusChange,
    new_case_code,
    search_key,
)
from tests.factories import ClientFactory


@pytest.mark.parametrize(
    ("typed", "key"),
    [
        ("Zoë", "zoe"),
        ("ZOË", "zoe"),
        ("Siân", "sian"),
        ("  Núñez  ", "nunez"),
        ("O'Brien", "o'brien"),
        ("Mary   Ann", "mary ann"),
        ("Straße", "strasse"),
        ("Åberg", "aberg"),
    ],
)
def test_search_keys_ignore_accents_case_and_extra_spaces(typed: str, key: str) -> None:
    assert search_key(typed) == key


@given(st.text(max_size=60))
@example("\U0001d4d0")  # MATHEMATICAL BOLD SCRIPT CAPITAL A: folds only once decomposed
@example("ﬃ İstanbul ǅ")
def test_search_key_is_stable(text: str) -> None:
    assert search_key(search_key(text)) == search_key(text)


def test_case_codes_avoid_letters_people_misread() -> None:
    codes = {new_case_code() for _ in range(200)}
    assert all(len(code) == 6 and set(code) <= set(CASE_CODE_ALPHABET) for code in codes)
    assert not set("01OIL") & set(CASE_CODE_ALPHABET)


def test_saving_fills_in_the_keys_used_for_search_and_sorting(client_record: Client) -> None:
    client_record.preferred_name = "Mo"
    client_record.family_name = "Félthåm"
    client_record.save(update_fields=["family_name", "preferred_name"])
    stored = Client.objects.values("sort_key", "given_key", "preferred_key").get(
        pk=client_record.pk
    )
    assert stored == {"sort_key": "feltham morgan", "given_key": "morgan", "preferred_key": "mo"}


def test_bulk_created_clients_get_search_keys_too(practice: Any, practitioner: Any) -> None:
    built = ClientFactory.build(
        practice=practice, created_by=practitioner, given_name="Chloé", family_name="Brontë"
    )
    Client.objects.bulk_create([built])
    assert Client.objects.filter(given_key="chloe", sort_key="bronte chloe").exists()


def test_a_client_cannot_be_deleted(client_record: Client) -> None:
    with pytest.raises(RecordsAreNotDeleted):
        client_record.delete()
    with pytest.raises(RecordsAreNotDeleted):
        Client.objects.filter(pk=client_record.pk).delete()
    with pytest.raises(RecordsAreNotDeleted):
        Client.objects.all().delete()
    assert Client.objects.filter(pk=client_record.pk).exists()


def test_people_and_status_history_cannot_be_deleted(client_record: Client, person: Any) -> None:
    with pytest.raises(RecordsAreNotDeleted):
        person.delete()
    with pytest.raises(RecordsAreNotDeleted):
        Person.objects.filter(client=client_record).delete()
    with pytest.raises(RecordsAreNotDeleted):
        StatusChange.objects.all().delete()
    assert Person.objects.filter(pk=person.pk).exists()


def test_display_name_shows_a_preferred_name_only_when_it_differs(client_record: Client) -> None:
    assert client_record.display_name == "Morgan Feltham"
    client_record.preferred_name = "Mo"
    assert client_record.display_name == "Morgan (Mo) Feltham"
    client_record.preferred_name = "Morgan"
    assert client_record.display_name == "Morgan Feltham"


@pytest.mark.skipif(connection.vendor != "postgresql", reason="collations are PostgreSQL's")
def test_search_keys_compare_byte_by_byte_on_postgresql(db: Any) -> None:
    """Prefix ranges assume code-point order; a linguistic collation would break them."""
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT column_name, collation_name FROM information_schema.columns "
            "WHERE table_name = 'clients_client' AND column_name LIKE '%%_key'"
        )
        collations = dict(cursor.fetchall())
    assert collations == {"sort_key": "C", "given_key": "C", "preferred_key": "C"}
