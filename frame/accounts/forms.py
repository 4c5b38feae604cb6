"""Forms for setting up a practice, joining it, and managing its team."""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib.auth import password_validation

from frame.accounts.actions import normalise_email
from frame.accounts.models import Membership, Practice, Role, User

ROLE_HELP = {
    Role.OWNER: "Runs the practice in Frame: manages the team and sees who accessed what.",
    Role.PRACTITIONER: "Works with clients and keeps their records.",
    Role.ADMINISTRATOR: "Diary, contact details and billing. Never sees clinical notes.",
    Role.SUPERVISOR: "Supports practitioners; sees only what they choose to share.",
}


def role_choices() -> list[tuple[str, str]]:
    return [(role.value, f"{role.label} — {ROLE_HELP[role]}") for role in Role]


class NewPasswordMixin(forms.Form):
    """A password chosen twice and checked with Django's validators against the person's details."""

    password1 = forms.CharField(
        label="Choose a password",
        strip=False,
        error_messages={"required": "Please choose a password."},
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
        help_text="At least 12 characters. A few unrelated words make a strong, memorable one.",
    )
    password2 = forms.CharField(
        label="Type the password again",
        strip=False,
        error_messages={"required": "Please type the password again."},
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
    )

    def account_details(self) -> User:
        """An unsaved user carrying the typed details, so the password can be compared to them."""
        raise NotImplementedError

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        password1 = cleaned.get("password1")
        password2 = cleaned.get("password2")
        if password1 and password2 and password1 != password2:
            self.add_error("password2", "The two passwords are different. Please type them again.")
        elif password1:
            try:
                password_validation.validate_password(password1, user=self.account_details())
            except forms.ValidationError as error:
                self.add_error("password1", error)
        return cleaned


class FullNameField(forms.CharField):
    def __init__(self, **kwargs: Any) -> None:
        super().__init__(
            label="Your full name",
            max_length=User._meta.get_field("full_name").max_length,
            widget=forms.TextInput(attrs={"autocomplete": "name"}),
            help_text="As your colleagues and clients know you.",
            error_messages={"required": "Please enter your full name."},
            **kwargs,
        )


class SetupForm(NewPasswordMixin):
    practice_name = forms.CharField(
        label="Name of your practice",
        max_length=Practice._meta.get_field("name").max_length,
        widget=forms.TextInput(attrs={"autocomplete": "organization"}),
        help_text="For example, “Willowbank Counselling”. You can use your own name.",
        error_messages={"required": "Please enter the name of your practice."},
    )
    full_name = FullNameField()
    email = forms.EmailField(
        label="Your email address",
        max_length=User._meta.get_field("email").max_length,
        widget=forms.EmailInput(attrs={"autocomplete": "email"}),
        help_text="You will sign in with this. Password reset emails are sent here.",
        error_messages={
            "required": "Please enter your email address.",
            "invalid": "Please enter an email address like name@example.org.",
        },
    )
    field_order = ["practice_name", "full_name", "email", "password1", "password2"]

    def clean_practice_name(self) -> str:
        name = str(self.cleaned_data["practice_name"]).strip()
        if not name:
            raise forms.ValidationError("Please enter the name of your practice.")
        return name

    def clean_full_name(self) -> str:
        return _clean_full_name(self.cleaned_data["full_name"])

    def clean_email(self) -> str:
        email = normalise_email(self.cleaned_data["email"])
        if User.objects.filter(email__iexact=email).exists():
            raise forms.ValidationError("There is already an account with this email address.")
        return email

    def account_details(self) -> User:
        return User(
            email=self.cleaned_data.get("email", ""),
            full_name=self.cleaned_data.get("full_name", ""),
        )


class JoinForm(NewPasswordMixin):
    full_name = FullNameField()
    field_order = ["full_name", "password1", "password2"]

    def __init__(self, *args: Any, email: str, **kwargs: Any) -> None:
        self.email = email
        super().__init__(*args, **kwargs)

    def clean_full_name(self) -> str:
        return _clean_full_name(self.cleaned_data["full_name"])

    def account_details(self) -> User:
        return User(email=self.email, full_name=self.cleaned_data.get("full_name", ""))


def _clean_full_name(value: object) -> str:
    name = str(value).strip()
    if not name:
        raise forms.ValidationError("Please enter your full name.")
    return name


class InviteForm(forms.Form):
    email = forms.EmailField(
        label="Their email address",
        max_length=User._meta.get_field("email").max_length,
        widget=forms.EmailInput(attrs={"autocomplete": "off"}),
        help_text="The invitation link goes to this address. Only they should be able to open it.",
        error_messages={
            "required": "Please enter their email address.",
            "invalid": "Please enter an email address like name@example.org.",
        },
    )
    role = forms.ChoiceField(
        label="Their role",
        choices=role_choices,
        widget=forms.RadioSelect,
        initial=Role.PRACTITIONER,
        error_messages={"required": "Please choose their role."},
    )

    def __init__(self, *args: Any, practice: Practice, **kwargs: Any) -> None:
        self.practice = practice
        super().__init__(*args, **kwargs)

    def clean_email(self) -> str:
        email = normalise_email(self.cleaned_data["email"])
        # Members of this practice are listed on the team page already, so saying so reveals
        # nothing; accounts elsewhere are never revealed (see actions.invite_member).
        if Membership.objects.filter(practice=self.practice, user__email__iexact=email).exists():
            raise forms.ValidationError(
                "This person is already on your team. You can find them in the list above."
            )
        return email


class RoleForm(forms.Form):
    role = forms.ChoiceField(label="Role", choices=role_choices, widget=forms.RadioSelect)


class WithdrawInvitationForm(forms.Form):
    invitation = forms.IntegerField(widget=forms.HiddenInput, min_value=1)
