"""Staff pages for a client's safety plan: the plan, writing a new version, the history and
what changed between versions, downloads, and reviewing what the client suggested.

Records come only through access.py and change only through actions.py. A plan is clinical:
for anyone off the client's care team every page is the same 404.
"""

from __future__ import annotations

import uuid

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_http_methods, require_POST

from frame.accounts.decorators import owner_required
from frame.accounts.models import User
from frame.portal.crisis import crisis_panel
from frame.safetyplans import actions, documents, selectors
from frame.safetyplans.access import (
    access_plan_client,
    access_suggestion,
    access_version,
)
from frame.safetyplans.compare import compare_versions
from frame.safetyplans.forms import DecisionForm, NationForm, PlanForm, StatementForm

HISTORY_PAGE = 20
SUGGESTIONS_PAGE = 20


class StaffRequest(HttpRequest):
    user: User


def _error_text(error: ValidationError | PermissionDenied) -> str:
    return " ".join(getattr(error, "messages", None) or [str(error)])


@require_http_methods(["GET"])
def plan(request: StaffRequest, client_id: uuid.UUID) -> HttpResponse:
    client = access_plan_client(request.user, client_id)
    found = selectors.plan_for(client)
    version = found.current_version if found else None
    pending = selectors.pending_count(found) if found else 0
    panel = crisis_panel(client.practice_id, client.pk)
    actions.record_viewed(client=client, by=request.user, page="plan", target=version)
    return render(
        request,
        "safetyplans/plan.html",
        {
            "client": client,
            "plan": found,
            "version": version,
            "pending": pending,
            "crisis": panel,
            "nation_form": NationForm(initial={"nation": selectors.nation_for(client.pk)}),
        },
    )


@require_http_methods(["GET", "POST"])
def edit(request: StaffRequest, client_id: uuid.UUID) -> HttpResponse:
    client = access_plan_client(request.user, client_id)
    found = selectors.plan_for(client)
    current = found.current_version if found else None
    if request.method == "POST":
        form = PlanForm(request.POST)
        if form.is_valid():
            try:
                version = actions.save_plan(
                    client=client,
                    sections=form.sections(),
                    contacts=form.contacts(),
                    made_with_client_on=form.cleaned_data["made_with_client_on"],
                    by=request.user,
                    expected_number=form.cleaned_data["based_on"],
                )
            except (ValidationError, PermissionDenied) as error:
                form.add_error(None, _error_text(error))
            else:
                messages.success(request, f"Saved as version {version.number} of the plan.")
                return redirect("safetyplans:plan", client_id=client.pk)
    else:
        form = PlanForm(
            initial=PlanForm.initial_for(current), contact_rows=PlanForm.rows_for(current)
        )
    return render(
        request,
        "safetyplans/edit.html",
        {"client": client, "form": form, "current": current},
        status=400 if form.errors else 200,
    )


@require_http_methods(["GET"])
def history(request: StaffRequest, client_id: uuid.UUID) -> HttpResponse:
    client = access_plan_client(request.user, client_id)
    found = selectors.plan_for(client)
    page = None
    if found is not None:
        page = Paginator(selectors.versions_of(found), HISTORY_PAGE).get_page(
            request.GET.get("page")
        )
    actions.record_viewed(client=client, by=request.user, page="history", target=found)
    return render(
        request, "safetyplans/history.html", {"client": client, "plan": found, "page": page}
    )


@require_http_methods(["GET"])
def version(
    request: StaffRequest, client_id: uuid.UUID, plan_version_id: uuid.UUID
) -> HttpResponse:
    shown = access_version(request.user, client_id, plan_version_id)
    client = shown.plan.client
    comparison = compare_versions(shown)
    actions.record_viewed(client=client, by=request.user, page="compare", target=shown)
    return render(
        request,
        "safetyplans/version.html",
        {"client": client, "version": shown, "comparison": comparison},
    )


@require_http_methods(["GET"])
def version_pdf(
    request: StaffRequest, client_id: uuid.UUID, plan_version_id: uuid.UUID
) -> HttpResponse:
    shown = access_version(request.user, client_id, plan_version_id)
    client = shown.plan.client
    actions.record_downloaded(
        client=client, by=request.user, kind="pdf", version=shown, by_client=False
    )
    return documents.pdf_response(shown, client)


@require_http_methods(["GET"])
def version_vcard(
    request: StaffRequest, client_id: uuid.UUID, plan_version_id: uuid.UUID
) -> HttpResponse:
    shown = access_version(request.user, client_id, plan_version_id)
    client = shown.plan.client
    actions.record_downloaded(
        client=client, by=request.user, kind="vcard", version=shown, by_client=False
    )
    return documents.vcard_response(shown, client)


@require_http_methods(["GET"])
def suggestions(request: StaffRequest, client_id: uuid.UUID) -> HttpResponse:
    client = access_plan_client(request.user, client_id)
    found = selectors.plan_for(client)
    page = None
    if found is not None:
        page = Paginator(selectors.suggestions_for(found), SUGGESTIONS_PAGE).get_page(
            request.GET.get("page")
        )
    actions.record_viewed(client=client, by=request.user, page="suggestions", target=found)
    return render(
        request, "safetyplans/suggestions.html", {"client": client, "plan": found, "page": page}
    )


@require_http_methods(["GET", "POST"])
def suggestion(
    request: StaffRequest, client_id: uuid.UUID, plan_suggestion_id: uuid.UUID
) -> HttpResponse:
    found = access_suggestion(request.user, client_id, plan_suggestion_id)
    client = found.plan.client
    current = found.plan.current_version
    current_text = current.sections.get(found.section, "") if current else ""
    form: DecisionForm | None = None
    if found.is_pending and request.method == "POST":
        form = DecisionForm(request.POST)
        if form.is_valid():
            accept = form.cleaned_data["decision"] == "accept"
            try:
                made = actions.decide_suggestion(
                    suggestion=found,
                    client=client,
                    accept=accept,
                    reply=form.cleaned_data["reply"],
                    new_text=form.cleaned_data["new_text"],
                    by=request.user,
                )
            except (ValidationError, PermissionDenied) as error:
                form.add_error(None, _error_text(error))
            else:
                if made is not None:
                    messages.success(request, f"Taken into the plan as version {made.number}.")
                else:
                    messages.success(request, "Answered. The plan stays as it was.")
                return redirect("safetyplans:suggestions", client_id=client.pk)
    elif found.is_pending:
        proposed = "\n\n".join(part for part in (current_text, found.text) if part)
        form = DecisionForm(initial={"new_text": proposed})
    elif request.method == "POST":  # a second answer from a stale tab: nothing changes
        messages.error(request, "This suggestion has already been answered; nothing was changed.")
    return render(
        request,
        "safetyplans/suggestion.html",
        {
            "client": client,
            "suggestion": found,
            "current": current,
            "current_text": current_text,
            "form": form,
        },
        status=400 if form is not None and form.errors else 200,
    )


@require_POST
def nation(request: StaffRequest, client_id: uuid.UUID) -> HttpResponse:
    client = access_plan_client(request.user, client_id)
    form = NationForm(request.POST)
    if form.is_valid():
        try:
            actions.set_crisis_nation(
                client=client, nation=form.cleaned_data["nation"], by=request.user
            )
        except (ValidationError, PermissionDenied) as error:
            messages.error(request, _error_text(error))
        else:
            messages.success(request, "Saved. The client's crisis lines follow this choice.")
    else:
        messages.error(request, "Choose one of the nations listed.")
    return redirect("safetyplans:plan", client_id=client.pk)


@owner_required
@require_http_methods(["GET", "POST"])
def messages_statement(request: StaffRequest) -> HttpResponse:
    membership = request.user.active_membership
    if membership is None:  # owner_required has refused already; this keeps mypy sure
        raise Http404("Nothing here.")
    if request.method == "POST":
        form = StatementForm(request.POST)
        if form.is_valid():
            try:
                actions.set_messages_statement(
                    practice_id=membership.practice_id,
                    text=form.cleaned_data["text"],
                    by=request.user,
                )
            except (ValidationError, PermissionDenied) as error:
                form.add_error(None, _error_text(error))
            else:
                messages.success(request, "Saved. Clients see it with the crisis contacts.")
                return redirect("safetyplans:messages_statement")
    else:
        form = StatementForm(initial={"text": selectors.messages_statement(membership.practice_id)})
    return render(
        request,
        "safetyplans/messages_statement.html",
        {"form": form},
        status=400 if form.errors else 200,
    )
