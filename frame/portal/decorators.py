"""View decorators for portal pages.

    @portal_page
    def my_page(request: HttpRequest) -> HttpResponse:
        client = portal_client(request)
        ...

`portal_page`: anonymous visitors go to the portal sign-in page; anyone signed in who is not an
active portal client (staff included) gets a 404. `portal_entrance`: pages for people not signed
in (sign-in, accepting an invitation); signed-in staff get a 404, a signed-in client goes home.
"""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from typing import Any, TypeVar, cast

from django.contrib.auth.decorators import login_not_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect

from frame.portal.access import active_portal_account, portal_client

View = TypeVar("View", bound=Callable[..., HttpResponse])

SIGN_IN_URL = "portal:sign_in"


def portal_page(view: View) -> View:
    @wraps(view)
    def wrapper(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        portal_client(request)  # raises Http404 for staff and anyone without an active account
        return view(request, *args, **kwargs)

    # Django's LoginRequiredMiddleware sends anonymous visitors here instead of the staff sign-in.
    wrapper.login_url = SIGN_IN_URL  # type: ignore[attr-defined]
    return cast(View, wrapper)


def portal_entrance(view: View) -> View:
    @wraps(view)
    def wrapper(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        if request.user.is_authenticated:
            if active_portal_account(request) is None:
                raise Http404
            return redirect("portal:home")
        return view(request, *args, **kwargs)

    return cast(View, login_not_required(wrapper))
