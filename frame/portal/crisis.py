"""Crisis contacts: Frame's UK defaults, and the list a practice shows its clients.

The defaults are the verified UK services (see the design notes): every practice starts with them
and its owner can change, reorder, add to or remove them — but never remove the last one, so every
portal page always says where to find urgent help.

Nations: NHS 111 option 2 is England's service. Frame ships no Scottish, Welsh or Northern Irish
alternatives because none were verified for it; an owner adds their own, tagged with the nations
they serve. A client sees every contact, each labelled with the nations it serves, until their
practitioner records which nation the client's crisis lines should be for (safetyplans'
CrisisNation): then contacts for other nations are left out. Frame does not guess a nation from a
postcode (border postcodes are ambiguous and a wrong guess hides the right number).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from frame.portal.models import CrisisContact, Nation
from frame.safetyplans.selectors import messages_statement, nation_for


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
    DefaultContact(
        name="Childline",
        how_to_reach="Call 0800 1111",
        when_to_use="For anyone under 19, about anything at all. Free, day or night.",
    ),
    DefaultContact(
        name="Papyrus HOPELINE247",
        how_to_reach="Call 0800 068 4141",
        when_to_use=(
            "For anyone under 35 having thoughts of suicide, or anyone worried about a young "
            "person. Free, day or night."
        ),
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


def contacts_for_practice(practice_id: int | None, nation: str = "") -> list[CrisisContact]:
    """What a practice's clients see (one query). Before anyone is signed in, or for a practice
    whose list is somehow empty, the UK defaults: the footer is never blank.

    With a `nation`, contacts that serve only other nations are left out (never all of them: if
    every contact were for elsewhere, the whole list is shown rather than none)."""
    contacts = None
    if practice_id is not None:
        contacts = list(CrisisContact.objects.filter(practice_id=practice_id))
    if not contacts:
        contacts = default_contacts(practice_id or 0)
    if nation:
        here = [c for c in contacts if not c.nation_list or nation in c.nation_list]
        if here:
            return here
    return contacts


@dataclass(frozen=True)
class CrisisPanel:
    """Everything the crisis footer shows: the contacts and when messages are read."""

    contacts: list[CrisisContact]
    messages_statement: str


def crisis_panel(practice_id: int | None, client_id: Any = None) -> CrisisPanel:
    """The footer for a portal page (at most three queries): the practice's contacts, narrowed
    to the client's nation when their practitioner has recorded one, and the practice's
    statement of when messages are and are not read."""
    nation = nation_for(client_id) if client_id is not None else ""
    return CrisisPanel(
        contacts=contacts_for_practice(practice_id, nation),
        messages_statement=messages_statement(practice_id),
    )
