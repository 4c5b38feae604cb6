"""Placeholders: a small, safe syntax; unknown names refused by name; every shipped clause fills."""

from __future__ import annotations

import re

import pytest

from frame.contracts import placeholders
from frame.contracts.default_template import DEFAULT_CLAUSES, REQUIRED_TOPICS
from frame.contracts.placeholders import Block, Parties, PlaceholderError, blocks, check, fill
from frame.contracts.terms import DEFAULT_TERMS, ContactChannel, Frequency, Terms

PARTIES = Parties(
    client_name="Morgan Feltham", practitioner_name="Robin Ashdown", practice_name="Willowbank"
)


def test_placeholders_are_filled_from_the_terms_and_parties() -> None:
    text = (
        "Each session costs {fee} and lasts {session_minutes} minutes, {frequency}. {client_name}"
    )
    assert fill(text, Terms(fee_pence=6250), PARTIES) == (
        "Each session costs £62.50 and lasts 50 minutes, once a week. Morgan Feltham"
    )


@pytest.mark.parametrize(
    ("text", "named"),
    [
        ("Fee: {feee}", "{feee}"),
        ("{fee} and {session_lenght}", "{session_lenght}"),
        ("{client.practice.name}", "{client.practice.name}"),
        ("{{ fee }} is fine but {Fee} is not", "{Fee}"),
    ],
)
def test_an_unknown_placeholder_is_refused_with_its_name(text: str, named: str) -> None:
    with pytest.raises(PlaceholderError) as raised:
        check(text)
    assert named in str(raised.value)
    assert "{fee}" not in str(raised.value).replace("{feee}", "")


def test_several_unknown_placeholders_are_all_named_once() -> None:
    with pytest.raises(PlaceholderError) as raised:
        check("{a} {b} {a}")
    assert str(raised.value) == "Frame does not know the placeholders {a}, {b}."


@pytest.mark.parametrize("text", ["Costs {fee", "Costs fee}", "A { lone brace"])
def test_a_stray_brace_is_refused_in_plain_words(text: str) -> None:
    with pytest.raises(PlaceholderError, match="lone"):
        check(text)


def test_doubled_braces_are_literal_and_template_syntax_is_never_run() -> None:
    text = "{{fee}} costs {fee}. {{{{ 7*7 }}}}"
    assert fill(text, DEFAULT_TERMS, PARTIES) == "{fee} costs £60. {{ 7*7 }}"
    with pytest.raises(PlaceholderError, match=re.escape("{% load static %}")):
        check("{% load static %}")


def test_values_read_naturally() -> None:
    terms = Terms(
        fee_pence=4500,
        frequency=Frequency.FORTNIGHTLY,
        late_cancellation_charge_percent=50,
        did_not_attend_charge_percent=0,
        planned_sessions=1,
        response_time_working_days=1,
        contact_channels=(ContactChannel.EMAIL, ContactChannel.TEXT, ContactChannel.PORTAL),
    )
    text = (
        "{fee}|{frequency}|{late_cancellation_charge}|{did_not_attend_charge}|"
        "{session_plan}|{response_time}|{contact_channels}"
    )
    assert fill(text, terms, PARTIES).split("|") == [
        "£45",
        "once a fortnight",
        "half the fee",
        "nothing",
        "1 session",
        "1 working day",
        "email, text message or the secure messages in your Frame portal",
    ]


def test_every_shipped_clause_fills_with_the_default_terms() -> None:
    for clause in DEFAULT_CLAUSES:
        for part in (clause.title, clause.text):
            filled = fill(part, DEFAULT_TERMS, PARTIES)
            assert "{" not in filled and "}" not in filled, clause.key


def test_the_default_template_covers_every_required_topic() -> None:
    keys = [clause.key for clause in DEFAULT_CLAUSES]
    assert len(keys) == len(set(keys)), "clause keys must be unique"
    missing = set(REQUIRED_TOPICS) - set(keys)
    assert not missing


def test_the_default_template_says_what_matters_in_its_clauses() -> None:
    """Spot checks that the covering clause really speaks to its topic."""
    text = {c.key: fill(c.text, DEFAULT_TERMS, PARTIES) for c in DEFAULT_CLAUSES}
    assert "serious risk of harm" in text["confidentiality"]
    assert "talk with you first" in text["confidentiality"]
    assert "not a crisis service" in text["contact-between-sessions"]
    assert "116 123" in text["contact-between-sessions"]
    assert "unable to work" in text["endings"]
    assert "48 hours" in text["cancellations"] and "If I have to cancel" in text["cancellations"]
    assert "7 years" in text["records"]
    assert "friends" in text["social-media"]


def test_clause_text_becomes_paragraphs_and_lists() -> None:
    text = "First paragraph\ncontinues.\n\nIntro:\n\n- one\n- two\nAfter the list."
    assert blocks(text) == [
        Block(text="First paragraph continues."),
        Block(text="Intro:"),
        Block(items=("one", "two")),
        Block(text="After the list."),
    ]


def test_every_placeholder_has_a_description() -> None:
    assert all(p.description for p in placeholders.describe())
