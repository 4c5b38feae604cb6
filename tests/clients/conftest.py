"""Helpers for client-record tests: extra people in the practice and batches of clients."""

from __future__ import annotations

import itertools
from typing import Any

import pytest

from frame.accounts.models import Role, User
from frame.audit.models import AuditEvent
from frame.clients.models import CASE_CODE_ALPHABET, CareTeamMember, Client
from tests.factories import ClientFactory, MembershipFactory

# Free text typed into clinical fields in tests; none of it may ever reach the audit trail.
REFERRAL_CANARY = "Canary-referral: panic attacks on the bus since March"
SAFE_CONTACT_CANARY = "Canary-safe-contact: partner reads texts, call after 6pm"


@pytest.fixture
def supervisor(practice: Any) -> User:
    return MembershipFactory(
        practice=practice,
        role=Role.SUPERVISOR,
        user__email="ruth.lane@example.org",
        user__full_name="Ruth Lane",
    ).user


_numbers = itertools.count(1)


def distinct_case_code() -> str:
    """Random codes can collide in a batch of thousands (rarely); tests need them distinct."""
    number, digits = next(_numbers), []
    for _ in range(6):
        number, digit = divmod(number, len(CASE_CODE_ALPHABET))
        digits.append(CASE_CODE_ALPHABET[digit])
    return "".join(reversed(digits))


@pytest.fixture
def make_clients(practice: Any, practitioner: User) -> Any:
    """`make_clients(n, team=[users])` adds n clients in the practice, on those care teams."""

    def make(n: int, *, team: list[User] | None = None, **fields: Any) -> list[Client]:
        members = team if team is not None else [practitioner]
        clients = [
            ClientFactory.build(
                practice=practice,
                created_by=practitioner,
                case_code=distinct_case_code(),
                **fields,
            )
            for _ in range(n)
        ]
        Client.objects.bulk_create(clients, batch_size=500)
        CareTeamMember.objects.bulk_create(
            [
                CareTeamMember(client=client, user=members[i % len(members)])
                for i, client in enumerate(clients)
            ],
            batch_size=500,
        )
        return clients

    return make


def audit_text() -> str:
    """Every audit row, as the text a person reading the table would see."""
    return "\n".join(str(row) for row in AuditEvent.objects.values_list())
