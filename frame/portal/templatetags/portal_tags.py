"""Template tags for portal pages: the crisis-contacts footer and article text."""

from __future__ import annotations

from typing import Any

from django import template
from django.utils.html import format_html, format_html_join
from django.utils.safestring import SafeString

from frame.portal.crisis import crisis_panel

register = template.Library()


def _practice_id(context: Any) -> int | None:
    if context.get("portal_practice_id"):
        return int(context["portal_practice_id"])
    request = context.get("request")
    account = getattr(request, "portal_account", None)
    return account.client.practice_id if account is not None else None


@register.inclusion_tag("portal/_crisis_contacts.html", takes_context=True)
def crisis_contacts(context: Any) -> dict[str, Any]:
    """Every portal page ends with where to get urgent help, from the practice's own list (for
    the signed-in client's nation, when recorded), and when messages are and are not read."""
    request = context.get("request")
    account = getattr(request, "portal_account", None)
    panel = crisis_panel(_practice_id(context), account.client_id if account else None)
    return {"contacts": panel.contacts, "messages_statement": panel.messages_statement}


@register.inclusion_tag("portal/_crisis_contacts_document.html", takes_context=True)
def crisis_contacts_document(context: Any) -> dict[str, Any]:
    """The crisis contacts for a printed document (the contract), which has no request: the
    practice comes from `crisis_practice_id` or the agreement in the context; without either,
    Frame's UK defaults."""
    practice_id = context.get("crisis_practice_id")
    agreement = context.get("agreement")
    if practice_id is None and agreement is not None:
        practice_id = getattr(agreement.client, "practice_id", None)
    panel = crisis_panel(practice_id)
    return {"contacts": panel.contacts, "messages_statement": panel.messages_statement}


@register.filter
def article_body(text: str) -> SafeString:
    """Plain text to HTML: blank lines separate paragraphs, "## " starts a subheading and lines
    starting "- " make a list. Everything is escaped; nobody can put markup into an article."""
    parts = []
    for block in str(text).replace("\r\n", "\n").split("\n\n"):
        block = block.strip()
        lines = [line.strip() for line in block.split("\n") if line.strip()]
        if not lines:
            continue
        if block.startswith("## "):
            parts.append(format_html("<h2>{}</h2>", block[3:].strip()))
        elif all(line.startswith("- ") for line in lines):
            items = format_html_join("", "<li>{}</li>", ((line[2:].strip(),) for line in lines))
            parts.append(format_html("<ul>{}</ul>", items))
        else:
            joined = format_html_join(SafeString("<br>"), "{}", ((line,) for line in lines))
            parts.append(format_html("<p>{}</p>", joined))
    return SafeString("\n".join(parts))
