"""The "before we meet" brief: one page per appointment, and the same as a PDF to print.

The appointment comes only through access.py (the client's care team; a 404 for anyone else).
Reading a brief is recorded in the audit trail, as reading a note is.
"""

from __future__ import annotations

import uuid
from typing import Any

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.utils.http import content_disposition_header
from django.views.decorators.http import require_GET

from frame.brief import actions, sections
from frame.brief.access import access_brief
from frame.brief.sections import BriefSubject
from frame.lib.pdf import render_pdf


def _context(subject: BriefSubject) -> dict[str, Any]:
    return {
        "subject": subject,
        "appointment": subject.appointment,
        "client": subject.client,
        "sections": sections.sections_for(subject),
        "prepared_at": timezone.now(),
    }


def _keys(context: dict[str, Any]) -> list[str]:
    return [rendered.section.key for rendered in context["sections"]]


@require_GET
def appointment(request: HttpRequest, appointment_id: uuid.UUID) -> HttpResponse:
    subject = access_brief(request.user, appointment_id)
    context = _context(subject)
    actions.record_viewed(subject=subject, sections=_keys(context))
    return render(request, "brief/brief.html", context)


@require_GET
def appointment_pdf(request: HttpRequest, appointment_id: uuid.UUID) -> HttpResponse:
    subject = access_brief(request.user, appointment_id)
    context = _context(subject)
    content = render_pdf("brief/pdf.html", {**context, "pdf": True})
    actions.record_downloaded(subject=subject, sections=_keys(context))
    # A plain file name: never the client's name, which would show in download lists.
    when = timezone.localtime(subject.appointment.starts_at)
    filename = f"brief-{subject.client.case_code}-{when:%Y-%m-%d-%H%M}.pdf"
    response = HttpResponse(content, content_type="application/pdf")
    response["Content-Disposition"] = (
        content_disposition_header(as_attachment=True, filename=filename) or "attachment"
    )
    response["X-Content-Type-Options"] = "nosniff"
    return response
