"""The current request's id and source address, for audit events written deep inside actions."""

from __future__ import annotations

import contextlib
import contextvars
from collections.abc import Iterator
from dataclasses import dataclass

from django.conf import settings
from django.http import HttpRequest


@dataclass(frozen=True)
class RequestContext:
    request_id: str = ""
    source_ip: str = ""


_current: contextvars.ContextVar[RequestContext] = contextvars.ContextVar(
    "frame_request_context",
    default=RequestContext(),  # noqa: B039 (frozen, so safe to share)
)


def current() -> RequestContext:
    return _current.get()


@contextlib.contextmanager
def bind_request_context(context: RequestContext) -> Iterator[None]:
    token = _current.set(context)
    try:
        yield
    finally:
        _current.reset(token)


def client_ip(request: HttpRequest) -> str:
    """REMOTE_ADDR, or the address the configured number of trusted proxies saw."""
    proxies = getattr(settings, "ALLAUTH_TRUSTED_PROXY_COUNT", 0)
    if proxies:
        forwarded = [
            p.strip() for p in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",") if p.strip()
        ]
        if len(forwarded) >= proxies:
            return str(forwarded[-proxies])
    return str(request.META.get("REMOTE_ADDR", ""))
