"""Cross-cutting middleware: request ids for the audit trail, and no caching of private pages."""

from __future__ import annotations

import uuid
from collections.abc import Callable

from django.http import HttpRequest, HttpResponse

from frame.lib.requestcontext import RequestContext, bind_request_context, client_ip

Handler = Callable[[HttpRequest], HttpResponse]


def request_id(get_response: Handler) -> Handler:
    def middleware(request: HttpRequest) -> HttpResponse:
        rid = uuid.uuid4().hex
        request.request_id = rid  # type: ignore[attr-defined]
        with bind_request_context(RequestContext(request_id=rid, source_ip=client_ip(request))):
            response = get_response(request)
        response["X-Request-Id"] = rid
        return response

    return middleware


def no_store_when_authenticated(get_response: Handler) -> Handler:
    """Private pages must never sit in a browser or proxy cache."""

    def middleware(request: HttpRequest) -> HttpResponse:
        response = get_response(request)
        user = getattr(request, "user", None)
        if (user is not None and user.is_authenticated) or request.session.session_key:
            response["Cache-Control"] = "no-store"
            response["Pragma"] = "no-cache"
        return response

    return middleware
