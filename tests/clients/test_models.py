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
    SearchKey,
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
            "SELECT table_name, column_name, collation_name FROM information_schema.columns "
            "WHERE table_name IN ('clients_client', 'clients_searchkey') "
            "AND column_name IN ('sort_key', 'given_key', 'preferred_key', 'key')"
        )
        collations = {(table, column): collation for table, column, collation in cursor}
    assert set(collations.values()) == {"C"} and len(collations) == 4


def test_every_name_order_and_the_case_code_can_be_searched(practitioner: Any) -> None:
    from frame.clients.actions import create_client, update_client

    client = create_client(
        by=practitioner,
        details={"given_name": "Chloé", "family_name": "Núñez", "preferred_name": "Clo"},
    )
    keys = dict(SearchKey.objects.filter(client=client).values_list("kind", "key"))
    assert keys == {
        "family": "nunez chloe",
        "given": "chloe nunez",
        "preferred": "clo nunez",
        "code": client.case_code.lower(),
    }
    update_client(client=client, by=practitioner, changes={"preferred_name": ""})
    keys = dict(SearchKey.objects.filter(client=client).values_list("kind", "key"))
    assert set(keys) == {"family", "given", "code"}


def test_bulk_created_clients_can_be_searched(practice: Any, practitioner: Any) -> None:
    built = ClientFactory.build_batch(3, practice=practice, created_by=practitioner)
    Client.objects.bulk_create(built)
    assert SearchKey.objects.filter(client__in=built).count() == 9
