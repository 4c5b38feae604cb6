"""Supervision pages and panels use the same number of queries whatever the data size."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from frame.supervision import actions, packs
from tests.supervision.conftest import ACTION_CANARY

pytestmark = pytest.mark.django_db


def _count(http: Any, url: str) -> int:
    http.get(url)  # settle the session and the membership first
    with CaptureQueriesContext(connection) as queries:
        assert http.get(url).status_code == 200
    return len(queries)


def test_the_card_and_home_with_few_or_many_actions(
    practitioner: Any, client_record: Any, supervision: Any, as_user: Any
) -> None:
    http = as_user(practitioner)
    card = reverse("clients:card", args=[client_record.pk])

    def add(n: int) -> None:
        actions.add_case(
            supervision=supervision,
            by=practitioner,
            client=client_record,
            discussed="Endings",
            actions=[f"{ACTION_CANARY} {i}" for i in range(n)],
        )

    add(1)
    few_card, few_home = _count(http, card), _count(http, reverse("home"))
    add(10)
    add(10)
    assert _count(http, card) == few_card
    assert _count(http, reverse("home")) == few_home
    home = http.get(reverse("home")).content.decode()
    assert "21 actions from supervision still to do" in home
    assert "More actions are waiting" in http.get(card).content.decode()


def test_the_supervisors_list_with_few_or_many_packs(
    practitioner: Any, supervisor: Any, client_record: Any, as_user: Any
) -> None:
    http = as_user(supervisor)

    def share(n: int) -> None:
        for _ in range(n):
            pack = actions.build_pack(
                by=practitioner,
                chosen=packs.Chosen(client_ids=[client_record.pk], event_ids=[], genders={}),
            )
            actions.share_pack(
                pack=pack,
                by=practitioner,
                supervisor=supervisor,
                expires_on=timezone.localdate() + dt.timedelta(days=5),
            )

    share(1)
    few = [_count(http, reverse(name)) for name in ("supervision:shared", "home")]
    share(8)
    assert [_count(http, reverse(name)) for name in ("supervision:shared", "home")] == few
