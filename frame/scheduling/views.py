"""Diary pages: the week, the day, a client's sessions, booking, moving, attendance and breaks.

Records are fetched only through access.py and changed only through actions.py.
"""

from __future__ import annotations

import datetime as dt
import uuid
from typing import Any

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_not_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_http_methods

from frame.accounts.decorators import owner_required
from frame.accounts.models import User
from frame.contracts.selectors import practice_terms, terms_for
from frame.lib.forms import show_refusal
from frame.scheduling import actions, calendars, selectors
from frame.scheduling.access import (
    NOT_FOUND_MESSAGE,
    access_appointment,
    access_break,
    access_diary_client,
    bookable_practitioners,
    breaks_for,
    diary_practitioner,
    diary_practitioners,
    keeps_diary,
)
from frame.scheduling.attendance_rules import describe_notice
from frame.scheduling.forms import (
    AppointmentForm,
    AttendanceForm,
    BreakForm,
    DiarySettingsForm,
    MoveForm,
    RegularSlotForm,
    SlotChangeForm,
    aware,
)
from frame.scheduling.models import Appointment, CalendarFeed, Reminder, Status

# Dates outside this range in a query string are typing mistakes or probes, not diary pages.
EARLIEST = dt.date(2000, 1, 1)
LATEST = dt.date(2100, 12, 31)


class StaffRequest(HttpRequest):
    user: User


def _posted(request: HttpRequest) -> Any:
    return request.POST if request.method == "POST" else None


def _require_diary(request: StaffRequest) -> None:
    if not keeps_diary(request.user):
        raise Http404(NOT_FOUND_MESSAGE)


def _day_param(request: HttpRequest, name: str) -> dt.date:
    """A date from the query string; anything unreadable means today."""
    value = request.GET.get(name, "")
    try:
        parsed = dt.date.fromisoformat(value[:10])
    except ValueError:
        return timezone.localdate()
    return parsed if EARLIEST <= parsed <= LATEST else timezone.localdate()


def _practitioner_for(request: StaffRequest) -> tuple[User, list[User]]:
    """Whose diary to show, and the people whose diaries this person may choose from."""
    _require_diary(request)
    choices = list(diary_practitioners(request.user))
    wanted = request.GET.get("practitioner")
    if wanted:
        return diary_practitioner(request.user, wanted), choices
    if not choices:
        raise Http404(NOT_FOUND_MESSAGE)
    own = next((person for person in choices if person.pk == request.user.pk), None)
    return own or choices[0], choices


def _practice_id(request: StaffRequest) -> int:
    membership = request.user.active_membership
    if membership is None:
        raise Http404(NOT_FOUND_MESSAGE)
    return membership.practice_id


def _is_htmx(request: HttpRequest) -> bool:
    return request.headers.get("HX-Request") == "true"


# --- Week and day -----------------------------------------------------------------------------


def week_view(request: StaffRequest) -> HttpResponse:
    practitioner, choices = _practitioner_for(request)
    diary = selectors.week(request.user, practitioner, _day_param(request, "week"))
    context = {
        "week": diary,
        "practitioner": practitioner,
        "choices": choices if len(choices) > 1 else [],
        "query": f"&practitioner={practitioner.pk}" if len(choices) > 1 else "",
        "today": timezone.localdate(),
    }
    template = "scheduling/_week.html" if _is_htmx(request) else "scheduling/week.html"
    response = render(request, template, context)
    response["Vary"] = "HX-Request"
    return response


def day_view(request: StaffRequest) -> HttpResponse:
    practitioner, choices = _practitioner_for(request)
    when = _day_param(request, "date")
    return render(
        request,
        "scheduling/day.html",
        {
            "day": selectors.day(request.user, practitioner, when),
            "practitioner": practitioner,
            "choices": choices if len(choices) > 1 else [],
            "query": f"&practitioner={practitioner.pk}" if len(choices) > 1 else "",
            "previous": when - dt.timedelta(days=1),
            "next": when + dt.timedelta(days=1),
            "awaiting": selectors.awaiting_outcome(practitioner, request.user)
            if when == timezone.localdate()
            else [],
        },
    )


# --- A client's sessions ----------------------------------------------------------------------


def client_sessions(request: StaffRequest, client_id: uuid.UUID) -> HttpResponse:
    client = access_diary_client(request.user, client_id)
    terms = terms_for(client)
    return render(
        request,
        "scheduling/client.html",
        {
            "client": client,
            "slots": selectors.current_slots(client),
            "upcoming": selectors.upcoming(client, limit=12),
            "recent": selectors.recent(client, limit=20),
            "count": selectors.session_count(client, terms),
            "reminders": list(
                Reminder.objects.filter(client=client).order_by("-created_at", "-pk")[:20]
            ),
        },
    )


def _practitioner_choice(request: StaffRequest, client: Any) -> Any:
    """Offer a choice of practitioner only to administrators or when several share the client."""
    practitioners = bookable_practitioners(client)
    membership = request.user.active_membership
    if membership is not None and membership.is_clinical and practitioners.count() <= 1:
        return None
    return practitioners


def _chosen_practitioner(request: StaffRequest, form: forms.Form, client: Any) -> User:
    chosen = form.cleaned_data.get("practitioner")
    if chosen is not None:
        return chosen  # type: ignore[no-any-return]
    if request.user.active_membership and request.user.active_membership.is_clinical:
        return request.user
    raise ValidationError({"practitioner": "Choose who will see the client."})


@require_http_methods(["GET", "POST"])
def book(request: StaffRequest, client_id: uuid.UUID) -> HttpResponse:
    client = access_diary_client(request.user, client_id)
    terms = terms_for(client)
    form = AppointmentForm(
        _posted(request),
        practitioners=_practitioner_choice(request, client),
        initial={"duration_minutes": terms.session_minutes, "day": _day_param(request, "date")},
    )
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            appointment = actions.book_appointment(
                by=request.user,
                client=client,
                practitioner=_chosen_practitioner(request, form, client),
                day=data["day"],
                time=data["time"],
                duration_minutes=data["duration_minutes"],
                kind=data["kind"],
                location=data["location"],
                online_link=data["online_link"],
            )
        except ValidationError as error:
            show_refusal(form, error)
        except PermissionDenied:
            raise Http404(NOT_FOUND_MESSAGE) from None
        else:
            messages.success(request, "The appointment is booked.")
            return redirect("scheduling:appointment", appointment_id=appointment.pk)
    return render(request, "scheduling/book.html", {"client": client, "form": form})


@require_http_methods(["GET", "POST"])
def regular_slot_new(request: StaffRequest, client_id: uuid.UUID) -> HttpResponse:
    client = access_diary_client(request.user, client_id)
    terms = terms_for(client)
    form = RegularSlotForm(
        _posted(request),
        practitioners=_practitioner_choice(request, client),
        initial={
            "duration_minutes": terms.session_minutes,
            "interval_weeks": 2 if terms.frequency == "fortnightly" else 1,
            "ends": "count" if terms.planned_sessions else "never",
            "count": terms.planned_sessions,
        },
    )
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        until, count = form.ending()
        try:
            result = actions.create_regular_slot(
                by=request.user,
                client=client,
                practitioner=_chosen_practitioner(request, form, client),
                first_day=data["first_day"],
                time=data["time"],
                interval_weeks=data["interval_weeks"],
                duration_minutes=data["duration_minutes"],
                kind=data["kind"],
                location=data["location"],
                online_link=data["online_link"],
                until=until,
                count=count,
            )
        except ValidationError as error:
            show_refusal(form, error)
        except PermissionDenied:
            raise Http404(NOT_FOUND_MESSAGE) from None
        else:
            written = result.written
            messages.success(
                request,
                f"The regular slot is set up: {len(written.created)} sessions are in the diary.",
            )
            if written.skipped_for_breaks:
                days = ", ".join(f"{day.day} {day:%B}" for day in written.skipped_for_breaks)
                messages.info(request, f"Left out because of a planned break: {days}.")
            return redirect("scheduling:client", client_id=client.pk)
    return render(request, "scheduling/slot_new.html", {"client": client, "form": form})


# --- One appointment --------------------------------------------------------------------------


def _appointment_context(appointment: Appointment) -> dict[str, Any]:
    attendance = getattr(appointment, "attendance", None)
    changes = list(appointment.changes.select_related("recorded_by").order_by("-recorded_at"))
    return {
        "appointment": appointment,
        "client": appointment.client,
        "attendance": attendance,
        "notice": describe_notice(dt.timedelta(minutes=attendance.notice_minutes))
        if attendance is not None and attendance.notice_minutes is not None
        else "",
        "changes": changes,
        "has_started": appointment.starts_at <= timezone.now(),
    }


@require_http_methods(["GET", "POST"])
def appointment_detail(request: StaffRequest, appointment_id: uuid.UUID) -> HttpResponse:
    appointment = access_appointment(request.user, appointment_id)
    form = AttendanceForm(_posted(request))
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            actions.record_attendance(
                by=request.user,
                appointment=appointment,
                outcome=data["outcome"],
                minutes_late=data.get("minutes_late"),
                told_at=aware(data.get("told_at")),
            )
        except ValidationError as error:
            show_refusal(form, error)
        except PermissionDenied:
            raise Http404(NOT_FOUND_MESSAGE) from None
        else:
            messages.success(request, "Recorded.")
            return redirect("scheduling:appointment", appointment_id=appointment.pk)
    if request.method == "GET":
        actions.record_appointment_viewed(by=request.user, appointment=appointment)
    numbered = selectors.with_session_numbers(Appointment.objects.filter(pk=appointment.pk)).first()
    number = selectors.session_number(numbered) if numbered is not None else None
    count = selectors.session_count(appointment.client, terms_for(appointment.client))
    context = _appointment_context(appointment)
    context.update({"form": form, "label": count.label(number) if number else ""})
    return render(request, "scheduling/appointment.html", context)


@require_http_methods(["GET", "POST"])
def appointment_move(request: StaffRequest, appointment_id: uuid.UUID) -> HttpResponse:
    appointment = access_appointment(request.user, appointment_id)
    if appointment.status != Status.PLANNED:
        messages.error(request, "Only planned appointments can be moved.")
        return redirect("scheduling:appointment", appointment_id=appointment.pk)
    local = appointment.starts_at.astimezone(selectors.practice_zone())
    form = MoveForm(
        _posted(request),
        initial={
            "day": local.date(),
            "time": local.time(),
            "duration_minutes": appointment.duration_minutes,
            "location": appointment.location,
            "online_link": appointment.online_link,
        },
    )
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            actions.move_appointment(
                by=request.user,
                appointment=appointment,
                day=data["day"],
                time=data["time"],
                duration_minutes=data["duration_minutes"],
                location=data["location"],
                online_link=data["online_link"],
                initiator=data.get("initiator") or "",
                told_at=aware(data.get("told_at")),
            )
        except ValidationError as error:
            show_refusal(form, error)
        except PermissionDenied:
            raise Http404(NOT_FOUND_MESSAGE) from None
        else:
            messages.success(request, "This appointment has been changed. Others are as they were.")
            return redirect("scheduling:appointment", appointment_id=appointment.pk)
    return render(
        request,
        "scheduling/move.html",
        {"appointment": appointment, "client": appointment.client, "form": form},
    )


@require_http_methods(["GET", "POST"])
def slot_change(request: StaffRequest, appointment_id: uuid.UUID) -> HttpResponse:
    """ "This and following": change the regular slot from this session on, or end it."""
    appointment = access_appointment(request.user, appointment_id)
    slot = appointment.slot
    if slot is None or appointment.slot_day is None:
        messages.info(request, "This appointment is not part of a regular slot.")
        return redirect("scheduling:appointment", appointment_id=appointment.pk)
    form = SlotChangeForm(
        request.POST if request.method == "POST" and "end" not in request.POST else None,
        initial={
            "first_day": appointment.slot_day,
            "time": slot.time,
            "interval_weeks": slot.interval_weeks,
            "duration_minutes": slot.duration_minutes,
            "location": slot.location,
            "online_link": slot.online_link,
        },
    )
    if request.method == "POST" and "end" in request.POST:
        try:
            removed = actions.end_slot_from(by=request.user, appointment=appointment)
        except ValidationError as error:
            form.add_error(None, error.messages)
        except PermissionDenied:
            raise Http404(NOT_FOUND_MESSAGE) from None
        else:
            messages.success(
                request,
                f"The regular slot ends before {appointment.slot_day:%-d %B %Y}; "
                f"{removed} planned sessions were taken out of the diary.",
            )
            return redirect("scheduling:client", client_id=appointment.client_id)
    elif request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        until, count = form.ending()
        try:
            result = actions.change_slot_from(
                by=request.user,
                appointment=appointment,
                first_day=data["first_day"],
                time=data["time"],
                interval_weeks=data["interval_weeks"],
                duration_minutes=data["duration_minutes"],
                location=data["location"],
                online_link=data["online_link"],
                until=until,
                count=count,
                open_ended=form.open_ended,
            )
        except ValidationError as error:
            show_refusal(form, error)
        except PermissionDenied:
            raise Http404(NOT_FOUND_MESSAGE) from None
        else:
            messages.success(
                request,
                f"From {data['first_day']:%-d %B %Y} the regular slot is "
                f"{result.slot.describe().lower()}.",
            )
            return redirect("scheduling:client", client_id=appointment.client_id)
    return render(
        request,
        "scheduling/slot_change.html",
        {"appointment": appointment, "client": appointment.client, "slot": slot, "form": form},
    )


# --- Planned breaks ---------------------------------------------------------------------------


@require_http_methods(["GET", "POST"])
def breaks(request: StaffRequest) -> HttpResponse:
    _require_diary(request)
    membership = request.user.active_membership
    # Clinicians plan their own breaks; administrators choose whose.
    choices = (
        None if membership is None or membership.is_clinical else diary_practitioners(request.user)
    )
    form = BreakForm(_posted(request), practitioners=choices)
    context: dict[str, Any] = {"form": form}
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        practitioner = data.get("practitioner") or request.user
        short, weeks = actions.break_notice_is_short(
            data["first_day"], _practice_id(request), timezone.localdate()
        )
        if short and request.POST.get("confirm") != "yes":
            context.update({"confirm_short_notice": True, "policy_weeks": weeks})
        else:
            try:
                result = actions.plan_break(
                    by=request.user,
                    practitioner=practitioner,
                    first_day=data["first_day"],
                    last_day=data["last_day"],
                    reason=data["reason"],
                )
            except ValidationError as error:
                show_refusal(form, error)
            except PermissionDenied:
                raise Http404(NOT_FOUND_MESSAGE) from None
            else:
                messages.success(request, "The planned break is in the diary.")
                if result.affected:
                    messages.warning(
                        request,
                        f"{result.affected} planned sessions fall in this break. "
                        "Cancel or move them, and let the clients know.",
                    )
                return redirect("scheduling:break", break_id=result.planned_break.pk)
    context["breaks"] = list(
        breaks_for(request.user)
        .filter(withdrawn_at__isnull=True, ends_at__gt=timezone.now())
        .select_related("practitioner")
        .order_by("starts_at")[:50]
    )
    context["choose_practitioner"] = choices is not None
    return render(request, "scheduling/breaks.html", context)


@require_http_methods(["GET", "POST"])
def break_detail(request: StaffRequest, break_id: uuid.UUID) -> HttpResponse:
    planned = access_break(request.user, break_id)
    if request.method == "POST":
        try:
            if "withdraw" in request.POST:
                restored = actions.withdraw_break(by=request.user, planned_break=planned)
                messages.success(
                    request,
                    "The break has been withdrawn."
                    + (f" {restored} regular sessions are back in the diary." if restored else ""),
                )
                return redirect("scheduling:breaks")
            if "cancel_sessions" in request.POST:
                cancelled = actions.cancel_sessions_in_break(by=request.user, planned_break=planned)
                messages.success(
                    request, f"{cancelled} sessions were cancelled; none is charged to a client."
                )
                return redirect("scheduling:break", break_id=planned.pk)
        except ValidationError as error:
            for problem in error.messages:
                messages.error(request, problem)
            return redirect("scheduling:break", break_id=planned.pk)
        except PermissionDenied:
            raise Http404(NOT_FOUND_MESSAGE) from None
    policy_weeks = practice_terms(planned.practice_id).break_notice_weeks
    affected = list(
        Appointment.objects.filter(planned_break=planned, status=Status.PLANNED)
        .select_related("client")
        .order_by("starts_at")[:100]
    )
    return render(
        request,
        "scheduling/break.html",
        {
            "planned_break": planned,
            "affected": affected,
            "notice": describe_notice(planned.notice),
            "policy_weeks": policy_weeks,
            "notice_short": planned.notice < dt.timedelta(weeks=policy_weeks),
        },
    )


# --- Calendars --------------------------------------------------------------------------------


@require_http_methods(["GET", "POST"])
def calendar_feed_settings(request: StaffRequest) -> HttpResponse:
    """A private link to subscribe to one's own diary from a calendar program."""
    membership = request.user.active_membership
    if membership is None or not membership.is_clinical:
        raise Http404(NOT_FOUND_MESSAGE)
    context: dict[str, Any] = {}
    if request.method == "POST" and "create" in request.POST:
        token = actions.create_practitioner_feed(by=request.user)
        context["feed_url"] = request.build_absolute_uri(
            reverse("scheduling:feed", kwargs={"token": token})
        )
    elif request.method == "POST" and "revoke" in request.POST:
        if actions.revoke_practitioner_feed(by=request.user):
            messages.success(request, "The calendar link has stopped working.")
        return redirect("scheduling:calendar")
    context["active"] = CalendarFeed.objects.filter(
        practitioner=request.user, revoked_at__isnull=True
    ).first()
    return render(request, "scheduling/calendar.html", context)


@login_not_required
@require_http_methods(["GET", "HEAD"])
def feed(request: HttpRequest, token: str) -> HttpResponse:
    """A practitioner's diary as iCalendar, for calendar programs. Unknown or revoked: 404."""
    found = calendars.find_feed(token)
    if found is None or found.practitioner_id is None:
        raise Http404(NOT_FOUND_MESSAGE)
    return calendars.ics_response(calendars.feed_body(found))


def appointment_ics(request: StaffRequest, appointment_id: uuid.UUID) -> HttpResponse:
    appointment = access_appointment(request.user, appointment_id)
    actions.record_calendar_download(by=request.user, appointment=appointment)
    body = calendars.practitioner_calendar([appointment], name="Appointment")
    return calendars.ics_response(body, f"appointment-{appointment.starts_at:%Y-%m-%d}.ics")


# --- Practice settings ------------------------------------------------------------------------


@owner_required
@require_http_methods(["GET", "POST"])
def diary_settings(request: StaffRequest) -> HttpResponse:
    current = actions.diary_settings(_practice_id(request))
    form = DiarySettingsForm(
        _posted(request),
        initial={
            "reminders_enabled": current.reminders_enabled,
            "reminder_hours_before": current.reminder_hours_before,
        },
    )
    if request.method == "POST" and form.is_valid():
        try:
            changed = actions.change_diary_settings(
                by=request.user,
                reminders_enabled=form.cleaned_data["reminders_enabled"],
                reminder_hours_before=form.cleaned_data["reminder_hours_before"],
            )
        except ValidationError as error:
            show_refusal(form, error)
        else:
            messages.success(request, "Saved." if changed else "Nothing had changed.")
            return redirect("scheduling:settings")
    failed = list(
        Reminder.objects.filter(practice_id=_practice_id(request), state=Reminder.State.FAILED)
        .select_related("client")
        .order_by("-created_at")[:50]
    )
    return render(request, "scheduling/settings.html", {"form": form, "failed": failed})
