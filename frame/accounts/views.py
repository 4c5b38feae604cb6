from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render


def home(request: HttpRequest) -> HttpResponse:
    return render(request, "accounts/home.html")


def mfa_required(request: HttpRequest) -> HttpResponse:
    """Explains why a two-step method is needed before any client record can be opened."""
    return render(request, "accounts/mfa_required.html")
