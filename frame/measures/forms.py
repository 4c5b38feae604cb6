"""Forms for entering a questionnaire in session and acknowledging a risk alert."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

from django import forms
from django.utils import timezone

from frame.measures.actions import MAX_NOTE
from frame.measures.definitions import Instrument, Item
from frame.measures.models import ScheduleRule
from frame.measures.scoring import Answer
from frame.measures.selectors import FormWording


def _field_name(number: int) -> str:
    return f"item_{number}"


def item_field(item: Item, wording: FormWording) -> forms.Field:
    """The form field for one item: radio buttons for options, a number for a measured mark."""
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
    return field


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
            self.fields[_field_name(item.number)] = item_field(item, wording)

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


class PortalQuestionnaireForm(forms.Form):
    """The client's own form: the same items, starting from whatever they saved last time.

    Every item may be left blank while saving part-way; `actions.submit_request` is what insists
    on a whole questionnaire before anything is scored.
    """

    def __init__(
        self, *args: Any, wording: FormWording, saved: list[Any] | None = None, **kwargs: Any
    ) -> None:
        super().__init__(*args, **kwargs)
        self.wording = wording
        saved = saved or []
        for position, item in enumerate(wording.instrument.items):
            field = item_field(item, wording)
            if item.scored:
                field.help_text = ""
            else:
                field.help_text = "You can leave this one out if you prefer."
            if position < len(saved) and saved[position] is not None:
                field.initial = saved[position]
            self.fields[_field_name(item.number)] = field

    def item_fields(self) -> list[forms.BoundField]:
        return [self[_field_name(item.number)] for item in self.wording.instrument.items]

    def answers(self) -> list[Answer]:
        return [
            self.cleaned_data.get(_field_name(item.number))
            for item in self.wording.instrument.items
        ]

    def mark_unanswered(self, numbers: list[int]) -> None:
        for number in numbers:
            self.add_error(_field_name(number), "Choose an answer for this question.")


class SendForm(forms.Form):
    instrument = forms.ChoiceField(
        label="Questionnaire",
        help_text="The client gets an email with a link; it also waits on their portal home page.",
    )

    def __init__(self, *args: Any, instruments: list[Instrument], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["instrument"]
        assert isinstance(field, forms.ChoiceField)  # noqa: S101
        field.choices = [("", "Choose one")] + [(i.id, i.title) for i in instruments]


class ScheduleForm(SendForm):
    rule = forms.ChoiceField(label="When", choices=ScheduleRule.choices, widget=forms.RadioSelect)
    every_n = forms.IntegerField(
        label="For every Nth session: how often",
        min_value=2,
        max_value=52,
        required=False,
        help_text="For example 4 sends it before sessions 4, 8, 12 and so on.",
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["instrument"].help_text = ""

    def clean(self) -> dict[str, Any]:
        cleaned: dict[str, Any] = super().clean() or {}
        if cleaned.get("rule") == ScheduleRule.EVERY_NTH and not cleaned.get("every_n"):
            self.add_error("every_n", "Say how often: every 2nd session or more.")
        return cleaned
