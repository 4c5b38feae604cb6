"""The FHIR R4 export: valid resources, the right codes and links, and no licensed wording or
identity leaving the practice that should not."""

from __future__ import annotations

import datetime as dt
import json
from decimal import Decimal
from typing import Any

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from fhir.resources.R4B.bundle import Bundle
from fhir.resources.R4B.observation import Observation
from fhir.resources.R4B.questionnaire import Questionnaire
from fhir.resources.R4B.questionnaireresponse import QuestionnaireResponse
from pydantic import ValidationError

from frame.audit.models import Action, AuditEvent
from frame.measures import actions as measures_actions
from frame.measures import definitions
from frame.measures.models import ImportedWording
from frame.outcomes import fhir

pytestmark = pytest.mark.django_db

DAY = dt.date(2026, 2, 3)
CORE10_ITEM_1 = "Zebra-striped wording the practice licensed for item one"
CORE10_LABEL = "Quokka-option-label"


def _record(client: Any, by: Any, instrument: str, answers: list[Any]) -> Any:
    return measures_actions.record_administration(
        client=client,
        instrument=definitions.get(instrument),
        answers=answers,
        completed_on=DAY,
        by=by,
    )


def _import_core10(practice: Any, by: Any) -> None:
    ImportedWording.objects.create(
        practice=practice,
        instrument="core10",
        instrument_version="1.0",
        instructions="Quietly-licensed instructions",
        items={str(n): CORE10_ITEM_1 if n == 1 else f"Licensed item {n}" for n in range(1, 11)},
        option_labels={"frequency": [CORE10_LABEL, "b", "c", "d", "e"]},
        imported_by=by,
    )


def _download(as_user: Any, user: Any, client: Any) -> Any:
    return as_user(user).get(f"/outcomes/clients/{client.pk}/fhir.json")


def _resources(body: bytes, kind: str) -> list[dict[str, Any]]:
    bundle = json.loads(body)
    return [e["resource"] for e in bundle["entry"] if e["resource"]["resourceType"] == kind]


def test_the_care_team_downloads_a_valid_r4_bundle(
    as_user: Any, practitioner: Any, client_record: Any
) -> None:
    phq = _record(client_record, practitioner, "phq9", [2, 2, 2, 1, 1, 1, 1, 1, 0, 1])
    # GAD-7 allows no missing item: this one has answers but no total, so no Observation.
    _record(client_record, practitioner, "gad7", [1, 1, 1, 1, 1, 1, None])
    response = _download(as_user, practitioner, client_record)
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/fhir+json")
    assert "attachment" in response["Content-Disposition"]

    bundle = Bundle.model_validate_json(response.content)  # the R4 models accept it as it is
    assert bundle.type == "collection"
    kinds = [entry.resource.get_resource_type() for entry in bundle.entry]
    assert kinds.count("Questionnaire") == 2
    assert kinds.count("QuestionnaireResponse") == 2
    assert kinds.count("Patient") == 1

    observations = _resources(response.content, "Observation")
    assert len(observations) == 1
    phq_obs = observations[0]
    assert phq_obs["code"]["coding"][0]["code"] == "44261-6"
    Observation.model_validate(phq_obs)
    assert phq_obs["code"]["coding"][0]["system"] == "http://loinc.org"
    assert phq_obs["valueInteger"] == int(phq.total)
    assert phq_obs["derivedFrom"] == [{"reference": f"urn:uuid:{phq.pk}"}]
    assert phq_obs["effectiveDateTime"] == DAY.isoformat()

    responses = {r["id"]: r for r in _resources(response.content, "QuestionnaireResponse")}
    phq_response = responses[str(phq.pk)]
    QuestionnaireResponse.model_validate(phq_response)
    assert phq_response["questionnaire"] == "urn:frame:questionnaire:phq9|1.0"
    answers = {i["linkId"]: i["answer"][0]["valueCoding"]["code"] for i in phq_response["item"]}
    assert answers["1"] == "2" and answers["9"] == "0" and answers["10"] == "1"
    # Every reference in the bundle points at an entry in it.
    full_urls = {entry.fullUrl for entry in bundle.entry}
    for resource in [*observations, *responses.values()]:
        assert resource["subject"]["reference"] in full_urls
    assert phq_obs["derivedFrom"][0]["reference"] in full_urls


def test_gad7_total_code_and_public_domain_wording_are_exported(
    as_user: Any, practitioner: Any, client_record: Any
) -> None:
    _record(client_record, practitioner, "gad7", [1, 1, 1, 1, 1, 1, 1])
    body = _download(as_user, practitioner, client_record).content
    (observation,) = _resources(body, "Observation")
    assert observation["code"]["coding"][0]["code"] == "70274-6"
    (questionnaire,) = _resources(body, "Questionnaire")
    Questionnaire.model_validate(questionnaire)
    assert questionnaire["code"][0]["code"] == "69737-5"
    texts = [item.get("text") for item in questionnaire["item"] if item["type"] == "choice"]
    assert all(texts), "public-domain GAD-7 keeps its item wording"
    first = questionnaire["item"][1]["answerOption"][0]
    assert first["valueCoding"]["display"] == "Not at all"
    assert first["extension"][0]["url"] == fhir.ORDINAL_VALUE


def test_licensed_wording_is_left_out_until_the_practice_imports_it(
    as_user: Any, practice: Any, practitioner: Any, client_record: Any
) -> None:
    _record(client_record, practitioner, "core10", [1, 2, 3, 1, 0, 0, 1, 2, 1, 1])
    before = _download(as_user, practitioner, client_record).content
    (questionnaire,) = _resources(before, "Questionnaire")
    Questionnaire.model_validate(questionnaire)
    assert all("text" not in item for item in questionnaire["item"])
    options = [o for item in questionnaire["item"] for o in item.get("answerOption", [])]
    assert options and all("display" not in o["valueCoding"] for o in options)
    assert b"Licensed item" not in before
    # Reversed items keep their scoring weights: CORE-10 item 2 scores 4 for the first option.
    item2 = next(i for i in questionnaire["item"] if i["linkId"] == "2")
    assert item2["answerOption"][0]["extension"][0]["valueDecimal"] == 4
    (observation,) = _resources(before, "Observation")
    assert observation["code"]["coding"][0]["system"] == fhir.SCORE_SYSTEM  # no LOINC code

    _import_core10(practice, practitioner)
    after = _download(as_user, practitioner, client_record).content
    assert CORE10_ITEM_1.encode() in after
    assert CORE10_LABEL.encode() in after
    assert b"Quietly-licensed instructions" in after
    Bundle.model_validate_json(after)


def test_another_practices_import_does_not_unlock_wording(
    as_user: Any, other_practice: Any, outsider: Any, practitioner: Any, client_record: Any
) -> None:
    _record(client_record, practitioner, "core10", [1, 2, 3, 1, 0, 0, 1, 2, 1, 1])
    _import_core10(other_practice, outsider)
    body = _download(as_user, practitioner, client_record).content
    assert CORE10_ITEM_1.encode() not in body
    assert CORE10_LABEL.encode() not in body


def test_no_identity_beyond_a_pseudonym_is_exported(
    as_user: Any, practitioner: Any, client_record: Any
) -> None:
    _record(client_record, practitioner, "phq9", [0] * 9)
    body = _download(as_user, practitioner, client_record).content
    for private in [
        client_record.given_name,
        client_record.family_name,
        client_record.case_code,
        client_record.email,
        str(client_record.pk),
        practitioner.full_name,
        practitioner.email,
        "1988-04-12",
    ]:
        assert private.encode() not in body, private
    (patient,) = _resources(body, "Patient")
    assert set(patient) == {"resourceType", "id"}
    assert patient["id"] == str(fhir.patient_id(client_record))


def test_measured_and_decimal_scores_validate(practitioner: Any, client_record: Any) -> None:
    ors = _record(client_record, practitioner, "ors", [Decimal("4.5"), 5, 6, Decimal("7.2")])
    bundle = fhir.bundle_for(client_record, [ors], practice_id=client_record.practice_id)
    Bundle.model_validate_json(fhir.validated_json(bundle))
    (observation,) = [
        e["resource"] for e in bundle["entry"] if e["resource"]["resourceType"] == "Observation"
    ]
    assert observation["valueQuantity"]["value"] == pytest.approx(22.7)
    assert observation["valueQuantity"]["code"] == "{score}"


def test_an_invalid_resource_is_refused_before_download(
    practitioner: Any, client_record: Any
) -> None:
    phq = _record(client_record, practitioner, "phq9", [0] * 9)
    bundle = fhir.bundle_for(client_record, [phq], practice_id=client_record.practice_id)
    bundle["entry"][-1]["resource"]["valueString"] = "also a value"  # two value[x] at once
    with pytest.raises(ValidationError):
        fhir.validated_json(bundle)


def test_the_download_is_audited_without_scores(
    as_user: Any, practitioner: Any, client_record: Any
) -> None:
    _record(client_record, practitioner, "phq9", [3] * 9)
    _download(as_user, practitioner, client_record)
    event = AuditEvent.objects.filter(action=Action.FHIR_EXPORTED).get()
    assert event.client_id == str(client_record.pk)
    assert event.detail["instruments"] == ["phq9"]
    assert "27" not in json.dumps(event.detail)


def test_people_off_the_care_team_get_not_found(
    as_user: Any, colleague: Any, administrator: Any, outsider: Any, client_record: Any
) -> None:
    for user in (colleague, administrator, outsider):
        assert _download(as_user, user, client_record).status_code == 404
    assert not AuditEvent.objects.filter(action=Action.FHIR_EXPORTED).exists()


def test_the_export_uses_the_same_queries_for_a_long_history(
    as_user: Any, practitioner: Any, client_record: Any
) -> None:
    http = as_user(practitioner)
    path = f"/outcomes/clients/{client_record.pk}/fhir.json"
    _record(client_record, practitioner, "phq9", [1] * 9)
    _record(client_record, practitioner, "gad7", [1] * 7)
    http.get(path)  # the first request also sets up the signed-in session
    with CaptureQueriesContext(connection) as small:
        http.get(path)
    for _ in range(12):
        _record(client_record, practitioner, "phq9", [2] * 9)
        _record(client_record, practitioner, "gad7", [2] * 7)
    with CaptureQueriesContext(connection) as large:
        response = http.get(path)
    assert len(_resources(response.content, "QuestionnaireResponse")) == 26
    assert len(large.captured_queries) == len(small.captured_queries)
