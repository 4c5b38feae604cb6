"""Forms for writing a safety plan, suggesting a change and answering a suggestion."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django import forms
from django.utils import timezone

from frame.portal.models import Nation
from frame.safetyplans import actions
from frame.safetyplans.models import SECTIONS, PlanContact, SafetyPlanVersion

CONTACT_ROWS_EXTRA = 2  # blank rows offered under the contacts already in the plan
MIN_CONTACT_ROWS = 3


class PlanForm(forms.Form):
    """The seven parts of the plan, when it was made with the client, and the contacts."""

    made_with_client_on = forms.DateField(
        label="Made with the client on",
        widget=forms.DateInput(attrs={"type": "date"}),
        error_messages={
            "required": "Give the date you made this plan together.",
            "invalid": "Give the date as day, month and year.",
        },
    )
    # The version this form started from, to notice a newer one saved meanwhile.
    based_on = forms.IntegerField(widget=forms.HiddenInput, min_value=0)

    def __init__(self, *args: Any, contact_rows: int = MIN_CONTACT_ROWS, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        for section in SECTIONS:
            self.fields[section.key] = forms.CharField(
                label=section.heading,
                help_text=section.prompt,
                required=False,
                max_length=actions.MAX_SECTION,
                widget=forms.Textarea(attrs={"rows": 4}),
                error_messages={
                    "max_length": f"Keep each part under {actions.MAX_SECTION} characters."
                },
            )
        if self.is_bound:
            # As many rows as were posted (within reason), so nothing typed is lost.
            posted = sum(
                1 for key in self.data if key.startswith("contact_") and key.endswith("_name")
            )
            contact_rows = min(max(posted, MIN_CONTACT_ROWS), actions.MAX_CONTACTS)
        self.contact_rows = contact_rows
        for index in range(contact_rows):
            for name, label, length in (
                ("name", "Name", actions.MAX_CONTACT_FIELD),
                ("role", "Relationship or role", actions.MAX_CONTACT_FIELD),
                ("phone", "Phone number", 40),
                ("when", "When to contact them", actions.MAX_CONTACT_FIELD),
            ):
                self.fields[f"contact_{index}_{name}"] = forms.CharField(
                    label=label,
                    required=False,
                    max_length=length,
                    error_messages={"max_length": f"Keep this under {length} characters."},
                )

    @classmethod
    def initial_for(cls, version: SafetyPlanVersion | None) -> dict[str, Any]:
        if version is None:
            return {"made_with_client_on": timezone.localdate(), "based_on": 0}
        initial: dict[str, Any] = {
            "made_with_client_on": timezone.localdate(),
            "based_on": version.number,
            **version.sections,
        }
        for index, contact in enumerate(version.contact_list):
            initial.update(
                {
                    f"contact_{index}_name": contact.name,
                    f"contact_{index}_role": contact.role,
                    f"contact_{index}_phone": contact.phone,
                    f"contact_{index}_when": contact.when,
                }
            )
        return initial

    @staticmethod
    def rows_for(version: SafetyPlanVersion | None) -> int:
        existing = len(version.contact_list) if version else 0
        return min(max(existing + CONTACT_ROWS_EXTRA, MIN_CONTACT_ROWS), actions.MAX_CONTACTS)

    def clean_made_with_client_on(self) -> dt.date:
        value: dt.date = self.cleaned_data["made_with_client_on"]
        if value > timezone.localdate():
            raise forms.ValidationError("The date you made the plan together cannot be ahead.")
        return value

    def section_fields(self) -> list[forms.BoundField]:
        return [self[section.key] for section in SECTIONS]

    def contact_fieldsets(self) -> list[tuple[int, list[forms.BoundField]]]:
        return [
            (
                index + 1,
                [self[f"contact_{index}_{name}"] for name in ("name", "role", "phone", "when")],
            )
            for index in range(self.contact_rows)
        ]

    def sections(self) -> dict[str, str]:
        return {section.key: self.cleaned_data.get(section.key, "") for section in SECTIONS}

    def contacts(self) -> list[PlanContact]:
        return [
            PlanContact(
                name=self.cleaned_data.get(f"contact_{index}_name", ""),
                role=self.cleaned_data.get(f"contact_{index}_role", ""),
                phone=self.cleaned_data.get(f"contact_{index}_phone", ""),
                when=self.cleaned_data.get(f"contact_{index}_when", ""),
            )
            for index in range(self.contact_rows)
        ]


class SuggestionForm(forms.Form):
    section = forms.ChoiceField(
        label="Which part of your plan is this about?",
        choices=[(section.key, section.heading) for section in SECTIONS],
        widget=forms.RadioSelect,
        error_messages={
            "required": "Choose which part of your plan this is about.",
            "invalid_choice": "Choose which part of your plan this is about.",
        },
    )
    text = forms.CharField(
        label="What would you like to change or add?",
        help_text=(
            "Write it in your own words. Your practitioner will read it and talk it through "
            "with you; your plan stays as it is until they do."
        ),
        max_length=actions.MAX_SUGGESTION,
        widget=forms.Textarea(attrs={"rows": 6}),
        error_messages={
            "required": "Write the change you would like before sending it.",
            "max_length": f"Keep a suggestion under {actions.MAX_SUGGESTION} characters.",
        },
    )


class DecisionForm(forms.Form):
    decision = forms.ChoiceField(
        label="Your decision",
        choices=[
            ("accept", "Take it into the plan (writes a new version)"),
            ("decline", "Leave the plan as it is"),
        ],
        widget=forms.RadioSelect,
        error_messages={
            "required": "Choose whether to take the suggestion into the plan.",
            "invalid_choice": "Choose whether to take the suggestion into the plan.",
        },
    )
    new_text = forms.CharField(
        label="The part of the plan as it will read",
        help_text="Edit this to say what you agreed. It replaces this part in the new version.",
        required=False,
        max_length=actions.MAX_SECTION,
        widget=forms.Textarea(attrs={"rows": 6}),
        error_messages={"max_length": f"Keep each part under {actions.MAX_SECTION} characters."},
    )
    reply = forms.CharField(
        label="A reply the client will read",
        required=False,
        max_length=actions.MAX_REPLY,
        widget=forms.Textarea(attrs={"rows": 3}),
        error_messages={"max_length": f"Keep a reply under {actions.MAX_REPLY} characters."},
    )

    def clean(self) -> dict[str, Any]:
        data: dict[str, Any] = super().clean() or {}
        if data.get("decision") == "decline" and not (data.get("reply") or "").strip():
            self.add_error("reply", "Say a few words to the client about why, before declining.")
        if data.get("decision") == "accept" and not (data.get("new_text") or "").strip():
            self.add_error("new_text", "Write how this part of the plan will read.")
        return data


class NationForm(forms.Form):
    nation = forms.ChoiceField(
        label="Which nation's crisis lines should this client see?",
        help_text=(
            "Some crisis lines serve one nation only (NHS 111 option 2 is England's). Until you "
            "choose, the client sees every line, each labelled with where it serves."
        ),
        choices=[("", "Not recorded: show every line"), *Nation.choices],
        required=False,
    )


class StatementForm(forms.Form):
    text = forms.CharField(
        label="When messages are and are not read",
        help_text=(
            "Shown with the crisis contacts on every portal page, and wherever a client can "
            "write to you."
        ),
        max_length=actions.MAX_STATEMENT,
        widget=forms.Textarea(attrs={"rows": 4}),
        error_messages={
            "required": "Write when messages are and are not read.",
            "max_length": f"Keep the statement under {actions.MAX_STATEMENT} characters.",
        },
    )
