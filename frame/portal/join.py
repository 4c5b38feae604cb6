"""Accepting a portal invitation, and asking for a new link when one no longer works.

A link that has expired, was already used, was replaced by a newer one, or never existed gets the
same page: it says plainly that the link no longer works and offers to ask the practice for a new
one. Whoever holds the link learns nothing about the client or the account.
"""

from __future__ import annotations

from allauth.account.internal.flows.login import record_authentication
from django.contrib.auth import login
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_POST

from frame.portal import actions, notify, ratelimit
from frame.portal.decorators import portal_entrance
from frame.portal.forms import JoinForm
from frame.portal.middleware import PORTAL_ENTRANCE_SESSION_KEY
from frame.portal.models import PortalInvitation

# Asking for a new link: a few per address per hour is plenty for a person, useless for a script.
REQUEST_LIMIT = 5
REQUEST_WINDOW_SECONDS = 3600


def _dead_link(request: HttpRequest, token: str) -> HttpResponse:
    return render(request, "portal/join_dead_link.html", {"token": token}, status=404)


@portal_entrance
def join(request: HttpRequest, token: str) -> HttpResponse:
    invitation = PortalInvitation.find_usable(token)
    if invitation is None:
        return _dead_link(request, token)
    client = invitation.client
    form = JoinForm(
        request.POST if request.method == "POST" else None,
        email=invitation.email,
        name=client.given_name,
    )
    if form.is_valid():
        try:
            user = actions.accept_invitation(
                invitation=invitation, password=form.cleaned_data["password1"]
            )
        except actions.InvitationUnusable:
            return _dead_link(request, token)
        except ValidationError as error:
            form.add_error("password1", error)
        except actions.PortalActionError as error:
            form.add_error(None, str(error))
        else:
            login(request, user, backend="django.contrib.auth.backends.ModelBackend")
            # They typed this password a moment ago: setting up two-step sign-in next should not
            # ask for it again.
            record_authentication(request, user, method="password", reauthenticated=True)
            request.session[PORTAL_ENTRANCE_SESSION_KEY] = True
            return redirect("portal:home")
    context = {
        "form": form,
        "invitation": invitation,
        "name": client.preferred_name or client.given_name,
        "practice_name": client.practice.name,
        "portal_practice_id": client.practice_id,
    }
    return render(request, "portal/join.html", context, status=400 if form.errors else 200)


@require_POST
@portal_entrance
def request_new_link(request: HttpRequest, token: str) -> HttpResponse:
    """Tell the practice someone needs a new link. The answer is the same whatever the token."""
    if ratelimit.allow(
        request, action="new-link", limit=REQUEST_LIMIT, per_seconds=REQUEST_WINDOW_SECONDS
    ):
        invitation = PortalInvitation.find_any(token)
        if actions.request_new_link(invitation=invitation) and invitation is not None:
            notify.link_requested(invitation)
    return render(request, "portal/join_link_requested.html")
