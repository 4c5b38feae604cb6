"""Forms for the portal: a client setting their password, and the staff pages that look after the
portal (crisis contacts, articles, settings)."""

from __future__ import annotations

from typing import Any

from django import forms

from frame.accounts.forms import NewPasswordMixin
from frame.accounts.models import User
from frame.portal.models import ArticleVersion, CrisisContact, Nation


class JoinForm(NewPasswordMixin):
    def __init__(self, *args: Any, email: str, name: str, **kwargs: Any) -> None:
        self._email = email
        self._name = name
        super().__init__(*args, **kwargs)

    def account_details(self) -> User:
        return User(email=self._email, full_name=self._name)


class CrisisContactForm(forms.ModelForm):  # type: ignore[type-arg]
    nations = forms.MultipleChoiceField(
        label="Where this applies",
        choices=Nation.choices,
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text="Leave all unticked if it applies everywhere in the UK.",
    )

    class Meta:
        model = CrisisContact
        fields = ["name", "how_to_reach", "when_to_use", "nations"]
        labels = {
            "name": "Service",
            "how_to_reach": "How to reach it",
            "when_to_use": "When to use it",
        }
        help_texts = {
            "how_to_reach": "For example, “Call 116 123” or “Text SHOUT to 85258”.",
        }
        error_messages = {
            "name": {"required": "Please give the name of the service."},
            "how_to_reach": {"required": "Please say how to reach the service."},
        }

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if self.instance.pk:
            self.initial["nations"] = self.instance.nation_list

    def clean_nations(self) -> str:
        chosen = self.cleaned_data.get("nations") or []
        return ",".join(value for value in Nation.values if value in chosen)


CrisisContactFormSet = forms.modelformset_factory(
    CrisisContact,
    form=CrisisContactForm,
    extra=1,
    can_delete=True,
    can_order=True,
    max_num=30,
    validate_max=True,
)


class ArticleForm(forms.ModelForm):  # type: ignore[type-arg]
    class Meta:
        model = ArticleVersion
        fields = ["title", "summary", "body"]
        labels = {"summary": "One-line summary", "body": "Text"}
        help_texts = {
            "summary": "Shown in lists, under the title.",
            "body": (
                "Plain text. Leave a blank line between paragraphs. Start a line with “## ” "
                "for a subheading."
            ),
        }
        widgets = {"body": forms.Textarea(attrs={"rows": 20})}
        error_messages = {
            "title": {"required": "Please give the article a title."},
            "summary": {"required": "Please write a one-line summary."},
            "body": {"required": "Please write the article's text."},
        }


class ShareArticleForm(forms.Form):
    article = forms.IntegerField(widget=forms.HiddenInput)


class PortalSettingsForm(forms.Form):
    portal_requires_mfa = forms.BooleanField(
        label="Clients must use two-step sign-in for the portal",
        required=False,
        help_text=(
            "Clients then set up an authenticator app the next time they sign in. "
            "When this is off, two-step sign-in is offered to them but not required."
        ),
    )
