"""Who might this new person be to me? The matcher behind the dual-relationship check.

Plain Python with no Django, so it can be tested exhaustively and fast. The caller turns clients,
the people they named and the practitioner's declared circle into `Record`s, builds an `Index`
once, and asks it about each part of an enquiry. The index only proposes candidates; every
candidate is confirmed by the same comparison functions a brute-force search would use, so the
index can never match something the rules would not (and a test proves it finds everything the
rules would).

The rules, chosen so that a practitioner sees real possibilities without a list of strangers:

- Names are compared after tidying: case, accents, apostrophes and hyphens are ignored
  ("Zoë O'Brien-Hale" = "zoe obrienhale"), and so are spaces between parts ("Anne Marie" =
  "Annemarie"). The same words in another order match ("Smith John" = "John Smith").
- A name needs at least two words (given and family name). "Dave" alone identifies nobody.
- Otherwise the family names (last words) must agree and so must the given names (first words);
  middle names are ignored. One of them may differ by a single letter — one inserted, deleted or
  changed letter, or two neighbouring letters swapped — but not both: "Ann Smith" and
  "Anna Smyth" are two differences, so they do not match.
- Short words tolerate less: under three letters, no difference at all; at three letters, only a
  letter added or dropped ("Jon" ~ "John", "Lee" ~ "Lees"), never changed ("Jon" is not "Jan",
  "Tom" is not "Tim"); from four letters, any one-letter difference ("Sara" ~ "Sarah",
  "Smith" ~ "Smyth").
- An initial stands for a given name starting with that letter ("J. Smith" ~ "John Smith"), but
  only with exactly the same family name: an initial is already a guess.
- Email addresses (trimmed, any case), UK phone numbers (digits only, +44 read as 0) and
  postcodes (no spaces, upper case) must be exactly equal once tidied.
- Organisations are compared like names without the word rules: case, accents, punctuation,
  spaces, "&"/"and", "the" and company suffixes (Ltd, plc…) are ignored, and names of six or more
  letters may differ by one letter.
"""

from __future__ import annotations

import gc
import re
import unicodedata
from collections import defaultdict
from collections.abc import Hashable, Iterable, Iterator
from contextlib import contextmanager
from enum import StrEnum
from functools import lru_cache
from typing import NamedTuple

# A changed or swapped letter needs words at least this long on both sides...
MIN_LETTERS_FOR_CHANGED_LETTER = 4
# ...while an added or dropped letter needs the shorter word to be at least this long.
MIN_LETTERS_FOR_ADDED_LETTER = 3
# Organisation names shorter than this (once tidied) must match exactly.
MIN_LETTERS_FOR_ORGANISATION_TYPO = 6
# Shorter than this, a phone number or postcode is too incomplete to compare.
MIN_PHONE_DIGITS = 9
MIN_POSTCODE_LENGTH = 5

# Apostrophes and dashes people type inside a name, by code point (several look alike).
_APOSTROPHES = frozenset("'\u2019\u2018`\u02bc\u00b4")
_HYPHENS = frozenset("-\u2010\u2011\u2012\u2013\u2014")
_ORGANISATION_FILLER = frozenset(
    {"the", "and", "ltd", "limited", "plc", "llp", "inc", "cic", "lp", "llc"}
)


class Field(StrEnum):
    NAME = "name"
    EMAIL = "email"
    PHONE = "phone"
    POSTCODE = "postcode"
    ORGANISATION = "organisation"


class How(StrEnum):
    """Why two values were taken to match."""

    SAME = "same"  # equal once tidied (or the same words in another order)
    FIRST_AND_FAMILY = "first_and_family"  # same given and family names, middle names differ
    INITIAL = "initial"  # an initial on one side, the same family name
    ONE_LETTER = "one_letter"  # one letter added, dropped, changed or swapped


# --- Tidying ------------------------------------------------------------------------------------

_JOINERS = re.compile("[" + re.escape("".join(sorted(_APOSTROPHES | _HYPHENS))) + "]")
_LETTERS = re.compile(r"[^\W\d_]+")  # runs of letters, in any alphabet
_NOT_DIGITS = re.compile(r"[^0-9]")


def fold(text: str) -> str:
    """Lower case without accents: "Zoë ÅSTRÖM" → "zoe astrom"."""
    if text.isascii():
        return text.lower()  # the same as below for plain ASCII, and much quicker
    decomposed = unicodedata.normalize("NFKD", unicodedata.normalize("NFKD", text).casefold())
    return "".join(ch for ch in decomposed if not unicodedata.combining(ch))


@lru_cache(maxsize=50_000)
def _fold_word(word: str) -> str:
    # Names repeat across a practice (given names, family names), so each is tidied once.
    return _JOINERS.sub("", fold(word))


def name_words(text: str) -> tuple[str, ...]:
    """The words of a name, tidied. Hyphens and apostrophes join; anything else separates."""
    # Tidied piece by piece between spaces: a space never joins or splits a word differently.
    return tuple(_LETTERS.findall(" ".join(_fold_word(piece) for piece in text.split())))


def normalise_email(text: str) -> str:
    value = text.strip().casefold()
    return value if "@" in value else ""


def normalise_phone(text: str) -> str:
    """UK numbers in their national form: "+44 (0)7700 900-123" → "07700900123"."""
    digits = _NOT_DIGITS.sub("", text)
    while digits.startswith("00"):  # the international prefix, however it was typed
        digits = digits[2:]
    if digits.startswith("44") and len(digits) >= 11:
        digits = "0" + digits[2:].lstrip("0")  # "+44 (0)…" writes the 0 twice
    return digits if len(digits) >= MIN_PHONE_DIGITS else ""


def normalise_postcode(text: str) -> str:
    value = "".join(text.split()).upper()
    return value if len(value) >= MIN_POSTCODE_LENGTH else ""


def organisation_key(text: str) -> str:
    words = name_words(text.replace("&", " and "))
    key = "".join(word for word in words if word not in _ORGANISATION_FILLER)
    return "" if key in _ORGANISATION_FILLER else key  # "T. He" is no organisation either


# --- Comparing ----------------------------------------------------------------------------------


def one_letter_apart(a: str, b: str) -> bool:
    """Exactly one letter added, dropped, changed, or two neighbours swapped — within the
    length rules above, so that short words do not pass for each other."""
    if a == b:
        return False
    la, lb = len(a), len(b)
    if la == lb:
        if la < MIN_LETTERS_FOR_CHANGED_LETTER:
            return False
        differ = [i for i in range(la) if a[i] != b[i]]
        if len(differ) == 1:
            return True
        i, j = differ[0], differ[-1]
        return len(differ) == 2 and j == i + 1 and a[i] == b[j] and a[j] == b[i]
    if abs(la - lb) != 1:
        return False
    longer, shorter = (a, b) if la > lb else (b, a)
    if len(shorter) < MIN_LETTERS_FOR_ADDED_LETTER:
        return False
    i = 0
    while i < len(shorter) and longer[i] == shorter[i]:
        i += 1
    return longer[i + 1 :] == shorter[i:]


class Name:
    """A name split into tidied words, with the forms the rules compare worked out once."""

    __slots__ = ("compact", "family", "first", "text", "usable", "word_set", "words")

    def __init__(self, text: str) -> None:
        self.text = text
        self.words = name_words(text)
        # A name needs two words to be compared at all; one word identifies nobody.
        self.usable = len(self.words) >= 2
        self.first = self.words[0] if self.words else ""
        self.family = self.words[-1] if self.words else ""
        self.compact = "".join(self.words)
        self.word_set = " ".join(sorted(self.words))

    @classmethod
    def parse(cls, text: str) -> Name:
        return cls(text)


def compare_parsed_names(a: Name, b: Name) -> How | None:
    if not (a.usable and b.usable):
        return None
    if a.compact == b.compact or a.word_set == b.word_set:
        return How.SAME
    same_family = a.family == b.family
    if not (same_family or one_letter_apart(a.family, b.family)):
        return None
    initial = len(a.first) == 1 or len(b.first) == 1
    if not same_family and initial:
        return None  # an initial is already a guess: it needs the family name exactly
    if a.first == b.first:
        return How.FIRST_AND_FAMILY if same_family else How.ONE_LETTER
    if not same_family:
        return None  # the family name already used the one difference allowed
    if initial and a.first[0] == b.first[0]:
        return How.INITIAL
    if one_letter_apart(a.first, b.first):
        return How.ONE_LETTER
    return None


def compare_names(a: str, b: str) -> How | None:
    """How two names match, or None. Symmetric: compare_names(a, b) == compare_names(b, a)."""
    return compare_parsed_names(Name(a), Name(b))


def _compare_organisation_keys(ka: str, kb: str) -> How | None:
    if len(ka) < MIN_LETTERS_FOR_ADDED_LETTER or len(kb) < MIN_LETTERS_FOR_ADDED_LETTER:
        return None
    if ka == kb:
        return How.SAME
    if min(len(ka), len(kb)) >= MIN_LETTERS_FOR_ORGANISATION_TYPO and one_letter_apart(ka, kb):
        return How.ONE_LETTER
    return None


def compare_organisations(a: str, b: str) -> How | None:
    return _compare_organisation_keys(organisation_key(a), organisation_key(b))


_EXACT_NORMALISERS = {
    Field.EMAIL: normalise_email,
    Field.PHONE: normalise_phone,
    Field.POSTCODE: normalise_postcode,
}


_EXACT_FIELDS = [
    (Field.EMAIL, normalise_email, "emails"),
    (Field.PHONE, normalise_phone, "phones"),
    (Field.POSTCODE, normalise_postcode, "postcodes"),
]
_KEY_PREFIXES = {Field.EMAIL: "@", Field.PHONE: "#", Field.POSTCODE: "%"}


def compare_values(field: Field, a: str, b: str) -> How | None:
    """How two values of the same kind match, or None."""
    if field is Field.NAME:
        return compare_names(a, b)
    if field is Field.ORGANISATION:
        return compare_organisations(a, b)
    normalise = _EXACT_NORMALISERS[field]
    na = normalise(a)
    return How.SAME if na and na == normalise(b) else None


# --- Records and matches ------------------------------------------------------------------------


class Record(NamedTuple):
    """Someone to compare, with the caller's own reference (`ref`) to find them again."""

    ref: Hashable
    names: tuple[str, ...] = ()
    emails: tuple[str, ...] = ()
    phones: tuple[str, ...] = ()
    postcodes: tuple[str, ...] = ()
    organisations: tuple[str, ...] = ()

    def values(self, field: Field) -> tuple[str, ...]:
        values: tuple[str, ...] = getattr(self, _ATTRIBUTES[field])
        return values


_ATTRIBUTES = {
    Field.NAME: "names",
    Field.EMAIL: "emails",
    Field.PHONE: "phones",
    Field.POSTCODE: "postcodes",
    Field.ORGANISATION: "organisations",
}


class Match(NamedTuple):
    """`query`'s `query_value` matched `record`'s `record_value` on `field`, because `how`."""

    query: Hashable
    record: Hashable
    field: Field
    how: How
    query_value: str
    record_value: str


class _Prepared:
    """A record with every value tidied once, and its index keys, so comparing it with many
    others is cheap. Empty or unusable values are left out: they can match nothing."""

    __slots__ = ("exact", "keys", "names", "organisations", "ref", "typo_keys")

    def __init__(self, record: Record) -> None:
        self.ref = record.ref
        self.names = [name for name in map(Name, record.names) if name.usable]
        # (field, tidied key, as typed) for emails, phones and postcodes
        self.exact: list[tuple[Field, str, str]] = []
        for field, normalise, attribute in _EXACT_FIELDS:
            for value in getattr(record, attribute):
                key = normalise(value)
                if key:
                    self.exact.append((field, key, value))
        self.organisations: list[tuple[str, str]] = []
        for text in record.organisations:
            key = organisation_key(text)
            if len(key) >= MIN_LETTERS_FOR_ADDED_LETTER:
                self.organisations.append((key, text))
        # Keys found only by equality, and keys also found one letter apart (see Index).
        self.keys = [_KEY_PREFIXES[field] + key for field, key, _ in self.exact]
        self.typo_keys = ["&" + key for key, _ in self.organisations]
        for name in self.names:
            self.keys += ("=" + name.compact, "~" + name.word_set)
            self.typo_keys.append("^" + name.family)


def _compare_prepared(query: _Prepared, record: _Prepared) -> list[Match]:
    found = []
    for q in query.names:
        for r in record.names:
            how = compare_parsed_names(q, r)
            if how is not None:
                found.append(Match(query.ref, record.ref, Field.NAME, how, q.text, r.text))
    for q_field, q_key, q_text in query.exact:
        for r_field, r_key, r_text in record.exact:
            if q_field is r_field and q_key == r_key:
                found.append(Match(query.ref, record.ref, q_field, How.SAME, q_text, r_text))
    for q_key, q_text in query.organisations:
        for r_key, r_text in record.organisations:
            how = _compare_organisation_keys(q_key, r_key)
            if how is not None:
                found.append(Match(query.ref, record.ref, Field.ORGANISATION, how, q_text, r_text))
    return found


def compare_records(query: Record, record: Record) -> list[Match]:
    """Every way two records match: the brute-force definition the index must agree with."""
    return _compare_prepared(_Prepared(query), _Prepared(record))


@contextmanager
def collection_paused() -> Iterator[None]:
    """Keep Python's cycle collector out of the way while building many small objects.

    Indexing a practice creates a few objects per record, hundreds of thousands in all, and none
    of them form reference cycles (reference counting frees them). Left alone, the collector
    scans the growing structures again and again — more than half of the check's time at 50,000
    clients. So collection is paused, and at the end everything built is moved straight to the
    oldest generation (freeze, then unfreeze) instead of being scanned on the way there. It is
    still collected as usual from then on.
    """
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        gc.freeze()
        gc.unfreeze()
        if enabled:
            gc.enable()


def deletions(word: str) -> Iterator[str]:
    """The word with each one letter dropped: two words one letter apart share one of these."""
    for i in range(len(word)):
        yield word[:i] + word[i + 1 :]


class Index:
    """Records indexed so a query looks at a handful of candidates, not every record.

    Exact-after-tidying fields are dictionary lookups. Names are found by their tidied whole, by
    their set of words and by family name — including every family name with one letter dropped
    (the "symmetric deletion" trick): two words one letter apart always share such a variant, so
    typos are found without comparing against every record. Organisations work the same way.
    Every candidate is then confirmed with the same comparison as `compare_records`.
    """

    def __init__(self, records: Iterable[Record]) -> None:
        with collection_paused():
            self._build(records)

    def _build(self, records: Iterable[Record]) -> None:
        self._records: list[_Prepared] = [_Prepared(record) for record in records]
        self._keys: dict[str, list[int]] = defaultdict(list)
        # A letter dropped from a key → the keys it came from. Family names and employers repeat
        # across a practice, so this holds each distinct key once, not each record.
        self._deletions: dict[str, set[str]] = defaultdict(set)
        keys, dropped = self._keys, self._deletions
        for position, prepared in enumerate(self._records):
            for key in prepared.keys:
                keys[key].append(position)
            for key in prepared.typo_keys:
                if key not in keys:
                    for variant in deletions(key[1:]):
                        dropped[key[0] + variant].add(key)
                keys[key].append(position)

    def __len__(self) -> int:
        return len(self._records)

    def _candidates(self, query: _Prepared) -> set[int]:
        found: set[int] = set()
        keys, dropped = self._keys, self._deletions
        for key in query.keys:
            found.update(keys.get(key, ()))
        for key in query.typo_keys:
            kind, word = key[0], key[1:]
            near = {key, *dropped.get(key, ())}  # the same word; theirs with a letter more
            for variant in deletions(word):
                near.add(kind + variant)  # theirs with a letter fewer
                near.update(dropped.get(kind + variant, ()))  # a letter changed or swapped
            for candidate in near:
                found.update(keys.get(candidate, ()))
        return found

    def search(self, query: Record) -> list[Match]:
        """Every match between `query` and the indexed records, in a stable order."""
        prepared = _Prepared(query)
        matches: list[Match] = []
        for position in sorted(self._candidates(prepared)):
            matches.extend(_compare_prepared(prepared, self._records[position]))
        return matches


def screen(queries: Iterable[Record], records: Iterable[Record]) -> list[Match]:
    """Every match between any query and any record: index once, then look each query up."""
    index = Index(records)
    return [match for query in queries for match in index.search(query)]
