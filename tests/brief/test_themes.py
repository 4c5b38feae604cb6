"""Recurring themes: which words and phrases count as coming back, and how they are marked."""

from __future__ import annotations

import datetime as dt

import pytest

from frame.brief import themes

WHEN = dt.datetime(2026, 3, 2, 10, tzinfo=dt.UTC)


def _analyse(*texts: str) -> themes.Themes:
    return themes.analyse([(WHEN - dt.timedelta(weeks=n), n, text) for n, text in enumerate(texts)])


def _terms(found: themes.Themes) -> dict[str, int]:
    return {term.term: term.notes for term in found.recurring}


@pytest.mark.parametrize(
    ("texts", "expected"),
    [
        (("Grief", "grief and anger"), {"grief": 2}),
        (("Grief", "Anger"), {}),
        (("Her mother's illness", "mother"), {"mother": 2}),  # possessive folded
        (("Her mother\u2019s illness", "Mother's illness"), {"mother": 2, "illness": 2}),
        (("work stress; sleep", "Work stress, sleep", "work"), {"work stress": 2, "sleep": 2}),
        (("the session was about that", "that session was about the"), {}),  # stopwords only
        (("grief grief grief", ""), {}),  # repetition within one note is not recurrence
    ],
)
def test_what_recurs(texts: tuple[str, ...], expected: dict[str, int]) -> None:
    assert _terms(_analyse(*texts)) == expected


def test_a_phrase_counted_covers_its_words() -> None:
    found = _analyse("work stress", "work stress", "work")
    assert _terms(found) == {"work stress": 2}  # "work" (3 notes) is not listed twice
    # ...but the word is still marked wherever it appears.
    marked = [s.text for note in found.notes for s in note.segments if s.recurring]
    assert marked.count("work") == 3


def test_most_frequent_first_and_notes_without_themes_left_out() -> None:
    found = _analyse("loss; sleep", "", "loss", "sleep and loss")
    assert [t.term for t in found.recurring] == ["loss", "sleep"]
    assert found.read == 4
    assert len(found.notes) == 3


def test_the_text_is_kept_exactly_apart_from_marking() -> None:
    text = "Anger (at work) — and grief, again."
    found = _analyse(text, "grief")
    assert "".join(s.text for s in found.notes[0].segments) == text
    assert [s.text for s in found.notes[0].segments if s.recurring] == ["grief"]


def test_long_entries_are_shortened() -> None:
    found = _analyse("word " * 200)
    assert found.notes[0].shortened
    assert len("".join(s.text for s in found.notes[0].segments)) <= themes.MAX_CHARS + 1
