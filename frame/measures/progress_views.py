"""Staff pages for progress charts, questionnaires sent to the portal, and schedules.

As in views.py: records only through access.py, changes only through actions.py, and every page
is the same 404 for anyone off the client's care team.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.safestring import mark_safe
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from frame.clients.access import NOT_FOUND_MESSAGE
from frame.clients.models import Client
from frame.lib.forms import show_refusal
from frame.measures import actions, change, charts, definitions, selectors
from frame.measures.access import (
    access_chart_share,
    access_client_for_measures,
    access_request,
    access_schedule,
)
from frame.measures.definitions import Instrument
from frame.measures.forms import ScheduleForm, SendForm
from frame.measures.models import Administration, RequestStatus
from frame.measures.views import StaffRequest
from frame.portal.models import PortalAccount

RECENT_REQUESTS = 20


def _instrument(name: str) -> Instrument:
    try:
        instrument = definitions.get(name)
    except definitions.UnknownInstrument:
        raise Http404(NOT_FOUND_MESSAGE) from None
    if instrument.is_goal_based:
        raise Http404(NOT_FOUND_MESSAGE)
    return instrument


def _has_portal(client: Client) -> bool:
    return PortalAccount.objects.filter(client=client, status=PortalAccount.Status.ACTIVE).exists()


def _sendable(client: Client) -> list[Instrument]:
    """Instruments whose words the practice has: shipped ones, and licensed ones it imported."""
    imported = selectors.imported_ids(client.practice_id)
    return [i for i in selectors.entry_instruments() if i.wording == "shipped" or i.id in imported]


# --- Progress -------------------------------------------------------------------------------------


@dataclass(frozen=True)
class ChangeSummary:
    first: Administration
    latest: Administration
    result: change.Change

    @property
    def headline(self) -> str:
        reliable = self.result.reliable
        if reliable is None:
            return "No reliable-change threshold is known for this questionnaire."
        if reliable == change.Reliable.IMPROVEMENT:
            text = "Reliable improvement"
            if self.result.clinically_significant:
                text += ", and clinically significant (from the clinical range to outside it)"
            return text + "."
        if reliable == change.Reliable.DETERIORATION:
            return "Reliable deterioration."
        return "No reliable change: the difference is within what the questionnaire itself varies."


def summarise_change(instrument: Instrument, scores: list[Administration]) -> ChangeSummary | None:
    """First to latest valid score, classified with the instrument's own convention."""
    if len(scores) < 2:
        return None
    first, latest = scores[0], scores[-1]
    result = change.classify(first.total, latest.total, change.convention_for(instrument))
    return ChangeSummary(first=first, latest=latest, result=result)


def chart_points(scores: list[Administration]) -> list[charts.Point]:
    return [
        charts.Point(on=a.completed_on, total=a.total, band=a.band)
        for a in scores
        if a.total is not None
    ]


@require_GET
def progress(request: StaffRequest, client_id: uuid.UUID, instrument: str) -> HttpResponse:
    client = access_client_for_measures(request.user, client_id)
    definition = _instrument(instrument)
    actions.record_viewed(client=client, by=request.user, page="progress")
    administrations = list(selectors.progress_for(client, definition))
    scores = [a for a in administrations if a.valid and a.total is not None]
    svg = charts.render(definition, chart_points(scores), id_prefix="progress")
    return render(
        request,
        "measures/progress.html",
        {
            "client": client,
            "instrument": definition,
            "chart": mark_safe(svg),  # noqa: S308  (built and escaped by charts.render)
            "administrations": administrations,
            "summary": summarise_change(definition, scores),
            "convention": change.convention_for(definition),
            "share": selectors.current_share(client, definition),
            "has_portal": _has_portal(client),
            "others": selectors.instruments_with_results(client),
        },
    )


@require_POST
def share(request: StaffRequest, client_id: uuid.UUID, instrument: str) -> HttpResponse:
    client = access_client_for_measures(request.user, client_id)
    definition = _instrument(instrument)
    try:
        actions.share_chart(client=client, instrument=definition, by=request.user)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(
            request,
            f"Shared. {client.display_name} can see this {definition.short_title} chart in their "
            "portal, with an explanation in plain words.",
        )
    return redirect(reverse("measures:progress", args=[client.pk, definition.id]))


@require_POST
def withdraw_share(
    request: StaffRequest, client_id: uuid.UUID, chart_share_id: uuid.UUID
) -> HttpResponse:
    chart_share = access_chart_share(request.user, client_id, chart_share_id)
    try:
        actions.withdraw_chart(share=chart_share, by=request.user)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(request, "Withdrawn. The chart is no longer in the client's portal.")
    return redirect(
        reverse("measures:progress", args=[chart_share.client.pk, chart_share.instrument])
    )


# --- Sent to the portal ---------------------------------------------------------------------------


@require_http_methods(["GET", "POST"])
def send(request: StaffRequest, client_id: uuid.UUID) -> HttpResponse:
    client = access_client_for_measures(request.user, client_id)
    instruments = _sendable(client)
    form = SendForm(request.POST if request.method == "POST" else None, instruments=instruments)
    if request.method == "POST" and form.is_valid():
        try:
            sent = actions.send_to_portal(
                client=client,
                instrument=_instrument(form.cleaned_data["instrument"]),
                by=request.user,
            )
        except ValidationError as error:
            show_refusal(form, error)
        else:
            if sent.emailed:
                messages.success(
                    request,
                    "Sent. The client has an email with a link, and it is on their home page.",
                )
            else:
                messages.warning(
                    request,
                    "It is waiting on the client's portal home page. No email went out: their "
                    "record has no email address or asks not to be emailed, or the email could "
                    "not be sent.",
                )
            return redirect(reverse("measures:send", args=[client.pk]))
    if request.method == "GET":
        actions.record_viewed(client=client, by=request.user, page="requests")
    return render(
        request,
        "measures/send.html",
        {
            "client": client,
            "form": form,
            "has_portal": _has_portal(client),
            "requests": list(selectors.requests_for(client)[:RECENT_REQUESTS]),
            "open_status": RequestStatus.OPEN,
        },
    )


@require_http_methods(["GET", "POST"])
def withdraw_request(
    request: StaffRequest, client_id: uuid.UUID, request_id: uuid.UUID
) -> HttpResponse:
    questionnaire = access_request(request.user, client_id, request_id)
    client = questionnaire.client
    if request.method == "POST":
        try:
            actions.withdraw_request(request=questionnaire, by=request.user)
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
        else:
            messages.success(request, "Withdrawn. The link no longer works.")
        return redirect(reverse("measures:send", args=[client.pk]))
    return render(
        request,
        "measures/withdraw_request.html",
        {"client": client, "questionnaire": questionnaire},
    )


# --- Schedules ------------------------------------------------------------------------------------


@require_http_methods(["GET", "POST"])
def schedules(request: StaffRequest, client_id: uuid.UUID) -> HttpResponse:
    client = access_client_for_measures(request.user, client_id)
    form = ScheduleForm(
        request.POST if request.method == "POST" else None, instruments=_sendable(client)
    )
    if request.method == "POST" and form.is_valid():
        try:
            actions.add_schedule(
                client=client,
                instrument=_instrument(form.cleaned_data["instrument"]),
                rule=form.cleaned_data["rule"],
                every_n=form.cleaned_data.get("every_n"),
                by=request.user,
            )
        except ValidationError as error:
            show_refusal(form, error)
        else:
            messages.success(request, "Schedule added.")
            return redirect(reverse("measures:schedules", args=[client.pk]))
    if request.method == "GET":
        actions.record_viewed(client=client, by=request.user, page="schedules")
    return render(
        request,
        "measures/schedules.html",
        {
            "client": client,
            "form": form,
            "schedules": list(selectors.schedules_for(client)),
            "has_portal": _has_portal(client),
        },
    )


@require_http_methods(["GET", "POST"])
def end_schedule(
    request: StaffRequest, client_id: uuid.UUID, schedule_id: uuid.UUID
) -> HttpResponse:
    schedule = access_schedule(request.user, client_id, schedule_id)
    client = schedule.client
    if request.method == "POST":
        try:
            actions.end_schedule(schedule=schedule, by=request.user)
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
        else:
            messages.success(request, "Schedule ended. Nothing more will be sent for it.")
        return redirect(reverse("measures:schedules", args=[client.pk]))
    return render(request, "measures/end_schedule.html", {"client": client, "schedule": schedule})


@require_POST
def send_scheduled(
    request: StaffRequest, client_id: uuid.UUID, schedule_id: uuid.UUID
) -> HttpResponse:
    """Send a schedule's questionnaire now: for a review or ending with no date in the diary."""
    schedule = access_schedule(request.user, client_id, schedule_id)
    client = schedule.client
    try:
        sent = actions.send_to_portal(
            client=client,
            instrument=_instrument(schedule.instrument),
            by=request.user,
            schedule=schedule,
        )
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        emailed = " They have an email about it." if sent.emailed else ""
        messages.success(request, f"Sent to the client's portal.{emailed}")
    return redirect(reverse("measures:schedules", args=[client.pk]))
