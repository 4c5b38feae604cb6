"""Portal personas for safety-plan tests (shared with the portal's own tests)."""

from __future__ import annotations

from typing import Any

import pytest

from frame.accounts.models import User
from frame.clients.models import Client
from tests.factories import CareTeamMemberFactory, ClientFactory
from tests.portal.factories import portal_user_for, signed_in_client


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
    return signed_in_client
