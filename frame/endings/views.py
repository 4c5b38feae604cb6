"""Pages for planning an ending, recording one, its review, its letter and retention periods.

Records come only through access.py and change only through actions.py. For anyone off the
client's care team every client page is the same 404.
"""

from __future__ import annotations

import uuid
from typing import Any

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import content_disposition_header
from django.views.decorators.http import require_http_methods

from frame.accounts.decorators import owner_required
from frame.accounts.models import User
from frame.clients import lifecycle
from frame.contracts.selectors import terms_for
from frame.endings import actions, retention, selectors
from frame.endings.access import access_endings_client, access_latest_ending
from frame.endings.forms import EndingForm, LetterForm, PlanForm, RetentionForm, ReviewForm
from frame.endings.models import Ending
from frame.lib.forms import show_refusal
from frame.lib.pdf import render_pdf
from frame.notes.selectors import goals_for


class StaffRequest(HttpRequest):
    user: User


def _card(client: Any) -> str:
    return reverse("clients:card", args=[client.pk]) + "#ending"


@require_http_methods(["GET", "POST"])
def plan(request: StaffRequest, client_id: uuid.UUID) -> HttpResponse:
    client = access_endings_client(request.user, client_id)
    newest = selectors.latest_plan_row(client)
    current = selectors.current_plan(client)
    work_over = client.status in actions.WORK_OVER
    initial: dict[str, Any] = {"based_on": str(newest.pk) if newest else ""}
    if current is not None:
        initial.update(end_on=current.end_on, sessions=current.sessions)
    else:
        initial["sessions"] = terms_for(client).planned_sessions  # from a time-limited contract
    form = PlanForm(request.POST if request.method == "POST" else None, initial=initial)
    if request.method == "POST" and not work_over and form.is_valid():
        try:
            actions.set_planned_ending(
                client=client,
                by=request.user,
                end_on=form.cleaned_data["end_on"],
                sessions=form.cleaned_data["sessions"],
                based_on=form.based_on_id(),
                withdraw="withdraw" in request.POST,
            )
        except ValidationError as error:
            show_refusal(form, error)
            if isinstance(error, actions.PlanChangedMeanwhile):
                # Keep what was typed, but base the next save on the change now shown.
                data = request.POST.copy()
                data["based_on"] = str(newest.pk) if newest else ""
                form.data = data
        else:
            done = "withdrawn" if "withdraw" in request.POST else "saved"
            messages.success(request, f"Planned ending {done}.")
            return redirect(_card(client))
    if request.method == "GET":
        actions.record_viewed(client=client, by=request.user, page="plan")
    return render(
        request,
        "endings/plan.html",
        {
            "client": client,
            "form": form,
            "current": current,
            "history": selectors.plan_history(client),
            "countdown": selectors.countdown(client),
            "held": selectors.attendance(client).held,
            "work_over": work_over,
        },
        status=400 if form.errors else (409 if work_over and request.method == "POST" else 200),
    )


def _goals(client: Any) -> list[Any]:
    return goals_for(client, include_closed=False)


@require_http_methods(["GET", "POST"])
def record(request: StaffRequest, client_id: uuid.UUID) -> HttpResponse:
    """Record an ending: fill in, confirm (the status changes), then it is done."""
    client = access_endings_client(request.user, client_id)
    goals = _goals(client)
    unrecorded = selectors.unrecorded_end(client)
    if client.status in actions.WORK_OVER and unrecorded is None:
        if request.method == "GET":
            actions.record_viewed(client=client, by=request.user, page="record")
        return render(
            request,
            "endings/already_ended.html",
            {"client": client, "ending": selectors.latest_ending(client)},
            status=200 if request.method == "GET" else 409,
        )
    last_held = selectors.attendance(client).last_held_on
    form = EndingForm(
        request.POST if request.method == "POST" else None,
        goals=goals,
        initial={
            "last_attended_on": last_held,
            "ended_on": unrecorded.effective_date if unrecorded else None,
        },
    )
    confirming = False
    if request.method == "POST" and form.is_valid():
        if request.POST.get("confirm") == "yes":
            try:
                actions.record_ending(
                    client=client,
                    by=request.user,
                    kind=form.cleaned_data["kind"],
                    ended_on=form.cleaned_data["ended_on"],
                    last_attended_on=form.cleaned_data["last_attended_on"],
                    what_was_tried=form.cleaned_data["what_was_tried"],
                    what_changed=form.cleaned_data["what_changed"],
                    ratings=form.ratings(),
                )
            except ValidationError as error:
                show_refusal(form, error)
            except PermissionDenied:
                raise Http404 from None
            else:
                messages.success(
                    request,
                    "Ending recorded: the client's status is now ended and the retention dates "
                    "are set. Their ending letter is ready to edit.",
                )
                return redirect(reverse("endings:letter", args=[client.pk]))
        elif "back" not in request.POST:
            confirming = True
    if request.method == "GET":
        actions.record_viewed(client=client, by=request.user, page="record")
    return render(
        request,
        "endings/record_confirm.html" if confirming else "endings/record.html",
        {
            "client": client,
            "form": form,
            "goals": goals,
            "last_held": last_held,
            "countdown": selectors.countdown(client),
            "unrecorded": unrecorded,
            "retention_preview": _retention_preview(client, form) if confirming else [],
        },
        status=400 if form.errors else 200,
    )


def _retention_preview(client: Any, form: EndingForm) -> list[retention.Period]:
    return retention.periods_for(
        ended_on=form.cleaned_data["ended_on"],
        clinical_years=terms_for(client).retention_years,
        process_months=selectors.process_months_for(client.practice_id),
        date_of_birth=client.date_of_birth,
    )


def _no_ending(request: HttpRequest, client: Any) -> HttpResponse:
    messages.info(request, "The work with this client has not ended yet: record the ending first.")
    return redirect(reverse("endings:record", args=[client.pk]))


@require_http_methods(["GET", "POST"])
def review(request: StaffRequest, client_id: uuid.UUID) -> HttpResponse:
    client, ending = access_latest_ending(request.user, client_id)
    if ending is None:
        return _no_ending(request, client)
    goals = _goals(client)
    form = ReviewForm(
        request.POST if request.method == "POST" else None,
        goals=goals,
        initial={"what_changed": ending.what_changed},
    )
    if request.method == "POST" and form.is_valid():
        try:
            actions.save_review(
                ending=ending,
                by=request.user,
                what_changed=form.cleaned_data["what_changed"],
                ratings=form.ratings(),
            )
        except ValidationError as error:
            show_refusal(form, error)
        else:
            messages.success(request, "Ending review saved.")
            return redirect(reverse("endings:review", args=[client.pk]))
    if request.method == "GET":
        actions.record_viewed(client=client, by=request.user, page="review", target=ending)
    return render(
        request,
        "endings/review.html",
        {
            "client": client,
            "ending": ending,
            "form": form,
            "goals": goals,
            "retention": selectors.retention_for(ending),
        },
        status=400 if form.errors else 200,
    )


@require_http_methods(["GET", "POST"])
def letter(request: StaffRequest, client_id: uuid.UUID) -> HttpResponse:
    client, ending = access_latest_ending(request.user, client_id)
    if ending is None:
        return _no_ending(request, client)
    form = LetterForm(
        request.POST if request.method == "POST" else None, initial={"text": ending.letter}
    )
    if request.method == "POST" and form.is_valid():
        try:
            actions.save_letter(ending=ending, by=request.user, text=form.cleaned_data["text"])
        except ValidationError as error:
            show_refusal(form, error)
        else:
            messages.success(request, "Letter saved.")
            return redirect(reverse("endings:letter", args=[client.pk]))
    if request.method == "GET":
        actions.record_viewed(client=client, by=request.user, page="letter", target=ending)
    return render(
        request,
        "endings/letter.html",
        {"client": client, "ending": ending, "form": form},
        status=400 if form.errors else 200,
    )


def letter_pdf_bytes(ending: Ending) -> bytes:
    paragraphs = [p.strip() for p in ending.letter.split("\n\n") if p.strip()]
    return render_pdf(
        "endings/pdf/letter.html",
        {"paragraphs": paragraphs, "ending": ending, "practice": ending.client.practice},
    )


@require_http_methods(["GET"])
def letter_pdf(request: StaffRequest, client_id: uuid.UUID) -> HttpResponse:
    client, ending = access_latest_ending(request.user, client_id)
    if ending is None:
        return _no_ending(request, client)
    response = HttpResponse(letter_pdf_bytes(ending), content_type="application/pdf")
    # A generated name, never the client's: file names show in download lists.
    filename = f"ending-letter-{client.case_code}-{ending.ended_on:%Y-%m-%d}.pdf"
    response["Content-Disposition"] = (
        content_disposition_header(as_attachment=True, filename=filename) or "attachment"
    )
    response["X-Content-Type-Options"] = "nosniff"
    actions.record_letter_downloaded(ending=ending, by=request.user)
    return response


@owner_required
@require_http_methods(["GET", "POST"])
def retention_policy(request: StaffRequest) -> HttpResponse:
    membership = request.user.active_membership
    if membership is None:
        raise Http404
    current = selectors.process_months_for(membership.practice_id)
    form = RetentionForm(
        request.POST if request.method == "POST" else None, initial={"process_months": current}
    )
    if request.method == "POST" and form.is_valid():
        try:
            actions.set_retention_policy(
                practice=membership.practice,
                by=request.user,
                process_months=form.cleaned_data["process_months"],
            )
        except ValidationError as error:
            show_refusal(form, error)
        else:
            messages.success(request, "Retention period saved. It applies to endings from now on.")
            return redirect(reverse("endings:retention"))
    return render(
        request,
        "endings/retention.html",
        {
            "form": form,
            "default_months": retention.DEFAULT_PROCESS_MONTHS,
            "ended": lifecycle.ENDED,
        },
        status=400 if form.errors else 200,
    )
