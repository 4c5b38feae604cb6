"""The structured terms of a client's contract, read by scheduling, billing and reminders.

Pure data: no Django. The contracts app stores a practice's defaults and each client's overrides
and turns them into a `Terms` (see `frame.contracts.selectors.terms_for`); other apps only read it.
Terms are stored as JSON (`terms_to_dict` / `terms_from_dict`), so a field added later simply
takes its default when older stored terms are read.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Mapping
from dataclasses import dataclass
from enum import StrEnum
from typing import Any


class Frequency(StrEnum):
    WEEKLY = "weekly"
    FORTNIGHTLY = "fortnightly"
    OTHER = "other"


class ContactChannel(StrEnum):
    """Ways a client may get in touch between sessions, as agreed in the contract."""

    EMAIL = "email"
    PHONE = "phone"
    TEXT = "text"
    PORTAL = "portal"  # Frame's secure messages in the client portal


@dataclass(frozen=True)
class Terms:
    session_minutes: int = 50
    frequency: Frequency = Frequency.WEEKLY
    fee_pence: int = 6000
    # Cancelling with less notice than this may be charged at `late_cancellation_charge_percent`.
    cancellation_notice_hours: int = 48
    late_cancellation_charge_percent: int = 100
    did_not_attend_charge_percent: int = 100
    # Lateness the practitioner waits through; the session still ends at the usual time.
    lateness_grace_minutes: int = 15
    # How much notice the practitioner aims to give of their own planned breaks.
    break_notice_weeks: int = 4
    # Time-limited work: the agreed number of sessions; None for open-ended work.
    planned_sessions: int | None = None
    review_every_sessions: int = 6
    response_time_working_days: int = 2
    retention_years: int = 7
    professional_body: str = ""
    supervisor_arrangement: str = ""
    # Added with the contract templates. Empty text means "not said yet": clauses fall back to
    # neutral wording (see frame.contracts.placeholders).
    session_day_and_time: str = ""
    payment_arrangement: str = "by bank transfer before each session"
    fee_notice_weeks: int = 8
    contact_channels: tuple[ContactChannel, ...] = (ContactChannel.EMAIL,)
    contact_purposes: str = "arranging, changing or cancelling appointments"
    online_platform: str = ""
    # Who gets in touch with the client if the practitioner is suddenly unable to work.
    unavailability_contact: str = ""


DEFAULT_TERMS = Terms()

TERM_FIELDS: tuple[str, ...] = tuple(f.name for f in dataclasses.fields(Terms))

# Inclusive limits for the whole-number terms: wide enough for real practice, narrow enough to
# catch a slipped key (a 500-minute session, a £60,000 fee).
LIMITS: dict[str, tuple[int, int]] = {
    "session_minutes": (10, 240),
    "fee_pence": (0, 100_000),
    "cancellation_notice_hours": (0, 336),
    "late_cancellation_charge_percent": (0, 100),
    "did_not_attend_charge_percent": (0, 100),
    "lateness_grace_minutes": (0, 120),
    "break_notice_weeks": (0, 26),
    "planned_sessions": (1, 200),
    "review_every_sessions": (1, 52),
    "response_time_working_days": (0, 20),
    "retention_years": (1, 100),
    "fee_notice_weeks": (0, 52),
}
TEXT_LIMIT = 300


class InvalidTerms(ValueError):
    """Stored or submitted terms that do not fit the shape of `Terms`; `errors` names the fields."""

    def __init__(self, errors: Mapping[str, str]) -> None:
        self.errors = dict(errors)
        super().__init__("; ".join(f"{name}: {message}" for name, message in self.errors.items()))


def _coerce(name: str, value: Any) -> Any:
    """One stored value as its Python type, or ValueError with a plain-words reason."""
    if name == "frequency":
        return Frequency(value)
    if name == "contact_channels":
        if isinstance(value, str) or not isinstance(value, list | tuple):
            raise ValueError("must be a list of channels")
        channels = tuple(dict.fromkeys(ContactChannel(item) for item in value))
        return tuple(sorted(channels, key=list(ContactChannel).index))
    if name in LIMITS:
        if value is None and name == "planned_sessions":
            return None
        if isinstance(value, bool) or not isinstance(value, int):
            raise ValueError("must be a whole number")
        low, high = LIMITS[name]
        if not low <= value <= high:
            raise ValueError(f"must be between {low} and {high}")
        return value
    if not isinstance(value, str):
        raise ValueError("must be text")
    if len(value) > TEXT_LIMIT:
        raise ValueError(f"must be at most {TEXT_LIMIT} characters")
    return value.strip()


def terms_from_dict(data: Mapping[str, Any], *, base: Terms = DEFAULT_TERMS) -> Terms:
    """`base` with the known keys of `data` applied. Unknown keys are ignored (fields removed
    in a later release); a value of the wrong shape raises InvalidTerms naming the field."""
    changes: dict[str, Any] = {}
    errors: dict[str, str] = {}
    for name in TERM_FIELDS:
        if name in data:
            try:
                changes[name] = _coerce(name, data[name])
            except (ValueError, TypeError) as error:
                errors[name] = str(error) if not isinstance(error, TypeError) else "is not valid"
    if errors:
        raise InvalidTerms(errors)
    return dataclasses.replace(base, **changes)


def terms_to_dict(terms: Terms) -> dict[str, Any]:
    """Plain JSON-ready values (enums as their strings, tuples as lists)."""
    data: dict[str, Any] = {}
    for name in TERM_FIELDS:
        value = getattr(terms, name)
        if isinstance(value, tuple):
            value = [str(item) for item in value]
        elif isinstance(value, StrEnum):
            value = str(value)
        data[name] = value
    return data


def differences(base: Terms, other: Terms) -> dict[str, Any]:
    """The fields of `other` that differ from `base`, as stored values (a client's overrides)."""
    base_values, other_values = terms_to_dict(base), terms_to_dict(other)
    return {
        name: other_values[name] for name in TERM_FIELDS if base_values[name] != other_values[name]
    }
