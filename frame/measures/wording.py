"""Checking a practice's wording file for a licensed instrument. Pure Python: no Django.

Frame ships only the scoring of licensed instruments (CORE-10, CORE-OM, WSAS, WEMWBS, ORS, SRS).
A practice with its own licensed copy imports the wording as JSON:

    {
      "instrument": "core10",
      "version": "1.0",                       (optional; must match Frame's definition)
      "instructions": "…",                    (optional)
      "items": [{"number": 1, "text": "…"}, …],
      "response_sets": {"frequency": {"options": [{"label": "…", "value": 0}, …]}}
    }

The file may only add words. Anything that would change the instrument's structure (the number
or order of items, the options or their values, which items are reversed, how it is scored) is
refused, naming each problem, because scores must mean the same as the published instrument's.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from frame.measures.definitions import Instrument, UnknownInstrument, get

MAX_TEXT = 500
_TOP_LEVEL = {"instrument", "version", "instructions", "items", "response_sets", "scoring"}
_ITEM_KEYS = {"number", "text", "response_set", "scored", "reverse"}
_SCORING_NAMES = {"sum": "the sum", "mean_x10": "the mean times 10", "mean": "the mean"}


class ImportRefused(ValueError):
    """The file was not imported. `problems` lists every reason, in plain words."""

    def __init__(self, problems: list[str]) -> None:
        self.problems = problems
        super().__init__(" ".join(problems))


@dataclass(frozen=True)
class Wording:
    """Words for one instrument, checked against its definition."""

    instrument: Instrument
    instructions: str
    items: Mapping[int, str]  # item number → wording
    option_labels: Mapping[str, tuple[str, ...]]  # response set → labels in option order


def _text(value: Any, what: str, problems: list[str], *, required: bool = True) -> str:
    if value is None and not required:
        return ""
    if not isinstance(value, str) or not value.strip():
        problems.append(f"{what} has no wording.")
        return ""
    if len(value) > MAX_TEXT:
        problems.append(f"{what} is longer than {MAX_TEXT} characters.")
    if any(ord(ch) < 32 and ch not in "\n\t" for ch in value):
        problems.append(f"{what} contains control characters.")
    return value.strip()


def _check_scoring(instrument: Instrument, scoring: Any, problems: list[str]) -> None:
    name = instrument.short_title
    if not isinstance(scoring, dict):
        problems.append("'scoring' must be an object, if given at all.")
        return
    method = scoring.get("method", instrument.method)
    if method != instrument.method:
        problems.append(
            f"{name} is scored as {_SCORING_NAMES[instrument.method]}; this file says "
            f"{_SCORING_NAMES.get(method, repr(method))}."
        )
    for key, expected in (
        ("max_missing", instrument.max_missing),
        ("decimals", instrument.decimals),
        ("direction", instrument.direction),
    ):
        if key in scoring and scoring[key] != expected:
            problems.append(
                f"{name}'s scoring has {key} {expected!r}; this file says {scoring[key]!r}."
            )
    unknown = set(scoring) - {"method", "max_missing", "decimals", "direction"}
    if unknown:
        problems.append(f"Frame does not take these scoring fields: {', '.join(sorted(unknown))}.")


def _check_items(instrument: Instrument, items: Any, problems: list[str]) -> dict[int, str]:
    name = instrument.short_title
    if not isinstance(items, list) or not all(isinstance(i, dict) for i in items):
        problems.append("'items' must be a list of objects, each with a number and its text.")
        return {}
    if len(items) != len(instrument.items):
        problems.append(f"{name} has {len(instrument.items)} items; this file has {len(items)}.")
    numbers = [i.get("number") for i in items]
    if numbers != list(range(1, len(items) + 1)):
        problems.append(
            f"Items must be numbered 1 to {len(items)} in order; this file has "
            f"{', '.join(str(n) for n in numbers)}."
        )
        return {}
    wording: dict[int, str] = {}
    for raw, item in zip(items, instrument.items, strict=False):
        number = item.number
        unknown = set(raw) - _ITEM_KEYS
        if unknown:
            problems.append(
                f"Item {number} has fields Frame does not take: {', '.join(sorted(unknown))}."
            )
        if "reverse" in raw and raw["reverse"] != item.reverse:
            said = "is not" if item.reverse else "is"
            actual = "is scored in reverse" if item.reverse else "is not scored in reverse"
            problems.append(f"Item {number} of {name} {actual}; this file says it {said}.")
        if "scored" in raw and raw["scored"] != item.scored:
            problems.append(
                f"Item {number} of {name} cannot change whether it counts in the score."
            )
        if "response_set" in raw and raw["response_set"] != item.response_set.key:
            problems.append(
                f"Item {number} of {name} is answered on the {item.response_set.key!r} options; "
                f"this file says {raw['response_set']!r}."
            )
        wording[number] = _text(raw.get("text"), f"Item {number}", problems)
    return wording


def _check_sets(
    instrument: Instrument, sets: Any, problems: list[str]
) -> dict[str, tuple[str, ...]]:
    name = instrument.short_title
    if not isinstance(sets, dict):
        problems.append("'response_sets' must be an object, keyed by the names in the definition.")
        return {}
    labels: dict[str, tuple[str, ...]] = {}
    for key in sorted(set(sets) - set(instrument.response_sets)):
        problems.append(f"{name} has no response set called {key!r}.")
    for key, rs in instrument.response_sets.items():
        given = sets.get(key)
        if rs.kind == "measured":
            if given not in (None, {}):
                problems.append(
                    f"{name}'s {key!r} answers are marks on a line; they take no option wording."
                )
            continue
        if not isinstance(given, dict) or not isinstance(given.get("options"), list):
            problems.append(f"The {key!r} options need their wording (a list under 'options').")
            continue
        options = given["options"]
        if set(given) - {"options"}:
            problems.append(f"The {key!r} response set takes only 'options'.")
        if len(options) != len(rs.options):
            problems.append(
                f"{name}'s {key!r} options number {len(rs.options)}; "
                f"this file gives {len(options)}."
            )
            continue
        expected_values = [o.value for o in rs.options]
        values = [o.get("value") if isinstance(o, dict) else None for o in options]
        if any(v is not None for v in values) and values != expected_values:
            problems.append(
                f"{name}'s {key!r} options are valued {', '.join(map(str, expected_values))}; "
                f"this file gives {', '.join(map(str, values))}."
            )
        found = []
        for position, option in enumerate(options):
            if not isinstance(option, dict) or set(option) - {"label", "value"}:
                problems.append(f"Option {position} of {key!r} must have only a label and a value.")
                continue
            found.append(_text(option.get("label"), f"Option {position} of {key!r}", problems))
        labels[key] = tuple(found)
    return labels


def check(data: Any) -> Wording:
    """The wording in an import file, if it fits its licensed instrument; else ImportRefused."""
    if not isinstance(data, dict):
        raise ImportRefused(["The file must hold one JSON object."])
    name = data.get("instrument")
    if not isinstance(name, str):
        raise ImportRefused(["The file must say which instrument it is for ('instrument')."])
    try:
        instrument = get(name)
    except UnknownInstrument as error:
        raise ImportRefused([str(error)]) from None
    if instrument.wording != "imported-by-practice":
        raise ImportRefused(
            [
                f"{instrument.short_title} comes with its own wording in Frame; "
                "there is nothing to import."
            ]
        )
    problems: list[str] = []
    unknown = set(data) - _TOP_LEVEL
    if unknown:
        problems.append(f"Frame does not take these fields: {', '.join(sorted(unknown))}.")
    version = data.get("version", instrument.version)
    if version != instrument.version:
        problems.append(
            f"This file is for {instrument.short_title} version {version}; Frame's definition is "
            f"version {instrument.version}."
        )
    if "scoring" in data:
        _check_scoring(instrument, data["scoring"], problems)
    items = _check_items(instrument, data.get("items"), problems)
    labels = _check_sets(instrument, data.get("response_sets", {}), problems)
    instructions = _text(data.get("instructions"), "The instructions", problems, required=False)
    if problems:
        raise ImportRefused(problems)
    return Wording(
        instrument=instrument, instructions=instructions, items=items, option_labels=labels
    )
