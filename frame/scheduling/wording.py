"""The words of an appointment reminder. Pure: no Django.

Reminders reach phones on kitchen tables and shared inboxes. So a reminder says when and where,
and nothing else: no clinical content, never the practitioner's specialism in the subject, and
with discreet wording (the client's choice) no practice name that might say what it is, and no
practitioner surname. Clients who are happy with plain wording see the practice and their
counsellor's full name in the body; the subject line stays discreet for everyone.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

SIGN_OFF_DISCREET = "If you need to change this, please reply to the person you arranged it with."


@dataclass(frozen=True)
class ReminderFacts:
    starts_at: dt.datetime  # in the practice's zone
    minutes: int
    practitioner_name: str
    practice_name: str
    location: str
    online_link: str
    discreet: bool


@dataclass(frozen=True)
class Message:
    subject: str
    body: str


def _when(moment: dt.datetime) -> str:
    return f"{moment:%A} {moment.day} {moment:%B} at {moment:%H:%M}"


def _first_name(name: str) -> str:
    return name.split()[0] if name.strip() else ""


def compose(facts: ReminderFacts) -> Message:
    when = _when(facts.starts_at)
    subject = f"Reminder: your appointment on {when}"
    who = (
        _first_name(facts.practitioner_name) if facts.discreet else facts.practitioner_name.strip()
    )
    lines = [
        "Hello,",
        "",
        f"This is a reminder of your appointment{f' with {who}' if who else ''} on {when} "
        f"({facts.minutes} minutes).",
    ]
    if facts.location:
        lines.append(f"Where: {facts.location}")
    if facts.online_link:
        lines.append(f"Online: {facts.online_link}")
    lines.append("")
    if facts.discreet:
        lines.append(SIGN_OFF_DISCREET)
    else:
        lines.append(
            f"If you need to change this, please let {facts.practice_name} know as soon as you can."
        )
    return Message(subject=subject, body="\n".join(lines) + "\n")
