"""Comparing versions clause by clause, with a readable word-level difference."""

from __future__ import annotations

from frame.contracts.compare import Change, Segment, changed_only, compare, word_diff
from frame.contracts.document import FilledClause as C


def test_a_changed_word_shows_as_that_word_removed_and_added() -> None:
    assert word_diff("Each session costs £60.", "Each session costs £65.") == (
        Segment("same", "Each session costs £"),
        Segment("removed", "60"),
        Segment("added", "65"),
        Segment("same", "."),
    )


def test_clauses_are_matched_by_key_and_classified() -> None:
    old = [C("fees", "Fees", "£60 a session."), C("gifts", "Gifts", "None."), C("end", "End", "x")]
    new = [
        C("fees", "Fees and payment", "£60 a session."),
        C("recording", "Recording", "No recording."),
        C("end", "End", "x"),
    ]
    changes = compare(old, new)
    assert [(c.key, c.change) for c in changes] == [
        ("fees", Change.CHANGED),
        ("gifts", Change.REMOVED),
        ("recording", Change.ADDED),
        ("end", Change.UNCHANGED),
    ]
    assert [c.key for c in changed_only(changes)] == ["fees", "gifts", "recording"]
    fees = changes[0]
    assert fees.title == "Fees and payment"
    assert Segment("added", " and payment") in fees.title_segments
    assert changes[1].title == "Gifts"
    assert changes[1].text_segments == (Segment("removed", "None."),)


def test_identical_versions_have_no_changes() -> None:
    clauses = [C("a", "A", "Text one."), C("b", "B", "Text two.")]
    assert changed_only(compare(clauses, list(clauses))) == []
