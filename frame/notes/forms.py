from __future__ import annotations

from typing import Any

from django import forms
from django.utils import timezone

from frame.notes import actions
from frame.notes.models import RatingOccasion

RISK_CHOICES = [("yes", "Yes, risk was noted"), ("no", "No risk noted")]


class NoteForm(forms.Form):
    """One text box per heading, then the risk question. Nothing here is required to save."""

    risk_noted = forms.ChoiceField(
        label="Was risk noted in this session?",
        choices=RISK_CHOICES,
        widget=forms.RadioSelect,
        required=False,
        help_text="Needed before signing; a draft can be saved without it.",
    )

    def __init__(self, *args: Any, headings: list[str], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.headings = headings
        risk = self.fields.pop("risk_noted")
        for index, heading in enumerate(headings):
            self.fields[f"section_{index}"] = forms.CharField(
                label=heading,
                required=False,
                strip=False,
                max_length=actions.MAX_SECTION,
                widget=forms.Textarea(attrs={"rows": 4, "data-autosave-field": ""}),
            )
        self.fields["risk_noted"] = risk
        risk.widget.attrs["data-autosave-field"] = ""

    def sections(self) -> list[tuple[str, str]]:
        return [
            (h, self.cleaned_data.get(f"section_{i}") or "") for i, h in enumerate(self.headings)
        ]

    def risk(self) -> bool | None:
        value = self.cleaned_data.get("risk_noted")
        return {"yes": True, "no": False}.get(value or "")

    @staticmethod
    def initial_for(sections: list[tuple[str, str]], risk_noted: bool | None) -> dict[str, Any]:
        initial: dict[str, Any] = {f"section_{i}": text for i, (_, text) in enumerate(sections)}
        if risk_noted is not None:
            initial["risk_noted"] = "yes" if risk_noted else "no"
        return initial


class AddendumForm(forms.Form):
    text = forms.CharField(
        label="Addendum",
        max_length=actions.MAX_ADDENDUM,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=(
            "Added below the signed note with your name and the time. It cannot be changed later."
        ),
    )


class TemplateForm(forms.Form):
    headings = forms.CharField(
        label="Headings for session notes",
        widget=forms.Textarea(attrs={"rows": 8}),
        help_text=(
            "One heading per line, in order. The question “Was risk noted?” is always asked as "
            "well. Notes already written keep the headings they were written with."
        ),
    )

    def heading_list(self) -> list[str]:
        return [line.strip() for line in self.cleaned_data["headings"].splitlines() if line.strip()]


class ProcessNoteForm(forms.Form):
    text = forms.CharField(
        label="Your reflections",
        max_length=actions.MAX_PROCESS_NOTE,
        widget=forms.Textarea(attrs={"rows": 10}),
    )
    appointment = forms.ChoiceField(label="Session", required=False)

    def __init__(self, *args: Any, sessions: list[tuple[str, str]], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["appointment"].choices = [("", "Not about one session"), *sessions]  # type: ignore[attr-defined]


class GoalForm(forms.Form):
    words = forms.CharField(
        label="The goal, in the client's own words",
        max_length=actions.MAX_GOAL,
        widget=forms.Textarea(attrs={"rows": 2}),
    )
    agreed_on = forms.DateField(
        label="Agreed on",
        initial=timezone.localdate,
        widget=forms.DateInput(attrs={"type": "date"}),
    )
    rating = forms.IntegerField(
        label="Rating today (0 to 10)",
        min_value=0,
        max_value=10,
        required=False,
        help_text="How close the client feels to this goal: 0 not at all, 10 fully there.",
    )


class RatingForm(forms.Form):
    rating = forms.IntegerField(label="Rating (0 to 10)", min_value=0, max_value=10)
    rated_on = forms.DateField(
        label="Date", initial=timezone.localdate, widget=forms.DateInput(attrs={"type": "date"})
    )
    occasion = forms.ChoiceField(
        label="When", choices=RatingOccasion.choices, initial=RatingOccasion.SESSION
    )


class SearchForm(forms.Form):
    q = forms.CharField(
        label="Words to find",
        max_length=200,
        help_text=(
            "Finds your signed notes, and their addenda, that contain every word you type. "
            "Whole words only; capitals and accents do not matter."
        ),
        error_messages={
            "required": "Type one or more words to search for.",
            "max_length": "Keep a search under 200 characters.",
        },
    )
    page = forms.IntegerField(required=False, min_value=1, widget=forms.HiddenInput)
