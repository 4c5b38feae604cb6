"""Display helpers for supervision times: exact fractions shown rounded down to the minute."""

from __future__ import annotations

from fractions import Fraction
from typing import Any

from django import template

from frame.supervision import rules

register = template.Library()


@register.filter
def hours(value: Any) -> str:
    return rules.as_hours(Fraction(value or 0))


@register.filter
def minutes_as_hours(value: Any) -> str:
    return rules.as_hours(Fraction(int(value or 0)))
