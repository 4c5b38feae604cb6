from __future__ import annotations

import html
import re
from typing import Any

import pytest
from django.urls import reverse

from frame.contracts import actions as contracts
from frame.contracts.models import ContractTemplate


@pytest.fixture
def template(practice: Any, practitioner: Any) -> ContractTemplate:
    return contracts.ensure_templates(practice=practice, by=practitioner)


def brief_url(appointment: Any) -> str:
    return reverse("brief:appointment", args=[appointment.pk])


def words(fragment: str) -> str:
    """A piece of HTML as a reader sees it: tags dropped, entities read, spaces collapsed."""
    return " ".join(html.unescape(re.sub(r"<[^>]+>", " ", fragment)).split())


def section_text(content: str, key: str) -> str | None:
    """The text of the brief's section `key`, or None when the brief leaves it out."""
    marker = f'id="brief-{key}"'
    if marker not in content:
        return None
    start = content.index(marker)
    return words(content[start : content.index("</section>", start)])
