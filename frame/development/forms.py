"""Forms for the journal, CPD activities and the CPD year. Actions check the rules again."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from django import forms
from django.utils import timezone

from frame.clients.forms import DATE_INPUT_FORMATS, plain_messages
from frame.development import actions, years
from frame.development.models import CpdKind


def _date(label: str, help_text: str = "For example 12/04/2026.") -> forms.DateField:
    return forms.DateField(
        label=label,
        initial=timezone.localdate,
        input_formats=DATE_INPUT_FORMATS,
        widget=forms.DateInput(
            format="%d/%m/%Y", attrs={"inputmode": "numeric", "autocomplete": "off"}
        ),
        help_text=help_text,
    )


class _PlainForm(forms.Form):
    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        for field in self.fields.values():
            plain_messages(field, str(field.label))


class JournalForm(_PlainForm):
    written_on = _date("Date")
    text = forms.CharField(
        label="Your reflection",
        max_length=actions.MAX_JOURNAL,
        widget=forms.Textarea(attrs={"rows": 12}),
        help_text="What the work stirred up in you. Stored encrypted.",
    )
    case_code = forms.CharField(
        label="Case code",
        required=False,
        max_length=12,
        help_text=(
            "Optional: the case code of a client this reflects on. Leave empty for an entry about "
            "you and your practice in general."
        ),
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["text"].error_messages["required"] = "Write something before saving."
        self.fields["case_code"].widget.attrs.update(
            {"autocomplete": "off", "spellcheck": "false", "class": "code"}
        )


class CpdForm(_PlainForm):
    activity = forms.CharField(
        label="Activity",
        max_length=actions.MAX_ACTIVITY,
        help_text="For example the course, the book or the conference.",
    )
    done_on = _date("Date")
    hours = forms.DecimalField(
        label="Hours",
        min_value=Decimal("0.01"),
        max_digits=6,
        decimal_places=2,
        widget=forms.TextInput(attrs={"inputmode": "decimal"}),
        help_text="For example 1.5 for an hour and a half.",
    )
    kind = forms.ChoiceField(label="Kind of activity", choices=[("", "Choose…"), *CpdKind.choices])
    learnt = forms.CharField(
        label="What you learnt",
        max_length=actions.MAX_CPD_TEXT,
        widget=forms.Textarea(attrs={"rows": 4}),
    )
    impact = forms.CharField(
        label="Impact on your practice",
        required=False,
        max_length=actions.MAX_CPD_TEXT,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text="What you do differently because of it. You can add this later.",
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["activity"].error_messages["required"] = (
            "Name the activity, for example the course or the book."
        )
        self.fields["kind"].error_messages["required"] = "Choose what kind of activity it was."
        self.fields["learnt"].error_messages["required"] = (
            "Say what you learnt, in a sentence or two."
        )
        self.fields["hours"].error_messages.update(
            {
                "required": "Give the hours, for example 1.5.",
                "invalid": "Give the hours as a number, for example 1.5.",
                "min_value": "The hours must be more than 0.",
                "max_digits": "That is too many hours for one activity.",
                "max_decimal_places": "Give the hours to at most two decimal places.",
                "max_whole_digits": "That is too many hours for one activity.",
            }
        )

    def values(self) -> dict[str, Any]:
        return {name: self.cleaned_data.get(name) for name in actions.CPD_FIELDS}


class YearStartForm(_PlainForm):
    start_month = forms.TypedChoiceField(
        label="Month",
        coerce=int,
        choices=[(i, name) for i, name in enumerate(years.MONTH_NAMES, start=1)],
    )
    start_day = forms.TypedChoiceField(
        label="Day", coerce=int, choices=[(i, str(i)) for i in range(1, 32)]
    )

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        month, day = cleaned.get("start_month"), cleaned.get("start_day")
        if month is not None and day is not None:
            try:
                years.YearStart(month=month, day=day)
            except ValueError:
                self.add_error(
                    "start_day",
                    f"{years.MONTH_NAMES[month - 1]} does not have a day {day} every year: "
                    "choose an earlier day.",
                )
        return cleaned
