"""Other apps add sections to the client card through the registry, not by editing the card."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
from django.urls import reverse

from frame.clients import card


@pytest.fixture
def registered_section(settings: Any) -> Iterator[list[Any]]:
    seen: list[Any] = []

    def build(request: Any, view: Any) -> dict[str, Any]:
        seen.append(view)
        return {"message": f"Hello from a section about {view.client.case_code}"}

    loader_key = "tests/probe_section.html"
    engine = {**settings.TEMPLATES[0], "APP_DIRS": False}
    engine["OPTIONS"] = {
        **engine["OPTIONS"],
        "loaders": [
            ("django.template.loaders.locmem.Loader", {loader_key: "<p>{{ section.message }}</p>"}),
            "django.template.loaders.filesystem.Loader",
            "django.template.loaders.app_directories.Loader",
        ],
    }
    settings.TEMPLATES = [engine]
    card.register(card.CardSection(key="probe", slot="alerts", template=loader_key, build=build))
    yield seen
    card._registry.pop("probe")


def test_a_registered_section_appears_on_the_card(
    registered_section: list[Any], as_user: Any, practitioner: Any, client_record: Any
) -> None:
    response = as_user(practitioner).get(reverse("clients:card", args=[client_record.pk]))
    assert response.status_code == 200
    assert f"Hello from a section about {client_record.case_code}".encode() in response.content
    assert registered_section[0].client == client_record


def test_clinical_sections_are_hidden_from_administrators(
    registered_section: list[Any], as_user: Any, administrator: Any, client_record: Any
) -> None:
    response = as_user(administrator).get(reverse("clients:card", args=[client_record.pk]))
    assert response.status_code == 200
    assert b"Hello from a section" not in response.content
    assert registered_section == []  # not even built: no clinical queries run for them
