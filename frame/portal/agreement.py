"""The client's own contract in the portal: read and agree it section by section, download a
copy, and say what they would like if we meet by chance.

The client always comes from the signed-in user (`portal_client`), never from the URL. Reads go
through the contracts app's selectors and writes through its actions, with the client as actor.
"""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_http_methods

from frame.clients.models import Client
from frame.contracts import actions, placeholders, selectors
from frame.contracts.documents import agreement_pdf_response, contract_pdf_response
from frame.contracts.forms import ChanceEncounterForm, PortalAgreementForm
from frame.portal.access import NOT_FOUND, portal_client
from frame.portal.decorators import portal_page

CLIENT = "client"  # the audit trail's actor role for a client acting in their portal


def _current(client: Client) -> selectors.AgreementStatus:
    actions.ensure_templates(practice=client.practice)
    return selectors.agreement_status(client)


def _sections(status: selectors.AgreementStatus, form: PortalAgreementForm) -> list[dict[str, Any]]:
    assert status.current is not None  # noqa: S101 (checked by the caller)
    changed = {change.key for change in status.changes}
    return [
        {
            "key": clause.key,
            "title": clause.title,
            "blocks": placeholders.blocks(clause.text),
            "changed": clause.key in changed,
            "confirm": form.confirm_field(clause.key),
        }
        for clause in status.current.document.clauses
    ]


def _form(status: selectors.AgreementStatus, data: Any = None) -> PortalAgreementForm:
    assert status.current is not None  # noqa: S101
    doc = status.current.document
    return PortalAgreementForm(
        data,
        clause_keys=[(clause.key, clause.title) for clause in doc.clauses],
        initial={"version_id": status.current.version.pk, "sha256": doc.sha256},
    )


@portal_page
@require_http_methods(["GET", "POST"])
def agreement(request: HttpRequest) -> HttpResponse:
    client = portal_client(request)
    status = _current(client)
    if status.current is None:
        raise Http404(NOT_FOUND)
    agreed_as_is = (
        status.agreement is not None and status.agreement.sha256 == status.current.document.sha256
    )
    form = _form(status, request.POST if request.method == "POST" else None)
    outdated = False
    if request.method == "POST" and form.is_valid():
        try:
            actions.agree_in_portal(
                client=client,
                by=request.user,  # type: ignore[arg-type]
                version_id=str(form.cleaned_data["version_id"]),
                sha256=form.cleaned_data["sha256"],
                typed_name=form.cleaned_data["typed_name"],
                confirmed=form.confirmed(),
            )
        except actions.OutdatedContract:
            # Start again on the current text: every section must be confirmed afresh.
            outdated = True
            status = _current(client)
            form = _form(status)
        except ValidationError as error:
            form.add_error(None, error.messages)
        else:
            messages.success(request, "Thank you. Your agreement has been recorded.")
            return redirect("portal:agreement")
    elif request.method == "GET":
        actions.record_contract_viewed(
            client=client, by=request.user, page="portal_contract", actor_role=CLIENT
        )
    return render(
        request,
        "portal/agreement.html",
        {
            "client": client,
            "status": status,
            "agreed_as_is": agreed_as_is and not outdated,
            "sections": _sections(status, form),
            "form": form,
            "outdated": outdated,
            "outdated_message": actions.OutdatedContract.message,
        },
    )


@portal_page
def agreement_pdf(request: HttpRequest) -> HttpResponse:
    """The copy they agreed, exactly as agreed; before any agreement, the contract as it is."""
    client = portal_client(request)
    latest = selectors.latest_agreement(client)
    if latest is not None:
        response = agreement_pdf_response(latest)
        what = "agreement_pdf"
    else:
        status = _current(client)
        if status.current is None:
            raise Http404(NOT_FOUND)
        response = contract_pdf_response(client=client, current=status.current)
        what = "contract_pdf"
    actions.record_contract_downloaded(
        client=client, by=request.user, what=what, agreement=latest, actor_role=CLIENT
    )
    return response


@portal_page
@require_http_methods(["GET", "POST"])
def chance_encounter(request: HttpRequest) -> HttpResponse:
    client = portal_client(request)
    current = selectors.chance_encounter_for(client)
    initial = {"choice": current.choice.value, "note": current.note} if current else {}
    form = ChanceEncounterForm(
        request.POST if request.method == "POST" else None, initial=initial, for_client=True
    )
    if request.method == "POST" and form.is_valid():
        try:
            actions.set_chance_encounter_by_client(
                client=client,
                by=request.user,  # type: ignore[arg-type]
                choice=form.cleaned_data["choice"],
                note=form.cleaned_data["note"],
            )
        except ValidationError as error:
            form.add_error(None, error.messages)
        else:
            messages.success(request, "Thank you. Your preference has been saved.")
            return redirect("portal:chance_encounter")
    elif request.method == "GET":
        actions.record_contract_viewed(
            client=client, by=request.user, page="portal_chance_encounter", actor_role=CLIENT
        )
    return render(
        request,
        "portal/chance_encounter.html",
        {"client": client, "form": form, "current": current},
    )


# --- Panels on the portal home (registered by the contracts app) ---------------------------------


def agreement_panel(request: HttpRequest, client: Client) -> dict[str, Any] | None:
    status = _current(client)
    if status.current is None:
        return None
    agreed_as_is = (
        status.agreement is not None and status.agreement.sha256 == status.current.document.sha256
    )
    return {"status": status, "agreed_as_is": agreed_as_is}


def chance_encounter_panel(request: HttpRequest, client: Client) -> dict[str, Any] | None:
    return {"preference": selectors.chance_encounter_for(client)}
