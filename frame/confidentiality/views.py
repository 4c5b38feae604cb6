"""Pages of the confidentiality register.

Entries come only through access.py and are written only through actions.py. Every page that
shows an entry, or the list of them, writes a "viewed" audit event. For anyone but the author
(on the care team) and the practice owner, every page here is the same 404.
"""

from __future__ import annotations

import uuid

from django.conf import settings
from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_http_methods, require_POST

from frame.accounts.models import User
from frame.confidentiality import actions, selectors
from frame.confidentiality.access import (
    NOT_FOUND,
    RegisterAccess,
    access_entry,
    practice_register,
    register_access,
)
from frame.confidentiality.actions import EntryData
from frame.confidentiality.forms import EntryForm, FollowUpForm
from frame.confidentiality.models import RegisterEntry
from frame.lib.forms import show_refusal

STATEMENT = (
    "Only you and the practice owner can see your entries in this register, and every time "
    "anyone opens it is recorded. Entries cannot be changed or deleted: if something needs "
    "correcting, record a correction, which is linked to the entry it replaces. Every entry "
    "places the client's records under a legal hold, so they are not destroyed when their "
    "retention period ends."
)


class StaffRequest(HttpRequest):
    user: User


@require_http_methods(["GET"])
def practice(request: StaffRequest) -> HttpResponse:
    """The owner's view of every decision recorded in the practice, newest first."""
    entries = practice_register(request.user)
    actions.record_practice_viewed(by=request.user)
    page = Paginator(
        selectors.entries_listed(entries).select_related("client"), settings.FRAME_PAGE_SIZE
    ).get_page(request.GET.get("page"))
    return render(request, "confidentiality/practice.html", {"page": page})


@require_http_methods(["GET"])
def register(request: StaffRequest, client_id: uuid.UUID) -> HttpResponse:
    access = register_access(request.user, client_id)
    actions.record_viewed(client=access.client, by=request.user, page="register")
    page = Paginator(
        selectors.entries_listed(access.entries(request.user)), settings.FRAME_PAGE_SIZE
    ).get_page(request.GET.get("page"))
    return render(
        request,
        "confidentiality/register.html",
        {"client": access.client, "access": access, "page": page, "statement": STATEMENT},
    )


@require_http_methods(["GET", "POST"])
def entry_new(request: StaffRequest, client_id: uuid.UUID) -> HttpResponse:
    access = register_access(request.user, client_id)
    if not access.may_write:
        raise Http404(NOT_FOUND)
    client = access.client
    if request.method == "POST":
        form = EntryForm(request.POST)
        if form.is_valid():
            try:
                entry = actions.record_entry(client=client, by=request.user, data=form.entry_data())
            except (ValidationError, PermissionDenied) as error:
                show_refusal(
                    form,
                    ValidationError(str(error)) if isinstance(error, PermissionDenied) else error,
                )
            else:
                messages.success(request, "The decision is recorded in the register.")
                return redirect(reverse("confidentiality:entry", args=[client.pk, entry.pk]))
    else:
        today = timezone.localdate()
        form = EntryForm(initial={"concern_arose_on": today, "decided_on": today})
    return render(
        request,
        "confidentiality/entry_form.html",
        {"client": client, "form": form, "statement": STATEMENT},
        status=400 if form.errors else 200,
    )


@require_http_methods(["GET"])
def entry(
    request: StaffRequest, client_id: uuid.UUID, register_entry_id: uuid.UUID
) -> HttpResponse:
    access, found = access_entry(request.user, client_id, register_entry_id)
    return _entry_page(request, access, found, FollowUpForm())


def _entry_page(
    request: StaffRequest, access: RegisterAccess, found: RegisterEntry, form: FollowUpForm
) -> HttpResponse:
    actions.record_viewed(client=access.client, by=request.user, page="entry", entry=found)
    corrected_by = _corrected_by(found)
    follow_ups = selectors.follow_ups_for(found)
    current = access.may_write and corrected_by is None
    return render(
        request,
        "confidentiality/entry.html",
        {
            "client": access.client,
            "access": access,
            "entry": found,
            "corrected_by": corrected_by,
            "follow_ups": follow_ups,
            "next_review": selectors.next_review(found, follow_ups),
            "may_correct": current,
            "follow_up_form": form if current else None,
        },
        status=400 if form.errors else 200,
    )


@require_POST
def follow_up(
    request: StaffRequest, client_id: uuid.UUID, register_entry_id: uuid.UUID
) -> HttpResponse:
    access, found = access_entry(request.user, client_id, register_entry_id)
    if not access.may_write:
        raise Http404(NOT_FOUND)
    form = FollowUpForm(request.POST)
    if form.is_valid():
        try:
            actions.add_follow_up(
                entry=found,
                by=request.user,
                text=form.cleaned_data["text"],
                next_review_on=form.cleaned_data["next_review_on"],
            )
        except (ValidationError, PermissionDenied) as error:
            show_refusal(
                form,
                ValidationError(str(error)) if isinstance(error, PermissionDenied) else error,
            )
        else:
            messages.success(request, "Follow-up added.")
            return redirect(
                reverse("confidentiality:entry", args=[access.client.pk, found.pk]) + "#follow-ups"
            )
    return _entry_page(request, access, found, form)


def _corrected_by(entry: RegisterEntry) -> RegisterEntry | None:
    try:
        return entry.corrected_by
    except RegisterEntry.DoesNotExist:
        return None


@require_http_methods(["GET", "POST"])
def entry_correct(
    request: StaffRequest, client_id: uuid.UUID, register_entry_id: uuid.UUID
) -> HttpResponse:
    access, old = access_entry(request.user, client_id, register_entry_id)
    if not access.may_write:
        raise Http404(NOT_FOUND)
    client = access.client
    newer = _corrected_by(old)
    if newer is not None:
        messages.info(request, "That entry has already been corrected: this is the correction.")
        return redirect(reverse("confidentiality:entry", args=[client.pk, newer.pk]))
    if request.method == "POST":
        form = EntryForm(request.POST)
        if form.is_valid():
            try:
                corrected = actions.record_entry(
                    client=client, by=request.user, data=form.entry_data(), corrects=old
                )
            except (ValidationError, PermissionDenied) as error:
                show_refusal(
                    form,
                    ValidationError(str(error)) if isinstance(error, PermissionDenied) else error,
                )
            else:
                messages.success(
                    request, "The correction is recorded. The earlier entry is kept, linked to it."
                )
                return redirect(reverse("confidentiality:entry", args=[client.pk, corrected.pk]))
    else:
        actions.record_viewed(client=client, by=request.user, page="correct", entry=old)
        form = EntryForm(initial=EntryForm.initial_from(EntryData.from_entry(old)))
    return render(
        request,
        "confidentiality/entry_form.html",
        {"client": client, "form": form, "statement": STATEMENT, "corrects": old},
        status=400 if form.errors else 200,
    )
