"""Other apps add panels to the client's portal home through the registry."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
from django.urls import reverse

from frame.accounts.models import User
from frame.portal import home

pytestmark = pytest.mark.django_db


@pytest.fixture
def test_panels() -> Iterator[list[Any]]:
    seen: list[Any] = []

    def build(request: Any, client: Any) -> dict[str, Any] | None:
        seen.append(client)
        return {"title": f"Next session for {client.given_name}", "body": "Tuesday"}

    saved = dict(home._registry)
    home.register(home.PortalPanel(key="t-main", template="portal/tests/panel.html", build=build))
    home.register(
        home.PortalPanel(
            key="t-docs", template="portal/tests/panel.html", build=build, slot="documents"
        )
    )
    home.register(
        home.PortalPanel(key="t-none", template="portal/tests/panel.html", build=lambda r, c: None)
    )
    yield seen
    home._registry.clear()
    home._registry.update(saved)


def test_panels_show_in_their_slots_for_the_signed_in_client(
    portal_user: User, as_client: Any, test_panels: list[Any], client_record: Any, settings: Any
) -> None:
    engine = settings.TEMPLATES[0]
    settings.TEMPLATES = [{**engine, "DIRS": [*engine["DIRS"], _template_dir()]}]
    response = as_client(portal_user).get(reverse("portal:home"))
    html = response.content.decode()
    assert html.count("Next session for Morgan") == 2
    assert test_panels == [client_record, client_record]
    main, documents = html.split("To read or agree")
    assert "Next session for Morgan" in main and "Next session for Morgan" in documents
    assert "Nothing for you to read or agree" not in html


def _template_dir() -> Any:
    import pathlib
    import tempfile

    root = pathlib.Path(tempfile.mkdtemp())
    (root / "portal" / "tests").mkdir(parents=True)
    (root / "portal" / "tests" / "panel.html").write_text(
        '<section class="portal-panel"><h3>{{ panel.title }}</h3><p>{{ panel.body }}</p></section>'
    )
    return root
