"""Shared fixtures for boundary events, the declared circle and dual-relationship checks."""

from __future__ import annotations

from typing import Any

import pytest

from frame.accounts.models import User
from frame.boundaries.models import BoundaryEvent, CircleEntry
from frame.clients.models import Client
from tests.factories.boundaries import BoundaryEventFactory, CircleEntryFactory

# Typed into encrypted fields in tests; none of it may ever reach the audit trail or a colleague.
WHAT_CANARY = "Canary-what: waited by my car after the session with flowers"
RESPONSE_CANARY = "Canary-response: thanked them and said we would talk about it"
CIRCLE_CANARY = "Zephyrine Quarrington"  # a name in the practitioner's private circle


@pytest.fixture
def event(client_record: Client, practitioner: User) -> BoundaryEvent:
    return BoundaryEventFactory(client=client_record, created_by=practitioner)


@pytest.fixture
def circle_entry(practitioner: User) -> CircleEntry:
    return CircleEntryFactory(owner=practitioner, name="Sarah Cole", relationship="Sister-in-law")


@pytest.fixture
def make_event(client_record: Client, practitioner: User) -> Any:
    def make(**fields: Any) -> BoundaryEvent:
        fields.setdefault("client", client_record)
        fields.setdefault("created_by", practitioner)
        return BoundaryEventFactory(**fields)

    return make
