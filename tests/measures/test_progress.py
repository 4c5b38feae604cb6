"""Progress pages: chart, table and change from first to latest; sharing with the client."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from frame.audit.models import Action, AuditEvent
from frame.measures import actions, definitions
from frame.measures.models import ChartShare
from tests.factories import CareTeamMemberFactory, ClientFactory
from tests.portal.factories import portal_user_for, signed_in_client

PHQ9 = definitions.get("phq9")


def phq9(client: Any, by: Any, total_per_item: int, days_ago: int, item9: int = 0) -> Any:
    return actions.record_administration(
        client=client,
        instrument=PHQ9,
        answers=[total_per_item] * 8 + [item9],
        completed_on=timezone.localdate() - dt.timedelta(days=days_ago),
        by=by,
    )


def progress_url(client: Any) -> str:
    return reverse("measures:progress", args=[client.pk, "phq9"])


@pytest.fixture
def history(client_record: Any, practitioner: Any) -> list[Any]:
    # 16, then 8: a reliable improvement of 8 points, from above the cut-off to below it.
    return [phq9(client_record, practitioner, 2, 30), phq9(client_record, practitioner, 1, 2)]


def test_the_progress_page_shows_chart_table_and_change(
    as_user: Any, practitioner: Any, client_record: Any, history: list[Any]
) -> None:
    response = as_user(practitioner).get(progress_url(client_record))
    assert response.status_code == 200
    page = response.content.decode()
    assert "<svg" in page and 'class="chart-band"' in page and 'class="chart-cutoff"' in page
    assert 'class="chart-reliable-change"' in page
    assert "Reliable improvement, and clinically significant" in page
    assert "From 16" in page and "to 8" in page
    assert page.count("<tr>") == 3  # the header and one row each
    assert "style=" not in page.split("<svg", 1)[1].split("</svg>", 1)[0]
    viewed = AuditEvent.objects.filter(action=Action.MEASURES_VIEWED).latest("seq")
    assert viewed.detail == {"page": "progress"}


def test_no_change_is_claimed_from_a_single_score(
    as_user: Any, practitioner: Any, client_record: Any
) -> None:
    phq9(client_record, practitioner, 1, 1)
    page = as_user(practitioner).get(progress_url(client_record)).content.decode()
    assert "Change needs at least two scores" in page


def test_a_worsening_is_named(as_user: Any, practitioner: Any, client_record: Any) -> None:
    phq9(client_record, practitioner, 0, 20)
    phq9(client_record, practitioner, 1, 1)  # 0 then 8
    page = as_user(practitioner).get(progress_url(client_record)).content.decode()
    assert "Reliable deterioration." in page


def test_the_progress_page_uses_the_same_queries_at_any_history_length(
    as_user: Any, practitioner: Any, client_record: Any
) -> None:
    http = as_user(practitioner)
    phq9(client_record, practitioner, 1, 40)
    http.get(progress_url(client_record))
    with CaptureQueriesContext(connection) as few:
        http.get(progress_url(client_record))
    for days in range(1, 12):
        phq9(client_record, practitioner, days % 3, days)
    with CaptureQueriesContext(connection) as many:
        http.get(progress_url(client_record))
    assert len(many) == len(few)


def test_an_unknown_or_goal_instrument_is_not_found(
    as_user: Any, practitioner: Any, client_record: Any
) -> None:
    http = as_user(practitioner)
    for name in ("nothing", "goals"):
        assert (
            http.get(reverse("measures:progress", args=[client_record.pk, name])).status_code == 404
        )


# --- Sharing --------------------------------------------------------------------------------------


@pytest.fixture
def client_user(client_record: Any, practitioner: Any) -> Any:
    return portal_user_for(client_record, invited_by=practitioner)


def test_sharing_puts_the_chart_and_an_explanation_in_the_portal(
    as_user: Any, practitioner: Any, client_record: Any, history: list[Any], client_user: Any
) -> None:
    http = as_user(practitioner)
    share_url = reverse("measures:share", args=[client_record.pk, "phq9"])
    assert http.post(share_url).status_code == 302
    share = ChartShare.objects.get()
    portal = signed_in_client(client_user)
    home = portal.get(reverse("portal:home")).content.decode()
    chart_url = reverse("portal:progress_chart", args=[share.pk])
    assert chart_url in home
    page = portal.get(chart_url).content.decode()
    assert "<svg" in page and "How to read it" in page
    assert "a lower score means" in page and "The shaded bands" in page
    assert "The blue strip" in page and "6 points either side of your first score (16)" in page
    assert "will talk it through with you" in page
    # The client never sees risk-item detail, nor anything about the item answers.
    assert "Risk item" not in page and "risk" not in page.lower().replace("crisis", "")
    assert AuditEvent.objects.filter(action=Action.MEASURE_CHART_SHARED).count() == 1
    assert AuditEvent.objects.filter(action=Action.MEASURES_VIEWED, actor_role="client").exists()


def test_the_client_sees_scores_up_to_the_share_not_later_ones(
    practitioner: Any, client_record: Any, history: list[Any], client_user: Any
) -> None:
    share = actions.share_chart(client=client_record, instrument=PHQ9, by=practitioner)
    phq9(client_record, practitioner, 3, 0)  # 24, after sharing
    page = signed_in_client(client_user).get(reverse("portal:progress_chart", args=[share.pk]))
    content = page.content.decode()
    assert "<td>16</td>" in content and "<td>8</td>" in content and "<td>24</td>" not in content


def test_sharing_again_replaces_and_withdrawing_removes(
    as_user: Any, practitioner: Any, client_record: Any, history: list[Any], client_user: Any
) -> None:
    first = actions.share_chart(client=client_record, instrument=PHQ9, by=practitioner)
    second = actions.share_chart(client=client_record, instrument=PHQ9, by=practitioner)
    first.refresh_from_db()
    assert first.withdrawn_at is not None and second.withdrawn_at is None
    portal = signed_in_client(client_user)
    assert portal.get(reverse("portal:progress_chart", args=[first.pk])).status_code == 404
    http = as_user(practitioner)
    assert (
        http.post(
            reverse("measures:withdraw_share", args=[client_record.pk, second.pk])
        ).status_code
        == 302
    )
    assert portal.get(reverse("portal:progress_chart", args=[second.pk])).status_code == 404
    assert b"Your progress, shared with you" not in portal.get(reverse("portal:home")).content


def test_a_client_only_sees_their_own_charts(
    practitioner: Any, client_record: Any, history: list[Any], client_user: Any
) -> None:
    share = actions.share_chart(client=client_record, instrument=PHQ9, by=practitioner)
    other = ClientFactory(practice=client_record.practice, created_by=practitioner)
    CareTeamMemberFactory(client=other, user=practitioner)
    other_portal = signed_in_client(portal_user_for(other, invited_by=practitioner))
    assert other_portal.get(reverse("portal:progress_chart", args=[share.pk])).status_code == 404


def test_sharing_needs_the_care_team_a_portal_and_a_score(
    practitioner: Any, colleague: Any, client_record: Any
) -> None:
    with pytest.raises(PermissionDenied):
        actions.share_chart(client=client_record, instrument=PHQ9, by=colleague)
    with pytest.raises(ValidationError, match="no active portal account"):
        actions.share_chart(client=client_record, instrument=PHQ9, by=practitioner)
    portal_user_for(client_record, invited_by=practitioner)
    with pytest.raises(ValidationError, match="no scores"):
        actions.share_chart(client=client_record, instrument=PHQ9, by=practitioner)
