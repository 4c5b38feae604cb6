"""Forms for the diary. They check what was typed and say what to do; actions do the saving."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django import forms
from django.db.models import QuerySet
from django.utils import timezone

from frame.accounts.models import User
from frame.scheduling.actions import ATTENDANCE_OUTCOMES
from frame.scheduling.models import Frequency, Initiator, Kind, PlannedBreak, Status

DATE_INPUT_FORMATS = ["%Y-%m-%d", "%d/%m/%Y", "%d-%m-%Y", "%d.%m.%Y"]
TIME_INPUT_FORMATS = ["%H:%M", "%H.%M", "%H%M"]
DATETIME_INPUT_FORMATS = ["%Y-%m-%dT%H:%M", "%Y-%m-%d %H:%M", "%d/%m/%Y %H:%M"]


class DateInput(forms.DateInput):
    input_type = "date"

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(format="%Y-%m-%d", **kwargs)


class TimeInput(forms.TimeInput):
    input_type = "time"

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(format="%H:%M", attrs={"step": 300}, **kwargs)


class DateTimeInput(forms.DateTimeInput):
    input_type = "datetime-local"

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(format="%Y-%m-%dT%H:%M", **kwargs)


def _date(label: str, **kwargs: Any) -> forms.DateField:
    field = forms.DateField(
        label=label, input_formats=DATE_INPUT_FORMATS, widget=DateInput(), **kwargs
    )
    field.error_messages["required"] = f"Please enter the {label.lower()}."
    field.error_messages["invalid"] = "Enter a date as day, month and year, for example 16/03/2027."
    return field


def _time(label: str = "Time", **kwargs: Any) -> forms.TimeField:
    field = forms.TimeField(
        label=label, input_formats=TIME_INPUT_FORMATS, widget=TimeInput(), **kwargs
    )
    field.error_messages["required"] = "Please enter the time, for example 10:00."
    field.error_messages["invalid"] = "Enter a time on the 24-hour clock, for example 14:30."
    return field


def _minutes(label: str = "Length in minutes", **kwargs: Any) -> forms.IntegerField:
    field = forms.IntegerField(label=label, min_value=5, max_value=480, **kwargs)
    field.error_messages.update(
        {
            "required": "Please enter how long it lasts, in minutes.",
            "invalid": "Enter a whole number of minutes, for example 50.",
            "min_value": "A session lasts at least 5 minutes.",
            "max_value": "A session lasts 8 hours (480 minutes) at most.",
        }
    )
    return field


def _choice(label: str, choices: Any, **kwargs: Any) -> forms.ChoiceField:
    field = forms.ChoiceField(label=label, choices=choices, **kwargs)
    field.error_messages["required"] = f"Please choose the {label.lower()}."
    field.error_messages["invalid_choice"] = "Please choose one of the options listed."
    return field


class PractitionerField(forms.ModelChoiceField):  # type: ignore[type-arg]
    def label_from_instance(self, obj: Any) -> str:
        return str(obj.full_name or obj.email)


class _WithPractitioner(forms.Form):
    """Shows a practitioner choice only when there is a choice to make."""

    def __init__(self, *args: Any, practitioners: QuerySet[User] | None = None, **kwargs: Any):
        super().__init__(*args, **kwargs)
        if practitioners is not None:
            self.fields["practitioner"] = PractitionerField(
                queryset=practitioners,
                label="Practitioner",
                empty_label=None,
                error_messages={"invalid_choice": "Please choose one of the practitioners listed."},
            )
            self.order_fields(["practitioner"])


class _Where(forms.Form):
    location = forms.CharField(
        label="Room or place", max_length=120, required=False, help_text="For example Room 2."
    )
    online_link = forms.URLField(
        label="Online link",
        max_length=300,
        required=False,
        assume_scheme="https",
        help_text="For sessions online: the https:// link to the meeting room.",
        error_messages={"invalid": "Enter the full link, starting https://"},
    )


class AppointmentForm(_WithPractitioner, _Where):
    kind = _choice("Type", Kind.choices, initial=Kind.SESSION)
    day = _date("Date")
    time = _time()
    duration_minutes = _minutes()

    field_order = ["practitioner", "kind", "day", "time", "duration_minutes"]


class Ends(forms.Form):
    ENDS_CHOICES = [
        ("never", "Open-ended: no end date"),
        ("count", "After a number of sessions (time-limited work)"),
        ("until", "On a date"),
    ]
    ends = _choice("When the sessions end", ENDS_CHOICES, widget=forms.RadioSelect, initial="never")
    count = forms.IntegerField(
        label="Number of sessions",
        required=False,
        min_value=1,
        max_value=270,
        help_text="Including the first.",
        error_messages={
            "invalid": "Enter a whole number of sessions, for example 12.",
            "min_value": "There is at least one session.",
            "max_value": "For more than 270 sessions, leave the work open-ended.",
        },
    )
    until = _date("Last date", required=False, help_text="Sessions up to and including this date.")

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        ends = data.get("ends")
        if ends == "count" and not data.get("count") and "count" not in self.errors:
            self.add_error("count", "Please enter the number of sessions.")
        if ends == "until" and not data.get("until") and "until" not in self.errors:
            self.add_error("until", "Please enter the last date.")
        return data

    def ending(self) -> tuple[dt.date | None, int | None]:
        ends = self.cleaned_data.get("ends")
        if ends == "count":
            return None, self.cleaned_data.get("count")
        if ends == "until":
            return self.cleaned_data.get("until"), None
        return None, None


class RegularSlotForm(_WithPractitioner, _Where, Ends):
    first_day = _date("First session", help_text="The weekday of this date is the slot's weekday.")
    time = _time()
    interval_weeks = forms.TypedChoiceField(
        label="How often",
        choices=Frequency.choices,
        coerce=int,
        widget=forms.RadioSelect,
        initial=Frequency.WEEKLY,
        error_messages={
            "required": "Please choose weekly or fortnightly.",
            "invalid_choice": "Please choose weekly or fortnightly.",
        },
    )
    duration_minutes = _minutes()
    kind = _choice("Type", Kind.choices, initial=Kind.SESSION)

    field_order = [
        "practitioner", "first_day", "time", "interval_weeks", "duration_minutes", "kind",
        "location", "online_link", "ends", "count", "until",
    ]  # fmt: skip


class SlotChangeForm(_Where, Ends):
    """ "This and following": the slot's new arrangement from a session's date on."""

    ENDS_CHOICES = [("keep", "Keep the current end"), *Ends.ENDS_CHOICES]
    ends = _choice("When the sessions end", ENDS_CHOICES, widget=forms.RadioSelect, initial="keep")
    first_day = _date("From", help_text="The first session on the new arrangement.")
    time = _time()
    interval_weeks = RegularSlotForm.base_fields["interval_weeks"]
    duration_minutes = _minutes()

    field_order = [
        "first_day", "time", "interval_weeks", "duration_minutes", "location", "online_link",
        "ends", "count", "until",
    ]  # fmt: skip

    def ending(self) -> tuple[dt.date | None, int | None]:
        if self.cleaned_data.get("ends") == "keep":
            return None, None
        return super().ending()

    @property
    def open_ended(self) -> bool:
        return self.cleaned_data.get("ends") == "never"


class MoveForm(_Where):
    day = _date("Date")
    time = _time()
    duration_minutes = _minutes()
    initiator = _choice(
        "Who asked for the change",
        Initiator.choices,
        widget=forms.RadioSelect,
        help_text="Only asked if the time changes.",
        required=False,
    )
    told_at = forms.DateTimeField(
        label="When the change was agreed",
        required=False,
        input_formats=DATETIME_INPUT_FORMATS,
        widget=DateTimeInput(),
        help_text="Leave empty for now. The notice given is counted from this.",
        error_messages={"invalid": "Enter a date and time, for example 16/03/2027 09:30."},
    )

    field_order = [
        "day", "time", "duration_minutes", "location", "online_link", "initiator", "told_at",
    ]  # fmt: skip


OUTCOME_LABELS = {
    Status.ATTENDED: "Attended",
    Status.LATE: "Attended, but late",
    Status.CANCELLED_BY_CLIENT: "Cancelled by the client",
    Status.DID_NOT_ATTEND: "Did not attend",
    Status.CANCELLED_BY_PRACTITIONER: "Cancelled by me (the practitioner)",
}


class AttendanceForm(forms.Form):
    outcome = _choice(
        "What happened",
        [(outcome.value, OUTCOME_LABELS[Status(outcome.value)]) for outcome in ATTENDANCE_OUTCOMES],
        widget=forms.RadioSelect,
    )
    minutes_late = forms.IntegerField(
        label="Minutes late",
        required=False,
        min_value=1,
        max_value=480,
        help_text="Only for a late arrival.",
        error_messages={
            "invalid": "Enter a whole number of minutes, for example 10.",
            "min_value": "Enter at least 1 minute.",
            "max_value": "That is longer than any session.",
        },
    )
    told_at = forms.DateTimeField(
        label="When you were told",
        required=False,
        input_formats=DATETIME_INPUT_FORMATS,
        widget=DateTimeInput(),
        help_text="Only for a cancellation. Leave empty for now; the notice is counted from it.",
        error_messages={"invalid": "Enter a date and time, for example 16/03/2027 09:30."},
    )


class BreakForm(_WithPractitioner):
    first_day = _date("First day away")
    last_day = _date("Last day away")
    reason = _choice(
        "What it is",
        PlannedBreak.Reason.choices,
        initial=PlannedBreak.Reason.HOLIDAY,
        help_text="Clients only ever see that you are away, never why.",
    )

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        first, last = data.get("first_day"), data.get("last_day")
        if first and last and last < first:
            self.add_error("last_day", "The last day cannot be before the first day.")
        return data


def aware(value: dt.datetime | None) -> dt.datetime | None:
    """A typed date-time is on the practice's clock (USE_TZ makes Django's fields aware)."""
    if value is None or timezone.is_aware(value):
        return value
    return timezone.make_aware(value)


class DiarySettingsForm(forms.Form):
    reminders_enabled = forms.BooleanField(
        label="Send clients email reminders of their appointments",
        required=False,
        help_text="Only to clients who agreed to reminders and may be emailed.",
    )
    reminder_hours_before = forms.IntegerField(
        label="Hours before the appointment",
        min_value=1,
        max_value=168,
        help_text="For example 24 for the day before; at most 168 (a week).",
        error_messages={
            "required": "Please enter how many hours before to send the reminder.",
            "invalid": "Enter a whole number of hours, for example 24.",
            "min_value": "Send it at least 1 hour before.",
            "max_value": "Send it at most 168 hours (a week) before.",
        },
    )
