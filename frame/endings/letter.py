"""The ending letter: Frame's own starting wording, filled in once, then the practitioner's to edit.

The wording is written for Frame. Placeholders in braces are filled when an ending is recorded;
after that the text is ordinary editable text, so nothing is refilled behind anyone's back.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping

PLANNED_TEMPLATE = "\n\n".join(
    (
        "Dear {client_name},",
        (
            "Our work together came to its planned end on {ended_on}. Thank you for the time and "
            "care you brought to our sessions. {sessions_sentence}"
        ),
        (
            "Endings can stir up all sorts of feelings, including ones we did not expect, and that "
            "is a normal part of finishing. The changes you made belong to you, and you can keep "
            "building on them."
        ),
        (
            "I will keep the records of our work securely for the period we agreed at the start, "
            "and then destroy them. You can ask to see what is held about you at any time."
        ),
        (
            "If you would like to work together again in future, you are welcome to get in touch. "
            "If you need support urgently in the meantime, please contact your GP, call NHS 111, or"
            " call Samaritans free on 116 123 at any time."
        ),
        "With my best wishes,",
        "{practitioner_name}",
    )
)

UNPLANNED_TEMPLATE = "\n\n".join(
    (
        "Dear {client_name},",
        (
            "I have not seen you since {last_attended_on}, and I have not been able to reach you "
            "since then. I am writing to let you know that, unless I hear from you, I will take our"
            " work together as having ended on {ended_on}."
        ),
        (
            "There is no need to explain. People stop therapy for many reasons, and the door stays "
            "open: if you would like to come back, or to have a final session to finish well, "
            "please get in touch."
        ),
        (
            "I will keep the records of our work securely for the period we agreed at the start, "
            "and then destroy them. You can ask to see what is held about you at any time."
        ),
        (
            "If you need support urgently, please contact your GP, call NHS 111, or call Samaritans"
            " free on 116 123 at any time."
        ),
        "With my best wishes,",
        "{practitioner_name}",
    )
)


def long_date(day: dt.date | None) -> str:
    return f"{day.day} {day:%B %Y}" if day is not None else "our last session"


def prefill(
    *,
    planned: bool,
    client_name: str,
    practitioner_name: str,
    ended_on: dt.date,
    last_attended_on: dt.date | None,
    sessions_held: int,
) -> str:
    """The letter as first offered: Frame's wording with this client's details filled in."""
    if sessions_held == 1:
        sessions_sentence = "We met for one session."
    elif sessions_held > 1:
        sessions_sentence = f"We met for {sessions_held} sessions."
    else:
        sessions_sentence = ""
    values: Mapping[str, str] = {
        "client_name": client_name,
        "practitioner_name": practitioner_name,
        "ended_on": long_date(ended_on),
        "last_attended_on": long_date(last_attended_on),
        "sessions_sentence": sessions_sentence,
    }
    template = PLANNED_TEMPLATE if planned else UNPLANNED_TEMPLATE
    text = template.format(**values)
    return text.replace(" \n", "\n") + "\n"
