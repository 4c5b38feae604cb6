"""Pages for client records: fetched only through access.py, changed only through actions.py."""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlencode

from django import forms
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_http_methods

from frame.accounts.models import CLINICAL_ROLES, Role, User
from frame.audit.selectors import events_for_client
from frame.clients import actions, card, lifecycle
from frame.clients.access import (
    NOT_FOUND_MESSAGE,
    Section,
    access_client,
    access_client_for_owner_report,
    access_client_view,
    access_person,
)
from frame.clients.forms import (
    CareTeamAddForm,
    ClientSearchForm,
    ContactForm,
    GPAndEmergencyForm,
    IdentityForm,
    NewClientForm,
    PersonForm,
    ReferralForm,
    StatusForm,
    initial_from,
)
from frame.clients.listing import client_page
from frame.clients.models import (
    CONTACT_FIELDS,
    GP_AND_EMERGENCY_FIELDS,
    IDENTITY_FIELDS,
    PERSON_FIELDS,
    REFERRAL_FIELDS,
    CareTeamMember,
    Person,
    Status,
)
from frame.lib.forms import show_refusal


class StaffRequest(HttpRequest):
    """Every page here is behind login and the MFA middleware, so the user is a staff User."""

    user: User


def _posted(request: HttpRequest) -> Any:
    """The submitted data on POST (even when empty, so an empty form is checked), else None."""
    return request.POST if request.method == "POST" else None


def _membership_or_404(request: StaffRequest) -> Any:
    membership = request.user.active_membership
    if membership is None:
        raise Http404(NOT_FOUND_MESSAGE)
    return membership


def _clinical_colleagues(practice_id: int) -> Any:
    return User.objects.filter(
        membership__practice_id=practice_id,
        membership__is_active=True,
        membership__role__in=list(CLINICAL_ROLES),
    ).order_by("full_name", "email")


_URL_PLACEHOLDER = uuid.UUID(int=0)


# --- List and search --------------------------------------------------------------------------


def client_list(request: StaffRequest) -> HttpResponse:
    form = ClientSearchForm(request.GET)
    form.is_valid()  # invalid parts are reported and left out; the rest still applies
    query: str = form.cleaned_data.get("q", "")
    status: str = form.cleaned_data.get("status", "")
    page = client_page(
        request.user,
        query=query,
        status=status,
        after=request.GET.get("after"),
        before=request.GET.get("before"),
    )
    if query:
        actions.record_client_search(
            by=request.user, status=status or "current", results=len(page.clients)
        )
    kept = {key: value for key, value in (("q", query), ("status", status)) if value}
    membership = request.user.active_membership
    # One reverse() for the page, not one per row: a page of links costs the same at any size.
    card_url = reverse("clients:card", args=[_URL_PLACEHOLDER])
    rows = [(card_url.replace(str(_URL_PLACEHOLDER), str(row.id)), row) for row in page.clients]
    return render(
        request,
        "clients/list.html",
        {
            "form": form,
            "page": page,
            "rows": rows,
            "query": query,
            "status_label": Status(status).label.lower() if status in Status.values else "",
            "showing_everyone": status == "all",
            "next_url": "?" + urlencode({**kept, "after": page.next_after})
            if page.next_after
            else "",
            "previous_url": "?" + urlencode({**kept, "before": page.previous_before})
            if page.previous_before
            else "",
            "can_add": membership is not None
            and membership.role in {*CLINICAL_ROLES, Role.ADMINISTRATOR},
            "no_access": membership is None or membership.role == Role.SUPERVISOR,
        },
    )


# --- New client -------------------------------------------------------------------------------


@require_http_methods(["GET", "POST"])
def client_new(request: StaffRequest) -> HttpResponse:
    membership = _membership_or_404(request)
    if membership.role not in {*CLINICAL_ROLES, Role.ADMINISTRATOR}:
        raise Http404(NOT_FOUND_MESSAGE)
    clinical = membership.is_clinical
    practitioners = None if clinical else _clinical_colleagues(membership.practice_id)
    form = NewClientForm(_posted(request), clinical=clinical, practitioners=practitioners)
    if request.method == "POST" and form.is_valid():
        try:
            client = actions.create_client(
                by=request.user,
                details=form.details(),
                status=form.cleaned_data.get("status", lifecycle.ENQUIRY),
                practitioners=list(form.cleaned_data.get("practitioners", [])),
            )
        except ValidationError as error:
            show_refusal(form, error)
        except lifecycle.TransitionNotAllowed as error:
            form.add_error("status" if clinical else None, str(error))
        else:
            messages.success(request, f"{client.display_name} has been added.")
            return redirect("clients:card", client_id=client.pk)
    return render(request, "clients/new.html", {"form": form, "clinical": clinical})


# --- The client card --------------------------------------------------------------------------


def client_card(request: StaffRequest, client_id: uuid.UUID) -> HttpResponse:
    view = access_client_view(request.user, client_id)
    client = view.client
    actions.record_client_viewed(client=client, by=request.user, page="card")
    care_team = list(
        CareTeamMember.objects.filter(client=client)
        .select_related("user")
        .order_by("added_at", "id")
    )
    history: list[Any] = []
    people: list[Person] = []
    if view.clinical:
        history = list(
            client.status_changes.select_related("changed_by").order_by("-changed_at", "-id")[:50]
        )
        people = list(Person.objects.current().filter(client=client))
    return render(
        request,
        "clients/card.html",
        {
            "view": view,
            "client": client,
            "care_team": care_team,
            "history": history,
            "people": people,
            "can_change_status": view.clinical and not lifecycle.is_final(client.status),
            "sections": card.sections_for(request, view),
        },
    )


# --- Editing sections -------------------------------------------------------------------------


@dataclass(frozen=True)
class EditSection:
    title: str
    form_class: type[forms.Form]
    fields: tuple[str, ...]
    access: Section
    anchor: str


EDIT_SECTIONS = {
    "identity": EditSection(
        "Identity", IdentityForm, IDENTITY_FIELDS, Section.IDENTITY, "identity"
    ),
    "contact": EditSection(
        "Contact and safe contact", ContactForm, CONTACT_FIELDS, Section.CONTACT, "contact"
    ),
    "gp": EditSection(
        "GP and emergency contact",
        GPAndEmergencyForm,
        GP_AND_EMERGENCY_FIELDS,
        Section.CLINICAL,
        "gp",
    ),
    "referral": EditSection(
        "Referral", ReferralForm, REFERRAL_FIELDS, Section.CLINICAL, "referral"
    ),
}


@require_http_methods(["GET", "POST"])
def client_edit(request: StaffRequest, client_id: uuid.UUID) -> HttpResponse:
    section = EDIT_SECTIONS.get(request.GET.get("section", "identity"))
    if section is None:
        raise Http404(NOT_FOUND_MESSAGE)
    client = access_client(request.user, client_id, section=section.access)
    if request.method == "POST":
        form = section.form_class(request.POST)
        if form.is_valid():
            changes = {name: form.cleaned_data[name] for name in section.fields}
            try:
                changed = actions.update_client(client=client, by=request.user, changes=changes)
            except ValidationError as error:
                show_refusal(form, error)
            else:
                messages.success(
                    request,
                    f"{section.title} saved."
                    if changed
                    else "Nothing had changed, so nothing saved.",
                )
                return redirect(reverse("clients:card", args=[client.pk]) + f"#{section.anchor}")
    else:
        form = section.form_class(initial=initial_from(client, section.fields))
        actions.record_client_viewed(client=client, by=request.user, page="edit")
    return render(
        request,
        "clients/edit.html",
        {"client": client, "form": form, "section": section, "section_key": section.anchor},
    )


# --- Status -----------------------------------------------------------------------------------


@require_http_methods(["GET", "POST"])
def client_status(request: StaffRequest, client_id: uuid.UUID) -> HttpResponse:
    client = access_client(request.user, client_id, section=Section.CLINICAL)
    context: dict[str, Any] = {"client": client, "final": lifecycle.is_final(client.status)}
    if context["final"]:
        actions.record_client_viewed(client=client, by=request.user, page="status")
        return render(request, "clients/status.html", context)
    form = StatusForm(_posted(request), current=client.status)
    context["form"] = form
    if request.method == "POST" and form.is_valid():
        to_status = form.cleaned_data["to_status"]
        effective_date = form.cleaned_data["effective_date"]
        # Archiving hides the client from the everyday list, so it needs a second, deliberate step.
        if to_status == lifecycle.ARCHIVED and request.POST.get("confirm") != "yes":
            context["confirm_archive"] = True
            return render(request, "clients/status.html", context)
        try:
            actions.change_status(
                client=client, by=request.user, to_status=to_status, effective_date=effective_date
            )
        except ValidationError as error:
            show_refusal(form, error)
        except lifecycle.TransitionNotAllowed as error:
            form.add_error("to_status", str(error))
        else:
            messages.success(
                request, f"{client.display_name} is now {Status(to_status).label.lower()}."
            )
            return redirect(reverse("clients:card", args=[client.pk]) + "#status")
    elif request.method == "GET":
        actions.record_client_viewed(client=client, by=request.user, page="status")
    return render(request, "clients/status.html", context)


# --- Care team --------------------------------------------------------------------------------


@require_http_methods(["GET", "POST"])
def care_team(request: StaffRequest, client_id: uuid.UUID) -> HttpResponse:
    client = access_client(request.user, client_id, section=Section.CLINICAL)
    members = list(
        CareTeamMember.objects.filter(client=client)
        .select_related("user__membership")
        .order_by("added_at", "id")
    )
    candidates = _clinical_colleagues(client.practice_id).exclude(care_team_links__client=client)
    form = CareTeamAddForm(request.POST if "add" in request.POST else None, candidates=candidates)
    if request.method == "POST" and "remove" in request.POST:
        leaving = next((m.user for m in members if str(m.user_id) == request.POST["remove"]), None)
        if leaving is None:
            messages.error(request, "That person is not on the care team.")
            return redirect("clients:care_team", client_id=client.pk)
        try:
            actions.remove_care_team_member(client=client, by=request.user, user=leaving)
        except ValidationError as error:
            for message in error.messages:
                messages.error(request, message)
            return redirect("clients:care_team", client_id=client.pk)
        if leaving.pk == request.user.pk:
            messages.success(request, "You are no longer on this client's care team.")
            return redirect("clients:list")
        messages.success(request, f"{leaving} is no longer on the care team.")
        return redirect("clients:care_team", client_id=client.pk)
    if request.method == "POST" and form.is_valid():
        try:
            actions.add_care_team_member(
                client=client, by=request.user, user=form.cleaned_data["user"]
            )
        except ValidationError as error:
            show_refusal(form, error)
        else:
            messages.success(request, f"{form.cleaned_data['user']} has joined the care team.")
            return redirect("clients:care_team", client_id=client.pk)
    elif request.method == "GET":
        actions.record_client_viewed(client=client, by=request.user, page="care_team")
    return render(
        request,
        "clients/care_team.html",
        {
            "client": client,
            "members": members,
            "form": form,
            "has_candidates": candidates.exists(),
        },
    )


# --- People in the client's life ----------------------------------------------------------------


@require_http_methods(["GET", "POST"])
def person_add(request: StaffRequest, client_id: uuid.UUID) -> HttpResponse:
    client = access_client(request.user, client_id, section=Section.CLINICAL)
    form = PersonForm(_posted(request))
    if request.method == "POST" and form.is_valid():
        try:
            person = actions.add_person(
                client=client,
                by=request.user,
                **{name: form.cleaned_data[name] for name in PERSON_FIELDS},
            )
        except ValidationError as error:
            show_refusal(form, error)
        else:
            messages.success(request, f"{person.name} has been added.")
            return redirect(reverse("clients:card", args=[client.pk]) + "#people")
    return render(request, "clients/person_form.html", {"client": client, "form": form})


@require_http_methods(["GET", "POST"])
def person_edit(request: StaffRequest, client_id: uuid.UUID, person_id: uuid.UUID) -> HttpResponse:
    person = access_person(request.user, client_id, person_id)
    client = person.client
    if request.method == "POST":
        form = PersonForm(request.POST)
        if form.is_valid():
            try:
                actions.update_person(
                    person=person,
                    by=request.user,
                    changes={name: form.cleaned_data[name] for name in PERSON_FIELDS},
                )
            except ValidationError as error:
                show_refusal(form, error)
            else:
                messages.success(request, f"Details for {person.name} saved.")
                return redirect(reverse("clients:card", args=[client.pk]) + "#people")
    else:
        form = PersonForm(initial=initial_from(person, PERSON_FIELDS))
        actions.record_client_viewed(client=client, by=request.user, page="person")
    return render(
        request, "clients/person_form.html", {"client": client, "form": form, "person": person}
    )


@require_http_methods(["GET", "POST"])
def person_remove(
    request: StaffRequest, client_id: uuid.UUID, person_id: uuid.UUID
) -> HttpResponse:
    person = access_person(request.user, client_id, person_id)
    client = person.client
    if request.method == "POST":
        actions.remove_person(person=person, by=request.user)
        messages.success(request, f"{person.name} has been removed from the record.")
        return redirect(reverse("clients:card", args=[client.pk]) + "#people")
    actions.record_client_viewed(client=client, by=request.user, page="person")
    return render(request, "clients/person_remove.html", {"client": client, "person": person})


# --- Who accessed this record (owners) ---------------------------------------------------------


def _before(value: str | None) -> int | None:
    """The ?before= cursor: a positive whole number, or nothing (the newest page)."""
    if value is None or not value.isdigit() or len(value) > 18:
        return None
    number = int(value)
    return number if number > 0 else None


def access_log(request: StaffRequest, client_id: uuid.UUID) -> HttpResponse:
    client = access_client_for_owner_report(request.user, client_id)
    page = events_for_client(
        practice_id=client.practice_id,
        client_id=str(client.pk),
        before=_before(request.GET.get("before")),
    )
    actions.record_access_report_viewed(client=client, by=request.user)
    return render(request, "clients/access_log.html", {"client": client, "page": page})
