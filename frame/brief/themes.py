"""Recurring themes: words and phrases that come back across a client's recent session notes.

Pure: no Django. Notes are encrypted at rest, so the database cannot search or group their text;
the brief decrypts a fixed, small number of the latest signed notes (see content.RECENT_NOTES)
and looks for repetition here, in memory. A fixed number keeps the work the same however long
the client's history is, and recent sessions are what a practitioner wants to be reminded of.

Nothing is interpreted: a word counts as recurring when it appears under the themes heading of
at least two of those notes. The practitioner decides what it means.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

RECURS_IN = 2  # a word or phrase recurs when it is written in at least this many notes
MAX_TERMS = 12
MAX_CHARS = 400  # of each note's themes, so one long entry cannot fill the page

CURLY_APOSTROPHE = "\u2019"
WORD = re.compile(r"[^\W\d_]+(?:['\u2019-][^\W\d_]+)*")
# Short common words say nothing about a theme; counting them would highlight every line.
_STOPWORDS_TEXT = """
    about above after again against also among because been before being below between both
    but came can cannot come could did does doing done down during each even ever every from
    further had has have having her here hers herself him himself his how into its itself just
    like made make many more most much must myself not now off once only other our ours out over
    own quite same she should some such than that the their theirs them themselves then there
    these they this those through too under until upon very was were what when where which while
    who whom why will with would you your yours yourself session sessions client today week
    still really again felt feel feels feeling things thing lot bit and for are all any one two
"""
STOPWORDS = frozenset(_STOPWORDS_TEXT.split())


@dataclass(frozen=True)
class Segment:
    text: str
    recurring: bool


@dataclass(frozen=True)
class NoteThemes:
    """One note's themes, cut into pieces so recurring words can be marked when shown."""

    starts_at: dt.datetime
    appointment_id: Any
    segments: tuple[Segment, ...]
    shortened: bool


@dataclass(frozen=True)
class Recurring:
    term: str
    notes: int  # how many of the notes read mention it


@dataclass(frozen=True)
class Themes:
    notes: tuple[NoteThemes, ...]  # newest first, only notes with something under the heading
    recurring: tuple[Recurring, ...]  # most often first
    read: int  # how many notes were read (including those with no themes written)


def key(word: str) -> str:
    """The form a word is compared in: lower case, curly apostrophes straightened, no possessive."""
    folded = word.casefold().replace(CURLY_APOSTROPHE, "'")
    return folded.removesuffix("'s")


def _counted(word_key: str) -> bool:
    return len(word_key) >= 3 and word_key not in STOPWORDS


def _phrases(text: str) -> set[str]:
    """Items of a themes list ("loss of her mother; work stress") that are two words or more."""
    found = set()
    for part in re.split(r"[\n;,.•]+|\s+-\s+", text):
        words = [key(w) for w in WORD.findall(part)]
        if 2 <= len(words) <= 6:
            found.add(" ".join(words))
    return found


def _segments(text: str, marked: set[str]) -> tuple[Segment, ...]:
    pieces: list[Segment] = []
    position = 0
    for match in WORD.finditer(text):
        if match.start() > position:
            pieces.append(Segment(text[position : match.start()], False))
        word = match.group()
        pieces.append(Segment(word, key(word) in marked))
        position = match.end()
    if position < len(text):
        pieces.append(Segment(text[position:], False))
    return tuple(pieces)


def analyse(notes: Sequence[tuple[dt.datetime, Any, str]]) -> Themes:
    """`notes`: (session start, appointment id, text under the themes heading), newest first."""
    word_notes: dict[str, int] = {}
    phrase_notes: dict[str, int] = {}
    for _, _, text in notes:
        words = {key(w) for w in WORD.findall(text) if _counted(key(w))}
        for word in words:
            word_notes[word] = word_notes.get(word, 0) + 1
        for phrase in _phrases(text):
            phrase_notes[phrase] = phrase_notes.get(phrase, 0) + 1
    recurring_words = {w for w, n in word_notes.items() if n >= RECURS_IN}
    terms = [Recurring(term=p, notes=n) for p, n in phrase_notes.items() if n >= RECURS_IN]
    in_phrases = {w for term in terms for w in term.term.split()}
    terms += [
        Recurring(term=w, notes=n)
        for w, n in word_notes.items()
        if n >= RECURS_IN and w not in in_phrases
    ]
    terms.sort(key=lambda t: (-t.notes, t.term))
    shown = []
    for starts_at, appointment_id, text in notes:
        text = text.strip()
        if not text:
            continue
        shortened = len(text) > MAX_CHARS
        if shortened:
            text = text[:MAX_CHARS].rsplit(" ", 1)[0] + "…"
        shown.append(
            NoteThemes(
                starts_at=starts_at,
                appointment_id=appointment_id,
                segments=_segments(text, recurring_words),
                shortened=shortened,
            )
        )
    return Themes(notes=tuple(shown), recurring=tuple(terms[:MAX_TERMS]), read=len(notes))
