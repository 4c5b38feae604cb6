"""Build a supervision pack that names nobody. Pure: no Django.

Two defences, both always on:

1. An allow-list. A case in a pack has only these parts: the case code, an age band (never the
   date of birth), a gender if the practitioner chose to give one, the number of sessions so far,
   themes from recent signed notes, each questionnaire's first and latest score, and the chosen
   events' kind, month and description. Names, dates of birth, contact details and the people in
   the client's life are never copied in.
2. A scrubber for the free text that is copied in (themes, event descriptions). It replaces the
   client's names, the names of people in their life, their emergency contact and GP, employer
   and organisations, their address and postcode, and any email address, phone number, UK
   postcode or full date, with a bracketed placeholder. It runs over every string in the pack,
   labels included, so a client called “Gift” cannot slip through a label either.

Finally `check_clean` looks for every identifier in the finished pack and refuses it (LeakFound)
if any remains: the pack is never stored rather than stored with a name in it.
"""

from __future__ import annotations

import datetime as dt
import json
import re
import unicodedata
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any

NAME = "[name]"
PLACE = "[address]"
ORGANISATION = "[organisation]"
EMAIL = "[email]"
PHONE = "[phone]"
POSTCODE = "[postcode]"
DATE = "[date]"

MONTHS = (
    "january|february|march|april|may|june|july|august|september|october|november|december"
    "|jan|feb|mar|apr|jun|jul|aug|sep|sept|oct|nov|dec"
)
EMAIL_RE = re.compile(r"[\w.+'-]+@[\w-]+(?:\.[\w-]+)+", re.IGNORECASE)
# Nine or more digits, allowing the spaces, dots, dashes and brackets people type in numbers.
PHONE_RE = re.compile(r"(?<![\w])\+?(?:\d[\s().-]{0,2}){8,}\d(?![\w])")
POSTCODE_RE = re.compile(r"\b[A-Z]{1,2}\d[A-Z\d]?\s*\d[A-Z]{2}\b", re.IGNORECASE)
NUMERIC_DATE_RE = re.compile(r"\b\d{1,4}[/.-]\d{1,2}[/.-]\d{2,4}\b")
WRITTEN_DATE_RE = re.compile(
    rf"\b(?:\d{{1,2}}(?:st|nd|rd|th)?(?:\s+of)?\s+(?:{MONTHS})\.?,?\s+\d{{2,4}}"
    rf"|(?:{MONTHS})\.?\s+\d{{1,2}}(?:st|nd|rd|th)?,?\s+\d{{2,4}})\b",
    re.IGNORECASE,
)

AGE_BANDS = (
    (18, "under 18"),
    (25, "18 to 24"),
    (35, "25 to 34"),
    (45, "35 to 44"),
    (55, "45 to 54"),
    (65, "55 to 64"),
)


def age_band(date_of_birth: dt.date | None, on: dt.date) -> str:
    if date_of_birth is None:
        return "not recorded"
    birthday_to_come = (on.month, on.day) < (date_of_birth.month, date_of_birth.day)
    age = on.year - date_of_birth.year - birthday_to_come
    for limit, label in AGE_BANDS:
        if age < limit:
            return label
    return "65 and over"


def _plain(text: str) -> str:
    """Without accents: “Zoë” also matches “Zoe”."""
    return "".join(c for c in unicodedata.normalize("NFKD", text) if not unicodedata.combining(c))


@dataclass(frozen=True)
class Identifiers:
    """Everything that could name a client or someone in their life."""

    names: Sequence[str] = ()  # the client's, and people in their life (emergency contact, GP…)
    organisations: Sequence[str] = ()  # employer, people's organisations, GP surgery
    address: str = ""
    postcode: str = ""
    email: str = ""
    phones: Sequence[str] = ()
    date_of_birth: dt.date | None = None

    def name_tokens(self) -> list[str]:
        tokens: set[str] = set()
        for name in self.names:
            name = name.strip()
            if not name:
                continue
            for variant in {name, _plain(name)}:
                tokens.add(variant)
                tokens.update(w for w in re.split(r"[\s\-]+", variant) if len(w) >= 2)
        return sorted(tokens, key=len, reverse=True)

    def organisation_tokens(self) -> list[str]:
        found = {o.strip() for o in self.organisations if len(o.strip()) >= 3}
        found |= {_plain(o) for o in found}
        return sorted(found, key=len, reverse=True)

    def address_parts(self) -> list[str]:
        parts = {p.strip() for p in re.split(r"[,\n]+", self.address) if len(p.strip()) >= 3}
        if self.address.strip():
            parts.add(self.address.strip())
        return sorted(parts, key=len, reverse=True)

    def birth_date_forms(self) -> list[str]:
        born = self.date_of_birth
        if born is None:
            return []
        d, m, y = born.day, born.month, born.year
        month = born.strftime("%B")
        return [
            f"{d:02d}/{m:02d}/{y}",
            f"{d}/{m}/{y}",
            f"{d:02d}-{m:02d}-{y}",
            f"{d:02d}.{m:02d}.{y}",
            born.isoformat(),
            f"{d:02d}/{m:02d}/{y % 100:02d}",
            f"{d} {month} {y}",
            f"{d} {month[:3]} {y}",
            f"{month} {d}, {y}",
        ]


def _literal(text: str) -> str:
    """A regex for `text` as typed, with any run of spaces matching any run of spaces."""
    return r"\s+".join(re.escape(part) for part in text.split())


def _replace_all(text: str, targets: Iterable[str], placeholder: str) -> str:
    for target in targets:
        pattern = rf"(?<![\w]){_literal(target)}(?![\w])"
        text = re.sub(pattern, placeholder, text, flags=re.IGNORECASE)
    return text


def scrub(text: str, who: Identifiers) -> str:
    """Free text with every identifier of `who`, and anything shaped like one, replaced."""
    text = EMAIL_RE.sub(EMAIL, text)
    text = _replace_all(text, who.birth_date_forms(), DATE)
    text = WRITTEN_DATE_RE.sub(DATE, text)
    text = NUMERIC_DATE_RE.sub(DATE, text)
    text = _replace_all(text, [p for p in who.phones if p.strip()], PHONE)
    text = PHONE_RE.sub(PHONE, text)
    text = _replace_all(text, [who.postcode] if who.postcode.strip() else [], POSTCODE)
    text = POSTCODE_RE.sub(POSTCODE, text)
    text = _replace_all(text, who.address_parts(), PLACE)
    text = _replace_all(text, who.organisation_tokens(), ORGANISATION)
    # Names last: a name inside an address or organisation has gone with it already.
    tokens = who.name_tokens()
    text = _replace_all(text, tokens, NAME)
    plain = _plain(text)
    if plain != text and _replace_all(plain, tokens, NAME) != plain:
        # A name typed without (or with different) accents: scrub the unaccented text instead.
        text = _replace_all(plain, tokens, NAME)
    return text


def merge(many: Iterable[Identifiers]) -> Identifiers:
    """One set of identifiers for a whole pack: no case may name another case's client either."""
    items = list(many)
    return Identifiers(
        names=[n for i in items for n in i.names],
        organisations=[o for i in items for o in i.organisations],
        address="\n".join(i.address for i in items if i.address.strip()),
        postcode="",
        email="",
        phones=[p for i in items for p in i.phones],
        date_of_birth=None,
    )


# --- What goes into a pack ------------------------------------------------------------------


@dataclass(frozen=True)
class Trend:
    instrument: str
    first: str
    first_band: str
    latest: str
    latest_band: str
    completions: int


@dataclass(frozen=True)
class Event:
    kind: str
    month: str  # "March 2026": the month, never the day
    text: str


@dataclass(frozen=True)
class CaseSource:
    """One client's material, as loaded from the records (identifiers and all)."""

    case_code: str
    identifiers: Identifiers
    gender: str = ""  # what the practitioner chose to give; "" for none
    sessions_so_far: int = 0
    themes: Sequence[str] = ()
    trends: Sequence[Trend] = ()
    events: Sequence[Event] = ()
    flags: Sequence[Event] = field(default=())


class LeakFound(Exception):
    """An identifier survived into a finished pack. The pack must not be stored."""


def build_case(
    source: CaseSource, on: dt.date, others: Identifiers | None = None
) -> dict[str, Any]:
    who = source.identifiers

    def clean(text: str) -> str:
        text = scrub(text, who)
        return scrub(text, others) if others is not None else text

    return {
        "case_code": source.case_code,
        "age_band": age_band(who.date_of_birth, on),
        "gender": clean(source.gender),
        "sessions_so_far": source.sessions_so_far,
        "themes": [clean(t) for t in source.themes if t.strip()],
        "trends": [
            {
                "instrument": clean(t.instrument),
                "first": clean(t.first),
                "first_band": clean(t.first_band),
                "latest": clean(t.latest),
                "latest_band": clean(t.latest_band),
                "completions": t.completions,
            }
            for t in source.trends
        ],
        "events": [
            {"kind": clean(e.kind), "month": clean(e.month), "text": clean(e.text)}
            for e in source.events
        ],
        "flags": [
            {"kind": clean(e.kind), "month": clean(e.month), "text": clean(e.text)}
            for e in source.flags
        ],
    }


def _strings(value: Any) -> Iterable[str]:
    if isinstance(value, str):
        yield value
    elif isinstance(value, dict):
        for key, inner in value.items():
            if key != "case_code":
                yield from _strings(inner)
    elif isinstance(value, list):
        for inner in value:
            yield from _strings(inner)


def check_clean(case: dict[str, Any], who: Identifiers) -> None:
    """Raise LeakFound if anything identifying `who` is still in `case`."""
    text = "\n".join(_strings(case))
    plain = _plain(text)
    for target in [
        *who.name_tokens(),
        *who.organisation_tokens(),
        *who.address_parts(),
        *who.birth_date_forms(),
        *[p for p in who.phones if p.strip()],
        *[x for x in (who.email, who.postcode) if x.strip()],
    ]:
        pattern = rf"(?<![\w]){_literal(target)}(?![\w])"
        if re.search(pattern, text, re.IGNORECASE) or re.search(pattern, plain, re.IGNORECASE):
            raise LeakFound("An identifier was left in the pack; it has not been stored.")
    if EMAIL_RE.search(text) or PHONE_RE.search(text):
        raise LeakFound("Contact details were left in the pack; it has not been stored.")


def build_pack(sources: Sequence[CaseSource], on: dt.date) -> str:
    """The pack's content as JSON, every case scrubbed and checked."""
    everyone = merge(s.identifiers for s in sources)
    cases = []
    for source in sources:
        case = build_case(source, on, everyone)
        for other in sources:
            check_clean(case, other.identifiers)
        cases.append(case)
    return json.dumps({"built_on": on.isoformat(), "cases": cases}, ensure_ascii=False)
