"""Forms for the supervision log, cases, requirement, breaks, packs and shares. Actions save."""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Sequence
from typing import Any

from django import forms

from frame.clients.forms import DATE_INPUT_FORMATS, plain_messages
from frame.supervision.models import Kind, Rule
from frame.supervision.packs import GENDERS

MAX_TEXT = 5000


def _date(label: str, help_text: str) -> forms.DateField:
    return forms.DateField(
        label=label,
        input_formats=DATE_INPUT_FORMATS,
        widget=forms.DateInput(
            format="%d/%m/%Y", attrs={"inputmode": "numeric", "autocomplete": "off"}
        ),
        help_text=help_text,
    )


def _text(label: str, *, required: bool, help_text: str = "", rows: int = 4) -> forms.CharField:
    return forms.CharField(
        label=label,
        required=required,
        max_length=MAX_TEXT,
        strip=True,
        widget=forms.Textarea(attrs={"rows": rows}),
        help_text=help_text,
    )


class _PlainForm(forms.Form):
    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        for field in self.fields.values():
            plain_messages(field, str(field.label))


class SupervisionForm(_PlainForm):
    held_on = _date("Date of the supervision", "For example 12/04/2026.")
    minutes = forms.IntegerField(
        label="Length, in minutes",
        help_text="For example 60 or 90.",
        widget=forms.NumberInput(attrs={"inputmode": "numeric"}),
    )
    kind = forms.ChoiceField(
        label="Kind of supervision", choices=Kind.choices, widget=forms.RadioSelect
    )
    group_size = forms.IntegerField(
        label="Number in the group",
        required=False,
        help_text=(
            "For group or peer supervision only: the supervisees in the group, including you, "
            "not counting the facilitator."
        ),
        widget=forms.NumberInput(attrs={"inputmode": "numeric"}),
    )
    supervisor_name = forms.CharField(label="Supervisor", max_length=150)
    learning = _text(
        "Learning and impact on your practice",
        required=False,
        help_text="Optional. Stored encrypted; only you can see it.",
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["minutes"].error_messages["invalid"] = "Enter the length as a whole number."
        self.fields["group_size"].error_messages["invalid"] = (
            "Enter the number in the group as a whole number."
        )


class CaseForm(_PlainForm):
    client = forms.ChoiceField(
        label="Client (by case code)",
        help_text="Only case codes are used in supervision records: never names.",
    )
    discussed = _text(
        "What was discussed",
        required=True,
        help_text="Use the case code, not the client's name. Stored encrypted.",
    )
    learnt = _text("What you learnt", required=False, help_text="Stored encrypted.")
    actions = _text(
        "Actions",
        required=False,
        help_text="One a line. Each becomes a reminder on the client's card, seen by you only.",
        rows=3,
    )

    def __init__(self, *args: Any, cases: Sequence[tuple[str, str]] = (), **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["client"]
        assert isinstance(field, forms.ChoiceField)  # noqa: S101  (declared just above)
        field.choices = [("", "Choose a case code"), *cases]

    def action_lines(self) -> list[str]:
        return [line for line in self.cleaned_data.get("actions", "").splitlines() if line.strip()]


class RequirementForm(_PlainForm):
    rule = forms.ChoiceField(
        label="Which rule applies to you", choices=Rule.choices, widget=forms.RadioSelect
    )
    monthly_minutes = forms.IntegerField(
        label="Monthly minimum, in minutes",
        min_value=1,
        max_value=24 * 60,
        help_text="BACP asks for at least 90 minutes (1.5 hours) each calendar month.",
        widget=forms.NumberInput(attrs={"inputmode": "numeric"}),
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["monthly_minutes"]
        words = "The monthly minimum must be between 1 minute and 24 hours (1440 minutes)."
        field.error_messages.update(
            {"min_value": words, "max_value": words, "invalid": "Enter a whole number of minutes."}
        )


class BreakForm(_PlainForm):
    month = forms.CharField(
        label="Month of the break",
        max_length=20,
        help_text="Month and year, for example 08/2026.",
        widget=forms.TextInput(attrs={"inputmode": "numeric", "autocomplete": "off"}),
    )
    reason = _text(
        "Why there was a break",
        required=True,
        help_text="For example: no clients this month. Stored encrypted.",
        rows=2,
    )

    def clean_month(self) -> dt.date:
        value = self.cleaned_data["month"].strip()
        found = re.fullmatch(r"(\d{1,2})\s*[/.\- ]\s*(\d{4})", value) or re.fullmatch(
            r"(\d{4})-(\d{1,2})", value
        )
        if found is None:
            raise forms.ValidationError("Enter the month and year, for example 08/2026.")
        first, second = found.groups()
        month, year = (int(second), int(first)) if len(first) == 4 else (int(first), int(second))
        if not 1 <= month <= 12 or year < 2000:
            raise forms.ValidationError("Enter a real month and year, for example 08/2026.")
        return dt.date(year, month, 1)


class PackForm(_PlainForm):
    """Choose events and clients; a gender select per client (default: not given)."""

    events = forms.MultipleChoiceField(
        label="Boundary events marked “take to supervision”",
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    flags = forms.MultipleChoiceField(
        label="Risk flags marked “take to supervision”",
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    clients = forms.MultipleChoiceField(
        label="Whole clients to take", required=False, widget=forms.CheckboxSelectMultiple
    )

    def __init__(
        self,
        *args: Any,
        events: Sequence[tuple[str, str]] = (),
        flags: Sequence[tuple[str, str]] = (),
        clients: Sequence[tuple[str, str]] = (),
        **kwargs: Any,
    ) -> None:
        super().__init__(*args, **kwargs)
        for name, choices in (("events", events), ("flags", flags), ("clients", clients)):
            field = self.fields[name]
            assert isinstance(field, forms.MultipleChoiceField)  # noqa: S101  (declared above)
            field.choices = list(choices)
        self.client_ids = [value for value, _ in clients]
        for value, label in clients:
            self.fields[f"gender_{value}"] = forms.ChoiceField(
                label=f"Gender to show for {label}", choices=GENDERS, required=False
            )

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        if not any(cleaned.get(name) for name in ("events", "flags", "clients")):
            raise forms.ValidationError(
                "Please choose at least one event, flag or client to take to supervision."
            )
        return cleaned

    def genders(self) -> dict[str, str]:
        return {
            value: self.cleaned_data.get(f"gender_{value}") or ""
            for value in self.cleaned_data.get("clients", [])
        }

    def gender_fields(self) -> list[Any]:
        return [self[f"gender_{value}"] for value in self.client_ids]


class ShareForm(_PlainForm):
    supervisor = forms.ChoiceField(label="Supervisor")
    expires_on = _date(
        "Share until",
        "The last day your supervisor can open it, for example 30/06/2026. Must be in the future.",
    )

    def __init__(
        self, *args: Any, supervisors: Sequence[tuple[str, str]] = (), **kwargs: Any
    ) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["supervisor"]
        assert isinstance(field, forms.ChoiceField)  # noqa: S101  (declared above)
        field.choices = [("", "Choose a supervisor"), *supervisors]


class ErrorForm(_PlainForm):
    reason = _text(
        "Why this entry was recorded in error",
        required=True,
        help_text="For example: wrong date; recorded again correctly. Stored encrypted.",
        rows=2,
    )


class NoteForm(_PlainForm):
    text = _text(
        "Your note",
        required=True,
        help_text="Only you will ever see it; the practitioner does not. Stored encrypted.",
    )
