"""Where a client can go next: the status lifecycle, as plain data with no Django in sight.

The usual path is enquiry → assessment → active → ended → archived. Real practice needs a few
more steps: someone who enquires may start straight away (the first session is the assessment),
may not go ahead at all (enquiry or assessment → ended), and may come back after ending
(ended → active). Archiving is final: it hides the record from everyday lists, and records are
never deleted.
"""

from __future__ import annotations

ENQUIRY = "enquiry"
ASSESSMENT = "assessment"
ACTIVE = "active"
ENDED = "ended"
ARCHIVED = "archived"

STATUSES: tuple[str, ...] = (ENQUIRY, ASSESSMENT, ACTIVE, ENDED, ARCHIVED)

# A new record can start anywhere before the work ends: a practitioner moving an existing
# caseload into Frame adds clients who are already being seen.
INITIAL_STATUSES: tuple[str, ...] = (ENQUIRY, ASSESSMENT, ACTIVE)

# Ordered as a practitioner would most often want them offered.
_NEXT: dict[str, tuple[str, ...]] = {
    ENQUIRY: (ASSESSMENT, ACTIVE, ENDED),
    ASSESSMENT: (ACTIVE, ENDED),
    ACTIVE: (ENDED,),
    ENDED: (ACTIVE, ARCHIVED),
    ARCHIVED: (),
}

# Statuses shown in the everyday client list; archived records are found with the status filter.
CURRENT_STATUSES: tuple[str, ...] = (ENQUIRY, ASSESSMENT, ACTIVE, ENDED)


class TransitionNotAllowed(ValueError):
    """A status change the lifecycle does not allow. The message is plain words for the user."""


def is_known(status: str) -> bool:
    return status in _NEXT


def next_statuses(status: str) -> tuple[str, ...]:
    """The statuses a client with `status` may move to, in the order to offer them."""
    if status not in _NEXT:
        raise TransitionNotAllowed(f"“{status}” is not a status Frame knows.")
    return _NEXT[status]


def is_final(status: str) -> bool:
    return not next_statuses(status)


def can_move(from_status: str, to_status: str) -> bool:
    return is_known(from_status) and to_status in _NEXT[from_status]


def check_transition(from_status: str, to_status: str) -> None:
    """Raise TransitionNotAllowed, with a reason a practitioner can act on, unless allowed."""
    if not is_known(to_status):
        raise TransitionNotAllowed(f"“{to_status}” is not a status Frame knows.")
    allowed = next_statuses(from_status)
    if to_status == from_status:
        raise TransitionNotAllowed(f"The client is already {from_status}.")
    if to_status not in allowed:
        if not allowed:
            raise TransitionNotAllowed("An archived record is final and its status cannot change.")
        choices = " or ".join(allowed)
        raise TransitionNotAllowed(
            f"A client who is {from_status} can move to {choices}, not {to_status}."
        )


def check_initial(status: str) -> None:
    if status not in INITIAL_STATUSES:
        choices = ", ".join(INITIAL_STATUSES)
        raise TransitionNotAllowed(f"A new client record starts as one of: {choices}.")
