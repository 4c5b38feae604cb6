"""Contract templates: Frame's own to start, versions that never change, compared by clause."""

from __future__ import annotations

from typing import Any

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse

from frame.audit.models import Action, AuditEvent
from frame.contracts import actions, selectors
from frame.contracts.actions import ClauseDraft
from frame.contracts.default_template import DEFAULT_CLAUSES, REQUIRED_TOPICS
from frame.contracts.models import Clause, ContractTemplate, TemplateVersion, WrittenOnce
from tests.contracts.conftest import edit_clause

pytestmark = pytest.mark.django_db


def _drafts(template: ContractTemplate) -> list[ClauseDraft]:
    latest = selectors.latest_version(template)
    assert latest is not None
    return [ClauseDraft(c.title, c.text, c.key) for c in latest.clauses.all()]


def test_a_practice_gets_frames_template_once_on_first_use(
    practice: Any, practitioner: Any
) -> None:
    first = actions.ensure_templates(practice=practice, by=practitioner)
    again = actions.ensure_templates(practice=practice, by=practitioner)
    assert first == again and first.is_default
    assert ContractTemplate.objects.filter(practice=practice).count() == 1
    version = TemplateVersion.objects.get(template=first)
    assert version.number == 1 and version.created_by is None
    keys = list(version.clauses.values_list("key", flat=True))
    assert keys == [c.key for c in DEFAULT_CLAUSES]
    assert set(REQUIRED_TOPICS) <= set(keys)
    assert AuditEvent.objects.filter(action=Action.CONTRACT_TEMPLATE_CREATED).count() == 1


def test_another_practice_gets_its_own_copy(
    template: Any, other_practice: Any, outsider: Any
) -> None:
    theirs = actions.ensure_templates(practice=other_practice, by=outsider)
    assert theirs.pk != template.pk and theirs.practice == other_practice


def test_editing_makes_a_new_version_and_keeps_the_old_one(
    template: Any, practitioner: Any
) -> None:
    before = list(
        Clause.objects.filter(version__template=template).values_list("key", "title", "text")
    )
    version = edit_clause(template, practitioner, "gifts", "Please do not bring gifts.")
    assert version is not None and version.number == 2 and version.created_by == practitioner
    old = TemplateVersion.objects.get(template=template, number=1)
    assert list(old.clauses.values_list("key", "title", "text")) == before
    assert version.clauses.get(key="gifts").text == "Please do not bring gifts."
    event = AuditEvent.objects.get(action=Action.CONTRACT_TEMPLATE_VERSIONED)
    assert event.detail == {"template_id": str(template.pk), "version": 2, "clauses": 19}
    assert "gifts" not in str(event.detail).lower()


def test_saving_without_changes_makes_no_version(template: Any, practitioner: Any) -> None:
    assert (
        actions.save_template_version(template=template, by=practitioner, clauses=_drafts(template))
        is None
    )
    assert TemplateVersion.objects.filter(template=template).count() == 1


def test_an_unknown_placeholder_is_refused_naming_clause_and_placeholder(
    template: Any, practitioner: Any
) -> None:
    drafts = _drafts(template)
    drafts[4] = ClauseDraft(drafts[4].title, "Each session costs {feee}.", drafts[4].key)
    with pytest.raises(ValidationError) as raised:
        actions.save_template_version(template=template, by=practitioner, clauses=drafts)
    message = " ".join(raised.value.messages)
    assert "{feee}" in message and "Fees and payment" in message
    assert TemplateVersion.objects.filter(template=template).count() == 1


def test_versions_and_clauses_cannot_be_changed_or_deleted(template: Any) -> None:
    version = TemplateVersion.objects.get(template=template)
    clause = version.clauses.first()
    assert clause is not None
    version.summary = "rewritten history"
    clause.text = "rewritten"
    for attempt in (
        version.save,
        clause.save,
        version.delete,
        clause.delete,
        lambda: TemplateVersion.objects.filter(pk=version.pk).update(summary="x"),
        lambda: Clause.objects.filter(version=version).update(text="x"),
        lambda: Clause.objects.filter(version=version).delete(),
    ):
        with pytest.raises(WrittenOnce):
            attempt()


def test_new_clauses_get_keys_and_repeated_or_unknown_keys_become_new_clauses(
    template: Any, practitioner: Any
) -> None:
    drafts = [
        *_drafts(template),
        ClauseDraft("Parking", "There is free parking.", ""),
        ClauseDraft("Fees again", "Forged key.", "fees"),
        ClauseDraft("Invented", "Made-up key.", "not-in-the-last-version"),
    ]
    version = actions.save_template_version(template=template, by=practitioner, clauses=drafts)
    assert version is not None
    keys = list(version.clauses.values_list("key", flat=True))
    assert keys[-3:] == ["parking", "fees-again", "invented"]
    assert len(keys) == len(set(keys))


def test_only_owners_change_templates(template: Any, colleague: Any) -> None:
    with pytest.raises(PermissionDenied):
        actions.save_template_version(template=template, by=colleague, clauses=_drafts(template))


def test_a_template_can_be_copied_and_offered_to_new_clients(
    template: Any, practitioner: Any
) -> None:
    copy = actions.copy_template(source=template, by=practitioner, name="Couples agreement")
    assert [c.key for c in selectors.latest_version(copy).clauses.all()] == [  # type: ignore[union-attr]
        c.key for c in DEFAULT_CLAUSES
    ]
    with pytest.raises(ValidationError):
        actions.copy_template(source=template, by=practitioner, name="couples AGREEMENT")
    actions.make_default_template(template=copy, by=practitioner)
    template.refresh_from_db()
    assert not template.is_default
    assert selectors.default_template(template.practice_id) == copy


# --- Pages ------------------------------------------------------------------------------------


def _formset_post(template: ContractTemplate, **changes: Any) -> dict[str, Any]:
    latest = selectors.latest_version(template)
    assert latest is not None
    clauses = list(latest.clauses.all())
    data: dict[str, Any] = {
        "clauses-TOTAL_FORMS": str(len(clauses) + 1),
        "clauses-INITIAL_FORMS": str(len(clauses)),
        "clauses-MIN_NUM_FORMS": "0",
        "clauses-MAX_NUM_FORMS": "60",
        "summary": changes.pop("summary", ""),
    }
    for i, clause in enumerate(clauses):
        data.update(
            {
                f"clauses-{i}-key": clause.key,
                f"clauses-{i}-title": clause.title,
                f"clauses-{i}-text": clause.text,
                f"clauses-{i}-position": str(clause.position),
            }
        )
    data.update(changes)
    return data


def test_the_edit_page_saves_a_new_version(template: Any, practitioner: Any, as_user: Any) -> None:
    http = as_user(practitioner)
    url = reverse("contracts:template_edit", args=[template.pk])
    assert http.get(url).status_code == 200
    post = _formset_post(
        template,
        **{
            "clauses-13-remove": "on",  # gifts
            "clauses-19-title": "Parking",
            "clauses-19-text": "Free parking behind the building.",
            "clauses-19-position": "2",
            "summary": "Parking added, gifts removed",
        },
    )
    response = http.post(url, post)
    assert response.status_code == 302
    version = selectors.latest_version(template)
    assert version is not None and version.number == 2
    keys = list(version.clauses.values_list("key", flat=True))
    assert "gifts" not in keys and keys[1] == "parking"
    assert version.summary == "Parking added, gifts removed"


def test_the_edit_page_names_an_unknown_placeholder_and_keeps_the_text(
    template: Any, practitioner: Any, as_user: Any
) -> None:
    url = reverse("contracts:template_edit", args=[template.pk])
    typed = "Each session costs {fees_per_hour}, payable on the day."
    response = as_user(practitioner).post(url, _formset_post(template, **{"clauses-4-text": typed}))
    assert response.status_code == 200
    body = response.content.decode()
    assert "Frame does not know the placeholder {fees_per_hour}." in body
    assert "There is a problem" in body
    assert typed in body
    assert TemplateVersion.objects.filter(template=template).count() == 1


def test_a_broken_management_form_is_a_plain_error_not_a_crash(
    template: Any, practitioner: Any, as_user: Any
) -> None:
    url = reverse("contracts:template_edit", args=[template.pk])
    for data in ({}, {"clauses-TOTAL_FORMS": "999999", "clauses-INITIAL_FORMS": "x"}):
        response = as_user(practitioner).post(url, data)
        assert response.status_code == 200
    assert TemplateVersion.objects.filter(template=template).count() == 1


def test_compare_page_shows_clause_changes_with_word_differences(
    template: Any, practitioner: Any, as_user: Any
) -> None:
    gifts = next(c for c in DEFAULT_CLAUSES if c.key == "gifts")
    edit_clause(
        template, practitioner, "gifts", gifts.text.replace("for gifts.", "for gifts, truly.")
    )
    url = reverse("contracts:template_compare", args=[template.pk])
    response = as_user(practitioner).get(url, {"old": 1, "new": 2})
    body = response.content.decode()
    assert response.status_code == 200
    assert "1 clause differs" in body
    assert "<ins>, truly</ins>" in body
    # Nonsense choices are a form error, not a server error.
    for query in ({"old": 1, "new": 99}, {"old": "x"}, {"old": "9" * 40, "new": 1}):
        assert as_user(practitioner).get(url, query).status_code == 200


def test_detail_page_shows_an_earlier_version_and_missing_topics(
    template: Any, practitioner: Any, as_user: Any
) -> None:
    drafts = [d for d in _drafts(template) if d.key != "complaints"]
    actions.save_template_version(template=template, by=practitioner, clauses=drafts)
    url = reverse("contracts:template", args=[template.pk])
    latest = as_user(practitioner).get(url).content.decode()
    assert "does not have a clause for" in latest and "Complaints" in latest
    earlier = as_user(practitioner).get(url, {"version": 1}).content.decode()
    assert "This is an earlier version" in earlier
    for bad in ("7", "x", "-1", "9" * 30):
        assert as_user(practitioner).get(url, {"version": bad}).status_code == 404


def test_practitioners_can_read_templates_but_only_owners_edit(
    template: Any, colleague: Any, administrator: Any, outsider: Any, as_user: Any
) -> None:
    detail = reverse("contracts:template", args=[template.pk])
    edit = reverse("contracts:template_edit", args=[template.pk])
    assert as_user(colleague).get(detail).status_code == 200
    assert b"Edit (makes a new version)" not in as_user(colleague).get(detail).content
    for url in (
        edit,
        reverse("contracts:template_copy", args=[template.pk]),
        reverse("contracts:template_make_default", args=[template.pk]),
    ):
        assert as_user(colleague).post(url, {}).status_code == 404
    for person in (administrator, outsider):
        assert as_user(person).get(detail).status_code == 404
    assert as_user(administrator).get(reverse("contracts:templates")).status_code == 404
