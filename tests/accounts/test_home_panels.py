"""Other apps put what needs attention on the home page through the panel registry."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
from django.urls import reverse

from frame.accounts import home


@pytest.fixture
def probe_panel(settings: Any) -> Iterator[None]:
    key = "tests/probe_panel.html"
    engine = {**settings.TEMPLATES[0], "APP_DIRS": False}
    engine["OPTIONS"] = {
        **engine["OPTIONS"],
        "loaders": [
            ("django.template.loaders.locmem.Loader", {key: "<p>{{ panel.count }} waiting</p>"}),
            "django.template.loaders.filesystem.Loader",
            "django.template.loaders.app_directories.Loader",
        ],
    }
    settings.TEMPLATES = [engine]
    home.register(home.HomePanel(key="probe", template=key, build=lambda request: {"count": 3}))
    yield
    home._registry.pop("probe")


def test_home_shows_registered_panels(probe_panel: None, as_user: Any, practitioner: Any) -> None:
    response = as_user(practitioner).get(reverse("home"))
    assert b"3 waiting" in response.content
    assert b"Nothing is waiting for you" not in response.content


def test_home_says_so_when_nothing_waits(
    as_user: Any, practitioner: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(home, "_registry", {})  # other apps' panels are theirs to test
    response = as_user(practitioner).get(reverse("home"))
    assert b"Nothing is waiting for you" in response.content
