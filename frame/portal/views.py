"""The client's own pages: home and account. Every view takes the client from the signed-in
user (`portal_client`), never from the URL."""

from __future__ import annotations

from allauth.mfa.models import Authenticator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from frame.portal import home as portal_home
from frame.portal.access import portal_client
from frame.portal.decorators import portal_page


def greeting_name(client: object) -> str:
    return getattr(client, "preferred_name", "") or getattr(client, "given_name", "")


@portal_page
def home(request: HttpRequest) -> HttpResponse:
    client = portal_client(request)
    context = {
        "client": client,
        "name": greeting_name(client),
        "panels": portal_home.panels_for(request, client),
    }
    return render(request, "portal/home.html", context)


@portal_page
def account(request: HttpRequest) -> HttpResponse:
    client = portal_client(request)
    kinds = set(
        Authenticator.objects.filter(user_id=request.user.pk).values_list("type", flat=True)
    )
    context = {
        "client": client,
        "has_totp": Authenticator.Type.TOTP in kinds,
        "has_recovery_codes": Authenticator.Type.RECOVERY_CODES in kinds,
        "mfa_required": client.practice.portal_requires_mfa,
    }
    return render(request, "portal/account.html", context)
