"""Risk assessments: versioned, encrypted, the practitioner's own judgement; reviews surfaced."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse
from django.utils import timezone

from frame.audit.models import Action, AuditEvent
from frame.safety import actions
from frame.safety.models import RiskAssessmentVersion, SafetyRecordsAreKept
from tests.safety.sweep import ASSESSMENT


def data(**changes: Any) -> dict[str, Any]:
    base = dict(ASSESSMENT, review_on=timezone.localdate() + dt.timedelta(days=14))
    base.update(changes)
    return base


def form_post(**changes: str) -> dict[str, str]:
    post = {
        "self_thoughts": "yes",
        "self_intent": "no",
        "self_plan": "no",
        "self_means": "unknown",
        "self_details": "Fleeting thoughts after the argument",
        "others_risk": "no",
        "from_abuse": "unknown",
        "from_exploitation": "no",
        "from_domestic_abuse": "yes",
        "safeguarding_child": "no",
        "safeguarding_adult": "no",
        "protective_factors": "Her daughter; her faith",
        "judgement": "Thoughts without intent; protective factors strong",
        "level": "moderate",
        "safety_plan_needed": "yes",
        "plan": "Safety plan next session",
        "review_on": (timezone.localdate() + dt.timedelta(days=7)).strftime("%d/%m/%Y"),
    }
    post.update(changes)
    return post


def test_saving_again_keeps_every_earlier_version_unchanged(
    practitioner: Any, client_record: Any
) -> None:
    first = actions.save_assessment(
        client=client_record, data=data(judgement="First view"), by=practitioner
    )
    second = actions.save_assessment(
        client=client_record,
        data=data(judgement="Second view", level="high"),
        by=practitioner,
        assessment=first.assessment,
    )
    assert (first.number, second.number) == (1, 2)
    assert second.assessment.pk == first.assessment.pk
    versions = {v.number: v for v in RiskAssessmentVersion.objects.all()}
    assert versions[1].judgement == "First view" and versions[1].level == "low"
    assert versions[2].judgement == "Second view" and versions[2].level == "high"
    stored = RiskAssessmentVersion.objects.values_list("judgement", flat=True)
    assert not any("view" in value for value in stored)  # encrypted at rest
    events = AuditEvent.objects.filter(action=Action.RISK_ASSESSMENT_SAVED).order_by("seq")
    assert [e.detail["version"] for e in events] == [1, 2]
    assert "view" not in str([e.detail for e in events])


def test_versions_cannot_be_overwritten_or_deleted(practitioner: Any, client_record: Any) -> None:
    version = actions.save_assessment(client=client_record, data=data(), by=practitioner)
    version.judgement = "Rewritten"
    with pytest.raises(SafetyRecordsAreKept):
        version.save()
    with pytest.raises(SafetyRecordsAreKept):
        RiskAssessmentVersion.objects.update(level="high")
    with pytest.raises(SafetyRecordsAreKept):
        RiskAssessmentVersion.objects.all().delete()
    with pytest.raises(SafetyRecordsAreKept):
        version.assessment.delete()


def test_the_judgement_level_and_review_date_are_required(
    practitioner: Any, client_record: Any
) -> None:
    with pytest.raises(ValidationError) as caught:
        actions.save_assessment(
            client=client_record,
            data=data(judgement=" ", level="computed", review_on=None, safety_plan_needed=None),
            by=practitioner,
        )
    assert set(caught.value.message_dict) == {
        "judgement",
        "level",
        "review_on",
        "safety_plan_needed",
    }
    with pytest.raises(PermissionDenied):
        actions.save_assessment(client=client_record, data=data(), by=_off_team(client_record))


def _off_team(client: Any) -> Any:
    from tests.factories import MembershipFactory

    return MembershipFactory(practice=client.practice, role="practitioner").user


def test_the_form_saves_versions_and_shows_history(
    as_user: Any, practitioner: Any, client_record: Any
) -> None:
    http = as_user(practitioner)
    new = reverse("safety:assessment_new", args=[client_record.pk])
    page = http.get(new).content.decode()
    assert "<legend>Risk to self</legend>" in page and "never works out a risk score" in page

    response = http.post(new, form_post(judgement="", level=""))
    page = response.content.decode()
    assert response.status_code == 200 and "There are 2 problems" in page
    assert "Fleeting thoughts after the argument" in page  # what was typed is kept

    response = http.post(new, form_post())
    assert response.status_code == 302
    version = RiskAssessmentVersion.objects.get()
    assert version.level == "moderate" and version.safety_plan_needed is True
    assert version.from_domestic_abuse == "yes"
    detail = reverse("safety:assessment", args=[client_record.pk, version.assessment_id])
    assert response["Location"] == detail

    edit = reverse("safety:assessment_edit", args=[client_record.pk, version.assessment_id])
    assert "Thoughts without intent" in http.get(edit).content.decode()  # starts from current
    assert http.post(edit, form_post(judgement="Calmer now", level="low")).status_code == 302
    page = http.get(detail).content.decode()
    assert "Calmer now" in page and "Version 2" in page
    old = reverse("safety:assessment_version", args=[client_record.pk, version.assessment_id, 1])
    assert old in page
    old_page = http.get(old).content.decode()
    assert "Thoughts without intent" in old_page and "an earlier version" in old_page
    views = AuditEvent.objects.filter(action=Action.SAFETY_VIEWED)
    assert {e.detail["page"] for e in views} >= {"assessment", "version"}


@pytest.mark.parametrize("persona", ["colleague", "administrator", "outsider"])
def test_assessment_pages_are_not_found_off_the_care_team(
    persona: str, request: Any, as_user: Any, practitioner: Any, client_record: Any
) -> None:
    version = actions.save_assessment(client=client_record, data=data(), by=practitioner)
    http = as_user(request.getfixturevalue(persona))
    pk = version.assessment_id
    for url in (
        reverse("safety:assessment", args=[client_record.pk, pk]),
        reverse("safety:assessment_edit", args=[client_record.pk, pk]),
        reverse("safety:assessment_version", args=[client_record.pk, pk, 1]),
        reverse("safety:assessment_new", args=[client_record.pk]),
    ):
        response = http.get(url)
        assert response.status_code == 404
        assert b"Sweep judgement" not in response.content
    assert (
        http.post(
            reverse("safety:assessment_edit", args=[client_record.pk, pk]), form_post()
        ).status_code
        == 404
    )
    assert RiskAssessmentVersion.objects.count() == 1


def test_an_overdue_review_shows_on_home_and_card(
    as_user: Any, practitioner: Any, client_record: Any
) -> None:
    version = actions.save_assessment(
        client=client_record,
        data=data(review_on=timezone.localdate() - dt.timedelta(days=1)),
        by=practitioner,
    )
    http = as_user(practitioner)
    home = http.get(reverse("home")).content.decode()
    link = reverse("safety:assessment", args=[client_record.pk, version.assessment_id])
    assert "Risk assessment reviews overdue" in home and link in home
    card = http.get(reverse("clients:card", args=[client_record.pk])).content.decode()
    assert "Risk assessment review overdue" in card

    # Reviewing it (a new version with a later date) takes it off.
    actions.save_assessment(
        client=client_record, data=data(), by=practitioner, assessment=version.assessment
    )
    assert "Risk assessment reviews overdue" not in http.get(reverse("home")).content.decode()


def test_only_the_newest_assessment_counts_for_overdue_reviews(
    practitioner: Any, client_record: Any
) -> None:
    from frame.safety.access import overdue_reviews_for

    today = timezone.localdate()
    old = actions.save_assessment(
        client=client_record, data=data(review_on=today - dt.timedelta(days=5)), by=practitioner
    )
    assert [c.client_id for c in overdue_reviews_for(practitioner, today)] == [client_record.pk]
    # A new, separate assessment with a later review date supersedes the old one's date.
    actions.save_assessment(client=client_record, data=data(), by=practitioner)
    assert list(overdue_reviews_for(practitioner, today)) == []
    # Updating the older assessment makes it the newest again.
    actions.save_assessment(
        client=client_record,
        data=data(review_on=today - dt.timedelta(days=1)),
        by=practitioner,
        assessment=old.assessment,
    )
    (current,) = overdue_reviews_for(practitioner, today)
    assert current.assessment_id == old.assessment.pk and current.version.number == 2


def test_the_migration_points_each_client_at_its_newest_version(
    practitioner: Any, client_record: Any
) -> None:
    import importlib

    from django.apps import apps

    from frame.safety.models import CurrentAssessment

    first = actions.save_assessment(client=client_record, data=data(), by=practitioner)
    newest = actions.save_assessment(
        client=client_record, data=data(), by=practitioner, assessment=first.assessment
    )
    CurrentAssessment.objects.all().delete()  # as before the migration: no pointers yet
    migration = importlib.import_module("frame.safety.migrations.0003_current_assessment")
    migration.point_at_latest_versions(apps, None)
    assert CurrentAssessment.objects.get(client=client_record).version_id == newest.pk
