"""Forms for entering a questionnaire in session and acknowledging a risk alert."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

from django import forms
from django.utils import timezone

from frame.measures.actions import MAX_NOTE
from frame.measures.scoring import Answer
from frame.measures.selectors import FormWording


def _field_name(number: int) -> str:
    return f"item_{number}"


class AdministrationForm(forms.Form):
    """One field per item, in the instrument's order. Every item may be left unanswered: the
    scoring rules decide whether what is left can still be scored."""

    completed_on = forms.DateField(
        label="Date completed",
        widget=forms.DateInput(attrs={"type": "date"}),
        help_text="The day the client answered, usually today.",
    )

    def __init__(self, *args: Any, wording: FormWording, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.wording = wording
        instrument = wording.instrument
        if not self.is_bound:
            self.fields["completed_on"].initial = timezone.localdate()
        for item in instrument.items:
            name = _field_name(item.number)
            label = f"{item.number}. {wording.items.get(item.number, '')}"
            rs = item.response_set
            field: forms.Field
            if rs.kind == "options":
                labels = wording.option_labels.get(rs.key, ())
                field = forms.TypedChoiceField(
                    label=label,
                    choices=[(str(i), text) for i, text in enumerate(labels)],
                    coerce=int,
                    empty_value=None,
                    required=False,
                    widget=forms.RadioSelect,
                )
            else:
                field = forms.DecimalField(
                    label=label,
                    min_value=rs.minimum,
                    max_value=rs.maximum,
                    decimal_places=rs.decimals,
                    required=False,
                    help_text=(
                        f"The mark measured in {rs.unit or 'units'} from the left end, "
                        f"{rs.minimum} to {rs.maximum}."
                    ),
                    widget=forms.NumberInput(attrs={"step": str(Decimal(1).scaleb(-rs.decimals))}),
                )
            if not item.scored:
                field.help_text = "Not part of the score."
            self.fields[name] = field

    def item_fields(self) -> list[forms.BoundField]:
        return [self[_field_name(item.number)] for item in self.wording.instrument.items]

    def clean_completed_on(self) -> dt.date:
        value: dt.date = self.cleaned_data["completed_on"]
        if value > timezone.localdate():
            raise forms.ValidationError("The date cannot be in the future.")
        return value

    def clean(self) -> dict[str, Any]:
        cleaned: dict[str, Any] = super().clean() or {}
        items = self.wording.instrument.items
        if not self.errors and all(cleaned.get(_field_name(i.number)) is None for i in items):
            raise forms.ValidationError(
                "Nothing has been answered yet: choose at least one answer."
            )
        return cleaned

    def answers(self) -> list[Answer]:
        answers: list[Answer] = [
            self.cleaned_data.get(_field_name(item.number))
            for item in self.wording.instrument.items
        ]
        return answers


class AcknowledgeForm(forms.Form):
    note = forms.CharField(
        label="Your note",
        widget=forms.Textarea(attrs={"rows": 5}),
        max_length=MAX_NOTE,
        help_text=(
            "What you did or decided: for example that you talked about it together in session, "
            "what the client said, any safety planning, who you consulted."
        ),
        strip=True,
    )
