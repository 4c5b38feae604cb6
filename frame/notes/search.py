"""Searching a practitioner's own signed notes by words, over a keyed blind index.

Note text is encrypted, so the database cannot search it. Instead, each distinct word of a signed
note (and of its addenda) is normalised and stored as HMAC-SHA256(search key, practice + word),
cut to 128 bits. A search hashes the words typed the same way and looks the hashes up: a fixed
number of indexed queries, whatever the caseload. The trade-off (someone with the database can
see which notes share a word and how often a word occurs, though not the word) is written up in
docs/decisions (note search).

The search key is derived from each key-ring key. Rows name the key they were made with; a
search hashes its words under every key in the ring, so rotating keys never hides a note, and
`frame reindexnotes` moves every row to the primary key.
"""

from __future__ import annotations

import hashlib
import hmac
import re
from collections.abc import Iterable
from typing import Any

from django.db.models import Count, QuerySet

from frame.clients.access import Section, clients_for
from frame.clients.models import search_key
from frame.lib.crypto import keyring
from frame.notes.models import Addendum, NoteSearchToken, NoteStatus, SessionNote

TOKEN_BYTES = 16
MIN_WORD = 2
MAX_WORD = 40
MAX_QUERY_WORDS = 8
MAX_QUERY = 200
_KEY_LABEL = b"frame note search index v1"
_WORD = re.compile(r"[^\W_]+")
_APOSTROPHES = re.compile(r"['\u2019\u02bc]")

# Words so common they find nearly every note: not indexed, and ignored in a search.
_STOP_WORDS_TEXT = """
    a about after again all also am an and any are as at be because been before being but by can
    could did do does doing for from had has have having he her here hers him his how if in into
    is it its just me more most my no nor not now of on once only or other our out over own same
    she should so some such than that the their them then there these they this those to too
    under until up very was we were what when where which while who whom why will with would you
    your
"""
STOP_WORDS = frozenset(re.findall(r"\w+", _STOP_WORDS_TEXT))


def words_of(text: str) -> list[str]:
    """Normalised words: case and accents folded ("Zoë" → "zoe"), apostrophes dropped ("don't"
    → "dont"), common words and single letters left out. In order, repeats kept."""
    folded = search_key(_APOSTROPHES.sub("", text))
    return [
        word
        for word in _WORD.findall(folded)
        if MIN_WORD <= len(word) <= MAX_WORD and word not in STOP_WORDS
    ]


def _search_key(key: bytes) -> bytes:
    # A key of its own for the index, so the encryption key itself never hashes anything here.
    return hmac.new(key, _KEY_LABEL, hashlib.sha256).digest()


def token(key: bytes, practice_id: int, word: str) -> str:
    message = f"{practice_id}\x00{word}".encode()
    return hmac.new(_search_key(key), message, hashlib.sha256).digest()[:TOKEN_BYTES].hex()


def _texts_of(note: SessionNote, addenda: Iterable[Addendum]) -> list[str]:
    # Section headings come from the practice's template and are on every note: not indexed.
    return [text for _, text in note.sections] + [a.text for a in addenda]


def index_note(note: SessionNote, *, practice_id: int) -> int:
    """(Re)write the index rows of one signed note from its text and addenda; returns how many.

    Drafts are not indexed: they change with every autosave, and a search is for the record.
    Called inside the action's transaction, so the index and the note change together.
    """
    NoteSearchToken.objects.filter(note=note).delete()
    if note.status != NoteStatus.SIGNED:
        return 0
    ring = keyring()
    key = ring.keys[ring.primary]
    addenda = Addendum.objects.filter(note=note)
    distinct = {word for text in _texts_of(note, addenda) for word in words_of(text)}
    rows = [
        NoteSearchToken(
            note=note,
            client_id=note.client_id,
            author_id=note.author_id,
            token=token(key, practice_id, word),
            key_id=ring.primary,
        )
        for word in sorted(distinct)
    ]
    NoteSearchToken.objects.bulk_create(rows)
    return len(rows)


class QueryProblem(ValueError):
    """A search that cannot run, with the reason in plain words."""


def query_words(query: str) -> list[str]:
    """The distinct searchable words of what was typed, or QueryProblem saying why none."""
    if len(query) > MAX_QUERY:
        raise QueryProblem(f"Keep a search under {MAX_QUERY} characters.")
    if not query.strip():
        raise QueryProblem("Type one or more words to search for.")
    words = list(dict.fromkeys(words_of(query)))
    if not words:
        raise QueryProblem(
            "Those words are too short or too common to search for: try a more particular word."
        )
    if len(words) > MAX_QUERY_WORDS:
        raise QueryProblem(f"Search for at most {MAX_QUERY_WORDS} words at a time.")
    return words


def search(user: Any, words: list[str]) -> QuerySet[SessionNote]:
    """Signed notes `user` wrote, about clients whose care team they are on now, containing
    every one of `words`; newest session first. Two queries when paginated (count, page)."""
    membership = getattr(user, "active_membership", None)
    if membership is None or not words:
        return SessionNote.objects.none()
    ring = keyring()
    practice_id = membership.practice_id
    tokens = [token(key, practice_id, word) for key in ring.keys.values() for word in words]
    # A note is indexed under one key at a time, so "all words" is "as many tokens as words".
    matching = (
        NoteSearchToken.objects.filter(
            author=user,
            token__in=tokens,
            client__in=clients_for(user, section=Section.CLINICAL),
        )
        .values("note")
        .annotate(found=Count("token"))
        .filter(found=len(words))
        .values("note")
    )
    return (
        SessionNote.objects.filter(pk__in=matching, author=user, status=NoteStatus.SIGNED)
        .select_related("client", "appointment")
        .order_by("-appointment__starts_at", "-created_at")
    )


def _fold_char(ch: str) -> str:
    return "" if _APOSTROPHES.match(ch) else search_key(ch) or (" " if ch.isspace() else "")


def excerpt(note: SessionNote, words: list[str], *, width: int = 90) -> str:
    """A short piece of the note around the first word found, for the results list (no query:
    the note's text is already loaded). Empty when the words are only in an addendum."""
    for _, text in note.sections:
        shown = " ".join(text.split())
        # ASCII text folds to itself lower-cased, so a plain search finds the same words faster.
        at = _find_plain(shown, words) if shown.isascii() else _find_folded(shown, words)
        if at is not None:
            start = max(at - width // 2, 0)
            end = min(start + width, len(shown))
            before = "…" if start > 0 else ""
            after = "…" if end < len(shown) else ""
            return before + shown[start:end].strip() + after
    return ""


def _find_plain(shown: str, words: list[str]) -> int | None:
    """ASCII text: a case-blind search that lets an apostrophe sit between any two letters."""
    for word in words:
        pattern = "['\u2019\u02bc]?".join(map(re.escape, word))
        match = re.search(rf"(?<![^\W_]){pattern}(?![^\W_])", shown, re.IGNORECASE)
        if match:
            return match.start()
    return None


def _find_folded(shown: str, words: list[str]) -> int | None:
    """Accented or other non-ASCII text: fold character by character, remembering where each
    folded character came from, so the excerpt shows the text as written."""
    folded, origin = [], []
    for position, ch in enumerate(shown):
        for part in _fold_char(ch):
            folded.append(part)
            origin.append(position)
    haystack = "".join(folded)
    for word in words:
        match = re.search(rf"(?<![^\W_]){re.escape(word)}(?![^\W_])", haystack)
        if match:
            return origin[match.start()]
    return None
