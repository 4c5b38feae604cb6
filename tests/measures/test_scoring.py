"""The exact scoring rules of issue 6, table by table: every band edge, the pro-rating limits,
reversed items, missing data and risk items."""

from __future__ import annotations

from decimal import Decimal

import pytest

from frame.measures import definitions
from frame.measures.scoring import (
    SCORING_VERSION,
    Answer,
    AnswerError,
    parse_answers,
    round_half_up,
    score,
)

PHQ9 = definitions.get("phq9")
GAD7 = definitions.get("gad7")
PHQ15 = definitions.get("phq15")
CORE10 = definitions.get("core10")
CORE_OM = definitions.get("core-om")


def spread(total: int, items: int, top: int) -> list[Answer]:
    """Answers (option positions) that add up to `total`, filling items from the first."""
    answers: list[Answer] = []
    for _ in range(items):
        value = min(top, total)
        answers.append(value)
        total -= value
    assert total == 0
    return answers


def core10(values: list[int | None]) -> list[Answer]:
    """CORE-10 answers giving these item values: items 2 and 3 are answered 4 - value."""
    return [None if v is None else (4 - v if n in (2, 3) else v) for n, v in enumerate(values, 1)]


# --- PHQ-9 ------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("total", "band"),
    [(0, "minimal"), (4, "minimal"), (5, "mild"), (9, "mild"), (10, "moderate"),
     (14, "moderate"), (15, "moderately severe"), (19, "moderately severe"), (20, "severe"),
     (27, "severe")],
)  # fmt: skip
def test_phq9_bands_at_every_edge(total: int, band: str) -> None:
    result = score(PHQ9, spread(total, 9, 3))
    assert (result.valid, result.total, result.band, result.prorated) == (True, total, band, False)


def test_phq9_option_position_is_the_item_value_and_item_10_never_counts() -> None:
    nine = [0, 1, 2, 3, 0, 1, 2, 3, 0]
    assert score(PHQ9, nine).total == 12
    for difficulty in (0, 3, None):
        result = score(PHQ9, [*nine, difficulty])
        assert result.total == 12 and not result.prorated
        assert result.item_values[9] == (None if difficulty is None else difficulty)


@pytest.mark.parametrize(
    ("answers", "total"),
    [
        # one missing: sum * 9 / 8
        ([1, 1, None, 1, 1, 1, 1, 1, 1], 9),
        ([3, 3, 3, 3, 3, 3, 3, 3, None], 27),
        # halves go up (4.5 → 5, 22.5 → 23), never to the even neighbour
        ([1, 1, 1, 1, 0, 0, 0, 0, None], 5),
        ([3, 3, 3, 3, 3, 3, 2, 0, None], 23),
        ([2, 2, 2, 2, 2, 2, 0, None, 0], 14),  # 13.5 → 14
        # two missing: sum * 9 / 7
        ([None, None, 1, 1, 1, 1, 1, 1, 1], 9),
        ([2, 2, 2, 2, 2, None, None, 0, 0], 13),  # 12.857… → 13
        ([1, 0, 0, 0, 0, None, None, 0, 0], 1),  # 1.285… → 1
    ],
)
def test_phq9_pro_rates_up_to_two_missing_items(answers: list[Answer], total: int) -> None:
    result = score(PHQ9, answers)
    assert (result.valid, result.total, result.prorated) == (True, total, True)
    assert result.band == PHQ9.band_for(Decimal(total))


def test_phq9_with_three_missing_items_has_no_total() -> None:
    result = score(PHQ9, [None, None, None, 3, 3, 3, 3, 3, 3])
    assert (result.valid, result.total, result.band, result.prorated) == (False, None, None, False)
    assert result.missing_items == (1, 2, 3)
    assert result.problem == "3 of 9 scored items are unanswered; PHQ-9 allows at most 2 missing."


def test_phq9_missing_difficulty_item_is_not_missing_data() -> None:
    result = score(PHQ9, [1, 1, 1, 1, 1, 1, 1, 1, 1, None])
    assert result.valid and not result.prorated and result.missing_items == ()


@pytest.mark.parametrize(("item9", "risk"), [(0, ()), (1, (9,)), (2, (9,)), (3, (9,)), (None, ())])
def test_phq9_item_9_above_zero_is_a_risk_item(item9: int | None, risk: tuple[int, ...]) -> None:
    assert score(PHQ9, [0, 0, 0, 0, 0, 0, 0, 0, item9]).risk_items == risk


def test_phq9_risk_item_is_reported_even_when_there_is_no_total() -> None:
    result = score(PHQ9, [None, None, None, 0, 0, 0, 0, 0, 1])
    assert not result.valid and result.risk_items == (9,)


# --- GAD-7 ------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("total", "band"),
    [(0, "minimal"), (4, "minimal"), (5, "mild"), (9, "mild"), (10, "moderate"),
     (14, "moderate"), (15, "severe"), (21, "severe")],
)  # fmt: skip
def test_gad7_bands_at_every_edge(total: int, band: str) -> None:
    result = score(GAD7, spread(total, 7, 3))
    assert (result.valid, result.total, result.band, result.prorated) == (True, total, band, False)


@pytest.mark.parametrize("missing", range(7))
def test_gad7_is_never_pro_rated(missing: int) -> None:
    answers: list[Answer] = [2] * 7
    answers[missing] = None
    result = score(GAD7, answers)
    assert (result.valid, result.total, result.band) == (False, None, None)
    assert result.problem == "1 of 7 scored items are unanswered; GAD-7 needs every item answered."


# --- PHQ-15 -----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("total", "band"),
    [(0, "minimal"), (4, "minimal"), (5, "low"), (9, "low"), (10, "medium"), (14, "medium"),
     (15, "high"), (30, "high")],
)  # fmt: skip
def test_phq15_bands_at_every_edge(total: int, band: str) -> None:
    result = score(PHQ15, spread(total, 15, 2))
    assert (result.valid, result.total, result.band) == (True, total, band)


def test_phq15_items_score_0_to_2_and_are_never_pro_rated() -> None:
    with pytest.raises(AnswerError, match="PHQ-15 answer 4 is 3, but that item's options are"):
        score(PHQ15, [0, 0, 0, 3] + [0] * 11)
    assert not score(PHQ15, [None] + [1] * 14).valid


# --- CORE-10 ----------------------------------------------------------------------------------


def test_core10_items_2_and_3_are_reversed_as_4_minus_the_position() -> None:
    for position in range(5):
        result = score(CORE10, [0, position, position, 0, 0, 0, 0, 0, 0, 0])
        assert result.item_values[1] == result.item_values[2] == 4 - position
        assert result.item_values[0] == 0
        assert result.total == Decimal(2 * (4 - position))
    # Everyone answering the first option everywhere scores 8 (items 2 and 3 at 4 each).
    assert score(CORE10, [0] * 10).total == Decimal("8.0")
    assert score(CORE10, [4] * 10).total == Decimal("32.0")


@pytest.mark.parametrize(
    ("total", "band"),
    [(0, "healthy"), (5, "healthy"), (6, "low"), (10, "low"), (11, "mild"), (14, "mild"),
     (15, "moderate"), (19, "moderate"), (20, "moderately severe"), (24, "moderately severe"),
     (25, "severe"), (40, "severe")],
)  # fmt: skip
def test_core10_bands_at_every_edge_when_complete(total: int, band: str) -> None:
    values: list[int | None] = [int(v) for v in spread(total, 10, 4) if v is not None]
    result = score(CORE10, core10(values))
    assert (result.valid, result.total, result.band, result.prorated) == (True, total, band, False)
    assert str(result.total) == f"{total}.0"  # always one decimal place


@pytest.mark.parametrize(
    ("total", "band"),
    [("5.9", "healthy"), ("6.0", "low"), ("10.9", "low"), ("11.0", "mild"), ("14.9", "mild"),
     ("15.0", "moderate"), ("19.9", "moderate"), ("20.0", "moderately severe"),
     ("24.9", "moderately severe"), ("25.0", "severe")],
)  # fmt: skip
def test_core10_bands_go_by_lower_bound_for_one_decimal_scores(total: str, band: str) -> None:
    assert CORE10.band_for(Decimal(total)) == band


@pytest.mark.parametrize(
    ("values", "total", "band"),
    [
        ([1, 1, 1, 1, 1, 1, 1, 1, 1, None], "10.0", "low"),
        ([2, 1, 1, 1, 1, 1, 1, 1, 1, None], "11.1", "mild"),  # 100 / 9 = 11.11…
        ([4, 4, 4, 4, 4, 4, 4, 4, None, 3], "38.9", "severe"),  # 350 / 9 = 38.88…
        ([None, 2, 2, 2, 2, 2, 2, 2, 2, 1], "18.9", "moderate"),  # 170 / 9 = 18.88…
    ],
)
def test_core10_allows_one_missing_item_as_the_mean_of_nine(
    values: list[int | None], total: str, band: str
) -> None:
    result = score(CORE10, core10(values))
    assert (result.valid, str(result.total), result.band, result.prorated) == (
        True, total, band, True,
    )  # fmt: skip


def test_core10_with_two_missing_items_has_no_score() -> None:
    result = score(CORE10, core10([None, None, 2, 2, 2, 2, 2, 2, 2, 2]))
    assert (result.valid, result.total, result.band) == (False, None, None)


@pytest.mark.parametrize(("item6", "risk"), [(0, ()), (1, (6,)), (4, (6,)), (None, ())])
def test_core10_item_6_above_zero_is_a_risk_item(item6: int | None, risk: tuple[int, ...]) -> None:
    answers = core10([0, 0, 0, 0, 0, item6, 0, 0, 0, 0])
    assert score(CORE10, answers).risk_items == risk


# --- CORE-OM, WSAS, WEMWBS, ORS, SRS, goals, check-in ----------------------------------------


def test_core_om_reverses_its_eight_positive_items_and_rounds_halves_up() -> None:
    reversed_items = {3, 4, 7, 12, 19, 21, 31, 32}
    all_first = score(CORE_OM, [0] * 34)
    assert all_first.total == Decimal("9.4")  # 8 items at 4 = 32; 320 / 34 = 9.41…
    # 32 answered, item values adding to 4: 40 / 32 = 1.25 → 1.3 (banker's rounding gives 1.2)
    answers: list[Answer] = [4 if n in reversed_items else 0 for n in range(1, 35)]
    answers[0], answers[1], answers[4], answers[7] = 1, 1, 1, 1
    answers[32], answers[33] = None, None
    result = score(CORE_OM, answers)
    assert (result.valid, result.total, result.prorated) == (True, Decimal("1.3"), True)
    assert result.risk_items == ()


def test_core_om_allows_three_missing_not_four_and_flags_every_risk_item() -> None:
    answers: list[Answer] = [1] * 34
    answers[0:3] = [None, None, None]
    assert score(CORE_OM, answers).valid
    answers[3] = None
    assert not score(CORE_OM, answers).valid
    assert score(CORE_OM, answers).risk_items == (6, 9, 16, 22, 24, 34)


def test_wsas_pro_rates_one_missing_item_halves_up() -> None:
    assert score(definitions.get("wsas"), [8, 8, 8, 7, None]).total == 39  # 38.75
    assert score(definitions.get("wsas"), [None, 1, 1, 0, 0]).total == 3  # 2.5 → 3
    assert not score(definitions.get("wsas"), [None, None, 1, 0, 0]).valid


@pytest.mark.parametrize(
    ("total", "band"),
    [(14, "probable depression"), (40, "probable depression"), (41, "possible depression"),
     (44, "possible depression"), (45, "above the depression screening range")],
)  # fmt: skip
def test_wemwbs_scores_1_to_5_per_item(total: int, band: str) -> None:
    answers = spread(total - 14, 14, 4)  # position 0 is worth 1
    result = score(definitions.get("wemwbs"), answers)
    assert (result.total, result.band) == (total, band)


def test_ors_takes_measured_marks_to_one_decimal_place() -> None:
    ors = definitions.get("ors")
    result = score(ors, parse_answers(ors, "7.3,8,5.5,6.0"))
    assert (result.valid, str(result.total), result.band) == (True, "26.8", None)
    with pytest.raises(AnswerError, match=r"ORS answer 2 is 10\.5, outside 0 to 10"):
        score(ors, parse_answers(ors, "7,10.5,1,1"))
    with pytest.raises(AnswerError, match="at most 1 decimal place"):
        score(ors, parse_answers(ors, "7.35,1,1,1"))


def test_goals_score_is_the_mean_of_the_clients_goal_ratings() -> None:
    goals = definitions.get("goals")
    assert score(goals, [3, 5, 8]).total == Decimal("5.3")
    assert score(goals, [7]).total == Decimal("7.0")
    assert score(goals, [5, 6]).total == Decimal("5.5")
    with pytest.raises(AnswerError, match="one rating per goal, 1 to 5 goals; 6 were given"):
        score(goals, [1, 2, 3, 4, 5, 6])
    with pytest.raises(AnswerError, match="numbered 0 to 10"):
        score(goals, [11])


def test_check_in_is_a_plain_sum_with_no_band() -> None:
    result = score(definitions.get("session-check-in"), [4, 3, 4, 2])
    assert (result.total, result.band, result.valid) == (13, None, True)


# --- Answers that cannot be scored ------------------------------------------------------------


@pytest.mark.parametrize(
    ("instrument_id", "text", "message"),
    [
        ("phq9", "1,2,3", "PHQ-9 takes 9 answers (or 10 with item 10, which is not scored); 3"),
        ("phq9", "1,1,1,1,1,1,1,1,1,1,1", "; 11 were given"),
        ("gad7", "1,1,1,1,1,1,1,1", "GAD-7 takes 7 answers; 8 were given"),
        ("phq9", "1,2,4,0,0,0,0,0,0", "PHQ-9 answer 3 is 4, but that item's options are numbered"),
        ("phq9", "1,2,-1,0,0,0,0,0,0", "PHQ-9 answer 3 is -1"),
        ("phq9", "1,two,1,0,0,0,0,0,0", "PHQ-9 answer 2 is 'two', which is not a number"),
        ("phq9", "1,1.5,1,0,0,0,0,0,0", "answers are option numbers"),
        ("phq9", "1,1e0,1,0,0,0,0,0,0", "not a number"),
        ("phq9", "1,NaN,1,0,0,0,0,0,0", "not a number"),
        ("phq9", "1,²,1,0,0,0,0,0,0", "not a number"),
        ("phq9", "", "PHQ-9 takes 9 answers"),
        ("core10", "5,0,0,0,0,0,0,0,0,0", "CORE-10 answer 1 is 5"),
    ],
)
def test_malformed_answers_are_refused_naming_the_problem(
    instrument_id: str, text: str, message: str
) -> None:
    instrument = definitions.get(instrument_id)
    with pytest.raises(AnswerError) as error:
        score(instrument, parse_answers(instrument, text))
    assert message in str(error.value)


def test_parse_answers_reads_empty_fields_as_unanswered() -> None:
    assert parse_answers(PHQ9, "1,2,,3,0,0,1,2,0") == [1, 2, None, 3, 0, 0, 1, 2, 0]
    assert parse_answers(PHQ9, " 1, 2,,3 ,0,0,1,2,0,") == [1, 2, None, 3, 0, 0, 1, 2, 0, None]
    assert parse_answers(PHQ9, ",,,,,,,,") == [None] * 9
    assert not score(PHQ9, [None] * 9).valid
    assert score(PHQ9, [None] * 9).problem == "Nothing was answered."


def test_booleans_are_not_answers() -> None:
    with pytest.raises(AnswerError):
        score(PHQ9, [True, 0, 0, 0, 0, 0, 0, 0, 0])


def test_results_carry_the_instrument_and_scoring_versions() -> None:
    result = score(PHQ9, [0] * 9)
    assert (result.instrument, result.instrument_version) == ("phq9", PHQ9.version)
    assert result.scoring_version == SCORING_VERSION


@pytest.mark.parametrize(
    ("value", "places", "expected"),
    [("0.5", 0, "1"), ("1.5", 0, "2"), ("2.5", 0, "3"), ("4.49", 0, "4"), ("1.25", 1, "1.3"),
     ("1.35", 1, "1.4"), ("11.111", 1, "11.1"), ("-0.5", 0, "-1")],
)  # fmt: skip
def test_round_half_up_never_rounds_to_even(value: str, places: int, expected: str) -> None:
    assert round_half_up(Decimal(value), places) == Decimal(expected)
