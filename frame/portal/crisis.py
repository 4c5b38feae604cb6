"""Crisis contacts: Frame's UK defaults, and the list a practice shows its clients.

The defaults are the verified UK services (see the design notes): every practice starts with them
and its owner can change, reorder, add to or remove them — but never remove the last one, so every
portal page always says where to find urgent help.
"""

from __future__ import annotations

from dataclasses import dataclass

from frame.portal.models import CrisisContact, Nation


@dataclass(frozen=True)
class DefaultContact:
    name: str
    how_to_reach: str
    when_to_use: str
    nations: str = ""  # blank: everywhere in the UK


UK_DEFAULTS = (
    DefaultContact(
        name="Emergency services",
        how_to_reach="Call 999",
        when_to_use=(
            "If your life or someone else's is in immediate danger, or you have hurt yourself "
            "and need urgent medical help."
        ),
    ),
    DefaultContact(
        name="NHS 111, mental health option",
        how_to_reach="Call 111 and choose option 2",
        when_to_use=(
            "For urgent mental health help, day or night. It puts you through to your local NHS "
            "mental health crisis team."
        ),
        nations=Nation.ENGLAND,
    ),
    DefaultContact(
        name="Samaritans",
        how_to_reach="Call 116 123",
        when_to_use=(
            "To talk to someone about whatever is troubling you, at any hour. The call is free "
            "and does not show on your phone bill."
        ),
    ),
    DefaultContact(
        name="Shout",
        how_to_reach="Text SHOUT to 85258",
        when_to_use="If you would rather text than talk. Free, day or night.",
    ),
)


def default_contacts(practice_id: int) -> list[CrisisContact]:
    """Unsaved rows of the UK defaults for a practice, in order."""
    return [
        CrisisContact(
            practice_id=practice_id,
            position=index,
            name=contact.name,
            how_to_reach=contact.how_to_reach,
            when_to_use=contact.when_to_use,
            nations=contact.nations,
        )
        for index, contact in enumerate(UK_DEFAULTS, start=1)
    ]


def contacts_for_practice(practice_id: int | None) -> list[CrisisContact]:
    """What a practice's clients see (one query). Before anyone is signed in, or for a practice
    whose list is somehow empty, the UK defaults: the footer is never blank."""
    if practice_id is not None:
        contacts = list(CrisisContact.objects.filter(practice_id=practice_id))
        if contacts:
            return contacts
    return default_contacts(practice_id or 0)
