"""The clients app announces changes to a client record, so the dual-relationship check can react
without the clients app knowing about it."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest

from frame.clients import actions
from frame.clients.models import Client
from frame.clients.signals import client_details_changed


@pytest.fixture
def heard() -> Iterator[list[dict[str, Any]]]:
    calls: list[dict[str, Any]] = []

    def listener(sender: Any, **kwargs: Any) -> None:
        calls.append({"sender": sender, **kwargs})

    client_details_changed.connect(listener, dispatch_uid="test-listener")
    yield calls
    client_details_changed.disconnect(dispatch_uid="test-listener")


def test_each_change_to_a_client_is_announced_once(
    heard: list[dict[str, Any]], practitioner: Any, colleague: Any
) -> None:
    client = actions.create_client(
        by=practitioner,
        details={"given_name": "Ada", "family_name": "Quill", "employer": "Harbour Mill"},
    )
    actions.update_client(client=client, by=practitioner, changes={"phone": "07700 900123"})
    actions.update_client(client=client, by=practitioner, changes={"phone": "07700 900123"})
    person = actions.add_person(
        client=client, by=practitioner, name="Ivy Quill", relationship="Aunt"
    )
    actions.update_person(person=person, by=practitioner, changes={"name": "Ivy Quil"})
    actions.add_care_team_member(client=client, by=practitioner, user=colleague)

    assert [(call["change"], call["fields"]) for call in heard] == [
        ("created", ("employer", "family_name", "given_name")),
        ("details", ("phone",)),  # the second, unchanged save announces nothing
        ("people", ("name", "relationship")),
        ("people", ("name",)),
        ("care_team", ()),
    ]
    assert all(call["client"].pk == client.pk and call["by"] == practitioner for call in heard)
    assert all(call["sender"] is Client for call in heard)


def test_a_failing_listener_undoes_the_change_with_it(practitioner: Any) -> None:
    """Listeners run inside the action's transaction: a change and its consequences go together."""

    def broken(sender: Any, **kwargs: Any) -> None:
        raise RuntimeError("listener failed")

    client_details_changed.connect(broken, dispatch_uid="test-broken")
    try:
        with pytest.raises(RuntimeError):
            actions.create_client(
                by=practitioner, details={"given_name": "Bo", "family_name": "Lake"}
            )
    finally:
        client_details_changed.disconnect(dispatch_uid="test-broken")
    assert not Client.objects.filter(family_name="Lake").exists()
