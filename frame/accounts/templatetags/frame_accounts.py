"""Template helpers for the account pages."""

from __future__ import annotations

import json
from typing import Any

from django import template
from django.core.serializers.json import DjangoJSONEncoder

from frame.accounts import wording

register = template.Library()


@register.filter
def to_json(value: Any) -> str:
    """JSON for a data- attribute. Autoescaping then makes it safe inside the attribute."""
    return json.dumps(value, cls=DjangoJSONEncoder)


@register.filter
def in_groups_of_four(value: str) -> str:
    """A long setup key is easier to copy by eye in small groups; apps ignore the spaces."""
    return " ".join(value[i : i + 4] for i in range(0, len(value), 4))


@register.filter
def role_phrase(role: str) -> str:
    """A role with its article, for sentences: 'an owner', 'a supervisor'."""
    return wording.role_phrase(role)
