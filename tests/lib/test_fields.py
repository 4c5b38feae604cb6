"""EncryptedTextField on the Client record: what the database holds, and what fails loudly."""

from __future__ import annotations

from typing import Any

import pytest
from django.db import connection, transaction
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from frame.clients.models import Client
from frame.lib import crypto
from frame.lib.fields import context_for
from tests.factories import ClientFactory

REASON = "Panic attacks on the commute since the accident."
NOTES = "Text only; partner reads letters. Never leave voicemail."


def stored(client: Client, column: str) -> str:
    """The column exactly as the database holds it."""
    with connection.cursor() as cursor:
        cursor.execute(
            f"SELECT {column} FROM clients_client WHERE id = %s",  # noqa: S608 (fixed names)
            [client._meta.pk.get_db_prep_value(client.pk, connection)],  # type: ignore[union-attr]
        )
        value: str = cursor.fetchone()[0]
    return value


def store_raw(client: Client, column: str, value: str) -> None:
    """Write a column behind the ORM's back, as someone with the database file could."""
    with connection.cursor() as cursor:
        cursor.execute(
            f"UPDATE clients_client SET {column} = %s WHERE id = %s",  # noqa: S608 (fixed names)
            [value, client._meta.pk.get_db_prep_value(client.pk, connection)],  # type: ignore[union-attr]
        )


@pytest.fixture
def client(db: Any) -> Client:
    record: Client = ClientFactory(referral_reason=REASON, safe_contact_notes=NOTES)
    return record


def test_the_database_holds_only_sealed_text(client: Client) -> None:
    for column, text in (("referral_reason", REASON), ("safe_contact_notes", NOTES)):
        value = stored(client, column)
        assert value.startswith("frame1$k1$")
        assert text not in value
        context = context_for(Client, column, client.pk)
        assert crypto.open_sealed(value, context=context) == text


def test_a_saved_client_reads_back_its_text(client: Client) -> None:
    fresh = Client.objects.get(pk=client.pk)
    assert fresh.referral_reason == REASON
    assert fresh.safe_contact_notes == NOTES
    deferred = Client.objects.only("id").get(pk=client.pk)
    assert deferred.referral_reason == REASON


def test_an_empty_value_is_sealed_too(db: Any) -> None:
    record = ClientFactory(referral_reason="", safe_contact_notes="")
    assert stored(record, "referral_reason").startswith("frame1$")
    assert Client.objects.get(pk=record.pk).referral_reason == ""


@settings(max_examples=40, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(reason=st.text(), notes=st.text())
def test_any_unicode_survives_the_database(client: Client, reason: str, notes: str) -> None:
    client.referral_reason, client.safe_contact_notes = reason, notes
    client.save()
    fresh = Client.objects.get(pk=client.pk)
    assert (fresh.referral_reason, fresh.safe_contact_notes) == (reason, notes)


def flip(value: str, index: int) -> str:
    replacement = "A" if value[index] != "A" else "B"
    return value[:index] + replacement + value[index + 1 :]


@pytest.mark.parametrize("where", ["prefix", "key id", "nonce", "middle", "tag"])
def test_a_flipped_byte_raises(client: Client, where: str) -> None:
    value = stored(client, "referral_reason")
    body_start = len("frame1$k1$")
    index = {
        "prefix": 0,
        "key id": len("frame1$"),
        "nonce": body_start + 2,
        "middle": (body_start + len(value)) // 2,
        "tag": len(value) - 3,
    }[where]
    store_raw(client, "referral_reason", flip(value, index))
    fresh = Client.objects.get(pk=client.pk)
    with pytest.raises(crypto.DecryptionError):
        fresh.referral_reason  # noqa: B018 (reading is what raises)
    assert fresh.safe_contact_notes == NOTES  # the untouched column still opens


def test_a_ciphertext_swapped_to_another_row_raises(client: Client) -> None:
    other = ClientFactory(referral_reason="Bereavement; father died in June.")
    store_raw(other, "referral_reason", stored(client, "referral_reason"))
    with pytest.raises(crypto.DecryptionError, match="moved from another row"):
        Client.objects.get(pk=other.pk).referral_reason  # noqa: B018
    assert Client.objects.get(pk=client.pk).referral_reason == REASON


def test_a_ciphertext_swapped_to_another_column_raises(client: Client) -> None:
    store_raw(client, "safe_contact_notes", stored(client, "referral_reason"))
    with pytest.raises(crypto.DecryptionError):
        Client.objects.get(pk=client.pk).safe_contact_notes  # noqa: B018


def test_an_emptied_column_raises_instead_of_reading_as_blank(client: Client) -> None:
    store_raw(client, "referral_reason", "")
    with pytest.raises(crypto.DecryptionError):
        Client.objects.get(pk=client.pk).referral_reason  # noqa: B018


def test_a_wrong_key_raises(client: Client, settings: Any) -> None:
    settings.FRAME_KEYRING = crypto.KeyRing.generate().to_json()  # another "k1"
    with pytest.raises(crypto.DecryptionError):
        Client.objects.get(pk=client.pk).referral_reason  # noqa: B018


def test_a_key_missing_from_the_ring_raises(client: Client, settings: Any) -> None:
    ring = crypto.KeyRing.generate().with_new_primary()
    settings.FRAME_KEYRING = crypto.KeyRing(primary="k2", keys={"k2": ring.keys["k2"]}).to_json()
    with pytest.raises(crypto.DecryptionError, match="no key 'k1'"):
        Client.objects.get(pk=client.pk).referral_reason  # noqa: B018


@pytest.mark.parametrize(
    "attempt",
    [
        lambda c: Client.objects.filter(pk=c.pk).update(referral_reason="Overwritten in bulk"),
        lambda c: list(Client.objects.filter(referral_reason=REASON)),
        lambda c: list(Client.objects.filter(safe_contact_notes__icontains="voicemail")),
        lambda c: list(Client.objects.filter(referral_reason__startswith="Panic")),
        lambda c: list(Client.objects.filter(referral_reason__lower="panic")),
        lambda c: list(Client.objects.filter(referral_reason__in=[REASON])),
        lambda c: Client.objects.bulk_update([c], ["referral_reason"]),
    ],
    ids=["update", "filter", "icontains", "startswith", "lower", "in", "bulk_update"],
)
def test_plain_text_cannot_reach_the_column_around_save(client: Client, attempt: Any) -> None:
    with transaction.atomic(), pytest.raises(TypeError, match="is encrypted"):
        attempt(client)
    assert Client.objects.get(pk=client.pk).referral_reason == REASON


def test_sealed_values_and_null_checks_still_work_in_queries(client: Client) -> None:
    sealed = Client.objects.filter(pk=client.pk).values_list("referral_reason", flat=True).get()
    assert sealed.startswith("frame1$")
    assert list(Client.objects.filter(referral_reason=sealed)) == [client]
    assert Client.objects.filter(referral_reason__isnull=True).count() == 0
