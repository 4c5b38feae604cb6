"""Staff pages for contracts: templates and their versions, practice terms, each client's
contract and agreements, and the client's chance-encounter and communication preferences.

Records come only through `frame.contracts.access`; changes go only through `actions`.
"""

from __future__ import annotations

import uuid
from typing import Any

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_http_methods, require_POST

from frame.accounts.models import User
from frame.clients.access import NOT_FOUND_MESSAGE
from frame.contracts import actions, compare, placeholders, selectors
from frame.contracts.access import (
    access_agreement,
    access_communication_client,
    access_contract_client,
    access_template,
    clinical_membership,
    owner_membership,
)
from frame.contracts.default_template import REQUIRED_TOPICS
from frame.contracts.documents import agreement_pdf_response, contract_pdf_response, scan_response
from frame.contracts.forms import (
    ChanceEncounterForm,
    ClauseFormSet,
    ClientTermsForm,
    CommunicationForm,
    CompareForm,
    CopyTemplateForm,
    RecordAgreementForm,
    TermsForm,
    VersionSummaryForm,
    describe_terms,
    drafts_from,
)
from frame.contracts.models import (
    Agreement,
    ChanceEncounterPreference,
    CommunicationPreferences,
    ContractTemplate,
    TemplateVersion,
)
from frame.lib.forms import show_refusal

HISTORY_LIMIT = 50


class StaffRequest(HttpRequest):
    user: User


def _posted(request: HttpRequest) -> Any:
    return request.POST if request.method == "POST" else None


# --- Templates --------------------------------------------------------------------------------


def template_list(request: StaffRequest) -> HttpResponse:
    membership = clinical_membership(request.user)
    actions.ensure_templates(practice=membership.practice, by=request.user)
    templates = list(
        ContractTemplate.objects.filter(practice_id=membership.practice_id).order_by(
            "-is_default", "name"
        )
    )
    # One query for every template's versions, newest first: the first seen is the newest.
    newest: dict[Any, Any] = {}
    for row in (
        TemplateVersion.objects.filter(template__in=templates)
        .order_by("-number")
        .values("template_id", "number", "created_at")
    ):
        newest.setdefault(row["template_id"], row)
    rows = [(template, newest.get(template.pk)) for template in templates]
    return render(
        request,
        "contracts/template_list.html",
        {"rows": rows, "is_owner": membership.is_owner},
    )


def _version_or_404(template: ContractTemplate, number: Any) -> TemplateVersion:
    try:
        return TemplateVersion.objects.select_related("created_by").get(
            template=template, number=int(number)
        )
    except (TemplateVersion.DoesNotExist, ValueError, TypeError, OverflowError):
        raise Http404(NOT_FOUND_MESSAGE) from None


def template_detail(request: StaffRequest, template_id: uuid.UUID) -> HttpResponse:
    template = access_template(request.user, template_id)
    versions = list(
        TemplateVersion.objects.filter(template=template)
        .select_related("created_by")
        .order_by("-number")[:HISTORY_LIMIT]
    )
    if not versions:
        raise Http404(NOT_FOUND_MESSAGE)
    asked = request.GET.get("version")
    version = versions[0] if asked is None else _version_or_404(template, asked)
    clauses = list(version.clauses.all())
    keys = {clause.key for clause in clauses}
    membership = clinical_membership(request.user)
    numbers = [v.number for v in versions]
    compare_form = CompareForm(
        initial={"old": numbers[1] if len(numbers) > 1 else numbers[0], "new": numbers[0]},
        numbers=numbers,
    )
    return render(
        request,
        "contracts/template_detail.html",
        {
            "template": template,
            "version": version,
            "is_latest": version.pk == versions[0].pk,
            "clauses": clauses,
            "versions": versions,
            "missing_topics": [label for key, label in REQUIRED_TOPICS.items() if key not in keys],
            "is_owner": membership.is_owner,
            "compare_form": compare_form,
        },
    )


@require_http_methods(["GET", "POST"])
def template_edit(request: StaffRequest, template_id: uuid.UUID) -> HttpResponse:
    template = access_template(request.user, template_id, to_edit=True)
    latest = selectors.latest_version(template)
    if latest is None:
        raise Http404(NOT_FOUND_MESSAGE)
    initial = [
        {"key": c.key, "title": c.title, "text": c.text, "position": c.position}
        for c in latest.clauses.all()
    ]
    if request.method == "POST":
        # With the initial values too, so the form can tell which clauses were moved.
        formset = ClauseFormSet(request.POST, prefix="clauses", initial=initial)
        summary_form = VersionSummaryForm(request.POST)
        if formset.is_valid() and summary_form.is_valid():
            try:
                version = actions.save_template_version(
                    template=template,
                    by=request.user,
                    clauses=drafts_from(formset),
                    summary=summary_form.cleaned_data["summary"],
                )
            except ValidationError as error:
                summary_form.add_error(None, error.messages)
            else:
                if version is None:
                    messages.info(request, "Nothing had changed, so no new version was made.")
                else:
                    messages.success(request, f"Saved as version {version.number}.")
                return redirect("contracts:template", template_id=template.pk)
    else:
        formset = ClauseFormSet(prefix="clauses", initial=initial)
        summary_form = VersionSummaryForm()
    clause_errors = [
        (index, form)
        for index, form in enumerate(formset.forms, start=1)
        if formset.is_bound and form.errors
    ]
    return render(
        request,
        "contracts/template_edit.html",
        {
            "template": template,
            "latest": latest,
            "formset": formset,
            "summary_form": summary_form,
            "placeholders": placeholders.describe(),
            "clause_errors": clause_errors,
            "error_count": len(summary_form.errors)
            + len(formset.non_form_errors())
            + sum(len(form.errors) for _, form in clause_errors),
        },
    )


def template_compare(request: StaffRequest, template_id: uuid.UUID) -> HttpResponse:
    template = access_template(request.user, template_id)
    numbers = list(
        TemplateVersion.objects.filter(template=template)
        .order_by("-number")
        .values_list("number", flat=True)
    )
    form = CompareForm(request.GET or None, numbers=numbers)
    changes: list[compare.ClauseChange] = []
    old = new = None
    if form.is_bound and form.is_valid():
        old = _version_or_404(template, form.cleaned_data["old"])
        new = _version_or_404(template, form.cleaned_data["new"])
        changes = compare.compare(list(old.clauses.all()), list(new.clauses.all()))
    return render(
        request,
        "contracts/template_compare.html",
        {
            "template": template,
            "form": form,
            "old": old,
            "new": new,
            "changes": changes,
            "changed_count": len(compare.changed_only(changes)),
        },
    )


@require_http_methods(["GET", "POST"])
def template_copy(request: StaffRequest, template_id: uuid.UUID) -> HttpResponse:
    source = access_template(request.user, template_id, to_edit=True)
    form = CopyTemplateForm(_posted(request), initial={"name": f"{source.name} (copy)"})
    if request.method == "POST" and form.is_valid():
        try:
            template = actions.copy_template(
                source=source, by=request.user, name=form.cleaned_data["name"]
            )
        except ValidationError as error:
            show_refusal(form, error)
        else:
            messages.success(request, f"“{template.name}” has been made from “{source.name}”.")
            return redirect("contracts:template", template_id=template.pk)
    return render(request, "contracts/template_copy.html", {"source": source, "form": form})


@require_POST
def template_make_default(request: StaffRequest, template_id: uuid.UUID) -> HttpResponse:
    template = access_template(request.user, template_id, to_edit=True)
    actions.make_default_template(template=template, by=request.user)
    messages.success(request, f"New clients will be offered “{template.name}”.")
    return redirect("contracts:template", template_id=template.pk)


# --- Practice terms ---------------------------------------------------------------------------


@require_http_methods(["GET", "POST"])
def practice_terms(request: StaffRequest) -> HttpResponse:
    membership = clinical_membership(request.user)
    terms = selectors.practice_terms(membership.practice_id)
    if request.method == "POST":
        owner_membership(request.user)
        form = TermsForm(request.POST)
        if form.is_valid():
            try:
                changed = actions.set_practice_terms(
                    practice=membership.practice, by=request.user, terms=form.to_terms()
                )
            except ValidationError as error:
                show_refusal(form, error)
            else:
                messages.success(
                    request,
                    "The practice's terms have been saved. Clients whose contract changes as a "
                    "result will be asked to agree it again."
                    if changed
                    else "Nothing had changed, so nothing was saved.",
                )
                return redirect("contracts:practice_terms")
    else:
        form = TermsForm(initial=TermsForm.initial_for(terms))
    return render(
        request,
        "contracts/practice_terms.html",
        {"form": form, "is_owner": membership.is_owner, "terms_rows": describe_terms(terms)},
    )


# --- A client's contract ----------------------------------------------------------------------


def _blank_terms(terms: Any) -> list[str]:
    """Terms the contract mentions but nobody has filled in yet."""
    labels = {
        "professional_body": "your professional body",
        "unavailability_contact": "who contacts clients if you are suddenly unable to work",
    }
    return [label for name, label in labels.items() if not getattr(terms, name).strip()]


def client_contract(request: StaffRequest, client_id: uuid.UUID) -> HttpResponse:
    client = access_contract_client(request.user, client_id)
    actions.ensure_templates(practice=client.practice, by=request.user)
    status = selectors.agreement_status(client)
    history = list(
        Agreement.objects.filter(client=client)
        .select_related("version__template", "recorded_by")
        .order_by("-recorded_at", "-id")[:HISTORY_LIMIT]
    )
    actions.record_contract_viewed(client=client, by=request.user, page="contract")
    current = status.current
    return render(
        request,
        "contracts/client_contract.html",
        {
            "client": client,
            "status": status,
            "current": current,
            "clauses": _display_clauses(current.document.clauses) if current else [],
            "history": history,
            "blank_terms": _blank_terms(current.terms) if current else [],
            "overrides": selectors.client_overrides(client),
        },
    )


def _display_clauses(clauses: Any) -> list[dict[str, Any]]:
    return [
        {"key": c.key, "title": c.title, "blocks": placeholders.blocks(c.text)} for c in clauses
    ]


@require_http_methods(["GET", "POST"])
def client_terms(request: StaffRequest, client_id: uuid.UUID) -> HttpResponse:
    client = access_contract_client(request.user, client_id)
    actions.ensure_templates(practice=client.practice, by=request.user)
    proposed = selectors.proposed_terms_for(client)
    overrides = selectors.client_overrides(client)
    form = ClientTermsForm(
        _posted(request),
        practice_id=client.practice_id,
        initial={
            **ClientTermsForm.initial_for(proposed),
            "template": selectors.chosen_template_id(client),
        },
    )
    if request.method == "POST" and form.is_valid():
        try:
            changed = actions.set_client_terms(
                client=client,
                by=request.user,
                terms=form.to_terms(),
                template=form.cleaned_data["template"],
            )
        except ValidationError as error:
            show_refusal(form, error)
        else:
            messages.success(
                request,
                f"{client.display_name}'s terms have been saved."
                if changed
                else "Nothing had changed, so nothing was saved.",
            )
            return redirect("contracts:client_contract", client_id=client.pk)
    return render(
        request,
        "contracts/client_terms.html",
        {"client": client, "form": form, "overrides": overrides},
    )


@require_http_methods(["GET", "POST"])
def record_agreement(request: StaffRequest, client_id: uuid.UUID) -> HttpResponse:
    client = access_contract_client(request.user, client_id)
    actions.ensure_templates(practice=client.practice, by=request.user)
    current = selectors.contract_for(client)
    if current is None:
        raise Http404(NOT_FOUND_MESSAGE)
    initial = {
        "version_id": current.version.pk,
        "sha256": current.document.sha256,
        "agreed_on": timezone.localdate(),
    }
    form = RecordAgreementForm(
        request.POST if request.method == "POST" else None,
        request.FILES if request.method == "POST" else None,
        initial=initial,
    )
    outdated = False
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            actions.record_agreement(
                client=client,
                by=request.user,
                method=data["method"],
                agreed_on=data["agreed_on"],
                version_id=str(data["version_id"]),
                sha256=data["sha256"],
                note=data["note"],
                scan=data.get("scan"),
            )
        except actions.OutdatedContract:
            outdated = True
            # Show the current contract with fresh hidden values, keeping what was typed.
            form = RecordAgreementForm(
                {
                    **request.POST.dict(),
                    "version_id": current.version.pk,
                    "sha256": current.document.sha256,
                },
                initial=initial,
            )
            form.is_valid()
            form.add_error(None, actions.OutdatedContract.message)
        except ValidationError as error:
            show_refusal(form, error)
        else:
            messages.success(request, "The agreement has been recorded.")
            return redirect("contracts:client_contract", client_id=client.pk)
    return render(
        request,
        "contracts/record_agreement.html",
        {
            "client": client,
            "current": current,
            "clauses": _display_clauses(current.document.clauses),
            "form": form,
            "outdated": outdated,
        },
    )


def contract_pdf(request: StaffRequest, client_id: uuid.UUID) -> HttpResponse:
    client = access_contract_client(request.user, client_id)
    actions.ensure_templates(practice=client.practice, by=request.user)
    current = selectors.contract_for(client)
    if current is None:
        raise Http404(NOT_FOUND_MESSAGE)
    response = contract_pdf_response(client=client, current=current)
    actions.record_contract_downloaded(client=client, by=request.user, what="contract_pdf")
    return response


def agreement_pdf(
    request: StaffRequest, client_id: uuid.UUID, agreement_id: uuid.UUID
) -> HttpResponse:
    agreement = access_agreement(request.user, client_id, agreement_id)
    response = agreement_pdf_response(agreement)
    actions.record_contract_downloaded(
        client=agreement.client, by=request.user, what="agreement_pdf", agreement=agreement
    )
    return response


def agreement_scan(
    request: StaffRequest, client_id: uuid.UUID, agreement_id: uuid.UUID
) -> HttpResponse:
    agreement = access_agreement(request.user, client_id, agreement_id)
    if not agreement.has_scan:
        raise Http404(NOT_FOUND_MESSAGE)
    response = scan_response(agreement)
    actions.record_contract_downloaded(
        client=agreement.client, by=request.user, what="agreement_scan", agreement=agreement
    )
    return response


# --- Preferences ------------------------------------------------------------------------------


@require_http_methods(["GET", "POST"])
def chance_encounter(request: StaffRequest, client_id: uuid.UUID) -> HttpResponse:
    client = access_contract_client(request.user, client_id)
    current = selectors.chance_encounter_for(client)
    initial = {"choice": current.choice.value, "note": current.note} if current else {}
    form = ChanceEncounterForm(_posted(request), initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            actions.set_chance_encounter(
                client=client,
                by=request.user,
                choice=form.cleaned_data["choice"],
                note=form.cleaned_data["note"],
            )
        except ValidationError as error:
            show_refusal(form, error)
        else:
            messages.success(request, "The chance-encounter preference has been saved.")
            return redirect(reverse("clients:card", args=[client.pk]) + "#chance-encounter")
    elif request.method == "GET":
        actions.record_contract_viewed(client=client, by=request.user, page="chance_encounter")
    history = list(
        ChanceEncounterPreference.objects.filter(client=client)
        .select_related("recorded_by")
        .order_by("-recorded_at", "-id")[:HISTORY_LIMIT]
    )
    return render(
        request,
        "contracts/chance_encounter.html",
        {"client": client, "form": form, "history": history},
    )


@require_http_methods(["GET", "POST"])
def communication(request: StaffRequest, client_id: uuid.UUID) -> HttpResponse:
    client = access_communication_client(request.user, client_id)
    row = CommunicationPreferences.objects.filter(client=client).first()
    initial = {
        "reminder_channel": row.reminder_channel if row else "email",
        "calendar_title": row.calendar_title if row else "case_code",
        "discreet_wording": client.discreet_wording,
    }
    form = CommunicationForm(_posted(request), initial=initial)
    if request.method == "GET":
        actions.record_contract_viewed(client=client, by=request.user, page="communication")
    if request.method == "POST" and form.is_valid():
        try:
            changed = actions.set_communication_preferences(
                client=client,
                by=request.user,
                reminder_channel=form.cleaned_data["reminder_channel"],
                calendar_title=form.cleaned_data["calendar_title"],
                discreet_wording=form.cleaned_data["discreet_wording"],
            )
        except ValidationError as error:
            show_refusal(form, error)
        else:
            messages.success(
                request,
                "Communication preferences saved."
                if changed
                else "Nothing had changed, so nothing was saved.",
            )
            return redirect(reverse("clients:card", args=[client.pk]) + "#communication")
    return render(
        request,
        "contracts/communication.html",
        {"client": client, "form": form, "clinical": clinical_or_none(request.user)},
    )


def clinical_or_none(user: User) -> bool:
    membership = user.active_membership
    return membership is not None and membership.is_clinical
