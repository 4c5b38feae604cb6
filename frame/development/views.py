"""Pages for the reflective journal and the CPD record.

Everything here is one practitioner's own. Records come only through access.py and change only
through actions.py; for anyone else (colleague, owner, administrator) every page is a 404.
"""

from __future__ import annotations

import uuid
from typing import Any

from django import forms
from django.conf import settings
from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_http_methods

from frame.accounts.models import User
from frame.clients.models import Client
from frame.development import actions, export, selectors, years
from frame.development.access import (
    access_cpd_activity,
    access_journal_client,
    access_journal_entry,
    require_practitioner,
    taggable_client,
)
from frame.development.forms import CpdForm, JournalForm, YearStartForm
from frame.development.models import JournalEntry

PRIVACY = (
    "Your journal is yours alone: nobody else in the practice can read it — not colleagues, not "
    "the practice owner, not administrators — and it is stored encrypted."
)
DISCLOSURE = (
    "An entry you tag with a client's case code is personal data about that client too. Like "
    "process notes, it is kept apart from the clinical record, but in the UK it is usually "
    "disclosable to the client if they ask for their records (a subject access request). Tagged "
    "entries are listed for review on that client's subject-access page, so none is overlooked: "
    "write them knowing the client may one day read them."
)


class StaffRequest(HttpRequest):
    user: User


def _show_errors(form: forms.Form, error: ValidationError | PermissionDenied) -> None:
    if isinstance(error, ValidationError) and hasattr(error, "error_dict"):
        for name, problems in error.message_dict.items():
            form.add_error(name if name in form.fields else None, problems)
    else:
        form.add_error(None, getattr(error, "messages", None) or str(error))


def _page(request: HttpRequest, items: Any) -> Any:
    return Paginator(items, settings.FRAME_PAGE_SIZE).get_page(request.GET.get("page"))


# --- The reflective journal ----------------------------------------------------------------------


def _save_journal(
    request: StaffRequest, form: JournalForm, entry: JournalEntry | None
) -> JournalEntry | None:
    client: Client | None = None
    code = form.cleaned_data["case_code"].strip().upper()
    if entry is not None and entry.client is not None and code == entry.client.case_code:
        # An existing tag stays, even after leaving the care team: it still marks the entry
        # for review if that client asks for their records.
        client = entry.client
    elif code:
        client = taggable_client(request.user, code)
        if client is None:
            form.add_error(
                "case_code",
                "No client with that case code is on your caseload. Check the code, or leave "
                "it empty.",
            )
            return None
    try:
        return actions.save_journal_entry(
            by=request.user,
            text=form.cleaned_data["text"],
            written_on=form.cleaned_data["written_on"],
            client=client,
            entry=entry,
        )
    except (ValidationError, PermissionDenied) as error:
        _show_errors(form, error)
        return None


@require_http_methods(["GET", "POST"])
def journal(request: StaffRequest) -> HttpResponse:
    require_practitioner(request.user)
    form = JournalForm(request.POST if request.method == "POST" else None)
    if (
        request.method == "POST"
        and form.is_valid()
        and _save_journal(request, form, None) is not None
    ):
        messages.success(request, "Journal entry saved.")
        return redirect(reverse("development:journal"))
    if request.method == "GET":
        actions.record_journal_viewed(by=request.user)
    return render(
        request,
        "development/journal.html",
        {
            "page": _page(request, selectors.journal_listed(request.user)),
            "form": form,
            "privacy": PRIVACY,
            "disclosure": DISCLOSURE,
        },
        status=400 if form.errors else 200,
    )


@require_http_methods(["GET", "POST"])
def journal_entry(request: StaffRequest, journal_entry_id: uuid.UUID) -> HttpResponse:
    entry = access_journal_entry(request.user, journal_entry_id)
    initial = {
        "written_on": entry.written_on,
        "text": entry.text,
        "case_code": entry.client.case_code if entry.client else "",
    }
    form = JournalForm(request.POST if request.method == "POST" else None, initial=initial)
    if (
        request.method == "POST"
        and form.is_valid()
        and _save_journal(request, form, entry) is not None
    ):
        messages.success(request, "Journal entry saved.")
        return redirect(reverse("development:journal_entry", args=[entry.pk]))
    if request.method == "GET":
        actions.record_journal_viewed(by=request.user, entry=entry)
    return render(
        request,
        "development/journal_entry.html",
        {"entry": entry, "form": form, "privacy": PRIVACY, "disclosure": DISCLOSURE},
        status=400 if form.errors else 200,
    )


@require_http_methods(["GET"])
def journal_review(request: StaffRequest, client_id: uuid.UUID) -> HttpResponse:
    """The entries to review if this client makes a subject access request."""
    client = access_journal_client(request.user, client_id)
    actions.record_review_list_viewed(by=request.user, client=client)
    return render(
        request,
        "development/journal_review.html",
        {
            "client": client,
            "page": _page(request, selectors.tagged_with(request.user, client)),
            "disclosure": DISCLOSURE,
        },
    )


# --- The CPD record -------------------------------------------------------------------------------


def _year_key(request: HttpRequest) -> int | None:
    value = request.GET.get("year", "")
    if not value:
        return None
    try:
        key = int(value)
    except ValueError:
        raise Http404("Nothing here.") from None
    if not 1900 <= key <= 9998:
        raise Http404("Nothing here.")
    return key


@require_http_methods(["GET"])
def cpd(request: StaffRequest) -> HttpResponse:
    require_practitioner(request.user)
    start = actions.year_start_for(request.user)
    overview = selectors.cpd_overview(request.user, start, _year_key(request))
    return render(
        request,
        "development/cpd.html",
        {
            "overview": overview,
            "page": _page(request, selectors.activities_in(request.user, overview.year)),
            "page_query": f"year={overview.year.key}&",
        },
    )


def _cpd_form_page(request: StaffRequest, form: CpdForm, activity: Any = None) -> HttpResponse:
    return render(
        request,
        "development/cpd_form.html",
        {"form": form, "activity": activity},
        status=400 if form.errors else 200,
    )


def _after_cpd_save(request: StaffRequest, saved: Any, text: str) -> HttpResponse:
    messages.success(request, text)
    start = actions.year_start_for(request.user)
    key = years.year_of(saved.done_on, start).key
    return redirect(f"{reverse('development:cpd')}?year={key}")


@require_http_methods(["GET", "POST"])
def cpd_new(request: StaffRequest) -> HttpResponse:
    require_practitioner(request.user)
    form = CpdForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        try:
            saved = actions.save_cpd_activity(by=request.user, values=form.values())
        except (ValidationError, PermissionDenied) as error:
            _show_errors(form, error)
        else:
            return _after_cpd_save(request, saved, "CPD activity recorded.")
    return _cpd_form_page(request, form)


@require_http_methods(["GET", "POST"])
def cpd_activity(request: StaffRequest, cpd_activity_id: uuid.UUID) -> HttpResponse:
    found = access_cpd_activity(request.user, cpd_activity_id)
    initial = {name: getattr(found, name) for name in actions.CPD_FIELDS}
    form = CpdForm(request.POST if request.method == "POST" else None, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            saved = actions.save_cpd_activity(by=request.user, values=form.values(), activity=found)
        except (ValidationError, PermissionDenied) as error:
            _show_errors(form, error)
        else:
            return _after_cpd_save(request, saved, "Changes saved.")
    return _cpd_form_page(request, form, found)


@require_http_methods(["GET", "POST"])
def cpd_year(request: StaffRequest) -> HttpResponse:
    require_practitioner(request.user)
    start = actions.year_start_for(request.user)
    form = YearStartForm(
        request.POST if request.method == "POST" else None,
        initial={"start_month": start.month, "start_day": start.day},
    )
    if request.method == "POST" and form.is_valid():
        try:
            actions.set_year_start(
                by=request.user,
                month=form.cleaned_data["start_month"],
                day=form.cleaned_data["start_day"],
            )
        except ValidationError as error:
            _show_errors(form, error)
        else:
            messages.success(request, "Your CPD year start is saved. Totals now follow it.")
            return redirect(reverse("development:cpd"))
    return render(
        request, "development/cpd_year.html", {"form": form}, status=400 if form.errors else 200
    )


def _export_data(request: StaffRequest) -> tuple[Any, list[Any]]:
    require_practitioner(request.user)
    start = actions.year_start_for(request.user)
    overview = selectors.cpd_overview(request.user, start, _year_key(request))
    return overview, list(selectors.activities_in(request.user, overview.year))


@require_http_methods(["GET"])
def cpd_csv(request: StaffRequest) -> HttpResponse:
    overview, activities = _export_data(request)
    actions.record_exported(by=request.user, year=overview.year.key, how="csv")
    return export.attachment(
        export.csv_bytes(activities, overview.total),
        "text/csv; charset=utf-8",
        f"cpd-{overview.year.key}.csv",
    )


@require_http_methods(["GET"])
def cpd_pdf(request: StaffRequest) -> HttpResponse:
    overview, activities = _export_data(request)
    actions.record_exported(by=request.user, year=overview.year.key, how="pdf")
    return export.attachment(
        export.pdf_bytes(activities=activities, total=overview.total, practitioner=request.user),
        "application/pdf",
        f"cpd-{overview.year.key}.pdf",
    )
