"""Clause text with placeholders such as `{fee}`, filled from a client's terms.

Pure Python, no Django. The syntax is deliberately tiny: `{name}` is a placeholder, `{{` and `}}`
are literal braces, and nothing else is special. Clause text is never run as a Django template,
so text a practice types cannot reach template tags, filters or object attributes.

A clause is plain text: paragraphs separated by a blank line, and lines starting with "- " are
items of a list. `blocks()` turns it into that structure for the web page and the PDF.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass

from frame.contracts.terms import ContactChannel, Frequency, Terms

_TOKEN = re.compile(r"\{\{|\}\}|\{([^{}]*)\}|[{}]")
_LITERAL_BRACES = {"{{": "{", "}}": "}"}


@dataclass(frozen=True)
class Parties:
    """Who the contract is between: filled in from the client record, not from the terms."""

    client_name: str
    practitioner_name: str
    practice_name: str


@dataclass(frozen=True)
class Placeholder:
    name: str
    description: str
    render: Callable[[Terms, Parties], str]


class PlaceholderError(ValueError):
    """Clause text that cannot be filled in: an unknown placeholder or a stray brace."""


def _money(pence: int) -> str:
    pounds, rest = divmod(pence, 100)
    return f"£{pounds:,}" if rest == 0 else f"£{pounds:,}.{rest:02d}"


def _plural(number: int, one: str, many: str) -> str:
    return f"{number} {one if number == 1 else many}"


def _charge(percent: int) -> str:
    if percent == 0:
        return "nothing"
    if percent == 100:
        return "the full fee"
    if percent == 50:
        return "half the fee"
    return f"{percent}% of the fee"


def _or_list(words: list[str]) -> str:
    if len(words) <= 1:
        return "".join(words)
    return ", ".join(words[:-1]) + " or " + words[-1]


CHANNEL_WORDS = {
    ContactChannel.EMAIL: "email",
    ContactChannel.PHONE: "phone",
    ContactChannel.TEXT: "text message",
    ContactChannel.PORTAL: "the secure messages in your Frame portal",
}

FREQUENCY_WORDS = {
    Frequency.WEEKLY: "once a week",
    Frequency.FORTNIGHTLY: "once a fortnight",
    Frequency.OTHER: "at a rhythm we agree together",
}


def _text(value: str, fallback: str) -> str:
    return value.strip() or fallback


PLACEHOLDERS: dict[str, Placeholder] = {
    p.name: p
    for p in [
        Placeholder("client_name", "The client's name", lambda t, p: p.client_name),
        Placeholder(
            "practitioner_name", "The practitioner's name", lambda t, p: p.practitioner_name
        ),
        Placeholder("practice_name", "The practice's name", lambda t, p: p.practice_name),
        Placeholder(
            "professional_body",
            "The professional body you belong to",
            lambda t, p: _text(t.professional_body, "[professional body not yet named]"),
        ),
        Placeholder(
            "supervisor_arrangement",
            "How your supervision is arranged",
            lambda t, p: _text(
                t.supervisor_arrangement, "an experienced, qualified clinical supervisor"
            ),
        ),
        Placeholder(
            "session_minutes", "Session length in minutes", lambda t, p: str(t.session_minutes)
        ),
        Placeholder("frequency", "How often you meet", lambda t, p: FREQUENCY_WORDS[t.frequency]),
        Placeholder(
            "session_day_and_time",
            "The usual day and time",
            lambda t, p: _text(t.session_day_and_time, "a regular day and time we agree together"),
        ),
        Placeholder("fee", "The fee for one session", lambda t, p: _money(t.fee_pence)),
        Placeholder(
            "payment_arrangement",
            "How and when to pay",
            lambda t, p: _text(t.payment_arrangement, "in a way we agree together"),
        ),
        Placeholder(
            "fee_notice_weeks",
            "Weeks of notice before a fee changes",
            lambda t, p: str(t.fee_notice_weeks),
        ),
        Placeholder(
            "cancellation_notice_hours",
            "Hours of notice needed to cancel without charge",
            lambda t, p: str(t.cancellation_notice_hours),
        ),
        Placeholder(
            "late_cancellation_charge",
            "What a late cancellation costs",
            lambda t, p: _charge(t.late_cancellation_charge_percent),
        ),
        Placeholder(
            "did_not_attend_charge",
            "What a missed session costs",
            lambda t, p: _charge(t.did_not_attend_charge_percent),
        ),
        Placeholder(
            "lateness_grace_minutes",
            "Minutes you wait if the client is late",
            lambda t, p: str(t.lateness_grace_minutes),
        ),
        Placeholder(
            "break_notice_weeks",
            "Weeks of notice you give of your breaks",
            lambda t, p: str(t.break_notice_weeks),
        ),
        Placeholder(
            "session_plan",
            "The number of sessions agreed, or open-ended",
            lambda t, p: (
                "an open-ended number of sessions"
                if t.planned_sessions is None
                else _plural(t.planned_sessions, "session", "sessions")
            ),
        ),
        Placeholder(
            "review_every_sessions",
            "How often you review the work, in sessions",
            lambda t, p: str(t.review_every_sessions),
        ),
        Placeholder(
            "response_time",
            "How soon you reply to messages",
            lambda t, p: _plural(t.response_time_working_days, "working day", "working days"),
        ),
        Placeholder(
            "contact_channels",
            "The agreed ways to get in touch",
            lambda t, p: (
                _or_list([CHANNEL_WORDS[c] for c in t.contact_channels])
                or "the contact details I give you"
            ),
        ),
        Placeholder(
            "contact_purposes",
            "What contact between sessions is for",
            lambda t, p: _text(t.contact_purposes, "practical matters such as appointments"),
        ),
        Placeholder(
            "retention_years",
            "Years records are kept after the work ends",
            lambda t, p: str(t.retention_years),
        ),
        Placeholder(
            "online_platform",
            "The video service for online sessions",
            lambda t, p: _text(t.online_platform, "a secure video service we agree on beforehand"),
        ),
        Placeholder(
            "unavailability_contact",
            "Who contacts the client if you are suddenly unable to work",
            lambda t, p: _text(t.unavailability_contact, "a trusted colleague I have named"),
        ),
    ]
}


def placeholders_in(text: str) -> list[str]:
    """Every placeholder name used in `text`, in order. Raises PlaceholderError on a stray brace."""
    names = []
    for match in _TOKEN.finditer(text):
        piece = match.group(0)
        if piece in _LITERAL_BRACES:
            continue
        if match.group(1) is None:
            raise PlaceholderError(
                f"There is a lone “{piece}”. Use {{placeholder}} for a placeholder, "
                "or write {{ or }} for a brace itself."
            )
        names.append(match.group(1).strip())
    return names


def unknown_placeholders(text: str) -> list[str]:
    """Placeholder names in `text` that Frame cannot fill, without repeats, in order."""
    return list(dict.fromkeys(n for n in placeholders_in(text) if n not in PLACEHOLDERS))


def check(text: str) -> None:
    """Raise PlaceholderError naming every unknown placeholder in `text`."""
    unknown = unknown_placeholders(text)
    if unknown:
        named = ", ".join(f"{{{name}}}" for name in unknown)
        noun = "placeholder" if len(unknown) == 1 else "placeholders"
        raise PlaceholderError(f"Frame does not know the {noun} {named}.")


def fill(text: str, terms: Terms, parties: Parties) -> str:
    """`text` with every placeholder replaced. Raises PlaceholderError like `check`."""
    check(text)

    def replace(match: re.Match[str]) -> str:
        piece = match.group(0)
        if piece in _LITERAL_BRACES:
            return _LITERAL_BRACES[piece]
        return PLACEHOLDERS[match.group(1).strip()].render(terms, parties)

    return _TOKEN.sub(replace, text)


@dataclass(frozen=True)
class Block:
    """A paragraph (`items` empty) or a list (`items` set, `text` empty)."""

    text: str = ""
    items: tuple[str, ...] = ()


def blocks(text: str) -> list[Block]:
    """Paragraphs and lists of filled clause text, for display."""
    result: list[Block] = []
    for chunk in re.split(r"\n\s*\n", text.strip()):
        lines = [line.strip() for line in chunk.splitlines() if line.strip()]
        paragraph: list[str] = []
        items: list[str] = []
        for line in lines:
            if line.startswith("- "):
                if paragraph:
                    result.append(Block(text=" ".join(paragraph)))
                    paragraph = []
                items.append(line[2:].strip())
            else:
                if items:
                    result.append(Block(items=tuple(items)))
                    items = []
                paragraph.append(line)
        if paragraph:
            result.append(Block(text=" ".join(paragraph)))
        if items:
            result.append(Block(items=tuple(items)))
    return result


def describe(names: Iterable[str] | None = None) -> list[Placeholder]:
    """The placeholders (all, or those named) for the help shown beside the template editor."""
    wanted = list(PLACEHOLDERS) if names is None else list(names)
    return [PLACEHOLDERS[name] for name in wanted if name in PLACEHOLDERS]
