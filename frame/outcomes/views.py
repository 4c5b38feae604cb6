"""The service outcomes report (page and CSV), one client's episode, and the FHIR download.

The report shows counts only. Who sees what is decided in access.py; every page and download is
audited, with the period and scope but never a figure.
"""

from __future__ import annotations

import datetime as dt
import uuid

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_GET

from frame.accounts.models import User
from frame.lib.spreadsheet import Cell, to_csv
from frame.measures.models import Administration
from frame.outcomes import actions, fhir
from frame.outcomes.access import ReportScope, access_client_for_outcomes, report_scope
from frame.outcomes.episodes import client_episode
from frame.outcomes.forms import period_form
from frame.outcomes.report import Outcomes, practitioners_of, service_outcomes


class StaffRequest(HttpRequest):
    user: User


def _outcomes(
    scope: ReportScope, user: User, start: dt.date, end: dt.date
) -> tuple[Outcomes, list[Outcomes]]:
    if scope.whole_practice:
        people = practitioners_of(scope.practice_id)
        return service_outcomes(
            scope.practice_id, start, end, practitioners=people, whole_practice=True
        )
    return service_outcomes(
        scope.practice_id,
        start,
        end,
        practitioners=[(user.pk, user.full_name or user.email)],
        whole_practice=False,
        label="Your caseload",
    )


@require_GET
def report(request: StaffRequest) -> HttpResponse:
    scope = report_scope(request.user)
    form = period_form(request.GET)
    context: dict[str, object] = {"form": form, "scope": scope}
    status = 200
    if form.is_valid():
        start, end = form.cleaned_data["start"], form.cleaned_data["end"]
        overall, per_practitioner = _outcomes(scope, request.user, start, end)
        actions.report_viewed(
            by=request.user, start=start, end=end, whole_practice=scope.whole_practice
        )
        context |= {
            "start": start,
            "end": end,
            "overall": overall,
            "per_practitioner": per_practitioner,
            "convention": overall.convention,
        }
    else:
        status = 400
    return render(request, "outcomes/report.html", context, status=status)


def _csv_rows(
    overall: Outcomes, per_practitioner: list[Outcomes], start: dt.date, end: dt.date
) -> list[list[Cell]]:
    rates = [rate.label for rate in overall.rates()]
    header: list[Cell] = ["Group", "Episodes", "Finished (2+ attended sessions)"]
    for label in rates:
        header += [f"{label}: count", f"{label}: out of", f"{label}: %"]
    rows: list[list[Cell]] = [
        ["Service outcomes report", f"{start.isoformat()} to {end.isoformat()}"],
        ["Convention", overall.convention.source],
        [],
        header,
    ]
    for group in [overall, *per_practitioner]:
        row: list[Cell] = [group.label, group.counts["episodes"], group.counts["finished"]]
        for rate in group.rates():
            percent = rate.percent
            row += [
                rate.numerator,
                rate.denominator,
                None if percent is None else round(percent, 1),
            ]
        rows.append(row)
    return rows


@require_GET
def report_csv(request: StaffRequest) -> HttpResponse:
    scope = report_scope(request.user)
    form = period_form(request.GET)
    if not form.is_valid():
        return render(request, "outcomes/report.html", {"form": form, "scope": scope}, status=400)
    start, end = form.cleaned_data["start"], form.cleaned_data["end"]
    overall, per_practitioner = _outcomes(scope, request.user, start, end)
    actions.report_exported(
        by=request.user, start=start, end=end, whole_practice=scope.whole_practice
    )
    response = HttpResponse(
        to_csv(_csv_rows(overall, per_practitioner, start, end)),
        content_type="text/csv; charset=utf-8",
    )
    name = f"service-outcomes-{start.isoformat()}-to-{end.isoformat()}.csv"
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    return response


@require_GET
def client_outcome(request: StaffRequest, client_id: uuid.UUID) -> HttpResponse:
    client = access_client_for_outcomes(request.user, client_id)
    actions.client_viewed(by=request.user, client=client)
    item = client_episode(client)
    return render(
        request,
        "outcomes/client.html",
        {"client": client, "item": item, "episode": item.episode},
    )


@require_GET
def client_fhir(request: StaffRequest, client_id: uuid.UUID) -> HttpResponse:
    client = access_client_for_outcomes(request.user, client_id)
    administrations = list(
        Administration.objects.filter(client=client).order_by("completed_on", "recorded_at")
    )
    bundle = fhir.bundle_for(client, administrations, practice_id=client.practice_id)
    body = fhir.validated_json(bundle)
    actions.fhir_exported(
        by=request.user,
        client=client,
        administrations=len(administrations),
        instruments=list({a.instrument for a in administrations}),
    )
    response = HttpResponse(body, content_type=f"{fhir.MEDIA_TYPE}; charset=utf-8")
    response["Content-Disposition"] = (
        f'attachment; filename="questionnaires-{client.case_code}.fhir.json"'
    )
    return response
