"""Comparing two versions of a contract clause by clause, with a word-level difference.

Pure Python, no Django. Clauses are matched by their key, which stays the same when a clause's
title or wording is edited, so "changed" means the same clause reworded, not a new one.
"""

from __future__ import annotations

import difflib
import re
from collections.abc import Sequence
from dataclasses import dataclass
from enum import StrEnum
from typing import Protocol


class ClauseLike(Protocol):
    @property
    def key(self) -> str: ...
    @property
    def title(self) -> str: ...
    @property
    def text(self) -> str: ...


class Change(StrEnum):
    ADDED = "added"
    REMOVED = "removed"
    CHANGED = "changed"
    UNCHANGED = "unchanged"


@dataclass(frozen=True)
class Segment:
    """A run of text that is the same in both versions, or only in the old or the new one."""

    kind: str  # "same", "removed" or "added"
    text: str


@dataclass(frozen=True)
class ClauseChange:
    key: str
    change: Change
    old_title: str
    new_title: str
    title_segments: tuple[Segment, ...]
    text_segments: tuple[Segment, ...]

    @property
    def title(self) -> str:
        return self.new_title or self.old_title


# Words, runs of spaces and single punctuation marks: a changed comma shows as just that comma.
_TOKENS = re.compile(r"\s+|\w+|[^\w\s]")


def word_diff(old: str, new: str) -> tuple[Segment, ...]:
    """The differences between two texts, word by word, as runs of same/removed/added text."""
    old_tokens, new_tokens = _TOKENS.findall(old), _TOKENS.findall(new)
    matcher = difflib.SequenceMatcher(a=old_tokens, b=new_tokens, autojunk=False)
    segments: list[Segment] = []

    def add(kind: str, text: str) -> None:
        if not text:
            return
        if segments and segments[-1].kind == kind:
            segments[-1] = Segment(kind, segments[-1].text + text)
        else:
            segments.append(Segment(kind, text))

    for tag, i1, i2, j1, j2 in matcher.get_opcodes():
        if tag == "equal":
            add("same", "".join(old_tokens[i1:i2]))
        else:
            add("removed", "".join(old_tokens[i1:i2]))
            add("added", "".join(new_tokens[j1:j2]))
    return tuple(segments)


def compare(old: Sequence[ClauseLike], new: Sequence[ClauseLike]) -> list[ClauseChange]:
    """Every clause of either version, in the new version's order, removed clauses where they
    stood in the old one."""
    old_by_key = {clause.key: clause for clause in old}
    new_keys = {clause.key for clause in new}
    changes: list[ClauseChange] = []
    for clause in new:
        before = old_by_key.get(clause.key)
        if before is None:
            changes.append(
                ClauseChange(
                    key=clause.key,
                    change=Change.ADDED,
                    old_title="",
                    new_title=clause.title,
                    title_segments=(Segment("added", clause.title),),
                    text_segments=(Segment("added", clause.text),),
                )
            )
            continue
        same = before.title == clause.title and before.text == clause.text
        changes.append(
            ClauseChange(
                key=clause.key,
                change=Change.UNCHANGED if same else Change.CHANGED,
                old_title=before.title,
                new_title=clause.title,
                title_segments=word_diff(before.title, clause.title),
                text_segments=word_diff(before.text, clause.text),
            )
        )
    # Removed clauses go after the clause that preceded them in the old version.
    for index, clause in enumerate(old):
        if clause.key in new_keys:
            continue
        removal = ClauseChange(
            key=clause.key,
            change=Change.REMOVED,
            old_title=clause.title,
            new_title="",
            title_segments=(Segment("removed", clause.title),),
            text_segments=(Segment("removed", clause.text),),
        )
        previous_keys = [c.key for c in old[:index]]
        position = 0
        for at, existing in enumerate(changes):
            if existing.key in previous_keys:
                position = at + 1
        changes.insert(position, removal)
    return changes


def changed_only(changes: Sequence[ClauseChange]) -> list[ClauseChange]:
    return [change for change in changes if change.change != Change.UNCHANGED]
