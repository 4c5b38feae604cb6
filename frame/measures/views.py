"""Pages for questionnaires entered in session and for risk-item alerts.

Records come only through access.py and change only through actions.py. Everything here is
clinical: for anyone off the client's care team every page is the same 404.
"""

from __future__ import annotations

import uuid

from django.conf import settings
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_GET, require_http_methods

from frame.accounts.models import User
from frame.clients.access import NOT_FOUND_MESSAGE
from frame.lib.forms import show_refusal
from frame.measures import actions, definitions, selectors
from frame.measures.access import access_administration, access_alert, access_client_for_measures
from frame.measures.forms import AcknowledgeForm, AdministrationForm


class StaffRequest(HttpRequest):
    user: User


def _practice_id(request: StaffRequest) -> int:
    membership = request.user.active_membership
    if membership is None:  # access checks have already refused; this keeps mypy and readers sure
        raise Http404(NOT_FOUND_MESSAGE)
    return membership.practice_id


@require_GET
def client_measures(request: StaffRequest, client_id: uuid.UUID) -> HttpResponse:
    client = access_client_for_measures(request.user, client_id)
    actions.record_viewed(client=client, by=request.user, page="list")
    page = Paginator(selectors.administrations_for(client), settings.FRAME_PAGE_SIZE).get_page(
        request.GET.get("page")
    )
    imported = selectors.imported_ids(_practice_id(request))
    instruments = [
        (i, i.wording == "shipped" or i.id in imported) for i in selectors.entry_instruments()
    ]
    return render(
        request,
        "measures/client.html",
        {
            "client": client,
            "page": page,
            "alerts": list(selectors.open_alerts_for_client(client)[:50]),
            "instruments": instruments,
            "charted": selectors.instruments_with_results(client),
        },
    )


@require_http_methods(["GET", "POST"])
def administration_new(
    request: StaffRequest, client_id: uuid.UUID, instrument: str
) -> HttpResponse:
    client = access_client_for_measures(request.user, client_id)
    try:
        definition = definitions.get(instrument)
    except definitions.UnknownInstrument:
        raise Http404(NOT_FOUND_MESSAGE) from None
    if definition.is_goal_based:
        raise Http404(NOT_FOUND_MESSAGE)
    wording = selectors.wording_for(_practice_id(request), definition)
    if wording is None:
        return render(
            request,
            "measures/needs_wording.html",
            {"client": client, "instrument": definition},
        )
    form = AdministrationForm(request.POST if request.method == "POST" else None, wording=wording)
    if request.method == "POST" and form.is_valid():
        try:
            administration = actions.record_administration(
                client=client,
                instrument=definition,
                answers=form.answers(),
                completed_on=form.cleaned_data["completed_on"],
                by=request.user,
            )
        except ValidationError as error:
            show_refusal(form, error)
        else:
            if administration.risk_items:
                messages.warning(
                    request,
                    "Saved. A risk item was answered: it is shown on the client's card until "
                    "you acknowledge it with a note.",
                )
            elif not administration.valid:
                messages.warning(
                    request, "Saved, without a total: too many items were left unanswered."
                )
            else:
                messages.success(
                    request,
                    f"Saved. {definition.short_title} total: {administration.total_display}.",
                )
            return redirect(reverse("measures:administration", args=[client.pk, administration.pk]))
    return render(
        request,
        "measures/administration_form.html",
        {"client": client, "instrument": definition, "wording": wording, "form": form},
    )


@require_GET
def administration_detail(
    request: StaffRequest, client_id: uuid.UUID, administration_id: uuid.UUID
) -> HttpResponse:
    administration = access_administration(request.user, client_id, administration_id)
    client = administration.client
    actions.record_viewed(client=client, by=request.user, page="administration")
    definition = administration.definition
    wording = selectors.wording_for(_practice_id(request), definition)
    rows = []
    for item, answer in zip(definition.items, administration.answers, strict=False):
        chosen = ""
        if answer is not None and item.response_set.kind == "options" and wording is not None:
            labels = wording.option_labels.get(item.response_set.key, ())
            chosen = labels[answer] if 0 <= answer < len(labels) else ""
        rows.append(
            {
                "item": item,
                "text": wording.items.get(item.number, "") if wording else "",
                "answer": answer,
                "chosen": chosen,
                "risk": item.number in administration.risk_items,
            }
        )
    return render(
        request,
        "measures/administration.html",
        {
            "client": client,
            "administration": administration,
            "instrument": definition,
            "rows": rows,
            "alerts": list(administration.risk_alerts.select_related("acknowledged_by")),
            "version_changed": administration.instrument_version != definition.version,
        },
    )


@require_http_methods(["GET", "POST"])
def alert_acknowledge(
    request: StaffRequest, client_id: uuid.UUID, alert_id: uuid.UUID
) -> HttpResponse:
    alert = access_alert(request.user, client_id, alert_id)
    client = alert.client
    form = AcknowledgeForm(request.POST if request.method == "POST" else None)
    if alert.is_open and request.method == "POST" and form.is_valid():
        try:
            actions.acknowledge_alert(alert=alert, note=form.cleaned_data["note"], by=request.user)
        except ValidationError as error:
            show_refusal(form, error)
        else:
            messages.success(request, "Acknowledged. Your note is kept with the questionnaire.")
            return redirect(reverse("clients:card", args=[client.pk]))
    if request.method == "GET":
        actions.record_viewed(client=client, by=request.user, page="alert")
    return render(
        request,
        "measures/acknowledge.html",
        {
            "client": client,
            "alert": alert,
            "instrument": alert.administration.definition,
            "form": form,
        },
    )
