"""The caseload safety view: flags, judgements, overdue reviews and missing safety plans."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from frame.audit.models import Action, AuditEvent
from frame.safety import actions
from frame.safetyplans.models import SafetyPlan, SafetyPlanVersion, pack_sections
from tests.factories import CareTeamMemberFactory, ClientFactory
from tests.safety.sweep import ASSESSMENT

CASELOAD = reverse("safety:caseload")


def assess(client: Any, by: Any, **changes: Any) -> Any:
    data = dict(ASSESSMENT, review_on=timezone.localdate() + dt.timedelta(days=14))
    data.update(changes)
    return actions.save_assessment(client=client, data=data, by=by)


def give_plan(client: Any, by: Any) -> None:
    plan = SafetyPlan.objects.create(client=client)
    version = SafetyPlanVersion.objects.create(
        plan=plan,
        number=1,
        content=pack_sections({"warning_signs": "Not sleeping"}),
        made_with_client_on=timezone.localdate(),
        created_by=by,
    )
    plan.current_version = version
    plan.save(update_fields=["current_version"])


def add_clients(practice: Any, practitioner: Any, count: int, start: int = 0) -> list[Any]:
    made = []
    for n in range(start, start + count):
        client = ClientFactory(
            practice=practice, created_by=practitioner, given_name="Case", family_name=f"C{n:03}"
        )
        CareTeamMemberFactory(client=client, user=practitioner)
        actions.raise_flag(client=client, reason="Concern", by=practitioner)
        assess(
            client,
            practitioner,
            level=["low", "moderate", "high"][n % 3],
            review_on=timezone.localdate() - dt.timedelta(days=1 + n % 2),
        )
        if n % 2:
            give_plan(client, practitioner)
        made.append(client)
    return made


def test_each_column_says_what_needs_doing(
    as_user: Any, practice: Any, practitioner: Any, client_record: Any
) -> None:
    needs_plan = ClientFactory(
        practice=practice, created_by=practitioner, given_name="Ada", family_name="Plainsong"
    )
    has_plan = ClientFactory(
        practice=practice, created_by=practitioner, given_name="Bea", family_name="Harrowgate"
    )
    quiet = ClientFactory(
        practice=practice, created_by=practitioner, given_name="Cy", family_name="Quietwater"
    )
    for client in (needs_plan, has_plan, quiet):
        CareTeamMemberFactory(client=client, user=practitioner)
    actions.raise_flag(client=client_record, reason="Concern", by=practitioner)
    assess(
        client_record,
        practitioner,
        level="high",
        judgement="Worried about the weekend",
        review_on=timezone.localdate() - dt.timedelta(days=3),
        safety_plan_needed=False,
    )
    assess(needs_plan, practitioner, safety_plan_needed=True)
    assess(has_plan, practitioner, safety_plan_needed=True)
    give_plan(has_plan, practitioner)
    assess(quiet, practitioner, safety_plan_needed=False)

    http = as_user(practitioner)
    page = http.get(CASELOAD).content.decode()
    rows = {name: page.split(name, 1)[1].split("</tr>", 1)[0] for name in ("Feltham", "Plainsong")}
    assert "<strong>1</strong>" in rows["Feltham"] and "High" in rows["Feltham"]
    assert "Worried about the weekend" in rows["Feltham"] and "overdue" in rows["Feltham"]
    assert "Needed, none yet" in rows["Plainsong"]
    # Only clients with something to act on, until the whole caseload is asked for.
    assert "Harrowgate" not in page and "Quietwater" not in page
    everyone = http.get(CASELOAD + "?show=all").content.decode()
    assert "Harrowgate" in everyone and "In place" in everyone and "Quietwater" in everyone
    assert AuditEvent.objects.filter(action=Action.SAFETY_VIEWED, detail={"page": "caseload"})


def test_the_caseload_is_only_ones_own(
    as_user: Any, practitioner: Any, colleague: Any, client_record: Any
) -> None:
    actions.raise_flag(client=client_record, reason="Concern", by=practitioner)
    page = as_user(colleague).get(CASELOAD).content.decode()
    assert "Feltham" not in page


@pytest.mark.parametrize("persona", ["administrator"])
def test_non_clinical_staff_get_not_found(persona: str, request: Any, as_user: Any) -> None:
    assert as_user(request.getfixturevalue(persona)).get(CASELOAD).status_code == 404


def _queries(http: Any, url: str) -> int:
    with CaptureQueriesContext(connection) as context:
        assert http.get(url).status_code == 200
    return len(context.captured_queries)


def test_the_caseload_view_uses_the_same_queries_at_any_size(
    as_user: Any, practice: Any, practitioner: Any
) -> None:
    add_clients(practice, practitioner, 2)
    http = as_user(practitioner)
    http.get(CASELOAD)  # warm the session
    small = _queries(http, CASELOAD), _queries(http, CASELOAD + "?show=all")
    add_clients(practice, practitioner, 12, start=2)
    large = _queries(http, CASELOAD), _queries(http, CASELOAD + "?show=all")
    assert small == large
    assert "C013" in http.get(CASELOAD + "?show=all").content.decode()


def test_home_and_card_use_the_same_queries_at_any_history_size(
    as_user: Any, practice: Any, practitioner: Any, client_record: Any
) -> None:
    http = as_user(practitioner)
    card = reverse("clients:card", args=[client_record.pk])
    actions.raise_flag(client=client_record, reason="Concern", by=practitioner)
    assess(client_record, practitioner)
    http.get(reverse("home"))
    small = _queries(http, reverse("home")), _queries(http, card)
    for _ in range(6):
        actions.raise_flag(client=client_record, reason="Concern", by=practitioner)
        assess(client_record, practitioner, review_on=timezone.localdate() - dt.timedelta(days=2))
    add_clients(practice, practitioner, 4)
    large = _queries(http, reverse("home")), _queries(http, card)
    assert small == large
