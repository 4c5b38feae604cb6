"""Portal personas: `portal_user` is `client_record`'s own sign-in; `other_portal_user` belongs to
a second client of the same practice (same practitioner)."""

from __future__ import annotations

from typing import Any

import pytest
from django.core.cache import cache
from django.test import Client as HttpClient

from frame.accounts.models import User
from frame.clients.models import Client
from tests.factories import CareTeamMemberFactory, ClientFactory
from tests.portal.factories import portal_user_for, signed_in_client


@pytest.fixture(autouse=True)
def _fresh_rate_limits(db: Any) -> Any:
    """Sign-in and link-request limits live in the shared cache; each test starts clean."""
    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def portal_user(client_record: Client, practitioner: User) -> User:
    return portal_user_for(client_record, invited_by=practitioner)


@pytest.fixture
def other_client(practice: Any, practitioner: User) -> Client:
    record = ClientFactory(
        practice=practice, created_by=practitioner, given_name="Dana", family_name="Whitlock"
    )
    CareTeamMemberFactory(client=record, user=practitioner)
    return record


@pytest.fixture
def other_portal_user(other_client: Client, practitioner: User) -> User:
    return portal_user_for(other_client, invited_by=practitioner)


@pytest.fixture
def as_client() -> Any:
    """`as_client(user)`: a test client signed in as that portal client (password only)."""

    def make(user: User) -> HttpClient:
        return signed_in_client(user)

    return make


@pytest.fixture
def make_clients(practice: Any, practitioner: User) -> Any:
    """`make_clients(n)`: n more clients of the practitioner's caseload, each with an email."""

    def make(n: int) -> list[Client]:
        records = []
        for _ in range(n):
            record = ClientFactory(practice=practice, created_by=practitioner)
            CareTeamMemberFactory(client=record, user=practitioner)
            records.append(record)
        return records

    return make
