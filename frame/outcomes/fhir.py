"""FHIR R4 export of a client's questionnaires: one Bundle (type collection) per client.

For each instrument used, a Questionnaire built from Frame's definition; for each administration,
a QuestionnaireResponse with the answers and, when there is a total, an Observation coded with
the instrument's LOINC total-score code (a local code where LOINC has none) and `derivedFrom`
the response. Every resource is checked by constructing it with fhir.resources' R4B models
(pydantic 2) before anything is sent: R4B is R4 with technical corrections, and none of the
elements used here differ between the two. See docs/decisions/ (outcomes episodes and FHIR).

What leaves Frame, on purpose:
- Wording: item texts, option labels and instructions only where Frame ships them (public-domain
  and Frame's own measures) or the practice has imported its licensed copy. Otherwise items are
  exported by linkId, code and scoring weight alone, so licensed words are never reproduced.
- Identity: the subject is a Patient with a pseudonymous id (a keyed hash of the client's record
  id) and nothing else: no name, date of birth, case code or contact details. The receiving
  system links it to a person by its own means. Practitioners are not named.
"""

from __future__ import annotations

import datetime as dt
import json
import re
import uuid
from collections.abc import Iterable
from decimal import Decimal
from typing import Any

from django.utils import timezone
from django.utils.crypto import salted_hmac
from fhir.resources.R4B.bundle import Bundle

from frame.clients.models import Client
from frame.measures import definitions
from frame.measures.definitions import Instrument, Item, ResponseSet
from frame.measures.models import Administration
from frame.measures.scoring import as_json_number
from frame.measures.selectors import FormWording, wording_for

FHIR_VERSION = "4.0.1"
MEDIA_TYPE = "application/fhir+json"
LOINC = "http://loinc.org"
ORDINAL_VALUE = "http://hl7.org/fhir/StructureDefinition/ordinalValue"
SURVEY = {
    "system": "http://terminology.hl7.org/CodeSystem/observation-category",
    "code": "survey",
    "display": "Survey",
}
UCUM = "http://unitsofmeasure.org"
# Frame's own code systems, for what has no standard code.
QUESTIONNAIRE_URL = "urn:frame:questionnaire:"
ANSWER_SYSTEM = "urn:frame:answers:"
SCORE_SYSTEM = "urn:frame:instrument-score"
# Fixed, so the same record always gets the same resource ids across exports.
_NAMESPACE = uuid.UUID("5d3f8a0e-2b7c-4e51-9a4d-8c1f0b6e7a92")


def _urn(value: uuid.UUID) -> str:
    return f"urn:uuid:{value}"


def patient_id(client: Client) -> uuid.UUID:
    """A stable pseudonym for the client: a keyed hash, not reversible without the server key."""
    digest = salted_hmac("frame.outcomes.fhir.patient", str(client.pk)).digest()
    return uuid.UUID(bytes=digest[:16], version=4)


def questionnaire_id(instrument: Instrument, practice_id: int) -> uuid.UUID:
    name = f"questionnaire|{instrument.id}|{instrument.version}|{practice_id}"
    return uuid.uuid5(_NAMESPACE, name)


def observation_id(administration: Administration) -> uuid.UUID:
    return uuid.uuid5(_NAMESPACE, f"observation|total|{administration.pk}")


def canonical(instrument: Instrument) -> str:
    return f"{QUESTIONNAIRE_URL}{instrument.id}"


def _name(instrument: Instrument) -> str:
    # FHIR's computable name: a capital letter first, then letters, digits and underscores.
    cleaned = re.sub(r"[^A-Za-z0-9_]", "", instrument.short_title.replace("-", "_"))
    return cleaned if cleaned[:1].isupper() else f"Frame_{cleaned}"


def _display(label: str | None, wording: FormWording | None, key: str, index: int) -> str | None:
    """An option's words, only where they may leave Frame."""
    if wording is None:
        return None
    labels = wording.option_labels.get(key, ())
    text = labels[index] if index < len(labels) else label
    return text or None


def _answer_coding(
    instrument: Instrument, rs: ResponseSet, index: int, wording: FormWording | None
) -> dict[str, Any]:
    option = rs.options[index]
    coding: dict[str, Any] = {
        "system": f"{ANSWER_SYSTEM}{instrument.id}:{rs.key}",
        "code": str(option.value),
    }
    display = _display(option.label, wording, rs.key, index)
    if display:
        coding["display"] = display
    return coding


def _question(
    instrument: Instrument,
    link_id: str,
    rs: ResponseSet,
    *,
    text: str | None,
    reverse: bool,
    wording: FormWording | None,
    repeats: bool = False,
    code: str | None = None,
) -> dict[str, Any]:
    item: dict[str, Any] = {"linkId": link_id}
    if code:
        item["code"] = [{"system": LOINC, "code": code}]
    if text:
        item["text"] = text
    if rs.kind == "measured":
        item["type"] = "decimal"
    else:
        item["type"] = "choice"
        item["answerOption"] = [
            {
                "extension": [
                    {
                        "url": ORDINAL_VALUE,
                        "valueDecimal": float(
                            rs.lowest + rs.highest - option.value if reverse else option.value
                        ),
                    }
                ],
                "valueCoding": _answer_coding(instrument, rs, index, wording),
            }
            for index, option in enumerate(rs.options)
        ]
    if repeats:
        item["repeats"] = True
    return item


def _item_text(item: Item, wording: FormWording | None) -> str | None:
    if wording is None:
        return None
    return wording.items.get(item.number) or None


def questionnaire(
    instrument: Instrument, wording: FormWording | None, practice_id: int
) -> dict[str, Any]:
    """The instrument as a Questionnaire. `wording` is None when its words may not be exported."""
    resource: dict[str, Any] = {
        "resourceType": "Questionnaire",
        "id": str(questionnaire_id(instrument, practice_id)),
        "url": canonical(instrument),
        "version": instrument.version,
        "name": _name(instrument),
        "title": instrument.title,
        "status": "active",
        "subjectType": ["Patient"],
        "copyright": f"{instrument.licence_summary} {instrument.attribution}".strip(),
    }
    panel = instrument.loinc.get("panel")
    if panel:
        resource["code"] = [{"system": LOINC, "code": panel, "display": instrument.title}]
    items: list[dict[str, Any]] = []
    if wording is not None and wording.instructions:
        items.append({"linkId": "instructions", "type": "display", "text": wording.instructions})
    if instrument.is_goal_based:
        rs = instrument.goal_response_set
        assert rs is not None  # noqa: S101  (every goal-based definition has one)
        # One rating per goal. The goals themselves are the client's own words: never exported.
        items.append(
            _question(
                instrument, "goal", rs, text=None, reverse=False, wording=wording, repeats=True
            )
        )
    else:
        codes = instrument.loinc.get("items", {})
        for item in instrument.items:
            items.append(
                _question(
                    instrument,
                    str(item.number),
                    item.response_set,
                    text=_item_text(item, wording),
                    reverse=item.reverse,
                    wording=wording,
                    code=codes.get(str(item.number)),
                )
            )
    resource["item"] = items
    return resource


def _answer(
    instrument: Instrument, rs: ResponseSet, raw: Any, wording: FormWording | None
) -> dict[str, Any]:
    if rs.kind == "measured":
        return {"valueDecimal": float(Decimal(str(raw)))}
    return {"valueCoding": _answer_coding(instrument, rs, int(raw), wording)}


def questionnaire_response(
    administration: Administration,
    instrument: Instrument,
    wording: FormWording | None,
    patient: str,
) -> dict[str, Any]:
    answers: list[Any] = list(administration.answers)
    items: list[dict[str, Any]] = []
    if instrument.is_goal_based:
        rs = instrument.goal_response_set
        assert rs is not None  # noqa: S101
        given = [_answer(instrument, rs, a, wording) for a in answers if a is not None]
        if given:
            items.append({"linkId": "goal", "answer": given})
    else:
        for item, raw in zip(instrument.items, answers, strict=False):
            if raw is None:
                continue
            items.append(
                {
                    "linkId": str(item.number),
                    "answer": [_answer(instrument, item.response_set, raw, wording)],
                }
            )
    resource: dict[str, Any] = {
        "resourceType": "QuestionnaireResponse",
        "id": str(administration.pk),
        "questionnaire": f"{canonical(instrument)}|{administration.instrument_version}",
        "status": "completed",
        "subject": {"reference": patient},
        "authored": administration.completed_on.isoformat(),
    }
    if items:
        resource["item"] = items
    return resource


def observation(
    administration: Administration, instrument: Instrument, patient: str, response: str
) -> dict[str, Any] | None:
    """The total score, or None when the administration has none (too much was unanswered)."""
    if not administration.valid or administration.total is None:
        return None
    loinc_total = instrument.loinc.get("total")
    coding = (
        {"system": LOINC, "code": loinc_total, "display": f"{instrument.title} total score"}
        if loinc_total
        else {
            "system": SCORE_SYSTEM,
            "code": f"{instrument.id}-total",
            "display": f"{instrument.short_title} total score",
        }
    )
    resource: dict[str, Any] = {
        "resourceType": "Observation",
        "id": str(observation_id(administration)),
        "status": "final",
        "category": [{"coding": [SURVEY]}],
        "code": {"coding": [coding], "text": f"{instrument.short_title} total score"},
        "subject": {"reference": patient},
        "effectiveDateTime": administration.completed_on.isoformat(),
        "derivedFrom": [{"reference": response}],
    }
    value = as_json_number(administration.total.quantize(Decimal(1).scaleb(-instrument.decimals)))
    if isinstance(value, int):
        resource["valueInteger"] = value
    else:
        resource["valueQuantity"] = {
            "value": value,
            "unit": "{score}",
            "system": UCUM,
            "code": "{score}",
        }
    if administration.band:
        resource["interpretation"] = [{"text": administration.band}]
    if administration.prorated:
        resource["note"] = [{"text": "Pro-rated: some items were unanswered."}]
    return resource


def bundle_for(
    client: Client,
    administrations: Iterable[Administration],
    *,
    practice_id: int,
    now: dt.datetime | None = None,
) -> dict[str, Any]:
    """Every administration of one client, as a plain-JSON Bundle (not yet validated)."""
    patient_uuid = patient_id(client)
    patient = _urn(patient_uuid)
    entries: list[dict[str, Any]] = [
        {"fullUrl": patient, "resource": {"resourceType": "Patient", "id": str(patient_uuid)}}
    ]
    wordings: dict[str, FormWording | None] = {}
    rest: list[dict[str, Any]] = []
    for administration in administrations:
        try:
            instrument = definitions.get(administration.instrument)
        except definitions.UnknownInstrument:  # a retired instrument: nothing to describe it by
            continue
        if instrument.id not in wordings:
            wordings[instrument.id] = wording_for(practice_id, instrument)
            q = questionnaire(instrument, wordings[instrument.id], practice_id)
            entries.append({"fullUrl": _urn(uuid.UUID(q["id"])), "resource": q})
        wording = wordings[instrument.id]
        response_urn = _urn(administration.pk)
        rest.append(
            {
                "fullUrl": response_urn,
                "resource": questionnaire_response(administration, instrument, wording, patient),
            }
        )
        total = observation(administration, instrument, patient, response_urn)
        if total is not None:
            rest.append({"fullUrl": _urn(uuid.UUID(total["id"])), "resource": total})
    return {
        "resourceType": "Bundle",
        "id": str(uuid.uuid4()),
        "meta": {"lastUpdated": (now or timezone.now()).isoformat()},
        "type": "collection",
        "timestamp": (now or timezone.now()).isoformat(),
        "entry": entries + rest,
    }


def validated_json(bundle: dict[str, Any]) -> str:
    """The Bundle checked against the FHIR models, as the JSON to send. Raises on any problem."""
    model = Bundle.model_validate(bundle)
    text: str = model.model_dump_json()
    json.loads(text)  # the model's own output must itself be plain JSON
    return text
