"""Forms for the client record. They check input and explain problems; actions do the saving."""

from __future__ import annotations

from typing import Any, cast

from django import forms
from django.db import models
from django.db.models import Model

from frame.accounts.models import User
from frame.clients import lifecycle
from frame.clients.listing import MAX_QUERY_LENGTH
from frame.clients.models import (
    CONTACT_FIELDS,
    GP_AND_EMERGENCY_FIELDS,
    IDENTITY_FIELDS,
    PERSON_FIELDS,
    REFERRAL_FIELDS,
    Client,
    Person,
    Status,
)

# People type dates in many ways; a year must be written in full so 12/4/20 is never a guess.
DATE_INPUT_FORMATS = ["%d/%m/%Y", "%d-%m-%Y", "%d.%m.%Y", "%d %m %Y", "%Y-%m-%d"]

HELP = {
    "preferred_name": "What they like to be called, if not their given name.",
    "pronouns": "For example she/her, he/him, they/them.",
    "date_of_birth": "For example 12/04/1988.",
    "employer": "Where they work, if they say. Helps you notice if you know people there.",
    "may_leave_voicemail": "May we leave a voicemail that mentions the practice?",
    "may_email": "May we send emails about appointments?",
    "may_text": "May we send text messages?",
    "discreet_wording": "Keep messages discreet: no mention of counselling or therapy.",
    "safe_contact_notes": (
        "Anything else about contacting them safely, for example times to avoid. Stored encrypted."
    ),
    "referral_reason": "In the client's words where possible. Stored encrypted.",
}

LABELS = {
    "given_name": "Given name",
    "family_name": "Family name",
    "may_leave_voicemail": "Voicemail is fine",
    "may_email": "Email is fine",
    "may_text": "Text messages are fine",
    "discreet_wording": "Use discreet wording",
    "safe_contact_notes": "Notes on safe contact",
    "emergency_contact_name": "Emergency contact's name",
    "emergency_contact_relationship": "Their relationship to the client",
    "emergency_contact_phone": "Emergency contact's phone",
    "referral_source": "How they came to the practice",
    "referral_reason": "What brings them",
}


def plain_messages(field: forms.Field, label: str) -> None:
    """Replace Django's default wording with messages that say what to do, in plain words."""
    field.error_messages.update(
        {
            "required": f"Please enter the {label.lower()}.",
            "max_length": (
                f"{label} can be at most %(limit_value)d characters; this has %(show_value)d. "
                "Please shorten it."
            ),
            "invalid_choice": "Please choose one of the options listed.",
        }
    )
    if isinstance(field, forms.DateField):
        field.error_messages["invalid"] = (
            f"Enter the {label.lower()} as day, month and year, for example 12/04/1988."
        )
    if isinstance(field, forms.EmailField):
        field.error_messages["invalid"] = (
            "Enter an email address in the form name@example.org, or leave it empty."
        )


def _model_fields(model: type[Model], names: tuple[str, ...]) -> dict[str, forms.Field]:
    fields: dict[str, forms.Field] = {}
    for name in names:
        model_field = model._meta.get_field(name)
        field = model_field.formfield() if isinstance(model_field, models.Field) else None
        if field is None:  # every listed field is an ordinary, editable model field
            raise LookupError(f"{model.__name__}.{name} has no form field")
        field.label = LABELS.get(name, field.label)
        field.help_text = HELP.get(name, "")
        if isinstance(field, forms.DateField):
            field.input_formats = DATE_INPUT_FORMATS
            field.widget = forms.DateInput(
                format="%d/%m/%Y", attrs={"inputmode": "numeric", "autocomplete": "off"}
            )
        if isinstance(field, forms.CharField) and isinstance(field.widget, forms.Textarea):
            field.widget.attrs["rows"] = 4
        if isinstance(field, forms.BooleanField):
            field.required = False
        plain_messages(field, str(field.label))
        fields[name] = field
    return fields


class _FieldsFromModel(forms.Form):
    model: type[Model] = Client
    field_names: tuple[str, ...] = ()

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields.update(_model_fields(self.model, self.field_names))


class IdentityForm(_FieldsFromModel):
    field_names = IDENTITY_FIELDS


class ContactForm(_FieldsFromModel):
    field_names = CONTACT_FIELDS


class GPAndEmergencyForm(_FieldsFromModel):
    field_names = GP_AND_EMERGENCY_FIELDS


class ReferralForm(_FieldsFromModel):
    field_names = REFERRAL_FIELDS


class PersonForm(_FieldsFromModel):
    model = Person
    field_names = PERSON_FIELDS


def initial_from(instance: Model, names: tuple[str, ...]) -> dict[str, Any]:
    return {name: getattr(instance, name) for name in names}


class PractitionerChoiceField(forms.ModelMultipleChoiceField):  # type: ignore[type-arg]
    def label_from_instance(self, obj: Any) -> str:
        return str(obj.full_name or obj.email)


class NewClientForm(_FieldsFromModel):
    """Everything for a new record. Administrators get identity and contact, plus who responds."""

    def __init__(
        self, *args: Any, clinical: bool, practitioners: Any = None, **kwargs: Any
    ) -> None:
        self.field_names = (
            IDENTITY_FIELDS + CONTACT_FIELDS + GP_AND_EMERGENCY_FIELDS + REFERRAL_FIELDS
            if clinical
            else IDENTITY_FIELDS + CONTACT_FIELDS
        )
        super().__init__(*args, **kwargs)
        if clinical:
            self.fields["status"] = forms.ChoiceField(
                label="Where things are now",
                choices=[(s, Status(s).label) for s in lifecycle.INITIAL_STATUSES],
                initial=lifecycle.ENQUIRY,
                help_text="Most new clients start as an enquiry.",
            )
            plain_messages(self.fields["status"], "status")
        else:
            field = PractitionerChoiceField(
                queryset=practitioners,
                label="Practitioner to respond",
                help_text="Who will take this enquiry forward. They will see the record.",
                widget=forms.CheckboxSelectMultiple,
            )
            field.error_messages.update(
                {
                    "required": "Choose the practitioner who will respond to this enquiry.",
                    "invalid_choice": "Choose a practitioner from the list.",
                    "invalid_pk_value": "Choose a practitioner from the list.",
                }
            )
            self.fields["practitioners"] = field

    def details(self) -> dict[str, Any]:
        return {name: self.cleaned_data[name] for name in self.field_names}

    def fieldsets(self) -> list[tuple[str, list[forms.BoundField]]]:
        """The form in the same parts as the client card, for the template to lay out."""
        groups = [
            ("Identity", IDENTITY_FIELDS),
            ("Contact and safe contact", CONTACT_FIELDS),
            ("GP and emergency contact", GP_AND_EMERGENCY_FIELDS),
            ("Referral", (*REFERRAL_FIELDS, "status")),
            ("Who will respond", ("practitioners",)),
        ]
        return [
            (title, [self[name] for name in names if name in self.fields])
            for title, names in groups
            if any(name in self.fields for name in names)
        ]


class StatusForm(forms.Form):
    to_status = forms.ChoiceField(label="New status", widget=forms.RadioSelect)
    effective_date = forms.DateField(
        label="Date it took effect",
        input_formats=DATE_INPUT_FORMATS,
        widget=forms.DateInput(format="%d/%m/%Y", attrs={"inputmode": "numeric"}),
        help_text="For example 12/04/2026. Today if left empty.",
        required=False,
    )

    def __init__(self, *args: Any, current: str, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = cast(forms.ChoiceField, self.fields["to_status"])
        field.choices = [(s, Status(s).label) for s in lifecycle.next_statuses(current)]
        plain_messages(field, "new status")
        field.error_messages["required"] = "Please choose the new status."
        plain_messages(self.fields["effective_date"], "date it took effect")


class ColleagueChoiceField(forms.ModelChoiceField):  # type: ignore[type-arg]
    def label_from_instance(self, obj: Any) -> str:
        return str(obj.full_name or obj.email)


class CareTeamAddForm(forms.Form):
    user = ColleagueChoiceField(
        queryset=User.objects.none(),
        label="Colleague to add",
        empty_label="Choose a colleague",
    )

    def __init__(self, *args: Any, candidates: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = cast(ColleagueChoiceField, self.fields["user"])
        field.queryset = candidates
        field.error_messages.update(
            {
                "required": "Choose the colleague to add.",
                "invalid_choice": "Choose a colleague from the list.",
            }
        )


class ClientSearchForm(forms.Form):
    q = forms.CharField(
        label="Name or case code",
        required=False,
        max_length=MAX_QUERY_LENGTH,
        widget=forms.TextInput(attrs={"type": "search", "autocomplete": "off"}),
    )
    status = forms.ChoiceField(
        label="Status",
        required=False,
        choices=[
            ("", "Current (not archived)"),
            *[(s, Status(s).label) for s in lifecycle.STATUSES],
            ("all", "Everyone, including archived"),
        ],
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        plain_messages(self.fields["q"], "search")
        self.fields["q"].error_messages["max_length"] = (
            "Searches can be at most %(limit_value)d characters. Try the start of a name."
        )
        self.fields["status"].error_messages["invalid_choice"] = (
            "That status is not one Frame knows; showing current clients instead."
        )
