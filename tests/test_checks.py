"""Startup checks refuse configurations that would quietly weaken a clinical system."""

from __future__ import annotations

from typing import Any

from frame.checks import frame_checks


def _ids() -> set[str]:
    return {error.id for error in frame_checks() if error.id}


def test_the_default_configuration_passes(settings: Any) -> None:
    assert _ids() == set()


def test_a_per_process_cache_is_refused(settings: Any) -> None:
    settings.CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}
    assert "frame.E005" in _ids()


def test_removing_mfa_enforcement_is_refused(settings: Any) -> None:
    settings.MIDDLEWARE = [m for m in settings.MIDDLEWARE if "require_membership_and_mfa" not in m]
    assert "frame.E004" in _ids()


def test_a_totp_tolerance_window_is_refused(settings: Any) -> None:
    settings.MFA_TOTP_TOLERANCE = 1
    assert "frame.E007" in _ids()


def test_a_broken_key_ring_is_refused(settings: Any) -> None:
    from frame.lib import crypto

    settings.FRAME_KEYRING = '{"primary": "k9", "keys": {}}'
    crypto.reset_keyring_cache()
    assert "frame.E002" in _ids()
