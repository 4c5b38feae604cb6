"""Forms for boundary events, the declared circle and check decisions. Actions do the saving."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from django import forms
from django.utils import timezone
from django.utils.formats import date_format

from frame.boundaries.actions import CIRCLE_LIMITS
from frame.boundaries.models import Decision, GiftOutcome, Kind
from frame.boundaries.selectors import SessionLink
from frame.clients.forms import DATE_INPUT_FORMATS, plain_messages

MAX_TEXT = 5000


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


def _text(label: str, *, required: bool, help_text: str = "") -> forms.CharField:
    return forms.CharField(
        label=label,
        required=required,
        max_length=MAX_TEXT,
        strip=True,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=help_text,
    )


class _PlainForm(forms.Form):
    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        for field in self.fields.values():
            plain_messages(field, str(field.label))


def _session_choice(link: SessionLink) -> tuple[str, str]:
    when = date_format(timezone.localtime(link.starts_at), "l j F Y, H:i")
    return str(link.note_id), f"{when} (note {'signed' if link.signed else 'in draft'})"


class EventForm(_PlainForm):
    kind = forms.ChoiceField(label="What kind of event", choices=Kind.choices)
    occurred_on = _date("Date it happened", required=True, help_text="For example 12/04/2026.")
    what_happened = _text(
        "What happened",
        required=True,
        help_text="In a few plain sentences. Stored encrypted.",
    )
    response = _text(
        "How you responded",
        required=False,
        help_text="What you said or did at the time. Stored encrypted.",
    )
    gift_outcome = forms.ChoiceField(
        label="For a gift: what happened to it",
        choices=[("", "Not a gift"), *GiftOutcome.choices],
        required=False,
    )
    gift_value_pounds = forms.IntegerField(
        label="For a gift: roughly what it was worth, in pounds",
        required=False,
        min_value=0,
        max_value=1_000_000,
        help_text="A whole number, for example 10. Leave empty if you cannot tell.",
    )
    to_explore = forms.BooleanField(
        label="Explore this with the client in session", required=False, initial=True
    )
    explored_on = _date(
        "Date explored in session",
        required=False,
        help_text="Leave empty until you have explored it together.",
    )
    explored_in_session_id = forms.UUIDField(
        label="The session where you explored it",
        required=False,
        widget=forms.Select,
        help_text=(
            "Optional: the latest sessions with a note are listed. "
            "If the date above is empty, it is filled in from the session."
        ),
    )
    to_supervision = forms.BooleanField(label="Take this to supervision", required=False)
    taken_to_supervision_on = _date(
        "Date taken to supervision",
        required=False,
        help_text="Leave empty until you have taken it.",
    )

    def __init__(self, *args: Any, sessions: Sequence[SessionLink] = (), **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["kind"].error_messages["required"] = "Please choose what kind of event it was."
        session = self.fields["explored_in_session_id"]
        session.widget.choices = [("", "Not linked to a session"), *map(_session_choice, sessions)]
        session.error_messages["invalid"] = (
            "Please choose one of this client's sessions from the list."
        )
        self.fields["gift_value_pounds"].error_messages.update(
            {
                "invalid": "Enter the value as a whole number of pounds, for example 10.",
                "min_value": "The value cannot be less than £0.",
                "max_value": "Please check the value: it looks too large.",
            }
        )


class ErrorForm(_PlainForm):
    reason = _text(
        "Why this entry was recorded in error",
        required=True,
        help_text="For example: written on the wrong client's record. Stored encrypted.",
    )


class CircleEntryForm(_PlainForm):
    name = forms.CharField(
        label="Name",
        required=False,
        max_length=CIRCLE_LIMITS["name"],
        help_text="A person's full name, for example Sarah Cole.",
    )
    relationship = forms.CharField(
        label="How you know them",
        required=False,
        max_length=CIRCLE_LIMITS["relationship"],
        help_text="For example sister-in-law, neighbour, my child's teacher.",
    )
    organisation = forms.CharField(
        label="Organisation",
        required=False,
        max_length=CIRCLE_LIMITS["organisation"],
        help_text="Where they work, or a club, school or group you belong to.",
    )
    town = forms.CharField(
        label="Town",
        required=False,
        max_length=CIRCLE_LIMITS["town"],
        help_text="To tell people with the same name apart.",
    )

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if not data.get("name") and not data.get("organisation") and not self.errors:
            self.add_error("name", "Please give a name, an organisation, or both.")
        return data


class DecisionForm(_PlainForm):
    decision = forms.ChoiceField(
        label="Your decision", choices=Decision.choices, widget=forms.RadioSelect
    )
    reason = _text(
        "Your reason",
        required=True,
        help_text="Only you can see this. Stored encrypted.",
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["decision"].error_messages["required"] = "Please choose your decision."
        self.fields["reason"].error_messages["required"] = (
            "Please give your reason, in a sentence or two."
        )
