"""Putting an action's refusal on the form the person filled in, so nothing they typed is lost."""

from __future__ import annotations

from django import forms
from django.core.exceptions import ValidationError


def show_refusal(form: forms.Form, error: ValidationError) -> None:
    """Show an action's ValidationError next to the field it names, or at the top of the form."""
    if hasattr(error, "error_dict"):
        for field, problems in error.message_dict.items():
            form.add_error(field if field in form.fields else None, problems)
    else:
        form.add_error(None, error.messages)
