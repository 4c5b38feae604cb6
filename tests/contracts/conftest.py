"""Helpers for contract tests: the practice's template, agreeing the current contract."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.utils import timezone

from frame.accounts.models import User
from frame.audit.models import AuditEvent
from frame.clients.models import Client
from frame.contracts import actions, selectors
from frame.contracts.actions import ClauseDraft
from frame.contracts.models import Agreement, AgreementMethod, ContractTemplate

# Typed into free-text fields in tests; none of it may ever reach the audit trail.
NOTE_CANARY = "Canary-encounter: my ex-partner works at the Co-op on Mill Lane"
AGREEMENT_NOTE_CANARY = "Canary-agreement: signed in the second session, wanted time to think"


@pytest.fixture
def template(practice: Any, practitioner: User) -> ContractTemplate:
    return actions.ensure_templates(practice=practice, by=practitioner)


def agree(client: Client, by: User, *, on: dt.date | None = None, **kwargs: Any) -> Agreement:
    """Record agreement to the client's contract exactly as it stands now."""
    current = selectors.contract_for(client)
    assert current is not None
    return actions.record_agreement(
        client=client,
        by=by,
        method=kwargs.pop("method", AgreementMethod.IN_SESSION),
        agreed_on=on or timezone.localdate(),
        version_id=str(current.version.pk),
        sha256=current.document.sha256,
        **kwargs,
    )


def edit_clause(template: ContractTemplate, by: User, key: str, text: str) -> Any:
    """Save a new version with one clause's text replaced."""
    latest = selectors.latest_version(template)
    assert latest is not None
    drafts = [
        ClauseDraft(c.title, text if c.key == key else c.text, c.key) for c in latest.clauses.all()
    ]
    return actions.save_template_version(template=template, by=by, clauses=drafts)


def audit_text() -> str:
    return "\n".join(str(row) for row in AuditEvent.objects.values_list())
