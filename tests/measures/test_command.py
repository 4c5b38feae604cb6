"""`frame measures score|change|episode`: one JSON object on stdout and exit 0, or exit 2 with a
plain message on stderr."""

from __future__ import annotations

import io
import json
import os
import subprocess
import sys
from typing import Any

import pytest
from django.core.management import call_command

SCORE_KEYS = ["instrument", "valid", "total", "band", "prorated", "risk_items"]
CHANGE_KEYS = ["before", "after", "change", "reliable", "clinically_significant"]
EPISODE_KEYS = [
    "assessable", "case_at_start", "recovery", "reliable_improvement", "reliable_deterioration",
    "reliable_recovery",
]  # fmt: skip


def measures(*args: str) -> dict[str, Any]:
    out, err = io.StringIO(), io.StringIO()
    call_command("measures", *args, stdout=out, stderr=err)
    assert err.getvalue() == ""
    lines = out.getvalue().splitlines()
    assert len(lines) == 1, "exactly one JSON object, on one line"
    result: dict[str, Any] = json.loads(lines[0])
    return result


def refused(*args: str) -> str:
    out, err = io.StringIO(), io.StringIO()
    with pytest.raises(SystemExit) as exit_:
        call_command("measures", *args, stdout=out, stderr=err)
    assert exit_.value.code == 2
    assert out.getvalue() == ""
    return err.getvalue()


@pytest.mark.parametrize(
    ("args", "expected"),
    [
        (("phq9", "1,2,,3,0,0,1,2,0"),
         {"instrument": "phq9", "valid": True, "total": 10, "band": "moderate", "prorated": True,
          "risk_items": []}),
        (("PHQ-9", "3,3,3,3,3,3,3,3,1,2"),
         {"instrument": "phq9", "valid": True, "total": 25, "band": "severe", "prorated": False,
          "risk_items": [9]}),
        (("phq9", "3,3,3,3,3,3,2,2,2"),
         {"instrument": "phq9", "valid": True, "total": 24, "band": "severe", "prorated": False,
          "risk_items": [9]}),
        (("phq9", "1,1,1,1,1,1,1,1,1"),
         {"instrument": "phq9", "valid": True, "total": 9, "band": "mild", "prorated": False,
          "risk_items": [9]}),
        (("phq9", ",,,1,1,1,1,1,0"),
         {"instrument": "phq9", "valid": False, "total": None, "band": None, "prorated": False,
          "risk_items": []}),
        (("phq9", "3,3,3,3,3,2,0,0,0"),
         {"instrument": "phq9", "valid": True, "total": 17, "band": "moderately severe",
          "prorated": False, "risk_items": []}),
        (("gad7", "2,2,2,2,0,0,0"),
         {"instrument": "gad7", "valid": True, "total": 8, "band": "mild", "prorated": False,
          "risk_items": []}),
        (("gad7", "2,2,2,2,0,0,"),
         {"instrument": "gad7", "valid": False, "total": None, "band": None, "prorated": False,
          "risk_items": []}),
        (("phq15", "2,2,2,2,2,2,2,1,0,0,0,0,0,0,0"),
         {"instrument": "phq15", "valid": True, "total": 15, "band": "high", "prorated": False,
          "risk_items": []}),
        (("core10", "1,3,3,1,1,0,1,1,1,2"),
         {"instrument": "core10", "valid": True, "total": 10.0, "band": "low", "prorated": False,
          "risk_items": []}),
        (("core10", "2,2,2,1,1,1,1,1,1,"),
         {"instrument": "core10", "valid": True, "total": 13.3, "band": "mild", "prorated": True,
          "risk_items": [6]}),
        (("core10", "2,3,3,1,1,1,1,1,,"),
         {"instrument": "core10", "valid": False, "total": None, "band": None, "prorated": False,
          "risk_items": [6]}),
    ],
)  # fmt: skip
def test_score_prints_exactly_the_specified_keys_and_types(
    args: tuple[str, ...], expected: dict[str, Any]
) -> None:
    result = measures("score", *args)
    assert list(result) == SCORE_KEYS
    assert result == expected
    assert type(result["total"]) is type(expected["total"])  # 10.0 stays a decimal for CORE-10


def test_core10_totals_print_with_their_decimal_place() -> None:
    out = io.StringIO()
    call_command("measures", "score", "core10", "1,3,3,1,1,0,1,1,1,2", stdout=out)
    assert '"total": 10.0' in out.getvalue()


@pytest.mark.parametrize(
    ("args", "expected"),
    [
        (("phq9", "--before", "3,3,3,3,2,2,1,1,0", "--after", "1,1,1,1,1,1,0,0,0"),
         {"before": 18, "after": 6, "change": -12, "reliable": "improvement",
          "clinically_significant": True}),
        (("phq9", "--before", "1,1,1,1,1,1,1,1,1", "--after", "2,2,2,2,1,1,1,1,1"),
         {"before": 9, "after": 13, "change": 4, "reliable": "none",
          "clinically_significant": False}),
        (("phq9", "--before", "0,0,0,0,0,0,0,0,0", "--after", "2,2,2,0,0,0,0,0,0"),
         {"before": 0, "after": 6, "change": 6, "reliable": "deterioration",
          "clinically_significant": False}),
        (("gad7", "--before", "2,2,2,2,2,0,0", "--after", "1,1,1,1,2,0,0"),
         {"before": 10, "after": 6, "change": -4, "reliable": "improvement",
          "clinically_significant": True}),
        (("core10", "--before", "2,2,2,2,2,0,2,2,1,1", "--after", "1,3,3,1,1,0,1,1,1,2"),
         {"before": 16.0, "after": 10.0, "change": -6.0, "reliable": "improvement",
          "clinically_significant": True}),
        (("core10", "--before", "2,2,2,2,2,0,2,2,1,1", "--after", "1,3,3,1,1,0,1,1,1,2",
          "--threshold", "7"),
         {"before": 16.0, "after": 10.0, "change": -6.0, "reliable": "none",
          "clinically_significant": False}),
        (("phq9", "--before", ",,,1,1,1,1,1,1", "--after", "0,0,0,0,0,0,0,0,0"),
         {"before": None, "after": 0, "change": None, "reliable": None,
          "clinically_significant": None}),
    ],
)  # fmt: skip
def test_change_prints_exactly_the_specified_keys(
    args: tuple[str, ...], expected: dict[str, Any]
) -> None:
    result = measures("change", *args)
    assert list(result) == CHANGE_KEYS
    assert result == expected


@pytest.mark.parametrize(
    ("args", "expected"),
    [
        (("--phq9", "14,8", "--gad7", "9,5", "--sessions", "6"),
         [True, True, True, True, False, True]),
        (("--phq9", "8,2", "--gad7", "6,1", "--sessions", "2"),
         [True, False, None, True, False, None]),
        (("--phq9", "20,10", "--gad7", "5,10", "--sessions", "4"),
         [True, True, False, False, True, False]),
        (("--phq9", "14,8", "--gad7", "9,5", "--sessions", "1"),
         [False, None, None, None, None, None]),
    ],
)  # fmt: skip
def test_episode_prints_exactly_the_specified_keys(
    args: tuple[str, ...], expected: list[bool | None]
) -> None:
    result = measures("episode", *args)
    assert list(result) == EPISODE_KEYS
    assert list(result.values()) == expected


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (("score", "phq9", "1,2,4,0,0,0,0,0,0"), "PHQ-9 answer 3 is 4"),
        (("score", "phq9", "1,2,3"), "PHQ-9 takes 9 answers"),
        (("score", "gad7", "1,1,1,1,1,1,1,1"), "GAD-7 takes 7 answers; 8 were given"),
        (("score", "phq-10", "1"), "There is no instrument called 'phq-10'"),
        (("score", "phq9", "1,a,0,0,0,0,0,0,0"), "'a', which is not a number"),
        (("change", "phq9", "--before", "1,1", "--after", "0,0,0,0,0,0,0,0,0"), "takes 9"),
        (("change", "phq9", "--before", "0,0,0,0,0,0,0,0,0", "--after", "0,0,0,0,0,0,0,0,9"),
         "answer 9 is 9"),
        (("change", "nope", "--before", "1", "--after", "1"), "no instrument called 'nope'"),
        (("change", "core10", "--before", "0,0,0,0,0,0,0,0,0,0", "--after",
          "0,0,0,0,0,0,0,0,0,0", "--threshold", "six"), "--threshold must be a number"),
        (("change", "core10", "--before", "0,0,0,0,0,0,0,0,0,0", "--after",
          "0,0,0,0,0,0,0,0,0,0", "--sd", "7.7"), "needs both the SD and the reliability"),
        (("episode", "--phq9", "14", "--gad7", "9,5", "--sessions", "2"), "takes two totals"),
        (("episode", "--phq9", "14,28", "--gad7", "9,5", "--sessions", "2"),
         "28 is outside the PHQ-9 range 0 to 27"),
        (("episode", "--phq9", "14,8", "--gad7", "22,5", "--sessions", "2"),
         "22 is outside the GAD-7 range 0 to 21"),
        (("episode", "--phq9", "14,x", "--gad7", "9,5", "--sessions", "2"), "'x' is not a whole"),
        (("episode", "--phq9", "14,8", "--gad7", "9,5", "--sessions", "two"),
         "--sessions must be a whole number"),
        (("episode", "--phq9", "14,8", "--gad7", "9,5", "--sessions", "2.5"),
         "--sessions must be a whole number"),
    ],
)  # fmt: skip
def test_malformed_input_exits_2_with_a_message_naming_the_problem(
    args: tuple[str, ...], message: str
) -> None:
    assert message in refused(*args)


def run_frame(*args: str) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "DJANGO_SETTINGS_MODULE": "frame.settings"}
    return subprocess.run(
        [sys.executable, "-m", "frame.cli", "measures", *args],
        capture_output=True,
        text=True,
        env=env,
        timeout=120,
    )


def test_the_real_command_line_prints_json_and_exits_0() -> None:
    done = run_frame("score", "phq9", "1,2,,3,0,0,1,2,0")
    assert done.returncode == 0, done.stderr
    assert json.loads(done.stdout) == {
        "instrument": "phq9", "valid": True, "total": 10, "band": "moderate", "prorated": True,
        "risk_items": [],
    }  # fmt: skip
    assert done.stdout.count("\n") == 1


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (("score", "phq9", "1,2,4,0,0,0,0,0,0"), "PHQ-9 answer 3 is 4"),
        (("score", "unknown", "1"), "There is no instrument called 'unknown'"),
        (("episode", "--phq9", "14,8", "--gad7", "9,5"), "--sessions"),
        (("score", "phq9"), "the following arguments are required: answers"),
    ],
)
def test_the_real_command_line_exits_2_on_malformed_input(
    args: tuple[str, ...], message: str
) -> None:
    done = run_frame(*args)
    assert done.returncode == 2
    assert done.stdout == ""
    assert message in done.stderr
    assert "Traceback" not in done.stderr
