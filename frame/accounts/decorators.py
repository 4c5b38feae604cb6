"""View decorators: owner-only pages, and "sudo mode" before sensitive actions."""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from typing import Any, TypeVar, cast

from allauth.account.decorators import reauthentication_required
from django.http import Http404, HttpRequest, HttpResponse

View = TypeVar("View", bound=Callable[..., HttpResponse])


def owner_required(view: View) -> View:
    """Only the practice's active owners; everyone else gets the same 404 as a missing page."""

    @wraps(view)
    def wrapper(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        membership = getattr(request.user, "active_membership", None)
        if membership is None or not membership.is_owner:
            raise Http404
        return view(request, *args, **kwargs)

    return cast(View, wrapper)


def sudo_required(view: View) -> View:
    """Ask the person to confirm it is them (password, or a two-step code) before going on.

    Built on allauth's re-authentication: it passes if they confirmed within
    ACCOUNT_REAUTHENTICATION_TIMEOUT (ten minutes); otherwise they are sent to confirm, and a POST
    they had made is replayed afterwards, so nothing they chose is lost. Signing in does not count:
    this proves the person is still at the keyboard now, not that they were some hours ago.
    """
    return cast(View, reauthentication_required(view))
