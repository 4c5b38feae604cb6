"""Instrument definitions: the JSON files in `instruments/`, checked and turned into plain objects.

Pure Python (no Django), so the scoring engine and its tests run anywhere. Each file is validated
against `instrument.schema.json` and then against the rules a schema cannot express: item numbers
run 1..n, every reference points at something that exists, the declared score range is what the
items can actually produce, and licensed instruments carry no wording at all.
"""

from __future__ import annotations

import json
import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from decimal import Decimal
from functools import cache
from pathlib import Path
from typing import Any, Literal

import jsonschema  # type: ignore[import-untyped]

HERE = Path(__file__).resolve().parent
INSTRUMENTS_DIR = HERE / "instruments"
SCHEMA_PATH = HERE / "instrument.schema.json"

Direction = Literal["higher-is-worse", "higher-is-better"]
ClinicalRange = Literal["at-or-above", "at-or-below"]


class DefinitionError(ValueError):
    """An instrument file that Frame refuses to load. The message names the file and the problem."""


class UnknownInstrument(LookupError):
    def __init__(self, name: str) -> None:
        known = ", ".join(i.short_title for i in all_instruments())
        super().__init__(f"There is no instrument called {name!r}. Frame knows: {known}.")
        self.name = name


@dataclass(frozen=True)
class Option:
    label: str | None  # None: the wording is imported by the practice
    value: int


@dataclass(frozen=True)
class ResponseSet:
    key: str
    kind: Literal["options", "measured"]
    options: tuple[Option, ...] = ()
    minimum: Decimal = Decimal(0)  # for "measured": the lowest and highest mark, and its precision
    maximum: Decimal = Decimal(0)
    decimals: int = 0
    unit: str = ""

    @property
    def lowest(self) -> Decimal:
        if self.kind == "options":
            return Decimal(min(o.value for o in self.options))
        return self.minimum

    @property
    def highest(self) -> Decimal:
        if self.kind == "options":
            return Decimal(max(o.value for o in self.options))
        return self.maximum


@dataclass(frozen=True)
class Item:
    number: int
    text: str | None
    response_set: ResponseSet
    scored: bool
    reverse: bool


@dataclass(frozen=True)
class Band:
    lower: Decimal
    label: str


@dataclass(frozen=True)
class Cutoff:
    value: Decimal
    clinical_range: ClinicalRange
    label: str
    source: str

    def is_clinical(self, total: Decimal) -> bool:
        if self.clinical_range == "at-or-above":
            return total >= self.value
        return total <= self.value


@dataclass(frozen=True)
class ReliableChange:
    threshold: Decimal
    convention: str
    source: str


@dataclass(frozen=True)
class RiskItem:
    item: int
    trigger_above: Decimal
    topic: str


@dataclass(frozen=True)
class Instrument:
    id: str
    version: str
    title: str
    short_title: str
    language: str
    licence_status: Literal["public-domain", "licensed", "frame-original"]
    wording: Literal["shipped", "imported-by-practice", "client-goals"]
    licence_summary: str
    attribution: str
    validated: bool
    instructions: str | None
    response_sets: Mapping[str, ResponseSet]
    items: tuple[Item, ...]
    method: Literal["sum", "mean_x10", "mean"]
    decimals: int
    range_min: Decimal
    range_max: Decimal
    direction: Direction
    max_missing: int
    missing_rule: str
    bands: tuple[Band, ...]
    cutoff: Cutoff | None
    reliable_change: ReliableChange | None
    risk_items: tuple[RiskItem, ...]
    loinc: Mapping[str, Any]
    sources: tuple[str, ...]
    notes: tuple[str, ...] = ()
    goals_min: int = 0
    goals_max: int = 0
    goal_response_set: ResponseSet | None = None
    raw: Mapping[str, Any] = field(default_factory=dict, repr=False, compare=False)

    @property
    def is_goal_based(self) -> bool:
        return self.wording == "client-goals"

    @property
    def scored_items(self) -> tuple[Item, ...]:
        return tuple(item for item in self.items if item.scored)

    @property
    def higher_is_better(self) -> bool:
        return self.direction == "higher-is-better"

    def band_for(self, total: Decimal) -> str | None:
        label = None
        for band in self.bands:
            if total >= band.lower:
                label = band.label
        return label


def _schema() -> dict[str, Any]:
    loaded: dict[str, Any] = json.loads(SCHEMA_PATH.read_text(encoding="utf-8"))
    return loaded


@cache
def _validator() -> Any:
    schema = _schema()
    jsonschema.Draft202012Validator.check_schema(schema)
    return jsonschema.Draft202012Validator(schema)


def _dec(value: Any) -> Decimal:
    # Through str, so 0.1 in the file is exactly one tenth, not the nearest binary float.
    return Decimal(str(value))


def _response_set(key: str, data: Mapping[str, Any]) -> ResponseSet:
    if data["kind"] == "options":
        options = tuple(Option(label=o["label"], value=o["value"]) for o in data["options"])
        values = [o.value for o in options]
        if len(set(values)) != len(values):
            raise DefinitionError(f"response set {key!r} gives two options the same value")
        return ResponseSet(key=key, kind="options", options=options)
    minimum, maximum = _dec(data["min"]), _dec(data["max"])
    if minimum >= maximum:
        raise DefinitionError(f"response set {key!r} has min {minimum} not below max {maximum}")
    return ResponseSet(
        key=key,
        kind="measured",
        minimum=minimum,
        maximum=maximum,
        decimals=data["decimals"],
        unit=data.get("unit", ""),
    )


def _expected_range(method: str, scored: list[tuple[ResponseSet, bool]]) -> tuple[Decimal, Decimal]:
    lows = [rs.lowest for rs, _ in scored]
    highs = [rs.highest for rs, _ in scored]
    if method == "sum":
        return sum(lows, Decimal(0)), sum(highs, Decimal(0))
    factor = Decimal(10) if method == "mean_x10" else Decimal(1)
    return min(lows) * factor, max(highs) * factor


def build(data: Mapping[str, Any], *, origin: str = "definition") -> Instrument:
    """Validate one definition (already parsed JSON) and return it as an Instrument."""
    errors = sorted(_validator().iter_errors(data), key=lambda e: list(e.absolute_path))
    if errors:
        first = errors[0]
        where = "/".join(str(p) for p in first.absolute_path) or "(top level)"
        raise DefinitionError(f"{origin}: {where}: {first.message}")

    def fail(problem: str) -> DefinitionError:
        return DefinitionError(f"{origin}: {problem}")

    sets = {key: _response_set(key, value) for key, value in data["response_sets"].items()}
    items: list[Item] = []
    for position, raw in enumerate(data["items"], start=1):
        if raw["number"] != position:
            raise fail(
                f"items must be numbered 1, 2, 3…; item {position} is numbered {raw['number']}"
            )
        if raw["response_set"] not in sets:
            raise fail(f"item {position} uses unknown response set {raw['response_set']!r}")
        response_set = sets[raw["response_set"]]
        if raw["reverse"] and response_set.kind != "options":
            raise fail(f"item {position} is reverse-scored but is not a choice of options")
        items.append(
            Item(
                number=raw["number"],
                text=raw["text"],
                response_set=response_set,
                scored=raw["scored"],
                reverse=raw["reverse"],
            )
        )
    # Answers are given in item order and may stop after the last scored item, so unscored
    # items (PHQ-9's difficulty question) may only come at the end.
    seen_unscored = False
    for item in items:
        if not item.scored:
            seen_unscored = True
        elif seen_unscored:
            raise fail(f"scored item {item.number} comes after an unscored item")

    licence = data["licence"]
    wording = licence["wording"]
    goals = data.get("goals")
    goal_set: ResponseSet | None = None
    if wording == "client-goals":
        if items or goals is None:
            raise fail("a goal-based measure has no fixed items, only a 'goals' rule")
        if goals["response_set"] not in sets:
            raise fail(f"goals use unknown response set {goals['response_set']!r}")
        if goals["min"] > goals["max"]:
            raise fail("goals: min is above max")
        goal_set = sets[goals["response_set"]]
        scored_sets = [(goal_set, False)]
    else:
        if goals is not None:
            raise fail("only goal-based measures have a 'goals' rule")
        if not any(item.scored for item in items):
            raise fail("there are no scored items")
        scored_sets = [(item.response_set, item.reverse) for item in items if item.scored]

    labels = [o.label for rs in sets.values() for o in rs.options]
    texts = [item.text for item in items]
    if wording == "imported-by-practice":
        if any(t is not None for t in texts) or any(label is not None for label in labels):
            raise fail("licensed wording must not be shipped: item texts and labels must be null")
        if data["instructions"] is not None:
            raise fail("licensed wording must not be shipped: instructions must be null")
    elif any(t is None for t in texts) or any(label is None for label in labels):
        raise fail("every item and option needs its wording when the wording is shipped")
    if licence["status"] == "licensed" and wording != "imported-by-practice":
        raise fail("a licensed instrument's wording must be imported by the practice")
    if licence["status"] == "frame-original" and (
        data["validated"] or data["cutoff"] is not None or data["bands"]
    ):
        raise fail("Frame's own measures are unvalidated and have no bands or cut-offs")

    scoring = data["scoring"]
    range_min, range_max = _dec(scoring["range"]["min"]), _dec(scoring["range"]["max"])
    expected = _expected_range(scoring["method"], scored_sets)
    if (range_min, range_max) != expected:
        raise fail(
            f"scoring range {range_min} to {range_max} does not match what the items give "
            f"({expected[0]} to {expected[1]})"
        )
    if scoring["max_missing"] >= max(len(scored_sets), 1) and wording != "client-goals":
        raise fail("max_missing must leave at least one answered item")

    bands = tuple(Band(lower=_dec(b["from"]), label=b["label"]) for b in data["bands"])
    if bands:
        lowers = [b.lower for b in bands]
        if lowers != sorted(set(lowers)):
            raise fail("bands must be listed lowest first, each starting higher than the last")
        if lowers[0] != range_min or lowers[-1] > range_max:
            raise fail("the first band must start at the bottom of the score range")
        if "band_source" not in data:
            raise fail("bands need a band_source")

    numbers = {item.number for item in items if item.scored}
    for risk in data["risk_items"]:
        if risk["item"] not in numbers:
            raise fail(f"risk item {risk['item']} is not a scored item")

    cutoff = data["cutoff"]
    reliable = data["reliable_change"]
    return Instrument(
        id=data["id"],
        version=data["version"],
        title=data["title"],
        short_title=data["short_title"],
        language=data["language"],
        licence_status=licence["status"],
        wording=wording,
        licence_summary=licence["summary"],
        attribution=licence["attribution"],
        validated=data["validated"],
        instructions=data["instructions"],
        response_sets=sets,
        items=tuple(items),
        method=scoring["method"],
        decimals=scoring["decimals"],
        range_min=range_min,
        range_max=range_max,
        direction=scoring["direction"],
        max_missing=scoring["max_missing"],
        missing_rule=scoring["missing_rule"],
        bands=bands,
        cutoff=None
        if cutoff is None
        else Cutoff(
            value=_dec(cutoff["value"]),
            clinical_range=cutoff["clinical_range"],
            label=cutoff["label"],
            source=cutoff["source"],
        ),
        reliable_change=None
        if reliable is None
        else ReliableChange(
            threshold=_dec(reliable["threshold"]),
            convention=reliable["convention"],
            source=reliable["source"],
        ),
        risk_items=tuple(
            RiskItem(item=r["item"], trigger_above=_dec(r["trigger_above"]), topic=r["topic"])
            for r in data["risk_items"]
        ),
        loinc=data["loinc"],
        sources=tuple(data["sources"]),
        notes=tuple(data.get("notes", ())),
        goals_min=goals["min"] if goals else 0,
        goals_max=goals["max"] if goals else 0,
        goal_response_set=goal_set,
        raw=data,
    )


def load_file(path: Path) -> Instrument:
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except json.JSONDecodeError as error:
        raise DefinitionError(f"{path.name}: not valid JSON ({error})") from None
    instrument = build(data, origin=path.name)
    if path.stem != instrument.id:
        raise DefinitionError(f"{path.name}: the file name must be the id ({instrument.id}.json)")
    return instrument


@cache
def _library() -> dict[str, Instrument]:
    return {
        instrument.id: instrument
        for instrument in (load_file(p) for p in sorted(INSTRUMENTS_DIR.glob("*.json")))
    }


def all_instruments() -> list[Instrument]:
    return list(_library().values())


def _normalise(name: str) -> str:
    # "PHQ-9", "phq9" and "Phq 9" all name the same instrument.
    return re.sub(r"[^a-z0-9]", "", name.lower())


def get(name: str) -> Instrument:
    """The instrument called `name` (its id or short title, any case, with or without dashes)."""
    wanted = _normalise(name)
    for instrument in _library().values():
        if wanted and wanted in {_normalise(instrument.id), _normalise(instrument.short_title)}:
            return instrument
    raise UnknownInstrument(name)
