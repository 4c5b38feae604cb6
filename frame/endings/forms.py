from __future__ import annotations

import uuid
from typing import Any

from django import forms

from frame.endings import actions, retention
from frame.endings.models import EndingKind
from frame.notes.selectors import GoalSummary

DATE_WIDGET = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


class PlanForm(forms.Form):
    end_on = forms.DateField(
        label="Agreed end date",
        required=False,
        widget=DATE_WIDGET,
        help_text="The date of the last session, if you agreed one.",
        error_messages={"invalid": "Enter the date as day, month and year, e.g. 14/01/2027."},
    )
    sessions = forms.IntegerField(
        label="Agreed number of sessions",
        required=False,
        min_value=1,
        max_value=200,
        help_text="The total agreed, counting the sessions already held.",
        error_messages={"invalid": "Enter a whole number of sessions, e.g. 12."},
    )
    # The plan the person was looking at: a change made meanwhile is refused, never overwritten.
    based_on = forms.CharField(required=False, widget=forms.HiddenInput)

    def based_on_id(self) -> uuid.UUID | None:
        value = self.cleaned_data.get("based_on") or ""
        try:
            return uuid.UUID(value) if value else None
        except ValueError:
            return uuid.UUID(int=0)  # matches no plan: refused as "changed meanwhile"


class EndingForm(forms.Form):
    kind = forms.ChoiceField(
        label="What kind of ending is this?",
        choices=EndingKind.choices,
        widget=forms.RadioSelect,
        error_messages={"required": "Say whether this ending was planned or not."},
    )
    ended_on = forms.DateField(
        label="Date the work ended",
        widget=DATE_WIDGET,
        help_text="For a planned ending, usually the last session. It cannot be in the future.",
        error_messages={
            "required": "Give the date the work ended.",
            "invalid": "Enter the date as day, month and year, e.g. 14/01/2027.",
        },
    )
    last_attended_on = forms.DateField(
        label="Date the client last attended (unplanned endings)",
        required=False,
        widget=DATE_WIDGET,
        error_messages={"invalid": "Enter the date as day, month and year, e.g. 14/01/2027."},
    )
    what_was_tried = forms.CharField(
        label="What was tried to reach the client (unplanned endings)",
        required=False,
        max_length=actions.MAX_TEXT,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text="For example: two emails and a letter offering a final session.",
    )
    what_changed = forms.CharField(
        label="Ending review: what changed",
        required=False,
        max_length=actions.MAX_TEXT,
        widget=forms.Textarea(attrs={"rows": 5}),
        help_text="You can also write or revise this afterwards, on the ending review page.",
    )

    def __init__(self, *args: Any, goals: list[GoalSummary], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        add_rating_fields(self, goals)

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if data.get("kind") == EndingKind.UNPLANNED:
            if not data.get("last_attended_on") and "last_attended_on" not in self.errors:
                self.add_error("last_attended_on", "Give the date the client last attended.")
            if not (data.get("what_was_tried") or "").strip():
                self.add_error(
                    "what_was_tried",
                    "Say what was tried to reach the client, even if it was nothing yet.",
                )
        return data

    def ratings(self) -> dict[str, int]:
        return ratings_from(self)


class ReviewForm(forms.Form):
    what_changed = forms.CharField(
        label="What changed",
        required=False,
        max_length=actions.MAX_TEXT,
        widget=forms.Textarea(attrs={"rows": 8}),
        help_text="In your words and, where you can, the client's: what is different now.",
    )

    def __init__(self, *args: Any, goals: list[GoalSummary], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        add_rating_fields(self, goals)

    def ratings(self) -> dict[str, int]:
        return ratings_from(self)


class LetterForm(forms.Form):
    text = forms.CharField(
        label="Letter",
        max_length=actions.MAX_LETTER,
        widget=forms.Textarea(attrs={"rows": 22}),
        error_messages={"required": "The letter is empty. Write it before saving."},
    )


class RetentionForm(forms.Form):
    process_months = forms.IntegerField(
        label="Keep process notes for this many months after an ending",
        min_value=retention.PROCESS_MONTHS_LIMITS[0],
        max_value=retention.PROCESS_MONTHS_LIMITS[1],
        error_messages={"invalid": "Enter a whole number of months, e.g. 12."},
    )


def add_rating_fields(form: forms.Form, goals: list[GoalSummary]) -> None:
    form.goal_fields = []  # type: ignore[attr-defined]
    for summary in goals:
        name = f"goal_{summary.goal.pk}"
        form.fields[name] = forms.IntegerField(
            label=f"Final rating: {summary.goal.words}",
            required=False,
            min_value=0,
            max_value=10,
            help_text=f"0 to 10. {summary.trend.summary}",
            error_messages={"invalid": "A rating is a whole number from 0 to 10."},
        )
        form.goal_fields.append(name)  # type: ignore[attr-defined]


def ratings_from(form: forms.Form) -> dict[str, int]:
    return {
        name.removeprefix("goal_"): form.cleaned_data[name]
        for name in getattr(form, "goal_fields", [])
        if form.cleaned_data.get(name) is not None
    }
