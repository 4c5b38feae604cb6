"""Pages for the supervision log, cases discussed, preparation packs and supervisor access.

Records come only through access.py and change only through actions.py. For anyone but their
practitioner every page about a log or pack is the same 404; a supervisor reaches only the
packs shared with them, while the share lasts.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import re
import uuid
from typing import Any

from django.conf import settings
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.http import content_disposition_header
from django.views.decorators.http import require_http_methods, require_POST

from frame.accounts.models import User
from frame.clients.access import Section, access_client, clients_for
from frame.lib.forms import show_refusal
from frame.lib.pdf import render_pdf
from frame.lib.spreadsheet import safe_cell
from frame.supervision import actions, packs, rules, selectors
from frame.supervision.access import (
    access_action,
    access_pack,
    access_shared_pack,
    access_supervision,
    is_supervisor,
    live_shares_for,
    own_notes_for,
    packs_for,
    require_supervisee,
    require_supervisor,
    supervisions_for,
    supervisors_for,
)
from frame.supervision.forms import (
    BreakForm,
    CaseForm,
    ErrorForm,
    NoteForm,
    PackForm,
    RequirementForm,
    ShareForm,
    SupervisionForm,
)
from frame.supervision.models import PackShare, SupervisorNote

CASES_LIMIT = 300


class StaffRequest(HttpRequest):
    user: User


def _posted(request: HttpRequest) -> Any:
    return request.POST if request.method == "POST" else None


def _page(request: HttpRequest, items: Any) -> Any:
    return Paginator(items, settings.FRAME_PAGE_SIZE).get_page(request.GET.get("page"))


def _attachment(content: bytes, content_type: str, filename: str) -> HttpResponse:
    response = HttpResponse(content, content_type=content_type)
    response["Content-Disposition"] = (
        content_disposition_header(as_attachment=True, filename=filename) or "attachment"
    )
    response["X-Content-Type-Options"] = "nosniff"
    return response


# --- The log ------------------------------------------------------------------------------------


def log(request: StaffRequest) -> HttpResponse:
    require_supervisee(request.user)
    first, last = selectors.recent_months()
    overview = selectors.overview(request.user, first, last)
    entries = _page(
        request,
        supervisions_for(request.user).order_by("-held_on", "-recorded_at"),
    )
    actions.record_viewed(by=request.user, page="log")
    return render(
        request,
        "supervision/log.html",
        {
            "overview": overview,
            "months": list(reversed(overview.months)),
            "page": entries,
            "first": first,
            "last": last,
        },
    )


@require_http_methods(["GET", "POST"])
def supervision_new(request: StaffRequest) -> HttpResponse:
    require_supervisee(request.user)
    form = SupervisionForm(_posted(request), initial={"kind": "individual", "minutes": 60})
    if request.method == "POST" and form.is_valid():
        try:
            made = actions.record_supervision(by=request.user, **form.cleaned_data)
        except ValidationError as error:
            show_refusal(form, error)
        else:
            messages.success(
                request,
                f"Supervision recorded: {made.creditable_display} creditable.",
            )
            return redirect("supervision:detail", supervision_id=made.pk)
    return render(request, "supervision/supervision_form.html", {"form": form})


def supervision_detail(request: StaffRequest, supervision_id: uuid.UUID) -> HttpResponse:
    supervision = access_supervision(request.user, supervision_id)
    discussions = list(
        supervision.discussions.select_related("client")
        .prefetch_related("actions")
        .only("id", "discussed", "learnt", "recorded_at", "supervision_id", "client__case_code")
    )
    actions.record_viewed(by=request.user, page="supervision", target=supervision)
    return render(
        request,
        "supervision/supervision_detail.html",
        {"supervision": supervision, "discussions": discussions},
    )


@require_http_methods(["GET", "POST"])
def supervision_error(request: StaffRequest, supervision_id: uuid.UUID) -> HttpResponse:
    supervision = access_supervision(request.user, supervision_id)
    if supervision.in_error:
        return redirect("supervision:detail", supervision_id=supervision.pk)
    form = ErrorForm(_posted(request))
    if request.method == "POST" and form.is_valid():
        try:
            actions.mark_in_error(
                supervision=supervision, by=request.user, reason=form.cleaned_data["reason"]
            )
        except ValidationError as error:
            show_refusal(form, error)
        else:
            messages.success(request, "The entry is now marked as recorded in error.")
            return redirect("supervision:log")
    return render(
        request, "supervision/error_form.html", {"supervision": supervision, "form": form}
    )


def _cases(user: User) -> list[tuple[str, str]]:
    rows = (
        clients_for(user, section=Section.CLINICAL)
        .order_by("case_code")
        .values_list("pk", "case_code")[:CASES_LIMIT]
    )
    return [(str(pk), code) for pk, code in rows]


@require_http_methods(["GET", "POST"])
def case_new(request: StaffRequest, supervision_id: uuid.UUID) -> HttpResponse:
    supervision = access_supervision(request.user, supervision_id)
    if supervision.in_error:
        return redirect("supervision:detail", supervision_id=supervision.pk)
    form = CaseForm(_posted(request), cases=_cases(request.user))
    if request.method == "POST" and form.is_valid():
        client = access_client(request.user, form.cleaned_data["client"], section=Section.CLINICAL)
        try:
            actions.add_case(
                supervision=supervision,
                by=request.user,
                client=client,
                discussed=form.cleaned_data["discussed"],
                learnt=form.cleaned_data["learnt"],
                actions=form.action_lines(),
            )
        except ValidationError as error:
            show_refusal(form, error)
        else:
            messages.success(request, f"Case {client.case_code} added to this supervision.")
            return redirect("supervision:detail", supervision_id=supervision.pk)
    return render(request, "supervision/case_form.html", {"supervision": supervision, "form": form})


@require_POST
def action_done(
    request: StaffRequest, client_id: uuid.UUID, supervision_action_id: uuid.UUID
) -> HttpResponse:
    action = access_action(request.user, client_id, supervision_action_id)
    actions.mark_action_done(action=action, by=request.user)
    messages.success(request, "Marked done.")
    return redirect(reverse("clients:card", args=[action.client.pk]) + "#supervision-actions")


@require_http_methods(["GET", "POST"])
def requirement(request: StaffRequest) -> HttpResponse:
    require_supervisee(request.user)
    current = actions.requirement_for(request.user)
    form = RequirementForm(
        _posted(request),
        initial={"rule": current.rule.value, "monthly_minutes": current.monthly_minutes},
    )
    if request.method == "POST" and form.is_valid():
        try:
            actions.set_requirement(by=request.user, **form.cleaned_data)
        except ValidationError as error:
            show_refusal(form, error)
        else:
            messages.success(request, "Your supervision requirement is saved.")
            return redirect("supervision:log")
    return render(request, "supervision/requirement_form.html", {"form": form})


@require_http_methods(["GET", "POST"])
def break_new(request: StaffRequest) -> HttpResponse:
    require_supervisee(request.user)
    form = BreakForm(_posted(request))
    if request.method == "POST" and form.is_valid():
        try:
            made = actions.record_break(by=request.user, **form.cleaned_data)
        except ValidationError as error:
            show_refusal(form, error)
        else:
            messages.success(request, f"{made.month:%B %Y} is documented as a break.")
            return redirect("supervision:log")
    return render(request, "supervision/break_form.html", {"form": form})


# --- The printable record -----------------------------------------------------------------------

MONTH_PARAM = re.compile(r"(\d{4})-(\d{2})")


def _period(request: HttpRequest) -> tuple[dt.date, dt.date]:
    """?from=2026-01&to=2026-12, or the last twelve months. Anything odd falls back."""
    first, last = selectors.recent_months()
    chosen = []
    for name, default in (("from", first), ("to", last)):
        found = MONTH_PARAM.fullmatch(request.GET.get(name, ""))
        month = default
        if found and 1 <= int(found.group(2)) <= 12 and int(found.group(1)) >= 2000:
            month = dt.date(int(found.group(1)), int(found.group(2)), 1)
        chosen.append(month)
    start, end = chosen
    if start > end or len(rules.months_between(start, end)) > 60:
        return first, last
    return start, end


def _record_context(user: User, first: dt.date, last: dt.date) -> dict[str, Any]:
    overview = selectors.overview(user, first, last)
    return {
        "practitioner": user,
        "overview": overview,
        "entries": selectors.log_between(user, first, last),
        "first": first,
        "last": last,
        "today": timezone.localdate(),
    }


def record_pdf(request: StaffRequest) -> HttpResponse:
    require_supervisee(request.user)
    first, last = _period(request)
    content = render_pdf("supervision/pdf/record.html", _record_context(request.user, first, last))
    actions.record_export(by=request.user, what="record_pdf")
    return _attachment(
        content, "application/pdf", f"supervision-record-{first:%Y-%m}-to-{last:%Y-%m}.pdf"
    )


def record_csv(request: StaffRequest) -> HttpResponse:
    require_supervisee(request.user)
    first, last = _period(request)
    context = _record_context(request.user, first, last)
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(
        [
            "Date",
            "Kind",
            "Minutes",
            "Group size",
            "Creditable minutes",
            "Supervisor",
            "Cases discussed",
        ]
    )
    for entry in context["entries"]:
        writer.writerow(
            [
                safe_cell(entry.held_on.isoformat()),
                safe_cell(entry.get_kind_display()),
                safe_cell(entry.minutes),
                safe_cell(entry.group_size or ""),
                safe_cell(rules.whole_minutes(entry.creditable)),
                safe_cell(entry.supervisor_name),
                safe_cell(" ".join(entry.case_codes)),
            ]
        )
    writer.writerow([])
    writer.writerow(["Month", "Creditable minutes", "Needed minutes", "Status", "Notes"])
    for month in context["overview"].months:
        writer.writerow(
            [
                safe_cell(f"{month.month:%Y-%m}"),
                safe_cell(rules.whole_minutes(month.creditable)),
                safe_cell(rules.whole_minutes(month.needed)),
                safe_cell(month.status.value),
                safe_cell("; ".join(month.reasons)),
            ]
        )
    actions.record_export(by=request.user, what="record_csv")
    return _attachment(
        out.getvalue().encode("utf-8-sig"),
        "text/csv; charset=utf-8",
        f"supervision-record-{first:%Y-%m}-to-{last:%Y-%m}.csv",
    )


# --- Packs --------------------------------------------------------------------------------------


def pack_list(request: StaffRequest) -> HttpResponse:
    require_supervisee(request.user)
    page = _page(request, packs_for(request.user).defer("content"))
    shares = PackShare.objects.filter(pack__in=[p.pk for p in page]).select_related("supervisor")
    by_pack: dict[Any, list[PackShare]] = {}
    for share in shares:
        by_pack.setdefault(share.pack_id, []).append(share)
    for pack in page:
        pack.share_list = by_pack.get(pack.pk, [])
    actions.record_viewed(by=request.user, page="packs")
    return render(request, "supervision/packs.html", {"page": page})


@require_http_methods(["GET", "POST"])
def pack_new(request: StaffRequest) -> HttpResponse:
    require_supervisee(request.user)
    events = list(packs.events_to_take(request.user)[: packs.CASELOAD_LIMIT])
    flags = list(packs.flags_to_take(request.user)[: packs.CASELOAD_LIMIT])
    caseload = list(packs.caseload(request.user)[: packs.CASELOAD_LIMIT])
    form = PackForm(
        _posted(request),
        events=[
            (str(e.pk), f"{e.client.case_code}: {e.get_kind_display()}, {e.occurred_on:%B %Y}")
            for e in events
        ],
        flags=[
            (str(f.pk), f"{f.client.case_code}: {f.get_source_display()}, {f.raised_at:%B %Y}")
            for f in flags
        ],
        clients=[(str(c.pk), c.case_code) for c in caseload],
    )
    if request.method == "POST" and form.is_valid():
        try:
            pack = actions.build_pack(
                by=request.user,
                chosen=packs.Chosen(
                    client_ids=form.cleaned_data["clients"],
                    event_ids=form.cleaned_data["events"],
                    flag_ids=form.cleaned_data["flags"],
                    genders=form.genders(),
                ),
            )
        except ValidationError as error:
            show_refusal(form, error)
        else:
            messages.success(request, "Your preparation pack is ready. Check it before sharing.")
            return redirect("supervision:pack", supervision_pack_id=pack.pk)
    return render(request, "supervision/pack_form.html", {"form": form})


def pack_detail(request: StaffRequest, supervision_pack_id: uuid.UUID) -> HttpResponse:
    pack = access_pack(request.user, supervision_pack_id)
    shares = list(pack.shares.select_related("supervisor"))
    actions.record_viewed(by=request.user, page="pack", target=pack)
    return render(
        request,
        "supervision/pack.html",
        {"pack": pack, "content": selectors.pack_content(pack), "shares": shares},
    )


def pack_pdf(request: StaffRequest, supervision_pack_id: uuid.UUID) -> HttpResponse:
    pack = access_pack(request.user, supervision_pack_id)
    content = render_pdf(
        "supervision/pdf/pack.html", {"pack": pack, "content": selectors.pack_content(pack)}
    )
    actions.record_export(by=request.user, what="pack_pdf", target=pack)
    return _attachment(
        content, "application/pdf", f"supervision-pack-{pack.created_at:%Y-%m-%d}.pdf"
    )


@require_http_methods(["GET", "POST"])
def pack_share(request: StaffRequest, supervision_pack_id: uuid.UUID) -> HttpResponse:
    pack = access_pack(request.user, supervision_pack_id)
    supervisors = list(supervisors_for(request.user))
    form = ShareForm(
        _posted(request),
        supervisors=[(str(s.pk), s.full_name or s.email) for s in supervisors],
    )
    if request.method == "POST" and form.is_valid():
        chosen = next(
            (s for s in supervisors if str(s.pk) == form.cleaned_data["supervisor"]), None
        )
        try:
            actions.share_pack(
                pack=pack,
                by=request.user,
                supervisor=chosen,
                expires_on=form.cleaned_data["expires_on"],
            )
        except ValidationError as error:
            show_refusal(form, error)
        else:
            messages.success(
                request,
                f"Shared with {chosen} until {form.cleaned_data['expires_on']:%d %B %Y}.",
            )
            return redirect("supervision:pack", supervision_pack_id=pack.pk)
    return render(
        request,
        "supervision/share_form.html",
        {"pack": pack, "form": form, "supervisors": supervisors},
    )


@require_POST
def pack_withdraw(request: StaffRequest, supervision_pack_id: uuid.UUID) -> HttpResponse:
    pack = access_pack(request.user, supervision_pack_id)
    share_id = _share_id(request.POST.get("share"))
    share = pack.shares.filter(pk=share_id).first() if share_id is not None else None
    if share is not None:
        share.pack = pack
        actions.withdraw_share(share=share, by=request.user)
        messages.success(request, "The share is withdrawn: your supervisor can no longer open it.")
    return redirect("supervision:pack", supervision_pack_id=pack.pk)


def _share_id(value: Any) -> uuid.UUID | None:
    try:
        return uuid.UUID(str(value))
    except (ValueError, TypeError):
        return None


# --- Supervisors --------------------------------------------------------------------------------


def shared_list(request: StaffRequest) -> HttpResponse:
    require_supervisor(request.user)
    page = _page(
        request,
        live_shares_for(request.user)
        .select_related("pack", "pack__practitioner")
        .defer("pack__content")
        .order_by("-shared_at", "-id"),
    )
    return render(request, "supervision/shared_list.html", {"page": page})


@require_http_methods(["GET", "POST"])
def shared_pack(request: StaffRequest, supervision_pack_id: uuid.UUID) -> HttpResponse:
    if (
        not is_supervisor(request.user)
        and packs_for(request.user).filter(pk=supervision_pack_id).exists()
    ):
        # The pack's own practitioner, following a supervisor's link: their own page has it.
        return redirect("supervision:pack", supervision_pack_id=supervision_pack_id)
    share = access_shared_pack(request.user, supervision_pack_id)
    form = NoteForm(_posted(request))
    if request.method == "POST" and form.is_valid():
        try:
            actions.add_supervisor_note(
                share=share, by=request.user, text=form.cleaned_data["text"]
            )
        except ValidationError as error:
            show_refusal(form, error)
        else:
            messages.success(request, "Your note is saved. Only you can see it.")
            return redirect("supervision:shared_pack", supervision_pack_id=share.pack_id)
    if request.method == "GET":
        actions.record_shared_viewed(share=share, by=request.user)
    notes = list(SupervisorNote.objects.filter(pack=share.pack, author=request.user)[:50])
    return render(
        request,
        "supervision/shared_pack.html",
        {
            "share": share,
            "pack": share.pack,
            "content": selectors.pack_content(share.pack),
            "form": form,
            "notes": notes,
        },
    )


def shared_notes(request: StaffRequest) -> HttpResponse:
    require_supervisor(request.user)
    page = _page(
        request,
        own_notes_for(request.user)
        .select_related("pack", "pack__practitioner")
        .defer("pack__content"),
    )
    return render(request, "supervision/shared_notes.html", {"page": page})
