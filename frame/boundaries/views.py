"""Pages for boundary events, the declared circle and dual-relationship checks.

Records come only through access.py and change only through actions.py. The circle and checks
are one practitioner's own: for anyone else every page here is the same 404.
"""

from __future__ import annotations

import uuid
from typing import Any

from django.conf import settings
from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_http_methods, require_POST

from frame.accounts.models import User
from frame.boundaries import actions, selectors
from frame.boundaries.access import (
    NOT_FOUND,
    access_circle_entry,
    access_client_for_boundaries,
    access_event,
    awaiting_events_for,
    circle_for,
    latest_screening,
    require_circle_keeper,
)
from frame.boundaries.forms import CircleEntryForm, DecisionForm, ErrorForm, EventForm
from frame.boundaries.models import CIRCLE_FIELDS, EVENT_FIELDS, CircleEntry
from frame.clients import lifecycle
from frame.lib.forms import show_refusal


class StaffRequest(HttpRequest):
    user: User


def _posted(request: HttpRequest) -> Any:
    return request.POST if request.method == "POST" else None


def _page(request: HttpRequest, items: Any, per_page: int | None = None) -> Any:
    return Paginator(items, per_page or settings.FRAME_PAGE_SIZE).get_page(request.GET.get("page"))


# --- Boundary events -------------------------------------------------------------------------


def event_log(request: StaffRequest, client_id: uuid.UUID) -> HttpResponse:
    client = access_client_for_boundaries(request.user, client_id)
    actions.record_viewed(client=client, by=request.user, page="log")
    page = _page(request, selectors.events_for_client(client.pk))
    selectors.attach_session_links(client.pk, page)
    return render(request, "boundaries/log.html", {"client": client, "page": page})


@require_http_methods(["GET", "POST"])
def event_new(request: StaffRequest, client_id: uuid.UUID) -> HttpResponse:
    client = access_client_for_boundaries(request.user, client_id)
    form = EventForm(
        _posted(request),
        initial={"to_explore": True},
        sessions=selectors.session_choices(client.pk),
    )
    if request.method == "POST" and form.is_valid():
        try:
            actions.record_event(
                client=client,
                by=request.user,
                **{name: form.cleaned_data[name] for name in EVENT_FIELDS},
            )
        except ValidationError as error:
            show_refusal(form, error)
        else:
            messages.success(request, "The boundary event has been recorded.")
            return redirect(reverse("clients:card", args=[client.pk]) + "#boundaries")
    return render(request, "boundaries/event_form.html", {"client": client, "form": form})


@require_http_methods(["GET", "POST"])
def event_edit(request: StaffRequest, client_id: uuid.UUID, event_id: uuid.UUID) -> HttpResponse:
    event = access_event(request.user, client_id, event_id)
    client = event.client
    selectors.attach_session_links(client.pk, [event])
    sessions = (
        []
        if event.in_error
        else selectors.session_choices(client.pk, also=event.explored_in_session_id)
    )
    if event.in_error:
        form = None
    elif request.method == "POST":
        form = EventForm(request.POST, sessions=sessions)
        if form.is_valid():
            try:
                changed = actions.update_event(
                    event=event,
                    by=request.user,
                    changes={name: form.cleaned_data[name] for name in EVENT_FIELDS},
                )
            except ValidationError as error:
                show_refusal(form, error)
            else:
                messages.success(
                    request,
                    "Changes saved." if changed else "Nothing had changed, so nothing saved.",
                )
                return redirect(reverse("boundaries:log", args=[client.pk]))
    else:
        form = EventForm(
            initial={name: getattr(event, name) for name in EVENT_FIELDS}, sessions=sessions
        )
    if request.method == "GET":
        actions.record_viewed(client=client, by=request.user, page="event")
    revisions = list(event.revisions.select_related("revised_by")[:50])
    return render(
        request,
        "boundaries/event_form.html",
        {"client": client, "form": form, "event": event, "revisions": revisions},
    )


@require_http_methods(["GET", "POST"])
def event_error(request: StaffRequest, client_id: uuid.UUID, event_id: uuid.UUID) -> HttpResponse:
    event = access_event(request.user, client_id, event_id)
    if event.in_error:
        return redirect(reverse("boundaries:log", args=[event.client.pk]))
    form = ErrorForm(_posted(request))
    if request.method == "POST" and form.is_valid():
        try:
            actions.mark_in_error(event=event, by=request.user, reason=form.cleaned_data["reason"])
        except ValidationError as error:
            show_refusal(form, error)
        else:
            messages.success(request, "The entry is now marked as recorded in error.")
            return redirect(reverse("boundaries:log", args=[event.client.pk]))
    return render(
        request,
        "boundaries/event_error.html",
        {"client": event.client, "event": event, "form": form},
    )


def awaiting(request: StaffRequest) -> HttpResponse:
    """Items across the caseload not yet explored in session or not yet taken to supervision."""
    if request.user.active_membership is None or not request.user.active_membership.is_clinical:
        raise Http404(NOT_FOUND)
    page = _page(request, awaiting_events_for(request.user))
    undecided = selectors.undecided_enquiries(request.user, limit=settings.FRAME_PAGE_SIZE)
    return render(request, "boundaries/awaiting.html", {"page": page, "undecided": undecided})


# --- The declared circle ---------------------------------------------------------------------


def circle(request: StaffRequest) -> HttpResponse:
    require_circle_keeper(request.user)
    # Every part is encrypted, so sorting by name happens here; a circle is a personal list of
    # tens of people, not thousands.
    entries = sorted(circle_for(request.user), key=lambda e: (e.label.casefold(), e.added_at))
    return render(request, "boundaries/circle.html", {"page": _page(request, entries)})


@require_http_methods(["GET", "POST"])
def circle_new(request: StaffRequest) -> HttpResponse:
    require_circle_keeper(request.user)
    form = CircleEntryForm(_posted(request))
    if request.method == "POST" and form.is_valid():
        try:
            actions.add_circle_entry(
                by=request.user, **{name: form.cleaned_data[name] for name in CIRCLE_FIELDS}
            )
        except ValidationError as error:
            show_refusal(form, error)
        else:
            messages.success(request, "Added to your declared circle.")
            return redirect("boundaries:circle")
    return render(request, "boundaries/circle_form.html", {"form": form})


@require_http_methods(["GET", "POST"])
def circle_edit(request: StaffRequest, entry_id: uuid.UUID) -> HttpResponse:
    entry = access_circle_entry(request.user, entry_id)
    if request.method == "POST":
        form = CircleEntryForm(request.POST)
        if form.is_valid():
            try:
                actions.update_circle_entry(
                    entry=entry,
                    by=request.user,
                    changes={name: form.cleaned_data[name] for name in CIRCLE_FIELDS},
                )
            except ValidationError as error:
                show_refusal(form, error)
            else:
                messages.success(request, "Saved.")
                return redirect("boundaries:circle")
    else:
        form = CircleEntryForm(initial={name: getattr(entry, name) for name in CIRCLE_FIELDS})
    return render(request, "boundaries/circle_form.html", {"form": form, "entry": entry})


@require_http_methods(["GET", "POST"])
def circle_remove(request: StaffRequest, entry_id: uuid.UUID) -> HttpResponse:
    entry: CircleEntry = access_circle_entry(request.user, entry_id)
    if request.method == "POST":
        actions.remove_circle_entry(entry=entry, by=request.user)
        messages.success(request, "Removed from your declared circle.")
        return redirect("boundaries:circle")
    return render(request, "boundaries/circle_remove.html", {"entry": entry})


# --- Dual-relationship checks ----------------------------------------------------------------


@require_http_methods(["GET", "POST"])
def check(request: StaffRequest, client_id: uuid.UUID) -> HttpResponse:
    client = access_client_for_boundaries(request.user, client_id)
    screening = latest_screening(request.user, client)
    form = DecisionForm(_posted(request))
    if request.method == "POST":
        if screening is None:
            raise Http404(NOT_FOUND)
        if form.is_valid():
            try:
                actions.record_decision(
                    screening=screening,
                    by=request.user,
                    decision=form.cleaned_data["decision"],
                    reason=form.cleaned_data["reason"],
                )
            except ValidationError as error:
                show_refusal(form, error)
            except PermissionDenied:
                raise Http404(NOT_FOUND) from None
            else:
                messages.success(request, "Your decision has been recorded.")
                return redirect(reverse("boundaries:check", args=[client.pk]))
    else:
        actions.record_viewed(client=client, by=request.user, page="check")
    view = selectors.check_view(request.user, screening) if screening is not None else None
    return render(
        request,
        "boundaries/check.html",
        {
            "client": client,
            "check": view,
            "form": form,
            "earlier": selectors.earlier_decisions(request.user, screening) if screening else [],
            "is_enquiry": client.status == lifecycle.ENQUIRY,
        },
    )


@require_POST
def check_run(request: StaffRequest, client_id: uuid.UUID) -> HttpResponse:
    client = access_client_for_boundaries(request.user, client_id)
    actions.run_check_now(client=client, by=request.user)
    messages.success(request, "The check has run again with everything on record now.")
    return redirect(reverse("boundaries:check", args=[client.pk]))
