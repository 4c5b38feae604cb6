"""The client's own questionnaire pages in the portal, and the progress charts shared with them.

The client always comes from `portal_client(request)`; every id (and every emailed link's token)
is looked up within that client's own records, so anyone else's is the same 404.
"""

from __future__ import annotations

import uuid

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.safestring import mark_safe
from django.views.decorators.http import require_GET, require_http_methods

from frame.accounts.models import User
from frame.measures import actions, charts, selectors
from frame.measures.access import chart_share_for_client, request_for_client, request_for_token
from frame.measures.forms import PortalQuestionnaireForm
from frame.measures.models import QuestionnaireRequest, RequestStatus
from frame.measures.progress_views import chart_points
from frame.portal.access import portal_client
from frame.portal.decorators import portal_page


class ClientRequest(HttpRequest):
    user: User  # a signed-in portal client: `portal_page` has checked


SAVE = "save"
SUBMIT = "submit"


@portal_page
@require_GET
def questionnaires(request: ClientRequest) -> HttpResponse:
    client = portal_client(request)
    return render(
        request,
        "measures/portal/list.html",
        {
            "waiting": list(selectors.open_requests_for_client(client)),
            "shares": list(selectors.shares_for_client(client)),
        },
    )


@portal_page
@require_GET
def from_link(request: ClientRequest, token: str) -> HttpResponse:
    """The link in the email: on to the questionnaire if it is still open, or say kindly why not."""
    client = portal_client(request)
    questionnaire = request_for_token(client, token)
    if questionnaire.is_open:
        return redirect(reverse("portal:questionnaire", args=[questionnaire.pk]))
    return render(request, "measures/portal/closed.html", {"questionnaire": questionnaire})


def _closed(request: HttpRequest, questionnaire: QuestionnaireRequest) -> HttpResponse:
    return render(request, "measures/portal/closed.html", {"questionnaire": questionnaire})


@portal_page
@require_http_methods(["GET", "POST"])
def questionnaire(request: ClientRequest, request_id: uuid.UUID) -> HttpResponse:
    client = portal_client(request)
    asked = request_for_client(client, request_id)
    if not asked.is_open:
        return _closed(request, asked)
    wording = selectors.wording_for(client.practice_id, asked.definition)
    if wording is None:  # the practice's licensed wording was removed after sending
        return _closed(request, asked)
    user = request.user
    form = PortalQuestionnaireForm(
        request.POST if request.method == "POST" else None, wording=wording, saved=asked.answers
    )
    if request.method == "POST" and form.is_valid():
        try:
            done = _save_or_send(request, asked, form)
        except actions.RequestClosed:
            # Sent, withdrawn or expired meanwhile (another tab, say): explain, change nothing.
            asked.refresh_from_db()
            return _closed(request, asked)
        if done is not None:
            return done
    if request.method == "GET":
        actions.record_client_viewed(client=client, by=user, page="questionnaire")
    return render(
        request,
        "measures/portal/questionnaire.html",
        {
            "questionnaire": asked,
            "instrument": asked.definition,
            "wording": wording,
            "form": form,
            "answered": asked.answered_count,
        },
    )


def _save_or_send(
    request: ClientRequest, asked: QuestionnaireRequest, form: PortalQuestionnaireForm
) -> HttpResponse | None:
    """Keep the answers, or send them whole; None means show the form again with what is left."""
    user = request.user
    answers = form.answers()
    if request.POST.get("action") != SUBMIT:
        actions.save_progress(request=asked, answers=answers, by=user)
        messages.success(
            request,
            "Saved. You can come back and finish it any time before "
            f"{asked.expires_at:%-d %B}: it waits on your home page.",
        )
        return redirect(reverse("portal:questionnaires"))
    missing = actions.unanswered_items(asked.definition, answers)
    if missing:
        # Keep what they have done, and show what is left: never scored half-finished.
        actions.save_progress(request=asked, answers=answers, by=user)
        form.mark_unanswered(missing)
        return None
    try:
        actions.submit_request(request=asked, answers=answers, by=user)
    except actions.RequestClosed:
        raise
    except ValidationError as error:
        form.add_error(None, error.messages)
        return None
    messages.success(request, "Thank you. Your answers have been sent.")
    return redirect(reverse("portal:questionnaires"))


@portal_page
@require_GET
def chart(request: ClientRequest, chart_share_id: uuid.UUID) -> HttpResponse:
    client = portal_client(request)
    share = chart_share_for_client(client, chart_share_id)
    instrument = share.definition
    # What the practitioner looked at when they shared it: scores completed up to that moment.
    scores = [
        a
        for a in selectors.progress_for(client, instrument).filter(recorded_at__lte=share.shared_at)
        if a.valid and a.total is not None
    ]
    actions.record_client_viewed(client=client, by=request.user, page="chart")
    svg = charts.render(instrument, chart_points(scores), id_prefix="your-chart")
    return render(
        request,
        "measures/portal/chart.html",
        {
            "share": share,
            "instrument": instrument,
            "chart": mark_safe(svg),  # noqa: S308  (built and escaped by charts.render)
            "scores": scores,
            "latest": scores[-1] if scores else None,
            "first": scores[0] if scores else None,
            "bands": charts.band_strips(instrument),
            "rc": instrument.reliable_change,
            "completed": RequestStatus.COMPLETED,
        },
    )
