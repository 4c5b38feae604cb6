"""The form for a register entry. The rules live in actions.problems(), so every missing part is
named at once, whichever way the entry is written."""

from __future__ import annotations

from typing import Any

from django import forms

from frame.clients.forms import DATE_INPUT_FORMATS, plain_messages
from frame.confidentiality.actions import MAX_TEXT, EntryData, problems
from frame.confidentiality.models import (
    Article6,
    Article9,
    AtRisk,
    Basis,
    ClientTold,
    Consulted,
    Decision,
    SharedHow,
)


def _date(label: str, help_text: str = "For example 12/04/2026.") -> forms.DateField:
    return forms.DateField(
        label=label,
        required=False,
        input_formats=DATE_INPUT_FORMATS,
        widget=forms.DateInput(
            format="%d/%m/%Y", attrs={"inputmode": "numeric", "autocomplete": "off"}
        ),
        help_text=help_text,
    )


def _text(label: str, help_text: str = "", rows: int = 4) -> forms.CharField:
    return forms.CharField(
        label=label,
        required=False,
        strip=True,
        max_length=MAX_TEXT,
        widget=forms.Textarea(attrs={"rows": rows}),
        help_text=help_text,
    )


def _choice(label: str, choices: Any, *, blank: str, help_text: str = "") -> forms.ChoiceField:
    return forms.ChoiceField(
        label=label, required=False, choices=[("", blank), *choices], help_text=help_text
    )


def _radio(label: str, choices: Any) -> forms.ChoiceField:
    return forms.ChoiceField(label=label, required=False, choices=choices, widget=forms.RadioSelect)


def _several(label: str, choices: Any, help_text: str = "") -> forms.MultipleChoiceField:
    return forms.MultipleChoiceField(
        label=label,
        required=False,
        choices=choices,
        widget=forms.CheckboxSelectMultiple,
        help_text=help_text,
    )


class EntryForm(forms.Form):
    # Fields are all optional here: problems() says what is missing, every part at once.
    concern_arose_on = _date("Date the concern arose")
    concern = _text(
        "The concern",
        "What was said or seen that raised the question of sharing. Stored encrypted.",
    )
    facts = _text(
        "The facts",
        "A factual account, in the client's own words where they matter; no speculation.",
        rows=6,
    )
    at_risk = _several("Who is at risk", AtRisk.choices, "Choose any that apply.")
    at_risk_detail = _text("About who is at risk", "For example how old a child is.", rows=2)
    basis = _several(
        "The basis you considered",
        Basis.choices,
        "Choose every basis you weighed, whatever you decided.",
    )
    basis_detail = _text("About the basis", "Needed if you chose “Other”.", rows=2)
    consulted = _several(
        "Who you consulted", Consulted.choices, "Leave all unticked if you consulted nobody."
    )
    advice = _text("The advice you were given", "Who advised what, and when.")
    client_told = _radio("Was the client told?", ClientTold.choices)
    client_told_detail = _text(
        "About telling the client",
        "If not told, why not: for example, telling them would have increased the risk, or "
        "would amount to tipping off (Terrorism Act 2000 s.39). If told, how they responded.",
        rows=3,
    )
    decision = _radio("The decision", Decision.choices)
    decided_on = _date("Date of the decision")
    reasons = _text("The reasons for the decision", "Either way: sharing, or not.", rows=6)
    article_6 = _choice(
        "UK GDPR Article 6 basis for sharing",
        Article6.choices,
        blank="Not sharing, or not chosen yet",
        help_text="Needed when you share.",
    )
    article_9 = _choice(
        "UK GDPR Article 9 condition for sharing health information",
        Article9.choices,
        blank="Not sharing, or not chosen yet",
        help_text=(
            "Needed when you share. Schedule 1 Part 2 conditions (paras 10 and 18) may need an "
            "appropriate policy document: check with your data-protection adviser."
        ),
    )
    what_shared = _text("What was shared", "Exactly what: the minimum necessary.")
    shared_with = _text(
        "Who it was shared with", "The agency and the named person, with their role.", rows=2
    )
    shared_how = _choice("How it was shared", SharedHow.choices, blank="Not shared")
    shared_on = _date("Date it was shared")
    shared_time = forms.TimeField(
        label="Time it was shared",
        required=False,
        input_formats=["%H:%M", "%H.%M", "%H%M"],
        widget=forms.TimeInput(format="%H:%M", attrs={"inputmode": "numeric"}),
        help_text="For example 14:30.",
    )
    reference_numbers = forms.CharField(
        label="Reference numbers",
        required=False,
        max_length=MAX_TEXT,
        help_text="For example the referral or crime reference number.",
    )
    follow_up = _text("Follow-up", "What happens next, who does it, and any outcome so far.")
    review_on = _date("Review date", "When to look at this again. For example 12/05/2026.")

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        for field in self.fields.values():
            plain_messages(field, str(field.label))
        self.fields["shared_time"].error_messages["invalid"] = (
            "Enter the time as hours and minutes, for example 14:30."
        )

    def entry_data(self) -> EntryData:
        values: dict[str, Any] = {name: self.cleaned_data.get(name) for name in self.fields}
        for name in ("at_risk", "basis", "consulted"):
            values[name] = list(values[name] or [])
        for name, value in list(values.items()):
            if value is None and name not in {
                "concern_arose_on",
                "decided_on",
                "shared_on",
                "shared_time",
                "review_on",
            }:
                values[name] = ""
        return EntryData(**values)

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        for name, message in problems(self.entry_data()).items():
            if name not in self.errors:  # a field that did not parse already says why
                self.add_error(name, message)
        return cleaned

    @staticmethod
    def initial_from(data: EntryData) -> dict[str, Any]:
        return data.as_dict()


class FollowUpForm(forms.Form):
    text = _text("What happened next", "The outcome, what was done, who did it. Stored encrypted.")
    next_review_on = _date(
        "Next review date", "Leave empty if no further review is needed. For example 12/06/2026."
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        for field in self.fields.values():
            plain_messages(field, str(field.label))
        self.fields["text"].required = True
        self.fields["text"].error_messages["required"] = (
            "Say what happened next: the outcome, or what was done."
        )
