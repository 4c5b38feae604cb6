"""Personas shared by every test: who is asking, and what they should be allowed to see.

- practitioner: owner of the practice and on the care team of `client_record`
- colleague: practitioner in the same practice, not on that care team
- administrator: same practice; diary and contact details only, never clinical content
- outsider: practitioner in another practice
- anonymous: nobody signed in
"""

from __future__ import annotations

import time
from typing import Any

import pytest
from allauth.account.internal.flows.login import (
    _AUTHENTICATION_METHODS_USER_SESSION_KEY,
    AUTHENTICATION_METHODS_SESSION_KEY,
)
from django.db.backends.base.operations import BaseDatabaseOperations
from django.test import Client as HttpClient

from frame.accounts.models import Role, User
from frame.clients.models import Client
from frame.lib import crypto
from tests.factories import (
    CareTeamMemberFactory,
    ClientFactory,
    MembershipFactory,
    PersonFactory,
    PracticeFactory,
)

_TEST_KEYRING = crypto.KeyRing.generate().to_json()


@pytest.fixture(autouse=True)
def _fast_password_hashing(settings: Any) -> None:
    """Argon2 costs ~100 MB and real CPU per hash; tests that check hashing opt back in."""
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture(autouse=True)
def _isolated_keyring(settings: Any) -> Any:
    """Tests use a throwaway key ring, never a real one."""
    settings.FRAME_KEYRING = _TEST_KEYRING
    crypto.reset_keyring_cache()
    yield
    crypto.reset_keyring_cache()


@pytest.fixture
def practice(db: Any) -> Any:
    return PracticeFactory(name="Willowbank Counselling")


@pytest.fixture
def other_practice(db: Any) -> Any:
    return PracticeFactory(name="Harbour Lane Therapy")


def _member(practice: Any, role: str, email: str, name: str) -> User:
    return MembershipFactory(
        practice=practice, role=role, user__email=email, user__full_name=name
    ).user


@pytest.fixture
def practitioner(practice: Any) -> User:
    return _member(practice, Role.OWNER, "robin.ashdown@example.org", "Robin Ashdown")


@pytest.fixture
def colleague(practice: Any) -> User:
    return _member(practice, Role.PRACTITIONER, "sam.okafor@example.org", "Sam Okafor")


@pytest.fixture
def administrator(practice: Any) -> User:
    return _member(practice, Role.ADMINISTRATOR, "jo.pryce@example.org", "Jo Pryce")


@pytest.fixture
def outsider(other_practice: Any) -> User:
    return _member(other_practice, Role.OWNER, "alex.marr@example.org", "Alex Marr")


@pytest.fixture
def client_record(practice: Any, practitioner: User) -> Client:
    record = ClientFactory(
        practice=practice, created_by=practitioner, given_name="Morgan", family_name="Feltham"
    )
    CareTeamMemberFactory(client=record, user=practitioner)
    return record


@pytest.fixture
def person(client_record: Client) -> Any:
    return PersonFactory(client=client_record, name="Elaine Feltham", relationship="Mother")


def sign_in(http: HttpClient, user: User) -> HttpClient:
    """Sign in as if the person had typed their password and passed the MFA step."""
    http.force_login(user)
    session = http.session
    session[AUTHENTICATION_METHODS_SESSION_KEY] = [
        {"method": "password", "at": time.time()},
        {"method": "mfa", "at": time.time(), "type": "totp"},
    ]
    session[_AUTHENTICATION_METHODS_USER_SESSION_KEY] = str(user.pk)
    session.save()
    return http


@pytest.fixture
def as_user() -> Any:
    """`as_user(user)` returns a test client signed in with MFA completed."""

    def make(user: User) -> HttpClient:
        return sign_in(HttpClient(), user)

    return make


# --- Audit triggers and the test database flush (owned by the audit area) -------------------------


def _flush_with_audit_unlocked(self: Any, sql_list: list[str]) -> None:
    """Transactional tests empty every table afterwards, the append-only audit table included.

    Migration audit 0002 installs triggers that refuse DELETE and TRUNCATE on that table, so the
    flush goes through `audit_unlocked()`, the one deliberate way past them.
    """
    from frame.audit.maintenance import audit_unlocked

    with audit_unlocked(using=self.connection.alias):
        _original_execute_sql_flush(self, sql_list)


_original_execute_sql_flush = BaseDatabaseOperations.execute_sql_flush
BaseDatabaseOperations.execute_sql_flush = _flush_with_audit_unlocked  # type: ignore[method-assign]


def pytest_configure(config: Any) -> None:
    # pytest-xdist registers this marker itself, but not when run with `-p no:xdist`.
    config.addinivalue_line("markers", "xdist_group(name): run these tests on one xdist worker")
