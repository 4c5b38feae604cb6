"""Startup checks for things that must never be misconfigured in a clinical system."""

from __future__ import annotations

from typing import Any

from django.apps import apps
from django.conf import settings
from django.core.checks import Error, register

from frame.lib import crypto
from frame.lib.fields import encrypted_fields


@register()
def frame_checks(app_configs: Any = None, **kwargs: Any) -> list[Error]:
    errors: list[Error] = []
    if settings.PRODUCTION and settings.DEBUG:
        errors.append(Error("DEBUG is on in production.", id="frame.E001"))
    try:
        crypto.keyring()
    except crypto.KeyRingError as error:
        errors.append(
            Error(
                f"The encryption key ring cannot be loaded: {error}",
                id="frame.E002",
                hint="Set FRAME_KEYRING, or restore keyring.json in the data folder.",
            )
        )
    if "django.contrib.auth.middleware.LoginRequiredMiddleware" not in settings.MIDDLEWARE:
        errors.append(Error("LoginRequiredMiddleware must be installed.", id="frame.E003"))
    if "frame.accounts.middleware.require_membership_and_mfa" not in settings.MIDDLEWARE:
        errors.append(Error("The MFA enforcement middleware must be installed.", id="frame.E004"))
    cache_backend = settings.CACHES["default"]["BACKEND"]
    if cache_backend.endswith(("LocMemCache", "DummyCache")):
        errors.append(
            Error(
                "The cache must be shared by all workers (rate limits, TOTP replay).",
                id="frame.E005",
                hint="Use the database cache or Redis.",
            )
        )
    for model in apps.get_models():
        if (
            encrypted_fields(model)
            and model._meta.pk is not None
            and not model._meta.pk.has_default()
        ):
            errors.append(
                Error(
                    f"{model.__name__} has encrypted fields but no primary-key default.",
                    hint="Encrypted values are bound to the row; use a UUID primary key.",
                    id="frame.E006",
                    obj=model,
                )
            )
    if settings.MFA_TOTP_TOLERANCE != 0 or getattr(settings, "MFA_TOTP_INSECURE_BYPASS_CODE", None):
        errors.append(
            Error("TOTP must have no tolerance window and no bypass code.", id="frame.E007")
        )
    if settings.PRODUCTION and not settings.SESSION_COOKIE_SECURE:
        errors.append(Error("Session cookies must be Secure in production.", id="frame.E008"))
    return errors
