"""Forms for risk flags, risk assessments and the safety settings. Actions do the saving."""

from __future__ import annotations

from typing import Any

from django import forms

from frame.clients.forms import DATE_INPUT_FORMATS, plain_messages
from frame.safety.actions import MAX_TEXT
from frame.safety.models import ANSWER_FIELDS, Answer, Level, RiskAssessmentVersion


def _date(label: str, *, required: bool, help_text: str) -> forms.DateField:
    return forms.DateField(
        label=label,
        required=required,
        input_formats=DATE_INPUT_FORMATS,
        widget=forms.DateInput(
            format="%d/%m/%Y", attrs={"inputmode": "numeric", "autocomplete": "off"}
        ),
        help_text=help_text,
    )


def _text(label: str, *, required: bool = False, help_text: str = "") -> forms.CharField:
    return forms.CharField(
        label=label,
        required=required,
        max_length=MAX_TEXT,
        strip=True,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=help_text,
    )


def _answer(label: str) -> forms.ChoiceField:
    return forms.ChoiceField(
        label=label,
        choices=Answer.choices,
        initial=Answer.UNKNOWN,
        widget=forms.RadioSelect,
        error_messages={"required": f"{label}: choose yes, no or not known."},
    )


class _PlainForm(forms.Form):
    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        for field in self.fields.values():
            if not isinstance(field, forms.ChoiceField):
                plain_messages(field, str(field.label))


class FlagForm(_PlainForm):
    reason = _text(
        "Why you are raising this flag",
        required=True,
        help_text="What you noticed or were told. Kept encrypted with the client's record.",
    )
    to_supervision = forms.BooleanField(label="Take this to supervision", required=False)


class AcknowledgeForm(_PlainForm):
    action_taken = _text(
        "What you did or decided",
        required=True,
        help_text=(
            "For example: explored in session, assessed risk, agreed a safety plan, contacted "
            "the GP. Kept encrypted; the flag is then closed, never deleted."
        ),
    )


class SupervisionForm(_PlainForm):
    to_supervision = forms.BooleanField(label="Take this to supervision", required=False)
    taken_on = _date(
        "Date taken to supervision",
        required=False,
        help_text="Leave empty until you have taken it. For example 12/04/2026.",
    )


BOOLEAN_CHOICES = [("yes", "Yes"), ("no", "No")]


class AssessmentForm(_PlainForm):
    self_thoughts = _answer("Thoughts of suicide or self-harm")
    self_intent = _answer("Intent to act on them")
    self_plan = _answer("A plan")
    self_means = _answer("Access to means")
    self_details = _text("What the client said about risk to themselves")
    self_history = _text("History of self-harm or suicide attempts")
    others_risk = _answer("Risk of harm to others")
    others_details = _text("Details of risk to others")
    from_abuse = _answer("Abuse")
    from_exploitation = _answer("Exploitation")
    from_domestic_abuse = _answer("Domestic abuse")
    from_others_details = _text("Details of risk from others")
    safeguarding_child = _answer("A concern about a child")
    safeguarding_adult = _answer("A concern about an adult at risk")
    safeguarding_details = _text(
        "Details of safeguarding concerns", help_text="Who may be at risk and what you know."
    )
    protective_factors = _text(
        "Protective factors", help_text="What keeps the client safe: people, reasons, plans."
    )
    judgement = _text(
        "Your overall judgement",
        required=True,
        help_text="In your own words. Frame never works out a score for you.",
    )
    level = forms.ChoiceField(
        label="The level you judge it to be",
        choices=Level.choices,
        widget=forms.RadioSelect,
        help_text="Your own label for your judgement above.",
        error_messages={"required": "Choose the level that matches your judgement."},
    )
    safety_plan_needed = forms.TypedChoiceField(
        label="Is a safety plan needed?",
        choices=BOOLEAN_CHOICES,
        coerce=lambda value: value == "yes",
        widget=forms.RadioSelect,
        error_messages={"required": "Say whether a safety plan is needed."},
    )
    plan = _text(
        "The plan", help_text="What you and the client will do next, and who else is involved."
    )
    review_on = _date(
        "Review by",
        required=True,
        help_text="The date to look at this assessment again. For example 12/04/2026.",
    )

    @classmethod
    def initial_from(cls, version: RiskAssessmentVersion) -> dict[str, Any]:
        initial: dict[str, Any] = {
            name: getattr(version, name) for name in cls.base_fields if name != "safety_plan_needed"
        }
        initial["safety_plan_needed"] = "yes" if version.safety_plan_needed else "no"
        return initial


ANSWER_GROUPS = {
    "self": ANSWER_FIELDS[:4],
    "others": ANSWER_FIELDS[4:5],
    "from_others": ANSWER_FIELDS[5:8],
    "safeguarding": ANSWER_FIELDS[8:],
}


class SettingsForm(_PlainForm):
    reminder_hours = forms.IntegerField(
        label="Email a reminder about an unacknowledged flag after (hours)",
        min_value=1,
        max_value=168,
        help_text="Between 1 and 168 (a week). Repeats every this many hours until acknowledged.",
    )
