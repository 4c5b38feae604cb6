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

import unicodedata
from collections import defaultdict
from collections.abc import Hashable, Iterable, Iterator
from dataclasses import dataclass
from enum import StrEnum

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


def fold(text: str) -> str:
    """Lower case without accents: "Zoë ÅSTRÖM" → "zoe astrom"."""
    decomposed = unicodedata.normalize("NFKD", unicodedata.normalize("NFKD", text).casefold())
    return "".join(ch for ch in decomposed if not unicodedata.combining(ch))


def name_words(text: str) -> tuple[str, ...]:
    """The words of a name, tidied. Hyphens and apostrophes join; anything else separates."""
    words: list[str] = []
    current: list[str] = []
    for ch in fold(text):
        if ch.isalpha():
            current.append(ch)
        elif ch in _APOSTROPHES or ch in _HYPHENS:
            continue
        elif current:
            words.append("".join(current))
            current = []
    if current:
        words.append("".join(current))
    return tuple(words)


def normalise_email(text: str) -> str:
    value = text.strip().casefold()
    return value if "@" in value else ""


def normalise_phone(text: str) -> str:
    """UK numbers in their national form: "+44 (0)7700 900-123" → "07700900123"."""
    digits = "".join(ch for ch in text if ch.isdigit() and ch.isascii())
    if digits.startswith("00"):
        digits = digits[2:]
    if digits.startswith("44") and len(digits) >= 11:
        digits = "0" + digits[2:].removeprefix("0")  # "+44 (0)…" writes the 0 twice
    return digits if len(digits) >= MIN_PHONE_DIGITS else ""


def normalise_postcode(text: str) -> str:
    value = "".join(ch for ch in text if not ch.isspace()).upper()
    return value if len(value) >= MIN_POSTCODE_LENGTH else ""


def organisation_key(text: str) -> str:
    words = name_words(text.replace("&", " and "))
    return "".join(word for word in words if word not in _ORGANISATION_FILLER)


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


@dataclass(frozen=True, slots=True)
class Name:
    """A name split into tidied words. Only names of two or more words are ever compared."""

    text: str
    words: tuple[str, ...]

    @classmethod
    def parse(cls, text: str) -> Name:
        return cls(text=text, words=name_words(text))

    @property
    def usable(self) -> bool:
        return len(self.words) >= 2

    @property
    def first(self) -> str:
        return self.words[0]

    @property
    def family(self) -> str:
        return self.words[-1]

    @property
    def compact(self) -> str:
        return "".join(self.words)

    @property
    def word_set(self) -> str:
        return " ".join(sorted(self.words))


def compare_parsed_names(a: Name, b: Name) -> How | None:
    if not (a.usable and b.usable):
        return None
    if a.compact == b.compact or a.word_set == b.word_set:
        return How.SAME
    same_family = a.family == b.family
    if not (same_family or one_letter_apart(a.family, b.family)):
        return None
    if a.first == b.first:
        return How.FIRST_AND_FAMILY if same_family else How.ONE_LETTER
    if not same_family:
        return None  # the family name already used the one difference allowed
    if (len(a.first) == 1 or len(b.first) == 1) and a.first[0] == b.first[0]:
        return How.INITIAL
    if one_letter_apart(a.first, b.first):
        return How.ONE_LETTER
    return None


def compare_names(a: str, b: str) -> How | None:
    """How two names match, or None. Symmetric: compare_names(a, b) == compare_names(b, a)."""
    return compare_parsed_names(Name.parse(a), Name.parse(b))


def compare_organisations(a: str, b: str) -> How | None:
    ka, kb = organisation_key(a), organisation_key(b)
    if len(ka) < MIN_LETTERS_FOR_ADDED_LETTER or len(kb) < MIN_LETTERS_FOR_ADDED_LETTER:
        return None
    if ka == kb:
        return How.SAME
    if min(len(ka), len(kb)) >= MIN_LETTERS_FOR_ORGANISATION_TYPO and one_letter_apart(ka, kb):
        return How.ONE_LETTER
    return None


_EXACT_NORMALISERS = {
    Field.EMAIL: normalise_email,
    Field.PHONE: normalise_phone,
    Field.POSTCODE: normalise_postcode,
}


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


@dataclass(frozen=True)
class Record:
    """Someone to compare, with the caller's own reference (`ref`) to find them again."""

    ref: Hashable
    names: tuple[str, ...] = ()
    emails: tuple[str, ...] = ()
    phones: tuple[str, ...] = ()
    postcodes: tuple[str, ...] = ()
    organisations: tuple[str, ...] = ()

    def values(self, field: Field) -> tuple[str, ...]:
        return {
            Field.NAME: self.names,
            Field.EMAIL: self.emails,
            Field.PHONE: self.phones,
            Field.POSTCODE: self.postcodes,
            Field.ORGANISATION: self.organisations,
        }[field]


@dataclass(frozen=True)
class Match:
    """`query`'s `query_value` matched `record`'s `record_value` on `field`, because `how`."""

    query: Hashable
    record: Hashable
    field: Field
    how: How
    query_value: str
    record_value: str


def compare_records(query: Record, record: Record) -> list[Match]:
    """Every way two records match. The brute-force definition the index must agree with."""
    found = []
    for field in Field:
        for q in query.values(field):
            for r in record.values(field):
                how = compare_values(field, q, r)
                if how is not None:
                    found.append(Match(query.ref, record.ref, field, how, q, r))
    return found


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
    """

    def __init__(self, records: Iterable[Record]) -> None:
        self.records: list[Record] = list(records)
        self._exact: dict[tuple[Field, str], set[int]] = defaultdict(set)
        self._names: dict[str, set[int]] = defaultdict(set)  # compact, word set, family
        self._name_deletions: dict[str, set[int]] = defaultdict(set)
        self._organisations: dict[str, set[int]] = defaultdict(set)
        self._organisation_deletions: dict[str, set[int]] = defaultdict(set)
        for position, record in enumerate(self.records):
            self._add(position, record)

    def _add(self, position: int, record: Record) -> None:
        for field, normalise in _EXACT_NORMALISERS.items():
            for value in record.values(field):
                key = normalise(value)
                if key:
                    self._exact[(field, key)].add(position)
        for text in record.names:
            name = Name.parse(text)
            if not name.usable:
                continue
            for key in ("=" + name.compact, "~" + name.word_set, "^" + name.family):
                self._names[key].add(position)
            for variant in deletions(name.family):
                self._name_deletions[variant].add(position)
        for text in record.organisations:
            key = organisation_key(text)
            if len(key) >= MIN_LETTERS_FOR_ADDED_LETTER:
                self._organisations[key].add(position)
                for variant in deletions(key):
                    self._organisation_deletions[variant].add(position)

    def _candidates(self, query: Record) -> set[int]:
        found: set[int] = set()
        for field, normalise in _EXACT_NORMALISERS.items():
            for value in query.values(field):
                key = normalise(value)
                if key:
                    found |= self._exact.get((field, key), set())
        for text in query.names:
            name = Name.parse(text)
            if not name.usable:
                continue
            for key in ("=" + name.compact, "~" + name.word_set, "^" + name.family):
                found |= self._names.get(key, set())
            found |= self._name_deletions.get(name.family, set())
            for variant in deletions(name.family):
                found |= self._names.get("^" + variant, set())
                found |= self._name_deletions.get(variant, set())
        for text in query.organisations:
            key = organisation_key(text)
            if len(key) < MIN_LETTERS_FOR_ADDED_LETTER:
                continue
            found |= self._organisations.get(key, set())
            found |= self._organisation_deletions.get(key, set())
            for variant in deletions(key):
                found |= self._organisations.get(variant, set())
                found |= self._organisation_deletions.get(variant, set())
        return found

    def search(self, query: Record) -> list[Match]:
        """Every match between `query` and the indexed records, in a stable order."""
        matches: list[Match] = []
        for position in sorted(self._candidates(query)):
            matches.extend(compare_records(query, self.records[position]))
        return matches


def screen(queries: Iterable[Record], records: Iterable[Record]) -> list[Match]:
    """Every match between any query and any record: index once, then look each query up."""
    index = Index(records)
    return [match for query in queries for match in index.search(query)]
