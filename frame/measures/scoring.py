"""Turning answers into item values and item values into a score. Pure Python: no Django.

Answers are what the person chose, in item order: for a choice of options, the option's position
(0 = the first option on the form); for a line marked on paper (ORS, SRS), the measured value.
`None` is an unanswered item. The option's position becomes the item's value through the
definition, and positively worded items are turned round (value = lowest + highest - value), so
CORE-10 items 2 and 3 score 4 - position.

Rounding is decimal and always half up (4.5 → 5, 12.25 → 12.3), never the banker's rounding of
Python's `round`. Every result says which instrument version and which scoring version produced
it, so a stored total can always be traced back to the rules that made it.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal

from frame.measures.definitions import Instrument, Item, ResponseSet

# Raise this whenever a rule below changes: stored totals keep the version that produced them.
SCORING_VERSION = "1"

Answer = int | Decimal | None

# Plain decimal numbers only: no exponents, no NaN or infinity, ASCII digits only.
_NUMBER = re.compile(r"[+-]?[0-9]+(\.[0-9]+)?")


class AnswerError(ValueError):
    """Answers that cannot be scored at all (wrong count, out of range, not a number)."""


@dataclass(frozen=True)
class Score:
    instrument: str
    instrument_version: str
    scoring_version: str
    valid: bool
    total: Decimal | None  # None when not valid
    band: str | None  # None when not valid or the instrument has no bands
    prorated: bool
    answered: int  # scored items answered
    missing_items: tuple[int, ...]  # scored items left unanswered (goal positions for goals)
    risk_items: tuple[int, ...]  # item numbers whose value passed their trigger
    item_values: tuple[Decimal | None, ...]  # every item's value after reversal, in order
    problem: str | None  # why there is no total, in plain words

    def total_for_json(self) -> int | float | None:
        return as_json_number(self.total)


def as_json_number(value: Decimal | None) -> int | float | None:
    """A whole number stays an int; a decimal like 15.6 becomes the float that prints as 15.6."""
    if value is None:
        return None
    if value == value.to_integral_value() and value.as_tuple().exponent == 0:
        return int(value)
    return float(value)


def round_half_up(value: Decimal, places: int) -> Decimal:
    return value.quantize(Decimal(1).scaleb(-places), rounding=ROUND_HALF_UP)


def _label(instrument: Instrument) -> str:
    return instrument.short_title


def _count_rule(instrument: Instrument) -> tuple[int, ...]:
    """How many answers may be given: every item, or stop after the last scored item."""
    scored = len(instrument.scored_items)
    everything = len(instrument.items)
    return (scored,) if scored == everything else (scored, everything)


def check_count(instrument: Instrument, count: int) -> None:
    if instrument.is_goal_based:
        low, high = instrument.goals_min, instrument.goals_max
        if not low <= count <= high:
            raise AnswerError(
                f"{_label(instrument)} takes one rating per goal, {low} to {high} goals; "
                f"{count} {'was' if count == 1 else 'were'} given."
            )
        return
    allowed = _count_rule(instrument)
    if count not in allowed:
        if len(allowed) == 1:
            wanted = f"{allowed[0]} answers"
        else:
            extra = instrument.items[-1]
            wanted = (
                f"{allowed[0]} answers (or {allowed[1]} with item {extra.number}, which is "
                "not scored)"
            )
        raise AnswerError(f"{_label(instrument)} takes {wanted}; {count} were given.")


def _value(
    instrument: Instrument, position: int, rs: ResponseSet, reverse: bool, answer: Answer
) -> Decimal | None:
    if answer is None:
        return None
    name = f"{_label(instrument)} answer {position}"
    if rs.kind == "options":
        if isinstance(answer, bool) or not isinstance(answer, int | Decimal):
            raise AnswerError(f"{name} must be an option number, not {answer!r}.")
        if isinstance(answer, Decimal) and answer != answer.to_integral_value():
            raise AnswerError(f"{name} is {answer}; answers are option numbers (0 = first option).")
        index = int(answer)
        if not 0 <= index < len(rs.options):
            raise AnswerError(
                f"{name} is {index}, but that item's options are numbered 0 to "
                f"{len(rs.options) - 1}."
            )
        value = Decimal(rs.options[index].value)
        return rs.lowest + rs.highest - value if reverse else value
    if isinstance(answer, bool) or not isinstance(answer, int | Decimal):
        raise AnswerError(f"{name} must be a number, not {answer!r}.")
    value = Decimal(answer)
    if not rs.minimum <= value <= rs.maximum:
        raise AnswerError(f"{name} is {value}, outside {rs.minimum} to {rs.maximum}.")
    if value != round_half_up(value, rs.decimals):
        raise AnswerError(f"{name} is {value}; give it to at most {rs.decimals} decimal place(s).")
    return value


def item_values(instrument: Instrument, answers: Sequence[Answer]) -> tuple[Decimal | None, ...]:
    """Each answer's item value (reversed where the item says so). Raises AnswerError."""
    check_count(instrument, len(answers))
    if instrument.is_goal_based:
        rs = instrument.goal_response_set
        assert rs is not None  # noqa: S101  (guaranteed by the definition's checks)
        return tuple(_value(instrument, n, rs, False, a) for n, a in enumerate(answers, start=1))
    items: Sequence[Item] = instrument.items
    return tuple(
        _value(instrument, item.number, item.response_set, item.reverse, answer)
        for item, answer in zip(items, answers, strict=False)
    )


def score(instrument: Instrument, answers: Sequence[Answer]) -> Score:
    """Score one administration. Unanswerable input raises AnswerError; too much missing data
    gives a Score with `valid` false and the reason in `problem`."""
    values = item_values(instrument, answers)
    if instrument.is_goal_based:
        numbers = list(range(1, len(values) + 1))
        scored = list(values)
    else:
        numbers = [item.number for item in instrument.scored_items]
        scored = [values[n - 1] for n in numbers]
    answered = [v for v in scored if v is not None]
    missing = tuple(n for n, v in zip(numbers, scored, strict=True) if v is None)

    risk = tuple(
        r.item
        for r in instrument.risk_items
        if r.item <= len(values) and (v := values[r.item - 1]) is not None and v > r.trigger_above
    )

    problem = None
    if not answered:
        problem = "Nothing was answered."
    elif len(missing) > instrument.max_missing:
        allowed = (
            "needs every item answered"
            if instrument.max_missing == 0
            else f"allows at most {instrument.max_missing} missing"
        )
        problem = (
            f"{len(missing)} of {len(scored)} scored items are unanswered; "
            f"{_label(instrument)} {allowed}."
        )
    if problem is not None:
        return Score(
            instrument=instrument.id,
            instrument_version=instrument.version,
            scoring_version=SCORING_VERSION,
            valid=False,
            total=None,
            band=None,
            prorated=False,
            answered=len(answered),
            missing_items=missing,
            risk_items=risk,
            item_values=values,
            problem=problem,
        )

    total_answered = sum(answered, Decimal(0))
    count = Decimal(len(answered))
    if instrument.method == "sum":
        # A missing item counts as the mean of the answered ones: sum * items / answered.
        raw = total_answered * Decimal(len(scored)) / count if missing else total_answered
    elif instrument.method == "mean_x10":
        raw = total_answered * 10 / count
    else:
        raw = total_answered / count
    total = round_half_up(raw, instrument.decimals)
    return Score(
        instrument=instrument.id,
        instrument_version=instrument.version,
        scoring_version=SCORING_VERSION,
        valid=True,
        total=total,
        band=instrument.band_for(total) if instrument.bands else None,
        prorated=bool(missing),
        answered=len(answered),
        missing_items=missing,
        risk_items=risk,
        item_values=values,
        problem=None,
    )


def parse_answers(instrument: Instrument, text: str) -> list[Answer]:
    """`"1,2,,3"` → [1, 2, None, 3]. An empty field is an unanswered item. Raises AnswerError."""
    measured = not instrument.is_goal_based and any(
        item.response_set.kind == "measured" for item in instrument.items
    )
    answers: list[Answer] = []
    for position, field in enumerate((f.strip() for f in text.split(",")), start=1):
        if field == "":
            answers.append(None)
        elif not _NUMBER.fullmatch(field):
            raise AnswerError(
                f"{_label(instrument)} answer {position} is {field!r}, which is not a number."
            )
        elif measured:
            answers.append(Decimal(field))
        elif "." in field:
            raise AnswerError(
                f"{_label(instrument)} answer {position} is {field}; answers are option "
                "numbers (0 = the first option)."
            )
        else:
            answers.append(int(field))
    check_count(instrument, len(answers))
    return answers
