"""Pages for risk flags, risk assessments, the caseload safety view and the safety settings.

Records come only through access.py and change only through actions.py. Everything except the
settings page is clinical: for anyone off the client's care team every page is the same 404.
"""

from __future__ import annotations

import uuid
from typing import Any

from django.conf import settings
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from frame.accounts.decorators import owner_required
from frame.accounts.models import User
from frame.clients.access import NOT_FOUND_MESSAGE
from frame.lib.forms import show_refusal
from frame.safety import actions, selectors
from frame.safety.access import (
    access_assessment,
    access_client_for_safety,
    access_flag,
    access_version,
    clinical_membership,
)
from frame.safety.forms import (
    ANSWER_GROUPS,
    AcknowledgeForm,
    AssessmentForm,
    FlagForm,
    SettingsForm,
    SupervisionForm,
)
from frame.safety.models import FlagSource, RiskFlag, SafetySettings


class StaffRequest(HttpRequest):
    user: User


def _posted(request: HttpRequest) -> Any:
    return request.POST if request.method == "POST" else None


def _page(request: HttpRequest, items: Any) -> Any:
    return Paginator(items, settings.FRAME_PAGE_SIZE).get_page(request.GET.get("page"))


# --- One client's flags and assessments -----------------------------------------------------------


@require_GET
def client_safety(request: StaffRequest, client_id: uuid.UUID) -> HttpResponse:
    client = access_client_for_safety(request.user, client_id)
    actions.record_viewed(by=request.user, client=client, page="client")
    return render(
        request,
        "safety/client.html",
        {
            "client": client,
            "flags": _page(request, selectors.flags_for_client(client)),
            "assessments": list(selectors.assessments_for_client(client)[:50]),
            "today": timezone.localdate(),
        },
    )


@require_http_methods(["GET", "POST"])
def flag_new(request: StaffRequest, client_id: uuid.UUID) -> HttpResponse:
    client = access_client_for_safety(request.user, client_id)
    form = FlagForm(_posted(request))
    if request.method == "POST" and form.is_valid():
        try:
            flag = actions.raise_flag(
                client=client,
                reason=form.cleaned_data["reason"],
                to_supervision=form.cleaned_data["to_supervision"],
                by=request.user,
            )
        except ValidationError as error:
            show_refusal(form, error)
        else:
            messages.success(request, "Flag raised. It stays open until it is acknowledged.")
            return redirect("safety:flag", client.pk, flag.pk)
    return render(request, "safety/flag_new.html", {"client": client, "form": form})


def _source_link(flag: RiskFlag) -> str:
    """Where the record behind a flag can be read (that page checks access again)."""
    if flag.source == FlagSource.MEASURE and flag.source_id:
        return reverse("measures:acknowledge", args=[flag.client_id, flag.source_id])
    if flag.source == FlagSource.NOTE and flag.source_id:
        appointment_id = selectors.note_appointment_id(flag)
        if appointment_id is not None:
            return reverse("notes:note", args=[appointment_id])
        return reverse("notes:timeline", args=[flag.client_id])
    return ""


@require_http_methods(["GET", "POST"])
def flag_detail(request: StaffRequest, client_id: uuid.UUID, flag_id: uuid.UUID) -> HttpResponse:
    flag = access_flag(request.user, client_id, flag_id)
    client = flag.client
    form = AcknowledgeForm(_posted(request) if flag.is_open else None)
    if flag.is_open and request.method == "POST" and form.is_valid():
        try:
            actions.acknowledge_flag(
                flag=flag, action_taken=form.cleaned_data["action_taken"], by=request.user
            )
        except ValidationError as error:
            show_refusal(form, error)
        else:
            messages.success(request, "Acknowledged. What you did is kept with the flag.")
            return redirect("safety:flag", client.pk, flag.pk)
    if request.method == "GET":
        actions.record_viewed(by=request.user, client=client, page="flag")
    supervision = SupervisionForm(
        initial={"to_supervision": flag.to_supervision, "taken_on": flag.taken_to_supervision_on}
    )
    return _render_flag(request, flag, form if flag.is_open else None, supervision)


def _render_flag(
    request: StaffRequest, flag: RiskFlag, form: Any, supervision: Any
) -> HttpResponse:
    alert_acknowledged_at = None
    if flag.is_open and flag.source == FlagSource.MEASURE:
        alert_acknowledged_at = selectors.alert_acknowledged_at(flag)
    return render(
        request,
        "safety/flag.html",
        {
            "client": flag.client,
            "flag": flag,
            "form": form,
            "supervision": supervision,
            "source_link": _source_link(flag),
            "alert_acknowledged_at": alert_acknowledged_at,
        },
    )


@require_POST
def flag_supervision(
    request: StaffRequest, client_id: uuid.UUID, flag_id: uuid.UUID
) -> HttpResponse:
    flag = access_flag(request.user, client_id, flag_id)
    form = SupervisionForm(request.POST)
    if form.is_valid():
        try:
            actions.set_supervision(
                flag=flag,
                to_supervision=form.cleaned_data["to_supervision"],
                taken_on=form.cleaned_data["taken_on"],
                by=request.user,
            )
        except ValidationError as error:
            show_refusal(form, error)
        else:
            messages.success(request, "Saved.")
            return redirect("safety:flag", flag.client.pk, flag.pk)
    return _render_flag(request, flag, AcknowledgeForm() if flag.is_open else None, form)


# --- Risk assessments -----------------------------------------------------------------------------


def _assessment_data(form: AssessmentForm) -> dict[str, Any]:
    return dict(form.cleaned_data)


def _render_assessment_form(
    request: StaffRequest, client: Any, form: AssessmentForm, assessment: Any = None
) -> HttpResponse:
    return render(
        request,
        "safety/assessment_form.html",
        {"client": client, "form": form, "assessment": assessment, "groups": ANSWER_GROUPS},
    )


@require_http_methods(["GET", "POST"])
def assessment_new(request: StaffRequest, client_id: uuid.UUID) -> HttpResponse:
    client = access_client_for_safety(request.user, client_id)
    flag = None
    flag_id = request.GET.get("flag")
    if flag_id:
        flag = access_flag(request.user, client.pk, flag_id)
    form = AssessmentForm(_posted(request))
    if request.method == "POST" and form.is_valid():
        try:
            version = actions.save_assessment(
                client=client, data=_assessment_data(form), by=request.user, flag=flag
            )
        except ValidationError as error:
            show_refusal(form, error)
        else:
            messages.success(request, "Assessment saved.")
            return redirect("safety:assessment", client.pk, version.assessment.pk)
    return _render_assessment_form(request, client, form)


@require_http_methods(["GET", "POST"])
def assessment_edit(
    request: StaffRequest, client_id: uuid.UUID, assessment_id: uuid.UUID
) -> HttpResponse:
    assessment = access_assessment(request.user, client_id, assessment_id)
    client = assessment.client
    current = selectors.versions_of(assessment).first()
    initial = AssessmentForm.initial_from(current) if current else None
    form = AssessmentForm(_posted(request), initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            actions.save_assessment(
                client=client, data=_assessment_data(form), by=request.user, assessment=assessment
            )
        except ValidationError as error:
            show_refusal(form, error)
        else:
            messages.success(request, "Saved as a new version. The earlier one is kept.")
            return redirect("safety:assessment", client.pk, assessment.pk)
    return _render_assessment_form(request, client, form, assessment)


@require_GET
def assessment_detail(
    request: StaffRequest, client_id: uuid.UUID, assessment_id: uuid.UUID
) -> HttpResponse:
    assessment = access_assessment(request.user, client_id, assessment_id)
    versions = list(selectors.versions_of(assessment)[:200])
    actions.record_viewed(by=request.user, client=assessment.client, page="assessment")
    return render(
        request,
        "safety/assessment.html",
        {
            "client": assessment.client,
            "assessment": assessment,
            "version": versions[0] if versions else None,
            "history": versions,
            "is_current": True,
            "today": timezone.localdate(),
        },
    )


@require_GET
def assessment_version(
    request: StaffRequest, client_id: uuid.UUID, assessment_id: uuid.UUID, risk_version: int
) -> HttpResponse:
    version = access_version(request.user, client_id, assessment_id, risk_version)
    actions.record_viewed(by=request.user, client=version.client, page="version")
    return render(
        request,
        "safety/assessment.html",
        {
            "client": version.client,
            "assessment": version.assessment,
            "version": version,
            "history": [],
            "is_current": version.number == version.assessment.version_count,
            "today": timezone.localdate(),
        },
    )


# --- Across the caseload --------------------------------------------------------------------------


@require_GET
def caseload(request: StaffRequest) -> HttpResponse:
    if clinical_membership(request.user) is None:
        raise Http404(NOT_FOUND_MESSAGE)
    today = timezone.localdate()
    attention_only = request.GET.get("show") != "all"
    rows = selectors.caseload(request.user, today=today, attention_only=attention_only)
    page = _page(request, rows)
    page.object_list = list(page.object_list)
    selectors.open_judgements(page.object_list)
    actions.record_viewed(by=request.user, page="caseload")
    return render(
        request,
        "safety/caseload.html",
        {
            "page": page,
            "today": today,
            "attention_only": attention_only,
        },
    )


# --- Practice settings ----------------------------------------------------------------------------


@owner_required
@require_http_methods(["GET", "POST"])
def safety_settings(request: StaffRequest) -> HttpResponse:
    membership = request.user.active_membership
    if membership is None:
        raise Http404(NOT_FOUND_MESSAGE)
    practice = membership.practice
    current = SafetySettings.objects.filter(practice=practice).first()
    form = SettingsForm(
        _posted(request), initial={"reminder_hours": current.reminder_hours if current else 24}
    )
    if request.method == "POST" and form.is_valid():
        try:
            actions.update_settings(
                practice=practice,
                reminder_hours=form.cleaned_data["reminder_hours"],
                by=request.user,
            )
        except ValidationError as error:
            show_refusal(form, error)
        else:
            messages.success(request, "Saved.")
            return redirect("safety:settings")
    return render(request, "safety/settings.html", {"form": form})
