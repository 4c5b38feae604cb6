"""Terms: stored as JSON, validated on the way in, and read by other apps through terms_for."""

from __future__ import annotations

from typing import Any

import pytest

from frame.contracts import selectors
from frame.contracts.models import ClientContract, PracticeTerms
from frame.contracts.terms import (
    DEFAULT_TERMS,
    ContactChannel,
    Frequency,
    InvalidTerms,
    Terms,
    differences,
    terms_from_dict,
    terms_to_dict,
)


def test_terms_survive_a_round_trip_through_json() -> None:
    terms = Terms(
        fee_pence=7250,
        frequency=Frequency.FORTNIGHTLY,
        planned_sessions=12,
        contact_channels=(ContactChannel.EMAIL, ContactChannel.PORTAL),
        professional_body="the National Counselling Society",
    )
    assert terms_from_dict(terms_to_dict(terms)) == terms


def test_contact_channels_are_stored_once_each_in_a_fixed_order() -> None:
    """The same choice always reads (and renders into the contract) the same way."""
    stored = terms_from_dict({"contact_channels": ["portal", "email", "portal"]})
    assert stored.contact_channels == (ContactChannel.EMAIL, ContactChannel.PORTAL)


def test_stored_terms_from_an_older_release_read_with_defaults_for_new_fields() -> None:
    assert terms_from_dict({"fee_pence": 5000, "a_field_since_removed": 1}) == Terms(fee_pence=5000)


@pytest.mark.parametrize(
    ("data", "field"),
    [
        ({"fee_pence": "60"}, "fee_pence"),
        ({"fee_pence": True}, "fee_pence"),
        ({"session_minutes": 5}, "session_minutes"),
        ({"late_cancellation_charge_percent": 150}, "late_cancellation_charge_percent"),
        ({"frequency": "hourly"}, "frequency"),
        ({"contact_channels": "email"}, "contact_channels"),
        ({"contact_channels": ["carrier pigeon"]}, "contact_channels"),
        ({"professional_body": "x" * 301}, "professional_body"),
        ({"planned_sessions": 0}, "planned_sessions"),
    ],
)
def test_terms_of_the_wrong_shape_are_refused_naming_the_field(
    data: dict[str, Any], field: str
) -> None:
    with pytest.raises(InvalidTerms) as raised:
        terms_from_dict(data)
    assert set(raised.value.errors) == {field}


def test_differences_are_only_the_fields_that_differ() -> None:
    other = Terms(fee_pence=4500, contact_channels=(ContactChannel.PHONE,))
    assert differences(DEFAULT_TERMS, other) == {"fee_pence": 4500, "contact_channels": ["phone"]}
    assert differences(DEFAULT_TERMS, DEFAULT_TERMS) == {}


@pytest.mark.django_db
def test_terms_for_a_new_client_are_the_practice_defaults(client_record: Any) -> None:
    assert selectors.terms_for(client_record) == DEFAULT_TERMS
    PracticeTerms.objects.create(practice=client_record.practice, values={"fee_pence": 6500})
    assert selectors.terms_for(client_record) == Terms(fee_pence=6500)


@pytest.mark.django_db
def test_terms_for_apply_the_clients_own_overrides(client_record: Any) -> None:
    PracticeTerms.objects.create(
        practice=client_record.practice, values={"fee_pence": 6500, "session_minutes": 60}
    )
    ClientContract.objects.create(client=client_record, overrides={"fee_pence": 3000})
    assert selectors.terms_for(client_record) == Terms(fee_pence=3000, session_minutes=60)
