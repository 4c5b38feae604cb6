"""Shared fixtures for supervision: a supervisor persona, held sessions, signed notes, packs."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.utils import timezone

from frame.accounts.models import Role, User
from frame.clients.models import Client
from frame.notes.models import NoteStatus, SessionNote, pack
from frame.scheduling.models import Appointment, Status
from frame.supervision import actions
from frame.supervision.models import Supervision
from tests.factories import MembershipFactory

# Typed into encrypted fields; none of it may reach the audit trail, a colleague or a supervisor.
DISCUSSED_CANARY = "Canary-discussed: the pull to rescue in the third session"
ACTION_CANARY = "Canary-action: revisit the contract about texts"


@pytest.fixture
def supervisor(practice: Any) -> User:
    return MembershipFactory(
        practice=practice,
        role=Role.SUPERVISOR,
        user__email="pat.lindqvist@example.org",
        user__full_name="Pat Lindqvist",
    ).user


@pytest.fixture
def other_supervisor(practice: Any) -> User:
    return MembershipFactory(
        practice=practice,
        role=Role.SUPERVISOR,
        user__email="lee.ambrose@example.org",
        user__full_name="Lee Ambrose",
    ).user


@pytest.fixture
def outside_supervisor(other_practice: Any) -> User:
    return MembershipFactory(practice=other_practice, role=Role.SUPERVISOR).user


def held_session(
    client: Client, practitioner: User, starts_at: dt.datetime, minutes: int = 50, **extra: Any
) -> Appointment:
    """An attended appointment (test data: the diary's own rules are tested in scheduling)."""
    return Appointment.objects.create(
        practice_id=client.practice_id,
        client=client,
        practitioner=practitioner,
        starts_at=starts_at,
        ends_at=starts_at + dt.timedelta(minutes=minutes),
        status=extra.pop("status", Status.ATTENDED),
        created_by=practitioner,
        **extra,
    )


def signed_note(
    client: Client, practitioner: User, starts_at: dt.datetime, sections: list[tuple[str, str]]
) -> SessionNote:
    appointment = held_session(client, practitioner, starts_at)
    return SessionNote.objects.create(
        client=client,
        appointment=appointment,
        author=practitioner,
        status=NoteStatus.SIGNED,
        content=pack(sections),
        risk_noted=False,
        signed_at=starts_at + dt.timedelta(hours=1),
    )


@pytest.fixture
def supervision(practitioner: User) -> Supervision:
    return actions.record_supervision(
        by=practitioner,
        held_on=timezone.localdate() - dt.timedelta(days=3),
        minutes=90,
        kind="individual",
        supervisor_name="Pat Lindqvist",
    )
