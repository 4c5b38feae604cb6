"""The client's safety plan in their portal: read it, print it, save its phone numbers, and
suggest changes for their practitioner to review.

The client always comes from the signed-in account (`portal_client`), never from the URL. What
the client sees is the current, practitioner-reviewed version; a suggestion never changes it.
"""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_http_methods

from frame.clients.models import Client
from frame.portal.access import portal_client
from frame.portal.crisis import crisis_panel
from frame.portal.decorators import portal_page
from frame.safetyplans import actions, documents, selectors
from frame.safetyplans.access import current_plan_of
from frame.safetyplans.forms import SuggestionForm
from frame.safetyplans.models import SafetyPlan

RECENT_SUGGESTIONS = 10


def _context(plan: SafetyPlan, client: Client) -> dict[str, object]:
    version = plan.current_version
    return {
        "plan": plan,
        "crisis": crisis_panel(client.practice_id, client.pk),
        "version": version,
        "sections": version.section_list if version else [],
        "contacts": version.contact_list if version else [],
        "suggestions": list(selectors.suggestions_for(plan)[:RECENT_SUGGESTIONS]),
    }


@portal_page
@require_http_methods(["GET"])
def safety_plan(request: HttpRequest) -> HttpResponse:
    client = portal_client(request)
    plan = current_plan_of(client)
    if plan is None:
        return render(request, "safetyplans/portal/no_plan.html")
    actions.record_viewed(
        client=client, by=request.user, page="portal", target=plan.current_version
    )
    return render(request, "safetyplans/portal/plan.html", _context(plan, client))


@portal_page
@require_http_methods(["GET", "POST"])
def suggest(request: HttpRequest) -> HttpResponse:
    client = portal_client(request)
    plan = current_plan_of(client)
    if plan is None:
        return redirect("portal:safety_plan")
    form = SuggestionForm(
        request.POST if request.method == "POST" else None,
        initial={"section": request.GET.get("section", "")},
    )
    if request.method == "POST" and form.is_valid():
        try:
            actions.suggest_change(
                client=client,
                section=form.cleaned_data["section"],
                text=form.cleaned_data["text"],
                by=request.user,
            )
        except (ValidationError, PermissionDenied) as error:
            form.add_error(None, " ".join(getattr(error, "messages", None) or [str(error)]))
        else:
            messages.success(
                request,
                "Thank you. Your suggestion is waiting for your practitioner; your plan stays "
                "as it is until you have talked it through.",
            )
            return redirect("portal:safety_plan")
    return render(
        request,
        "safetyplans/portal/suggest.html",
        {
            "form": form,
            "plan": plan,
            "version": plan.current_version,
            "crisis": crisis_panel(client.practice_id, client.pk),
        },
        status=400 if form.errors else 200,
    )


@portal_page
@require_http_methods(["GET"])
def safety_plan_pdf(request: HttpRequest) -> HttpResponse:
    client = portal_client(request)
    plan = current_plan_of(client)
    version = plan.current_version if plan else None
    if version is None:
        return redirect("portal:safety_plan")
    actions.record_downloaded(
        client=client, by=request.user, kind="pdf", version=version, by_client=True
    )
    return documents.pdf_response(version, client)


@portal_page
@require_http_methods(["GET"])
def safety_plan_vcard(request: HttpRequest) -> HttpResponse:
    client = portal_client(request)
    plan = current_plan_of(client)
    version = plan.current_version if plan else None
    if version is None:
        return redirect("portal:safety_plan")
    actions.record_downloaded(
        client=client, by=request.user, kind="vcard", version=version, by_client=True
    )
    return documents.vcard_response(version, client)
