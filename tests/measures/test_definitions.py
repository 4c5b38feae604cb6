"""Instrument definitions: every shipped file loads, the schema and checks refuse bad ones, and no
licensed wording is shipped."""

from __future__ import annotations

import copy
import json
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest

from frame.measures import definitions
from frame.measures.definitions import DefinitionError, build

INSTRUMENTS = Path(definitions.INSTRUMENTS_DIR)
LICENSED = ("core10", "core-om", "wsas", "wemwbs", "ors", "srs")
PUBLIC_DOMAIN = ("phq9", "gad7", "phq15")
# The only LOINC codes Frame's clinical reference gives (clinical-domain.md §7).
KNOWN_LOINC = {"44249-1", "44261-6", "44260-8", "69737-5", "70274-6", "69728-4"}


def raw(instrument_id: str) -> dict[str, Any]:
    data: dict[str, Any] = json.loads((INSTRUMENTS / f"{instrument_id}.json").read_text())
    return data


def test_every_shipped_instrument_loads_and_is_named_by_its_file() -> None:
    loaded = {i.id for i in definitions.all_instruments()}
    assert loaded == {
        "phq9", "gad7", "phq15", "core10", "core-om", "wsas", "wemwbs", "ors", "srs",
        "goals", "session-check-in",
    }  # fmt: skip
    for path in INSTRUMENTS.glob("*.json"):
        assert definitions.load_file(path).id == path.stem


@pytest.mark.parametrize(
    ("name", "expected"),
    [("phq9", "phq9"), ("PHQ-9", "phq9"), ("Phq 9", "phq9"), ("CORE-OM", "core-om"),
     ("coreom", "core-om"), ("GAD7", "gad7"), ("check-in", "session-check-in")],
)  # fmt: skip
def test_instruments_are_found_by_id_or_short_title(name: str, expected: str) -> None:
    assert definitions.get(name).id == expected


@pytest.mark.parametrize("name", ["", "phq", "phq99", "core", "---"])
def test_unknown_instruments_are_named_in_the_error(name: str) -> None:
    with pytest.raises(definitions.UnknownInstrument, match="There is no instrument called"):
        definitions.get(name)


@pytest.mark.parametrize("instrument_id", LICENSED)
def test_licensed_instruments_ship_no_wording_at_all(instrument_id: str) -> None:
    data = raw(instrument_id)
    assert data["licence"]["status"] == "licensed"
    assert data["licence"]["wording"] == "imported-by-practice"
    assert data["instructions"] is None
    assert data["items"], "the structure (item count) is still there"
    assert all(item["text"] is None for item in data["items"])
    for response_set in data["response_sets"].values():
        for option in response_set.get("options", []):
            assert option["label"] is None
    # Belt and braces: the only strings in the item and response parts are structural names.
    strings: list[str] = []

    def collect(node: Any) -> None:
        if isinstance(node, str):
            strings.append(node)
        elif isinstance(node, dict):
            for value in node.values():
                collect(value)
        elif isinstance(node, list):
            for value in node:
                collect(value)

    collect(data["items"])
    collect(data["response_sets"])
    structural = set(data["response_sets"]) | {"options", "measured", "cm"}
    assert set(strings) <= structural


@pytest.mark.parametrize("instrument_id", LICENSED)
def test_licensed_instruments_keep_their_copyright_line(instrument_id: str) -> None:
    instrument = definitions.get(instrument_id)
    assert "©" in instrument.attribution
    if instrument_id in ("core10", "core-om"):
        assert instrument.attribution == (
            "© CORE System Trust: https://www.coresystemtrust.org.uk/copyright.pdf"
        )


@pytest.mark.parametrize("instrument_id", PUBLIC_DOMAIN)
def test_public_domain_instruments_ship_full_wording_with_attribution(instrument_id: str) -> None:
    instrument = definitions.get(instrument_id)
    assert instrument.licence_status == "public-domain"
    assert instrument.instructions
    assert all(item.text for item in instrument.items)
    assert all(o.label for rs in instrument.response_sets.values() for o in rs.options)
    assert "Spitzer" in instrument.attribution and "Pfizer" in instrument.attribution
    assert "No permission required" in instrument.attribution


def test_phq9_has_the_unscored_difficulty_item_last() -> None:
    phq9 = definitions.get("phq9")
    assert [item.number for item in phq9.items] == list(range(1, 11))
    assert [item.scored for item in phq9.items] == [True] * 9 + [False]
    assert phq9.items[9].text is not None and "how difficult" in phq9.items[9].text
    assert [o.label for o in phq9.items[0].response_set.options] == [
        "Not at all", "Several days", "More than half the days", "Nearly every day",
    ]  # fmt: skip


def test_gad7_zero_option_is_not_at_all_not_not_at_all_sure() -> None:
    options = definitions.get("gad7").items[0].response_set.options
    assert options[0].label == "Not at all"


@pytest.mark.parametrize(
    ("instrument_id", "items", "reverse", "risk"),
    [
        ("phq9", 10, [], [9]),
        ("gad7", 7, [], []),
        ("phq15", 15, [], []),
        ("core10", 10, [2, 3], [6]),
        ("core-om", 34, [3, 4, 7, 12, 19, 21, 31, 32], [6, 9, 16, 22, 24, 34]),
        ("wsas", 5, [], []),
        ("wemwbs", 14, [], []),
        ("ors", 4, [], []),
        ("srs", 4, [], []),
        ("session-check-in", 4, [], []),
    ],
)
def test_structure_of_each_instrument(
    instrument_id: str, items: int, reverse: list[int], risk: list[int]
) -> None:
    instrument = definitions.get(instrument_id)
    assert len(instrument.items) == items
    assert [i.number for i in instrument.items if i.reverse] == reverse
    assert [r.item for r in instrument.risk_items] == risk
    assert all(r.trigger_above == 0 for r in instrument.risk_items)


def test_cutoffs_and_reliable_change_follow_the_reference() -> None:
    expected = {
        "phq9": (10, "at-or-above", 6),
        "gad7": (8, "at-or-above", 4),
        "core10": (11, "at-or-above", 6),
        "core-om": (10, "at-or-above", 5),
        "ors": (25, "at-or-below", 5),
        "wemwbs": (40, "at-or-below", 3),
    }
    for instrument_id, (cutoff, clinical_range, threshold) in expected.items():
        instrument = definitions.get(instrument_id)
        assert instrument.cutoff is not None and instrument.reliable_change is not None
        assert instrument.cutoff.value == cutoff
        assert instrument.cutoff.clinical_range == clinical_range
        assert instrument.reliable_change.threshold == threshold
        assert instrument.reliable_change.source  # every threshold says where it comes from


def test_loinc_codes_are_only_those_in_the_reference() -> None:
    found: dict[str, set[str]] = {}
    for instrument in definitions.all_instruments():
        codes = {instrument.loinc.get("panel"), instrument.loinc.get("total")}
        codes |= set(instrument.loinc.get("items", {}).values())
        found[instrument.id] = {c for c in codes if c}
    assert set().union(*found.values()) <= KNOWN_LOINC
    assert found["phq9"] == {"44249-1", "44261-6", "44260-8"}
    assert found["gad7"] == {"69737-5", "70274-6"}
    assert found["phq15"] == {"69728-4"}
    assert definitions.get("phq9").loinc["items"] == {"9": "44260-8"}


def test_frames_own_check_in_is_labelled_unvalidated_with_no_cutoffs() -> None:
    check_in = definitions.get("session-check-in")
    assert check_in.licence_status == "frame-original"
    assert not check_in.validated
    assert check_in.cutoff is None and check_in.bands == () and check_in.reliable_change is None
    assert "not a validated measure" in check_in.attribution
    assert "not been validated" in check_in.licence_summary


def test_goal_based_outcome_rates_the_clients_own_goals_from_0_to_10() -> None:
    goals = definitions.get("goals")
    assert goals.is_goal_based and goals.items == ()
    assert goals.goal_response_set is not None
    assert [o.value for o in goals.goal_response_set.options] == list(range(11))
    assert (goals.goals_min, goals.goals_max) == (1, 5)


# --- Refusing bad definitions ---------------------------------------------------------------


def broken(instrument_id: str, change: Any) -> dict[str, Any]:
    data = copy.deepcopy(raw(instrument_id))
    change(data)
    return data


def _set(path: list[Any], value: Any) -> Any:
    def apply(data: dict[str, Any]) -> None:
        node: Any = data
        for key in path[:-1]:
            node = node[key]
        node[path[-1]] = value

    return apply


@pytest.mark.parametrize(
    ("instrument_id", "change", "message"),
    [
        ("phq9", lambda d: d.pop("version"), "'version' is a required property"),
        ("phq9", _set(["scoring", "method"], "median"), "scoring/method"),
        ("phq9", _set(["loinc", "total"], "not-a-code"), "loinc/total"),
        ("phq9", _set(["items", 2, "number"], 4), "item 3 is numbered 4"),
        ("phq9", _set(["items", 0, "response_set"], "nope"), "unknown response set 'nope'"),
        ("phq9", _set(["scoring", "range", "max"], 30), "does not match what the items give"),
        ("phq9", _set(["risk_items", 0, "item"], 10), "risk item 10 is not a scored item"),
        ("phq9", _set(["items", 0, "text"], None), "every item and option needs its wording"),
        ("phq9", _set(["bands", 1, "from"], 0), "bands must be listed lowest first"),
        ("phq9", _set(["bands", 0, "from"], 1), "must start at the bottom"),
        ("phq9", _set(["items", 9, "scored"], True), "does not match"),
        ("phq9", _set(["items", 4, "scored"], False), "comes after an unscored item"),
        (
            "core10",
            _set(["items", 0, "text"], "Some words"),
            "licensed wording must not be shipped",
        ),
        ("core10", _set(["instructions"], "Over the last week"), "instructions must be null"),
        ("core10", _set(["licence", "wording"], "shipped"), "needs its wording"),
        ("session-check-in", _set(["validated"], True), "unvalidated"),
        ("ors", _set(["items", 0, "reverse"], True), "not a choice of options"),
        ("phq9", _set(["surprise"], 1), "Additional properties are not allowed"),
    ],
)
def test_bad_definitions_are_refused_naming_the_problem(
    instrument_id: str, change: Any, message: str
) -> None:
    with pytest.raises(DefinitionError, match=r"^test\.json: ") as error:
        build(broken(instrument_id, change), origin="test.json")
    assert message in str(error.value)


def test_a_good_definition_builds_with_exact_decimals() -> None:
    instrument = build(raw("ors"), origin="ors.json")
    rs = instrument.items[0].response_set
    assert (rs.kind, rs.minimum, rs.maximum, rs.decimals) == ("measured", 0, 10, 1)
    assert instrument.range_max == Decimal(40)


def test_a_file_must_be_named_after_its_id(tmp_path: Path) -> None:
    path = tmp_path / "depression.json"
    path.write_text(json.dumps(raw("phq9")))
    with pytest.raises(DefinitionError, match=r"the file name must be the id \(phq9.json\)"):
        definitions.load_file(path)
    path.write_text("{not json")
    with pytest.raises(DefinitionError, match="not valid JSON"):
        definitions.load_file(path)
