"""Entering a questionnaire in session, and the risk alerts that answers raise."""

from __future__ import annotations

import datetime as dt
from typing import Any
from unittest import mock

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from frame.audit.models import Action, AuditEvent
from frame.measures import actions, definitions, wording
from frame.measures.models import Administration, RecordsAreNotDeleted, RiskAlert
from tests.factories import CareTeamMemberFactory, ClientFactory

PHQ9 = definitions.get("phq9")


def phq9_post(answers: list[int | None], completed_on: dt.date | None = None) -> dict[str, str]:
    data = {"completed_on": (completed_on or timezone.localdate()).isoformat()}
    for number, answer in enumerate(answers, start=1):
        if answer is not None:
            data[f"item_{number}"] = str(answer)
    return data


def new_url(client: Any, instrument: str = "phq9") -> str:
    return reverse("measures:new", args=[client.pk, instrument])


def record(client: Any, by: Any, answers: list[Any], instrument: str = "phq9") -> Administration:
    return actions.record_administration(
        client=client,
        instrument=definitions.get(instrument),
        answers=answers,
        completed_on=timezone.localdate(),
        by=by,
    )


# --- Entering answers --------------------------------------------------------------------


def test_the_form_shows_the_wording_options_and_attribution(
    as_user: Any, practitioner: Any, client_record: Any
) -> None:
    response = as_user(practitioner).get(new_url(client_record))
    assert response.status_code == 200
    page = response.content.decode()
    assert "Little interest or pleasure in doing things" in page
    assert "More than half the days" in page
    assert "how difficult have these problems made it" in page
    assert "Pfizer" in page
    assert 'type="radio"' in page and "<label" in page


def test_saving_stores_raw_answers_score_and_versions_then_shows_them(
    as_user: Any, practitioner: Any, client_record: Any
) -> None:
    http = as_user(practitioner)
    response = http.post(new_url(client_record), phq9_post([1, 2, None, 3, 0, 0, 1, 2, 0, 1]))
    administration = Administration.objects.get()
    assert response.status_code == 302
    assert response["Location"] == reverse(
        "measures:administration", args=[client_record.pk, administration.pk]
    )
    assert administration.answers == [1, 2, None, 3, 0, 0, 1, 2, 0, 1]
    assert (administration.valid, administration.total, administration.band) == (
        True, 10, "moderate",
    )  # fmt: skip
    assert administration.prorated and administration.missing_items == [3]
    assert administration.instrument_version == PHQ9.version
    assert administration.scoring_version == "1"
    assert administration.recorded_by == practitioner
    assert administration.mode == "in_session"
    event = AuditEvent.objects.get(action=Action.MEASURE_RECORDED)
    assert event.client_id == str(client_record.pk)
    assert "total" not in event.detail and "answers" not in event.detail

    page = http.get(response["Location"]).content.decode()
    assert "Several days" in page and "Not answered" in page and "pro-rated" in page
    assert AuditEvent.objects.filter(
        action=Action.MEASURES_VIEWED, detail={"page": "administration"}
    ).exists()


@pytest.mark.parametrize(
    ("post", "message"),
    [
        ({"item_1": "4"}, "Select a valid choice"),
        ({"item_1": "one"}, "Select a valid choice"),
        ({"item_1": "1", "completed_on": "2999-01-01"}, "cannot be in the future"),
        ({"item_1": "1", "completed_on": "31/31/2020"}, "Enter a valid date"),
    ],
)
def test_bad_input_is_refused_and_nothing_typed_is_lost(
    as_user: Any, practitioner: Any, client_record: Any, post: dict[str, str], message: str
) -> None:
    data = {"completed_on": timezone.localdate().isoformat(), "item_2": "3", **post}
    response = as_user(practitioner).post(new_url(client_record), data)
    assert response.status_code == 200
    page = response.content.decode()
    assert message in page
    assert "Nothing has been saved yet" in page
    assert 'name="item_2" value="3"' in page and "checked" in page
    assert not Administration.objects.exists()


def test_nothing_answered_is_refused(as_user: Any, practitioner: Any, client_record: Any) -> None:
    data = {"completed_on": timezone.localdate().isoformat()}
    response = as_user(practitioner).post(new_url(client_record), data)
    assert response.status_code == 200
    assert "Nothing has been answered yet" in response.content.decode()
    assert not Administration.objects.exists()


def test_too_many_missing_items_are_kept_without_a_total(
    as_user: Any, practitioner: Any, client_record: Any
) -> None:
    response = as_user(practitioner).post(
        new_url(client_record), phq9_post([None, None, None, 1, 1, 1, 1, 1, 0]), follow=True
    )
    administration = Administration.objects.get()
    assert (administration.valid, administration.total, administration.band) == (False, None, "")
    assert administration.answers == [None, None, None, 1, 1, 1, 1, 1, 0, None]
    assert "too many items were left unanswered" in response.content.decode()


@pytest.mark.parametrize("instrument", ["nothing", "goals", "PHQ-10"])
def test_unknown_or_goal_instruments_have_no_entry_page(
    as_user: Any, practitioner: Any, client_record: Any, instrument: str
) -> None:
    assert as_user(practitioner).get(new_url(client_record, instrument)).status_code == 404


def test_licensed_instruments_need_the_practices_wording_first(
    as_user: Any, practitioner: Any, client_record: Any, practice: Any
) -> None:
    http = as_user(practitioner)
    response = http.get(new_url(client_record, "core10"))
    assert response.status_code == 200
    assert "frame measures import" in response.content.decode()
    assert b'name="item_1"' not in response.content
    assert http.post(new_url(client_record, "core10"), {"item_1": "1"}).status_code == 200
    assert not Administration.objects.exists()

    checked = wording.check(
        {
            "instrument": "core10",
            "items": [{"number": n, "text": f"Stand-in wording {n}"} for n in range(1, 11)],
            "response_sets": {
                "frequency": {
                    "options": [{"label": f"Stand-in option {v}", "value": v} for v in range(5)]
                }
            },
        }
    )
    actions.import_wording(practice=practice, wording=checked, by=None)
    page = http.get(new_url(client_record, "core10")).content.decode()
    assert "Stand-in wording 2" in page and "Stand-in option 4" in page
    assert "© CORE System Trust" in page  # the copyright line is visible to whoever completes it
    post = {"completed_on": timezone.localdate().isoformat()}
    post |= {f"item_{n}": "0" for n in range(1, 11)}
    http.post(new_url(client_record, "core10"), post)
    administration = Administration.objects.get()
    assert administration.total == 8  # items 2 and 3 reversed: 4 each
    assert administration.total_display == "8.0"


def test_ors_marks_are_entered_as_measured_values(
    as_user: Any, practitioner: Any, client_record: Any, practice: Any
) -> None:
    checked = wording.check(
        {"instrument": "ors", "items": [{"number": n, "text": f"Line {n}"} for n in range(1, 5)]}
    )
    actions.import_wording(practice=practice, wording=checked, by=None)
    http = as_user(practitioner)
    post = {"completed_on": timezone.localdate().isoformat()}
    post |= {"item_1": "7.3", "item_2": "8", "item_3": "5.5", "item_4": "6"}
    http.post(new_url(client_record, "ors"), post)
    administration = Administration.objects.get()
    assert administration.answers == ["7.3", "8", "5.5", "6"]
    assert administration.total_display == "26.8"
    bad = http.post(new_url(client_record, "ors"), {**post, "item_2": "10.5"})
    assert "less than or equal to 10" in bad.content.decode()
    assert Administration.objects.count() == 1


def test_only_the_care_team_can_record(
    client_record: Any, colleague: Any, administrator: Any, outsider: Any
) -> None:
    for person in (colleague, administrator, outsider):
        with pytest.raises(PermissionDenied):
            record(client_record, person, [0] * 9)
    assert not Administration.objects.exists()


@pytest.mark.parametrize("persona", ["colleague", "administrator", "outsider"])
def test_pages_are_404_for_anyone_off_the_care_team(
    as_user: Any, request: Any, practitioner: Any, client_record: Any, persona: str
) -> None:
    administration = record(client_record, practitioner, [0, 0, 0, 0, 0, 0, 0, 0, 2])
    alert = RiskAlert.objects.get()
    http = as_user(request.getfixturevalue(persona))
    urls = [
        reverse("measures:client", args=[client_record.pk]),
        new_url(client_record),
        reverse("measures:administration", args=[client_record.pk, administration.pk]),
        reverse("measures:acknowledge", args=[client_record.pk, alert.pk]),
    ]
    for url in urls:
        assert http.get(url).status_code == 404
    assert http.post(urls[1], phq9_post([0] * 9)).status_code == 404
    assert http.post(urls[3], {"note": "Seen"}).status_code == 404
    assert Administration.objects.count() == 1
    assert RiskAlert.objects.get().is_open


def test_another_clients_administration_is_not_reachable_through_this_client(
    as_user: Any, practitioner: Any, client_record: Any, practice: Any
) -> None:
    other = ClientFactory(practice=practice)
    CareTeamMemberFactory(client=other, user=practitioner)
    administration = record(other, practitioner, [0] * 9)
    url = reverse("measures:administration", args=[client_record.pk, administration.pk])
    assert as_user(practitioner).get(url).status_code == 404


def test_results_are_never_deleted(practitioner: Any, client_record: Any) -> None:
    administration = record(client_record, practitioner, [0, 0, 0, 0, 0, 0, 0, 0, 1])
    with pytest.raises(RecordsAreNotDeleted):
        administration.delete()
    with pytest.raises(RecordsAreNotDeleted):
        Administration.objects.all().delete()
    with pytest.raises(RecordsAreNotDeleted):
        RiskAlert.objects.get().delete()
    with pytest.raises(RecordsAreNotDeleted):
        RiskAlert.objects.all().delete()


# --- Risk alerts -------------------------------------------------------------------------


def test_a_risk_item_raises_an_alert_with_the_answers(
    practitioner: Any, client_record: Any
) -> None:
    administration = record(client_record, practitioner, [0, 0, 0, 0, 0, 0, 0, 0, 2])
    alert = RiskAlert.objects.get()
    assert (alert.administration, alert.client, alert.item, alert.value) == (
        administration, client_record, 9, 2,
    )  # fmt: skip
    assert alert.is_open and alert.acknowledged_at is None
    event = AuditEvent.objects.get(action=Action.RISK_ALERT_RAISED)
    assert event.detail == {"instrument": "phq9", "item": 9}
    assert event.object_id == str(alert.pk)
    recorded = AuditEvent.objects.get(action=Action.MEASURE_RECORDED)
    assert recorded.seq < event.seq


def test_core10_item_6_raises_an_alert_and_other_items_do_not(
    practitioner: Any, client_record: Any
) -> None:
    record(client_record, practitioner, [4, 0, 0, 4, 4, 0, 4, 4, 4, 4], "core10")
    assert not RiskAlert.objects.exists()
    record(client_record, practitioner, [0, 4, 4, 0, 0, 1, 0, 0, 0, 0], "core10")
    assert list(RiskAlert.objects.values_list("item", flat=True)) == [6]


def test_the_alert_is_raised_in_the_same_transaction_as_the_answers(
    practitioner: Any, client_record: Any
) -> None:
    real_record = actions.record

    def failing(**kwargs: Any) -> Any:
        if kwargs["action"] == Action.RISK_ALERT_RAISED:
            raise RuntimeError("the alert could not be written")
        return real_record(**kwargs)

    with mock.patch.object(actions, "record", side_effect=failing), pytest.raises(RuntimeError):
        record(client_record, practitioner, [0, 0, 0, 0, 0, 0, 0, 0, 3])
    # Without its alert, the answers were not kept either: never one without the other.
    assert not Administration.objects.exists()
    assert not RiskAlert.objects.exists()
    assert not AuditEvent.objects.filter(action=Action.MEASURE_RECORDED).exists()


def test_alerts_stay_until_acknowledged(
    as_user: Any, practitioner: Any, client_record: Any
) -> None:
    record(client_record, practitioner, [0, 0, 0, 0, 0, 0, 0, 0, 1])
    alert = RiskAlert.objects.get()
    http = as_user(practitioner)
    # The card and the home page show it as a risk flag (the safety app raises one with it).
    card = http.get(reverse("clients:card", args=[client_record.pk])).content.decode()
    assert "Risk flag to acknowledge" in card
    assert "Risk flags to acknowledge" in http.get(reverse("home")).content.decode()
    # The client's questionnaires page lists the alert itself, with its acknowledgement.
    measures_page = reverse("measures:client", args=[client_record.pk])
    ack = reverse("measures:acknowledge", args=[client_record.pk, alert.pk])
    page = http.get(measures_page).content.decode()
    assert "Risk items to acknowledge" in page and ack in page
    assert "thoughts of death or self-harm" in page

    # A later, calmer questionnaire does not clear it.
    record(client_record, practitioner, [0] * 9)
    assert RiskAlert.objects.get().is_open
    assert ack in http.get(measures_page).content.decode()

    # Acknowledging needs a note.
    response = http.post(ack, {"note": "   "})
    assert response.status_code == 200 and "This field is required" in response.content.decode()
    assert RiskAlert.objects.get().is_open

    response = http.post(ack, {"note": "Talked it through; no plans or intent. Safety plan made."})
    assert response.status_code == 302
    alert = RiskAlert.objects.get()
    assert not alert.is_open and alert.acknowledged_by == practitioner
    assert alert.acknowledgement_note.startswith("Talked it through")
    stored = RiskAlert.objects.values_list("acknowledgement_note", flat=True).get()
    assert "Talked" not in stored  # encrypted at rest
    event = AuditEvent.objects.get(action=Action.RISK_ALERT_ACKNOWLEDGED)
    assert event.detail == {"instrument": "phq9", "item": 9}
    after = http.get(measures_page).content.decode()
    assert ack not in after and "Risk items to acknowledge" not in after
    # The acknowledged alert stays with the answers, note and all.
    detail = http.get(
        reverse("measures:administration", args=[client_record.pk, alert.administration.pk])
    )
    assert "Safety plan made." in detail.content.decode()


def test_an_alert_is_acknowledged_once(practitioner: Any, client_record: Any) -> None:
    record(client_record, practitioner, [0, 0, 0, 0, 0, 0, 0, 0, 1])
    alert = RiskAlert.objects.select_related("administration").get()
    actions.acknowledge_alert(alert=alert, note="Seen and discussed.", by=practitioner)
    with pytest.raises(ValidationError, match="already been acknowledged"):
        actions.acknowledge_alert(alert=alert, note="Again.", by=practitioner)
    assert RiskAlert.objects.get().acknowledgement_note == "Seen and discussed."


def test_home_panel_shows_only_alerts_for_this_persons_care_team(
    as_user: Any, practitioner: Any, colleague: Any, client_record: Any
) -> None:
    record(client_record, practitioner, [0, 0, 0, 0, 0, 0, 0, 0, 1])
    assert (
        "Risk items to acknowledge" not in as_user(colleague).get(reverse("home")).content.decode()
    )


# --- Constant queries --------------------------------------------------------------------


def _queries(http: Any, url: str) -> int:
    with CaptureQueriesContext(connection) as context:
        assert http.get(url).status_code == 200
    return len(context.captured_queries)


def test_pages_issue_the_same_queries_at_any_history_size(
    as_user: Any, practitioner: Any, client_record: Any, practice: Any
) -> None:
    http = as_user(practitioner)
    urls = [
        reverse("clients:card", args=[client_record.pk]),
        reverse("home"),
        reverse("measures:client", args=[client_record.pk]),
    ]
    record(client_record, practitioner, [0, 0, 0, 0, 0, 0, 0, 0, 1])
    for url in urls:  # the first visit settles the session; measure from the second
        _queries(http, url)
    small = [_queries(http, url) for url in urls]
    for _ in range(15):
        record(client_record, practitioner, [1, 1, 1, 1, 1, 1, 1, 1, 1])
        other = ClientFactory(practice=practice)
        CareTeamMemberFactory(client=other, user=practitioner)
        record(other, practitioner, [0, 0, 0, 0, 0, 0, 0, 0, 2])
    assert [_queries(http, url) for url in urls] == small
