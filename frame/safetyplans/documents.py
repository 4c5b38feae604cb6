"""Downloads of a safety plan: a printable PDF and a vCard of its phone contacts.

File names are plain and generated, never the client's name (a file name shows in download
lists and on shared phones).
"""

from __future__ import annotations

import re
from typing import Any

import vobject
from django.http import HttpResponse
from django.utils.http import content_disposition_header

from frame.clients.models import Client
from frame.lib.pdf import render_pdf
from frame.portal.crisis import crisis_panel
from frame.safetyplans.models import SafetyPlanVersion

# A phone number inside a crisis contact's "how to reach" words: "Call 0800 068 4141",
# "Text SHOUT to 85258". Digits with single spaces, at least three digits long.
_NUMBER = re.compile(r"\+?\d(?:[\d ]*\d){2,}")


def _attachment(content: bytes, content_type: str, filename: str) -> HttpResponse:
    response = HttpResponse(content, content_type=content_type)
    response["Content-Disposition"] = (
        content_disposition_header(as_attachment=True, filename=filename) or "attachment"
    )
    response["X-Content-Type-Options"] = "nosniff"
    return response


def number_in(words: str) -> str:
    """The first phone number in some words, or "" when there is none."""
    found = _NUMBER.search(words)
    return found.group(0).strip() if found else ""


def _card(name: str, phone: str, note: str, *, texting: bool = False) -> Any:
    card = vobject.vCard()
    card.add("n").value = vobject.vcard.Name(given=name)
    card.add("fn").value = name
    tel = card.add("tel")
    tel.value = phone
    tel.type_param = "TEXT" if texting else "VOICE"
    if note:
        card.add("note").value = note
    return card


def vcard_text(version: SafetyPlanVersion, client: Client) -> str:
    """One VCARD per contact in the plan that has a phone number, then the crisis lines."""
    cards = []
    for contact in version.contact_list:
        note = " ".join(
            part
            for part in (
                contact.role,
                f"When to contact: {contact.when}" if contact.when else "",
                "From my safety plan.",
            )
            if part
        )
        cards.append(_card(contact.name, contact.phone, note))
    for line in crisis_panel(client.practice_id, client.pk).contacts:
        phone = number_in(line.how_to_reach)
        if not phone:
            continue
        texting = line.how_to_reach.lower().startswith("text")
        note = f"{line.how_to_reach}. {line.when_to_use}".strip()
        cards.append(_card(line.name, phone, note, texting=texting))
    return "".join(card.serialize() for card in cards)


def vcard_response(version: SafetyPlanVersion, client: Client) -> HttpResponse:
    response = _attachment(
        vcard_text(version, client).encode(),
        "text/vcard; charset=utf-8",
        f"safety-plan-contacts-version-{version.number}.vcf",
    )
    return response


def pdf_response(version: SafetyPlanVersion, client: Client) -> HttpResponse:
    panel = crisis_panel(client.practice_id, client.pk)
    content = render_pdf(
        "safetyplans/pdf.html",
        {
            "version": version,
            "sections": version.section_list,
            "contacts": version.contact_list,
            "crisis_contacts": panel.contacts,
            "messages_statement": panel.messages_statement,
        },
    )
    return _attachment(content, "application/pdf", f"safety-plan-version-{version.number}.pdf")
