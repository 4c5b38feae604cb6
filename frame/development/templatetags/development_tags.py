"""`{{ value|hours }}`: CPD hours without trailing zeros (1.5, 6, 1.25)."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from django import template

register = template.Library()


def format_hours(value: Any) -> str:
    if value is None or value == "":
        return ""
    text = f"{Decimal(str(value)).quantize(Decimal('0.01')):f}"
    return text.rstrip("0").rstrip(".") if "." in text else text


register.filter("hours", format_hours)
