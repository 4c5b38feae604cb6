"""The before-we-meet brief says which plan the client holds and what they have suggested."""

from __future__ import annotations

from typing import Any

import pytest

from frame.accounts.models import User
from frame.safetyplans import actions
from tests.brief.conftest import brief_url, section_text
from tests.safetyplans.factories import plan_version
from tests.scheduling.sweep import sweep_appointment

pytestmark = pytest.mark.django_db


def test_the_brief_shows_the_plan_and_waiting_suggestions(
    client_record: Any, practitioner: User, portal_user: User, as_user: Any
) -> None:
    appointment = sweep_appointment(client_record, practitioner)
    http = as_user(practitioner)
    assert section_text(http.get(brief_url(appointment)).content.decode(), "safety-plan") is None
    plan_version(client_record, practitioner)
    actions.suggest_change(
        client=client_record, section="on_my_own", text="Swim on Sundays", by=portal_user
    )
    text = section_text(http.get(brief_url(appointment)).content.decode(), "safety-plan")
    assert text is not None
    assert "Version 1" in text
    assert "1 suggested change from the client waiting" in text
    assert "Swim on Sundays" not in text
