"""Forms for contract templates, terms, agreements and the client's preferences."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

from django import forms
from django.core.exceptions import ValidationError
from django.utils import timezone

from frame.contracts import placeholders
from frame.contracts.actions import NOTE_LIMIT, ClauseDraft
from frame.contracts.models import (
    PRACTITIONER_METHODS,
    AgreementMethod,
    CalendarTitle,
    ContractTemplate,
    EncounterChoice,
    ReminderChannel,
)
from frame.contracts.placeholders import CHANNEL_WORDS
from frame.contracts.terms import LIMITS, TEXT_LIMIT, ContactChannel, Frequency, Terms
from frame.contracts.uploads import MAX_SCAN_BYTES

FREQUENCY_LABELS = [
    (Frequency.WEEKLY.value, "Weekly"),
    (Frequency.FORTNIGHTLY.value, "Fortnightly"),
    (Frequency.OTHER.value, "Another rhythm, agreed together"),
]
CHANNEL_LABELS = [
    (ContactChannel.EMAIL.value, "Email"),
    (ContactChannel.PHONE.value, "Phone"),
    (ContactChannel.TEXT.value, "Text message"),
    (ContactChannel.PORTAL.value, "Secure messages in the Frame portal"),
]
assert {value for value, _ in CHANNEL_LABELS} == {c.value for c in CHANNEL_WORDS}  # noqa: S101


def _whole(name: str, label: str, help_text: str = "", required: bool = True) -> forms.IntegerField:
    low, high = LIMITS[name]
    return forms.IntegerField(
        label=label, min_value=low, max_value=high, help_text=help_text, required=required
    )


def _text(label: str, help_text: str = "") -> forms.CharField:
    return forms.CharField(label=label, max_length=TEXT_LIMIT, required=False, help_text=help_text)


class TermsForm(forms.Form):
    """Every term, grouped for the page by `GROUPS`. Fees are typed in pounds."""

    professional_body = _text(
        "Your professional body",
        "As you would like clients to read it, for example “the British Association for "
        "Counselling and Psychotherapy (BACP)”.",
    )
    supervisor_arrangement = _text(
        "Your supervision",
        "Completes “My supervision is with …”, for example “an experienced supervisor, "
        "once a month”.",
    )
    session_minutes = _whole("session_minutes", "Session length (minutes)")
    frequency = forms.ChoiceField(
        label="How often sessions happen", choices=FREQUENCY_LABELS, widget=forms.RadioSelect
    )
    session_day_and_time = _text(
        "Usual day and time", "For example “Tuesdays at 6pm”. Leave blank to agree it later."
    )
    planned_sessions = _whole(
        "planned_sessions",
        "Number of sessions agreed",
        "Leave blank for open-ended work.",
        required=False,
    )
    review_every_sessions = _whole("review_every_sessions", "Review the work every (sessions)")
    fee = forms.DecimalField(
        label="Fee per session (£)",
        min_value=Decimal("0"),
        max_value=Decimal(LIMITS["fee_pence"][1]) / 100,
        decimal_places=2,
        max_digits=7,
    )
    payment_arrangement = _text(
        "How and when to pay",
        "Completes “Please pay …”, for example “by bank transfer before each session”.",
    )
    fee_notice_weeks = _whole("fee_notice_weeks", "Notice of a fee change (weeks)")
    cancellation_notice_hours = _whole(
        "cancellation_notice_hours", "Notice needed to cancel without charge (hours)"
    )
    late_cancellation_charge_percent = _whole(
        "late_cancellation_charge_percent", "Charge for a late cancellation (% of the fee)"
    )
    did_not_attend_charge_percent = _whole(
        "did_not_attend_charge_percent", "Charge for a missed session (% of the fee)"
    )
    lateness_grace_minutes = _whole(
        "lateness_grace_minutes", "How long you wait if a client is late (minutes)"
    )
    break_notice_weeks = _whole("break_notice_weeks", "Notice you give of your breaks (weeks)")
    contact_channels = forms.MultipleChoiceField(
        label="Ways to get in touch between sessions",
        choices=CHANNEL_LABELS,
        widget=forms.CheckboxSelectMultiple,
        required=False,
    )
    contact_purposes = _text(
        "What contact between sessions is for",
        "Completes “… you can reach me for …”, for example “arranging or changing appointments”.",
    )
    response_time_working_days = _whole(
        "response_time_working_days", "You reply within (working days)"
    )
    online_platform = _text(
        "Video service for online sessions", "Leave blank if you do not work online."
    )
    unavailability_contact = _text(
        "Who contacts clients if you are suddenly unable to work",
        "Completes “… will get in touch with you”, for example “my colleague Dr Ann Reid”.",
    )
    retention_years = _whole("retention_years", "Keep records after the work ends (years)")

    GROUPS = (
        ("About you", ("professional_body", "supervisor_arrangement", "unavailability_contact")),
        (
            "Sessions",
            (
                "session_minutes",
                "frequency",
                "session_day_and_time",
                "planned_sessions",
                "review_every_sessions",
                "online_platform",
            ),
        ),
        (
            "Fees, cancellations and breaks",
            (
                "fee",
                "payment_arrangement",
                "fee_notice_weeks",
                "cancellation_notice_hours",
                "late_cancellation_charge_percent",
                "did_not_attend_charge_percent",
                "lateness_grace_minutes",
                "break_notice_weeks",
            ),
        ),
        (
            "Contact between sessions",
            ("contact_channels", "contact_purposes", "response_time_working_days"),
        ),
        ("Records", ("retention_years",)),
    )

    @staticmethod
    def initial_for(terms: Terms) -> dict[str, Any]:
        initial: dict[str, Any] = {
            name: getattr(terms, name)
            for name in TermsForm.base_fields
            if name not in {"fee", "frequency", "contact_channels"}
        }
        initial["fee"] = Decimal(terms.fee_pence) / 100
        initial["frequency"] = terms.frequency.value
        initial["contact_channels"] = [c.value for c in terms.contact_channels]
        return initial

    def groups(self) -> list[tuple[str, list[forms.BoundField]]]:
        return [(title, [self[name] for name in names]) for title, names in self.GROUPS]

    def to_terms(self) -> Terms:
        data = self.cleaned_data
        values = {
            name: data[name]
            for name in TermsForm.base_fields
            if name not in {"fee", "frequency", "contact_channels"}
        }
        return Terms(
            **values,
            fee_pence=int((data["fee"] * 100).to_integral_value()),
            frequency=Frequency(data["frequency"]),
            contact_channels=tuple(
                c for c in ContactChannel if c.value in set(data["contact_channels"])
            ),
        )


class ClientTermsForm(TermsForm):
    template = forms.ModelChoiceField(
        label="Contract template",
        queryset=ContractTemplate.objects.none(),
        required=False,
        empty_label="The practice's default template",
    )

    def __init__(self, *args: Any, practice_id: int, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["template"]
        assert isinstance(field, forms.ModelChoiceField)  # noqa: S101 (narrowing for mypy)
        field.queryset = ContractTemplate.objects.filter(practice_id=practice_id).order_by("name")


# --- Templates --------------------------------------------------------------------------------


class ClauseForm(forms.Form):
    key = forms.SlugField(required=False, widget=forms.HiddenInput, max_length=60)
    title = forms.CharField(label="Title", max_length=150, required=False)
    text = forms.CharField(
        label="Text", max_length=10_000, required=False, widget=forms.Textarea(attrs={"rows": 8})
    )
    position = forms.IntegerField(
        label="Order",
        min_value=1,
        max_value=999,
        required=False,
        help_text="Clauses are shown in this order.",
    )
    remove = forms.BooleanField(label="Remove this clause", required=False)

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if data.get("remove"):
            return data
        title, text = data.get("title", ""), data.get("text", "")
        if not title and not text:
            return data  # an empty "new clause" row: ignored
        if not title.strip():
            self.add_error("title", "Please give this clause a title.")
        if not text.strip():
            self.add_error("text", "Please write the clause, or tick “Remove this clause”.")
        for field, value in (("title", title), ("text", text)):
            try:
                placeholders.check(value)
            except placeholders.PlaceholderError as error:
                self.add_error(field, str(error))
        return data

    @property
    def is_blank(self) -> bool:
        data = getattr(self, "cleaned_data", {})
        return not data.get("title") and not data.get("text") and not data.get("key")


ClauseFormSet = forms.formset_factory(
    ClauseForm, extra=1, max_num=60, validate_max=True, absolute_max=60
)


class VersionSummaryForm(forms.Form):
    summary = forms.CharField(
        label="What changed, in a few words",
        max_length=300,
        required=False,
        help_text="Shown in the version history, for example “New fee from April”.",
    )


def drafts_from(formset: Any) -> list[ClauseDraft]:
    """The clauses to keep, in the order asked for. A clause given a new number goes before
    the one that already had it; otherwise clauses keep their place on the page."""
    kept = []
    for index, form in enumerate(formset.forms):
        data = form.cleaned_data
        if not data or data.get("remove") or form.is_blank:
            continue
        if not data.get("title") and not data.get("text"):
            continue
        position = data.get("position") or (index + 1)
        moved = 0 if position != form.initial.get("position") else 1
        draft = ClauseDraft(data["title"], data["text"], data["key"] or "")
        kept.append(((position, moved, index), draft))
    return [draft for _, draft in sorted(kept, key=lambda item: item[0])]


class CopyTemplateForm(forms.Form):
    name = forms.CharField(label="Name of the new template", max_length=150)


class CompareForm(forms.Form):
    old = forms.TypedChoiceField(label="Compare version", coerce=int)
    new = forms.TypedChoiceField(label="with version", coerce=int)

    def __init__(self, *args: Any, numbers: list[int], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        choices = [(n, f"Version {n}") for n in numbers]
        for name in ("old", "new"):
            field = self.fields[name]
            assert isinstance(field, forms.TypedChoiceField)  # noqa: S101
            field.choices = choices


# --- Agreements and preferences -----------------------------------------------------------------


class RecordAgreementForm(forms.Form):
    version_id = forms.UUIDField(widget=forms.HiddenInput)
    sha256 = forms.RegexField(regex=r"^[0-9a-f]{64}$", widget=forms.HiddenInput)
    method = forms.ChoiceField(
        label="How was it agreed?",
        choices=[(m.value, m.label) for m in PRACTITIONER_METHODS],
        widget=forms.RadioSelect,
    )
    agreed_on = forms.DateField(label="Date agreed", widget=forms.DateInput(attrs={"type": "date"}))
    note = forms.CharField(
        label="Note",
        max_length=NOTE_LIMIT,
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text="Anything worth remembering about how it was agreed.",
    )
    scan = forms.FileField(
        label="Scan of the signed copy",
        required=False,
        help_text=f"A PDF, JPEG or PNG file, up to {MAX_SCAN_BYTES // 1_048_576} MB.",
        widget=forms.ClearableFileInput(attrs={"accept": ".pdf,.jpg,.jpeg,.png"}),
    )

    def clean_agreed_on(self) -> dt.date:
        value: dt.date = self.cleaned_data["agreed_on"]
        if value > timezone.localdate():
            raise ValidationError("The date agreed cannot be in the future.")
        return value


class PortalAgreementForm(forms.Form):
    """The client confirms each section and types their name. Built per contract."""

    version_id = forms.UUIDField(widget=forms.HiddenInput)
    sha256 = forms.RegexField(regex=r"^[0-9a-f]{64}$", widget=forms.HiddenInput)
    typed_name = forms.CharField(
        label="Type your full name to agree",
        max_length=200,
        help_text="This is how you sign the agreement.",
    )

    def __init__(self, *args: Any, clause_keys: list[tuple[str, str]], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.clause_keys = clause_keys
        for key, title in clause_keys:
            self.fields[f"confirm-{key}"] = forms.BooleanField(
                label=f"I have read and agree to “{title}”",
                required=True,
                error_messages={"required": f"Please confirm you agree to “{title}”."},
            )

    def confirmed(self) -> list[str]:
        return [key for key, _ in self.clause_keys if self.cleaned_data.get(f"confirm-{key}")]

    def confirm_field(self, key: str) -> forms.BoundField:
        return self[f"confirm-{key}"]


class ChanceEncounterForm(forms.Form):
    choice = forms.ChoiceField(
        label="If you meet by chance outside your sessions",
        choices=EncounterChoice.choices,
        widget=forms.RadioSelect,
    )
    note = forms.CharField(
        label="Anything else, in the client's own words",
        max_length=NOTE_LIMIT,
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
    )

    def __init__(self, *args: Any, for_client: bool = False, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if for_client:  # the same form, in the client's own voice
            self.fields["choice"].label = "If we meet by chance outside our sessions"
            self.fields["note"].label = "Anything you would like me to know, in your own words"


class CommunicationForm(forms.Form):
    reminder_channel = forms.ChoiceField(
        label="Appointment reminders", choices=ReminderChannel.choices, widget=forms.RadioSelect
    )
    calendar_title = forms.ChoiceField(
        label="What appointments are called in calendars",
        choices=CalendarTitle.choices,
        widget=forms.RadioSelect,
        help_text="What anyone glancing at a calendar would see.",
    )
    discreet_wording = forms.BooleanField(
        label="Keep wording discreet: no mention of counselling or therapy", required=False
    )


METHOD_LABELS = dict(AgreementMethod.choices)


def describe_terms(terms: Terms, only: set[str] | None = None) -> list[tuple[str, str]]:
    """Each term as a label and the words a person reads, in the form's order."""
    parties = placeholders.Parties(client_name="", practitioner_name="", practice_name="")
    render = {name: p.render for name, p in placeholders.PLACEHOLDERS.items()}
    special = {
        "fee": render["fee"](terms, parties),
        "frequency": render["frequency"](terms, parties),
        "contact_channels": render["contact_channels"](terms, parties),
        "planned_sessions": render["session_plan"](terms, parties),
    }
    rows = []
    for name, field in TermsForm.base_fields.items():
        if only is not None and name not in only and not (name == "fee" and "fee_pence" in only):
            continue
        if name in special:
            value = special[name]
        else:
            raw = getattr(terms, name)
            value = str(raw).strip() if raw not in (None, "") else "—"
        rows.append((str(field.label), value or "—"))
    return rows
