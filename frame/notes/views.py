"""Pages for session notes, process notes and goals.

Records come only through access.py and change only through actions.py. Everything here is
clinical: for anyone off the client's care team every page is the same 404.
"""

from __future__ import annotations

import uuid
from typing import Any

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_not_required
from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_http_methods, require_POST

from frame.accounts.decorators import owner_required
from frame.accounts.models import User
from frame.notes import actions, keeper, search, selectors
from frame.notes.access import (
    access_goal,
    access_note_appointment,
    access_notes_client,
    access_process_note,
)
from frame.notes.forms import (
    AddendumForm,
    GoalForm,
    NoteForm,
    ProcessNoteForm,
    RatingForm,
    SearchForm,
    TemplateForm,
)
from frame.notes.models import KeptDraft, SessionNote
from frame.scheduling.models import Appointment

DISCLOSURE = (
    "Process notes are kept apart from the clinical record and only you can read them here. "
    "They are still personal data about your client: in the UK they are usually disclosable to "
    "the client if they ask for their records (a subject access request), so write them knowing "
    "the client may one day read them."
)


class StaffRequest(HttpRequest):
    user: User


def _show_errors(form: Any, error: ValidationError) -> None:
    form.add_error(None, error.messages)


def _is_autosave(request: HttpRequest) -> bool:
    return request.headers.get("X-Autosave") == "1"


def _note_url(appointment_id: Any) -> str:
    return reverse("notes:note", args=[appointment_id])


def _headings(appointment: Appointment, note: SessionNote | None) -> list[str]:
    if note is not None and note.content:
        return [heading for heading, _ in note.sections]
    return actions.headings_for(appointment.practice_id)


def _typed_text(form: NoteForm) -> str:
    """What was typed into a note form, as one text (to offer it for an addendum)."""
    parts = []
    for index, heading in enumerate(form.headings):
        text = (form.data.get(f"section_{index}") or "").strip()
        if text:
            parts.append(f"{heading}:\n{text}")
    return "\n\n".join(parts)


def _keep_after_expiry(request: HttpRequest, appointment_id: uuid.UUID) -> HttpResponse:
    """A save that arrived without a session: keep the text for its writer if we know them."""
    login_url = f"{reverse('account_login')}?next={_note_url(appointment_id)}"
    writer_id = keeper.writer_of(request.POST.get("keeper", ""), appointment_id)
    writer = User.objects.filter(pk=writer_id, is_active=True).first() if writer_id else None
    appointment = Appointment.objects.select_related("client").filter(pk=appointment_id).first()
    kept = False
    if writer is not None and appointment is not None:
        note = SessionNote.objects.filter(appointment=appointment).first()
        form = NoteForm(request.POST, headings=_headings(appointment, note))
        if form.is_valid():
            actions.keep_draft(
                user=writer,
                appointment=appointment,
                sections=form.sections(),
                risk_noted=form.risk(),
            )
            kept = True
    if _is_autosave(request):
        return JsonResponse({"kept": kept, "sign_in": login_url}, status=401)
    if kept:
        messages.info(
            request,
            "Your session had ended, so you were signed out. What you typed has been kept safely "
            "and will be in your draft when you sign in again.",
        )
    return redirect(login_url)


@login_not_required  # so that a save arriving after the session ended can still be kept
@require_http_methods(["GET", "POST"])
def note(request: StaffRequest, appointment_id: uuid.UUID) -> HttpResponse:
    if not request.user.is_authenticated:
        if request.method == "POST":
            return _keep_after_expiry(request, appointment_id)
        return redirect_to_login(request.get_full_path())
    appointment = access_note_appointment(request.user, appointment_id)
    client = appointment.client
    kept_for_addendum: KeptDraft | None = None
    if request.method == "GET":
        kept_for_addendum = actions.apply_kept(appointment=appointment, by=request.user)
    found = SessionNote.objects.filter(appointment=appointment).first()
    if found is not None and found.is_signed:
        if request.method == "POST":  # a stale tab or a crafted request: refused, text kept
            return _refuse_signed(
                request, appointment, NoteForm(request.POST, headings=_headings(appointment, found))
            )
        return _signed_note(request, appointment, found, kept_for_addendum)
    form = NoteForm(
        request.POST if request.method == "POST" else None,
        headings=_headings(appointment, found),
        initial=NoteForm.initial_for(found.sections, found.risk_noted) if found else None,
    )
    if request.method == "POST":
        if not form.is_valid():
            if _is_autosave(request):
                return JsonResponse(
                    {"saved": False, "error": "Not saved: a section is too long."}, status=400
                )
        else:
            return_value = _save_and_maybe_sign(request, appointment, form)
            if return_value is not None:
                return return_value
    else:
        actions.record_viewed(client=client, by=request.user, page="note", target=found)
    return render(
        request,
        "notes/note_form.html",
        {
            "client": client,
            "appointment": appointment,
            "note": found,
            "form": form,
            "keeper": keeper.token_for(request.user, appointment.pk),
            "is_author": found is None or found.author_id == request.user.pk,
        },
        status=400 if form.errors else 200,
    )


def _save_and_maybe_sign(
    request: StaffRequest, appointment: Appointment, form: NoteForm
) -> HttpResponse | None:
    """Save the draft, then sign it if asked. None means: show the form again with its errors."""
    autosave = _is_autosave(request)
    try:
        saved = actions.save_draft(
            appointment=appointment,
            sections=form.sections(),
            risk_noted=form.risk(),
            by=request.user,
            how="autosaved" if autosave else "saved",
        )
    except actions.NoteIsSigned:
        return _refuse_signed(request, appointment, form)
    except (ValidationError, PermissionDenied) as error:
        message = " ".join(getattr(error, "messages", None) or [str(error)])
        if autosave:
            return JsonResponse({"saved": False, "error": message}, status=400)
        form.add_error(None, message)
        return None
    if autosave:
        at = timezone.localtime(saved.updated_at).strftime("%H:%M")
        return JsonResponse({"saved": True, "version": saved.version, "at": at})
    if "sign" not in request.POST:
        messages.success(request, "Draft saved.")
        return redirect(_note_url(appointment.pk))
    try:
        actions.sign_note(appointment=appointment, by=request.user)
    except actions.NoteIsSigned:
        return _refuse_signed(request, appointment, form)
    except (ValidationError, PermissionDenied) as error:
        message = " ".join(getattr(error, "messages", None) or [str(error)])
        form.add_error(None, f"Your draft is saved, but it has not been signed: {message}")
        return None
    messages.success(
        request, "Signed. The note is now locked; add an addendum if anything changes."
    )
    return redirect(_note_url(appointment.pk))


def _refuse_signed(request: StaffRequest, appointment: Appointment, form: NoteForm) -> HttpResponse:
    """A change to a signed note (a stale tab, or a crafted request): refuse, keep the text."""
    actions.record_refusal(appointment=appointment, by=request.user, attempted="edit")
    if _is_autosave(request):
        return JsonResponse(
            {"saved": False, "error": "This note has been signed, so it can no longer change."},
            status=409,
        )
    found = SessionNote.objects.get(appointment=appointment)
    return _signed_note(
        request,
        appointment,
        found,
        None,
        refused_text=_typed_text(form),
        status=409,
    )


def _signed_note(
    request: StaffRequest,
    appointment: Appointment,
    found: SessionNote,
    kept: KeptDraft | None,
    *,
    refused_text: str = "",
    addendum_form: AddendumForm | None = None,
    status: int = 200,
) -> HttpResponse:
    if addendum_form is None:
        initial = refused_text
        if kept is not None:
            initial = "\n\n".join(
                f"{heading}:\n{text}" for heading, text in kept.sections if text.strip()
            )
        addendum_form = AddendumForm(initial={"text": initial} if initial else None)
    if status == 200:
        actions.record_viewed(client=appointment.client, by=request.user, page="note", target=found)
    return render(
        request,
        "notes/note_signed.html",
        {
            "client": appointment.client,
            "appointment": appointment,
            "note": found,
            "addenda": selectors.addenda_for(found),
            "addendum_form": addendum_form,
            "refused": bool(refused_text) or status == 409,
            "kept": kept,
        },
        status=status,
    )


@require_POST
def addendum(request: StaffRequest, appointment_id: uuid.UUID) -> HttpResponse:
    appointment = access_note_appointment(request.user, appointment_id)
    form = AddendumForm(request.POST)
    found = SessionNote.objects.filter(appointment=appointment).first()
    if form.is_valid():
        try:
            actions.add_addendum(
                appointment=appointment, text=form.cleaned_data["text"], by=request.user
            )
        except ValidationError as error:
            _show_errors(form, error)
        else:
            messages.success(request, "Addendum added.")
            return redirect(_note_url(appointment.pk))
    if found is None or not found.is_signed:
        # An addendum to a draft: say why, and keep what was typed by showing it again.
        return render(
            request,
            "notes/addendum_refused.html",
            {"client": appointment.client, "appointment": appointment, "form": form},
            status=400,
        )
    return _signed_note(request, appointment, found, None, addendum_form=form, status=400)


@require_http_methods(["GET"])
def history(request: StaffRequest, appointment_id: uuid.UUID) -> HttpResponse:
    appointment = access_note_appointment(request.user, appointment_id)
    found = SessionNote.objects.filter(appointment=appointment).first()
    if found is None:
        raise Http404("Nothing here.")
    versions, addenda = selectors.note_with_history(found)
    actions.record_viewed(client=appointment.client, by=request.user, page="history", target=found)
    return render(
        request,
        "notes/history.html",
        {
            "client": appointment.client,
            "appointment": appointment,
            "note": found,
            "versions": versions,
            "addenda": addenda,
        },
    )


@require_http_methods(["GET"])
def timeline(request: StaffRequest, client_id: uuid.UUID) -> HttpResponse:
    client = access_notes_client(request.user, client_id)
    actions.record_viewed(client=client, by=request.user, page="timeline")
    page = Paginator(selectors.notes_for(client), settings.FRAME_PAGE_SIZE).get_page(
        request.GET.get("page")
    )
    return render(request, "notes/timeline.html", {"client": client, "page": page})


@owner_required
@require_http_methods(["GET", "POST"])
def template(request: StaffRequest) -> HttpResponse:
    membership = request.user.active_membership
    if membership is None:
        raise Http404("Nothing here.")
    current = actions.headings_for(membership.practice_id)
    form = TemplateForm(
        request.POST if request.method == "POST" else None,
        initial={"headings": "\n".join(current)},
    )
    if request.method == "POST" and form.is_valid():
        try:
            actions.set_template(
                practice=membership.practice, headings=form.heading_list(), by=request.user
            )
        except ValidationError as error:
            _show_errors(form, error)
        else:
            messages.success(request, "Headings saved. New notes will use them.")
            return redirect(reverse("notes:template"))
    return render(
        request,
        "notes/template.html",
        {"form": form, "defaults": actions.DEFAULT_HEADINGS},
        status=400 if form.errors else 200,
    )


def _session_choices(client: Any) -> list[tuple[str, str]]:
    recent = Appointment.objects.filter(client=client).order_by("-starts_at")[:30]
    return [
        (str(a.pk), timezone.localtime(a.starts_at).strftime("%-d %b %Y, %H:%M")) for a in recent
    ]


def _chosen_appointment(client: Any, value: str) -> Appointment | None:
    if not value:
        return None
    try:
        return Appointment.objects.get(client=client, pk=uuid.UUID(value))
    except (ValueError, Appointment.DoesNotExist):
        return None


@require_http_methods(["GET", "POST"])
def process_notes(request: StaffRequest, client_id: uuid.UUID) -> HttpResponse:
    client = access_notes_client(request.user, client_id)
    form = ProcessNoteForm(
        request.POST if request.method == "POST" else None, sessions=_session_choices(client)
    )
    if request.method == "POST" and form.is_valid():
        try:
            actions.save_process_note(
                client=client,
                text=form.cleaned_data["text"],
                appointment=_chosen_appointment(client, form.cleaned_data["appointment"]),
                by=request.user,
            )
        except ValidationError as error:
            _show_errors(form, error)
        else:
            messages.success(request, "Process note saved.")
            return redirect(reverse("notes:process", args=[client.pk]))
    if request.method == "GET":
        actions.record_viewed(client=client, by=request.user, page="process")
    page = Paginator(
        selectors.process_notes_for(client, request.user), settings.FRAME_PAGE_SIZE
    ).get_page(request.GET.get("page"))
    return render(
        request,
        "notes/process_notes.html",
        {"client": client, "page": page, "form": form, "disclosure": DISCLOSURE},
        status=400 if form.errors else 200,
    )


@require_http_methods(["GET", "POST"])
def process_note(
    request: StaffRequest, client_id: uuid.UUID, process_note_id: uuid.UUID
) -> HttpResponse:
    found = access_process_note(request.user, client_id, process_note_id)
    client = found.client
    form = ProcessNoteForm(
        request.POST if request.method == "POST" else None,
        sessions=_session_choices(client),
        initial={"text": found.text, "appointment": str(found.appointment_id or "")},
    )
    if request.method == "POST" and form.is_valid():
        try:
            actions.save_process_note(
                client=client,
                text=form.cleaned_data["text"],
                appointment=_chosen_appointment(client, form.cleaned_data["appointment"]),
                note=found,
                by=request.user,
            )
        except ValidationError as error:
            _show_errors(form, error)
        else:
            messages.success(request, "Process note saved.")
            return redirect(reverse("notes:process", args=[client.pk]))
    if request.method == "GET":
        actions.record_viewed(client=client, by=request.user, page="process", target=found)
    return render(
        request,
        "notes/process_note.html",
        {"client": client, "note": found, "form": form, "disclosure": DISCLOSURE},
        status=400 if form.errors else 200,
    )


@require_http_methods(["GET", "POST"])
def goals(request: StaffRequest, client_id: uuid.UUID) -> HttpResponse:
    client = access_notes_client(request.user, client_id)
    form = GoalForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        try:
            actions.add_goal(
                client=client,
                words=form.cleaned_data["words"],
                agreed_on=form.cleaned_data["agreed_on"],
                rating=form.cleaned_data["rating"],
                by=request.user,
            )
        except ValidationError as error:
            _show_errors(form, error)
        else:
            messages.success(request, "Goal added.")
            return redirect(reverse("notes:goals", args=[client.pk]))
    if request.method == "GET":
        actions.record_viewed(client=client, by=request.user, page="goals")
    return render(
        request,
        "notes/goals.html",
        {"client": client, "goals": selectors.goals_for(client), "form": form},
        status=400 if form.errors else 200,
    )


@require_http_methods(["GET", "POST"])
def goal(request: StaffRequest, client_id: uuid.UUID, goal_id: uuid.UUID) -> HttpResponse:
    found = access_goal(request.user, client_id, goal_id)
    client = found.client
    form = RatingForm(
        request.POST if request.method == "POST" and "close" not in request.POST else None
    )
    if request.method == "POST":
        try:
            if "close" in request.POST:
                actions.close_goal(goal=found, closed_on=timezone.localdate(), by=request.user)
                messages.success(request, "Goal closed. Its ratings stay in the record.")
                return redirect(reverse("notes:goals", args=[client.pk]))
            if form.is_valid():
                actions.rate_goal(
                    goal=found,
                    rating=form.cleaned_data["rating"],
                    rated_on=form.cleaned_data["rated_on"],
                    occasion=form.cleaned_data["occasion"],
                    by=request.user,
                )
                messages.success(request, "Rating recorded.")
                return redirect(reverse("notes:goal", args=[client.pk, found.pk]))
        except ValidationError as error:
            _show_errors(form, error)
    else:
        actions.record_viewed(client=client, by=request.user, page="goals", target=found)
    summary = next(s for s in selectors.goals_for(client) if s.goal.pk == found.pk)
    return render(
        request,
        "notes/goal.html",
        {"client": client, "summary": summary, "goal": found, "form": form},
        status=400 if form.errors else 200,
    )


@require_http_methods(["GET", "POST"])
def search_notes(request: StaffRequest) -> HttpResponse:
    """Search your own signed notes. The words are sent by POST, so they never appear in an
    address: addresses end up in browser history and server logs. The audit trail records that
    a search happened and how many notes it found, never the words."""
    membership = request.user.active_membership
    if membership is None or not membership.is_clinical:
        raise Http404("Nothing here.")
    form = SearchForm(request.POST if request.method == "POST" else None)
    page = None
    words: list[str] = []
    if request.method == "POST" and form.is_valid():
        try:
            words = search.query_words(form.cleaned_data["q"])
        except search.QueryProblem as problem:
            form.add_error("q", str(problem))
        else:
            paginator = Paginator(search.search(request.user, words), settings.FRAME_PAGE_SIZE)
            page = paginator.get_page(form.cleaned_data.get("page") or 1)
            actions.record_search(
                by=request.user, words=len(words), results=paginator.count, page=page.number
            )
    results = (
        [(note, search.excerpt(note, words)) for note in page.object_list]
        if page is not None
        else []
    )
    return render(
        request,
        "notes/search.html",
        {"form": form, "page": page, "searched": page is not None, "results": results},
        status=400 if form.errors else 200,
    )
