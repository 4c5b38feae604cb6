"""Safety plans are versioned: every save writes the next version and none is ever changed."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from frame.accounts.models import User
from frame.audit.models import Action, AuditEvent
from frame.safetyplans import actions, selectors
from frame.safetyplans.compare import compare_versions
from frame.safetyplans.models import (
    PlanContact,
    SafetyPlan,
    SafetyPlanIsKept,
    SafetyPlanVersion,
    Suggestion,
)
from tests.factories import ClientFactory
from tests.safetyplans.factories import CONTACTS, SECTIONS, plan_version

pytestmark = pytest.mark.django_db


def test_each_save_writes_the_next_version_and_keeps_the_last(
    client_record: Any, practitioner: User
) -> None:
    first = plan_version(client_record, practitioner)
    changed = {**SECTIONS, "on_my_own": "Play the piano for ten minutes."}
    second = plan_version(client_record, practitioner, sections=changed, contacts=CONTACTS[:1])
    assert (first.number, second.number) == (1, 2)
    plan = SafetyPlan.objects.get(client=client_record)
    assert plan.current_version_id == second.pk
    kept = SafetyPlanVersion.objects.get(pk=first.pk)
    assert kept.sections["on_my_own"] == SECTIONS["on_my_own"]
    assert kept.contact_list == CONTACTS
    assert second.contact_list == CONTACTS[:1]
    comparison = compare_versions(second)
    assert comparison.previous == first
    assert [c.section.key for c in comparison.sections if c.changed] == ["on_my_own"]
    assert comparison.contacts_removed == CONTACTS[1:]


def test_versions_cannot_be_changed_or_deleted(client_record: Any, practitioner: User) -> None:
    version = plan_version(client_record, practitioner)
    version.content = "{}"
    with pytest.raises(SafetyPlanIsKept):
        version.save()
    with pytest.raises(SafetyPlanIsKept):
        version.delete()
    with pytest.raises(SafetyPlanIsKept):
        SafetyPlanVersion.objects.filter(pk=version.pk).update(number=9)
    with pytest.raises(SafetyPlanIsKept):
        SafetyPlanVersion.objects.filter(pk=version.pk).delete()
    with pytest.raises(SafetyPlanIsKept):
        SafetyPlan.objects.all().delete()


def test_the_words_are_encrypted_at_rest(client_record: Any, practitioner: User) -> None:
    from django.db import connection

    version = plan_version(client_record, practitioner)
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT content, contacts FROM safetyplans_safetyplanversion WHERE id = %s",
            [version.pk.hex],
        )
        content, contacts = cursor.fetchone()
    assert "reservoir" not in content
    assert "07700" not in contacts and "Tomasz" not in contacts


def test_a_save_from_a_stale_form_writes_nothing(client_record: Any, practitioner: User) -> None:
    plan_version(client_record, practitioner)
    plan_version(client_record, practitioner)
    with pytest.raises(actions.PlanChangedMeanwhile):
        actions.save_plan(
            client=client_record,
            sections=SECTIONS,
            contacts=[],
            made_with_client_on=timezone.localdate(),
            by=practitioner,
            expected_number=1,
        )
    assert SafetyPlanVersion.objects.filter(plan__client=client_record).count() == 2


@pytest.mark.parametrize(
    ("sections", "contacts", "made_on", "message"),
    [
        ({}, [], 0, "at least one part"),
        (SECTIONS, [PlanContact("Tomasz", "brother", "", "")], 0, "a name and a phone number"),
        (SECTIONS, [], 1, "cannot be in the future"),
    ],
)
def test_unusable_plans_are_refused_in_plain_words(
    client_record: Any,
    practitioner: User,
    sections: dict[str, str],
    contacts: list[PlanContact],
    made_on: int,
    message: str,
) -> None:
    with pytest.raises(ValidationError, match=message):
        actions.save_plan(
            client=client_record,
            sections=sections,
            contacts=contacts,
            made_with_client_on=timezone.localdate() + dt.timedelta(days=made_on),
            by=practitioner,
        )
    assert not SafetyPlanVersion.objects.exists()


@pytest.mark.parametrize("persona", ["colleague", "administrator", "outsider"])
def test_only_the_care_team_writes_a_plan(persona: str, client_record: Any, request: Any) -> None:
    with pytest.raises(PermissionDenied):
        plan_version(client_record, request.getfixturevalue(persona))
    assert not SafetyPlanVersion.objects.exists()


def test_saving_is_audited_without_a_word_of_the_plan(
    client_record: Any, practitioner: User
) -> None:
    version = plan_version(client_record, practitioner)
    event = AuditEvent.objects.get(action=Action.SAFETY_PLAN_SAVED)
    assert event.detail == {"version": 1, "contacts": 2}
    assert event.object_id == str(version.pk)
    assert "Tomasz" not in str(event.detail)


def test_clients_with_plan_answers_for_a_caseload_in_one_query(
    client_record: Any, practitioner: User, practice: Any, django_assert_num_queries: Any
) -> None:
    others = [ClientFactory(practice=practice, created_by=practitioner) for _ in range(3)]
    plan_version(client_record, practitioner)
    SafetyPlan.objects.create(client=others[0])  # begun, never written: not a current plan
    ids = [client_record.pk, *(other.pk for other in others)]
    with django_assert_num_queries(1):
        found = selectors.clients_with_plan(ids)
    assert found == {client_record.pk}
    assert selectors.clients_with_plan([]) == set()
    subquery = selectors.plans_in_use().values("client_id")
    assert list(type(client_record).objects.filter(pk__in=subquery)) == [client_record]


def test_an_answered_suggestion_cannot_be_rewritten(
    client_record: Any, practitioner: User, portal_user: User
) -> None:
    plan_version(client_record, practitioner)
    suggestion = actions.suggest_change(
        client=client_record, section="on_my_own", text="Swim", by=portal_user
    )
    stale = Suggestion.objects.get(pk=suggestion.pk)
    actions.decide_suggestion(
        suggestion=suggestion, client=client_record, accept=False, reply="Later", by=practitioner
    )
    stale.text = "Something else"
    with pytest.raises(SafetyPlanIsKept):
        stale.save()
    with pytest.raises(SafetyPlanIsKept):
        stale.delete()
    assert Suggestion.objects.get(pk=suggestion.pk).text == "Swim"


def test_a_client_cannot_suggest_on_someone_elses_plan(
    client_record: Any, practitioner: User, other_portal_user: User
) -> None:
    plan_version(client_record, practitioner)
    with pytest.raises(PermissionDenied):
        actions.suggest_change(
            client=client_record, section="on_my_own", text="Hm", by=other_portal_user
        )
    with pytest.raises(PermissionDenied):
        actions.suggest_change(
            client=client_record, section="on_my_own", text="Hm", by=practitioner
        )
    assert not Suggestion.objects.exists()
