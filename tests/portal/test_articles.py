"""Articles explaining the frame: Frame's defaults, owners' edits as versions, sharing to a
client's portal, and reading them there."""

from __future__ import annotations

from typing import Any

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from frame.accounts.models import User
from frame.audit.models import Action, AuditEvent
from frame.clients.models import Client
from frame.portal import actions
from frame.portal.library import DEFAULT_KEYS
from frame.portal.models import Article, ArticleShare, ArticleVersion
from tests.factories import PracticeFactory
from tests.portal.factories import article_share_for

pytestmark = pytest.mark.django_db


def _article(practice: Any, key: str = "confidentiality") -> Article:
    return Article.objects.select_related("current_version").get(practice=practice, key=key)


def _share(http: Any, client: Client, article: Article) -> Any:
    return http.post(reverse("portal_staff:share", args=[client.pk]), {"article": article.pk})


def test_every_practice_gets_frames_five_articles() -> None:
    practice = PracticeFactory()
    articles = Article.objects.filter(practice=practice).order_by("position")
    assert [a.key for a in articles] == list(DEFAULT_KEYS)
    titles = [a.current_version.title for a in articles]
    assert titles == [
        "Why our relationship is not a friendship",
        "Confidentiality and its limits",
        "If we meet outside",
        "Contact between sessions",
        "Endings",
    ]
    confidentiality = _article(practice).current_version
    assert "serious risk of harm" in confidentiality.body and "court orders" in confidentiality.body
    assert all(a.current_version.created_by is None for a in articles)


def test_the_practitioner_shares_an_article_and_the_client_reads_it(
    practitioner: User, client_record: Client, portal_user: User, as_user: Any, as_client: Any
) -> None:
    article = _article(client_record.practice)
    staff = as_user(practitioner)
    page = staff.get(reverse("portal_staff:share", args=[client_record.pk]))
    assert page.status_code == 200 and b"Confidentiality and its limits" in page.content
    assert _share(staff, client_record, article).status_code == 302
    share = ArticleShare.objects.get(client=client_record)
    event = AuditEvent.objects.get(action=Action.ARTICLE_SHARED)
    assert event.client_id == str(client_record.pk) and event.actor_id == practitioner.pk
    assert event.detail == {"article": article.pk, "version_id": article.current_version_id}

    client_http = as_client(portal_user)
    home = client_http.get(reverse("portal:home")).content.decode()
    assert "Confidentiality and its limits" in home and "New" in home
    reading = client_http.get(reverse("portal:article", args=[share.pk])).content.decode()
    assert "<h2>When I might have to share something</h2>" in reading
    assert "<li>a court orders me to share my records.</li>" in reading
    client_http.get(reverse("portal:article", args=[share.pk]))
    read_events = AuditEvent.objects.filter(action=Action.ARTICLE_READ)
    assert read_events.count() == 1, "only the first reading is recorded"
    assert read_events.get().actor_id == portal_user.pk
    card = staff.get(reverse("clients:card", args=[client_record.pk])).content.decode()
    assert "opened" in card


def test_sharing_the_same_version_twice_is_refused_plainly(
    practitioner: User, client_record: Client, as_user: Any
) -> None:
    staff = as_user(practitioner)
    article = _article(client_record.practice)
    _share(staff, client_record, article)
    response = _share(staff, client_record, article)
    assert response.status_code == 302
    followed = staff.get(response["Location"]).content.decode()
    assert "already has this version" in followed
    assert ArticleShare.objects.count() == 1


def test_a_client_keeps_the_version_they_were_given_until_it_is_shared_again(
    practitioner: User, client_record: Client, portal_user: User, as_user: Any, as_client: Any
) -> None:
    staff = as_user(practitioner)
    article = _article(client_record.practice)
    _share(staff, client_record, article)
    first = ArticleShare.objects.get()
    version = article.current_version
    response = staff.post(
        reverse("portal_staff:article_edit", args=[article.pk]),
        {
            "title": "What stays between us",
            "summary": version.summary,
            "body": version.body + "\n\nA line added by the practice.",
        },
    )
    assert response.status_code == 302
    article.refresh_from_db()
    assert article.current_version.number == 2
    assert ArticleVersion.objects.filter(article=article).count() == 2
    assert AuditEvent.objects.get(action=Action.ARTICLE_EDITED).detail == {
        "version": 2,
        "fields": ["body", "title"],
    }
    client_http = as_client(portal_user)
    given = client_http.get(reverse("portal:article", args=[first.pk])).content.decode()
    assert "Confidentiality and its limits" in given and "A line added" not in given
    card = staff.get(reverse("clients:card", args=[client_record.pk])).content.decode()
    assert "Newer version available" in card

    _share(staff, client_record, article)
    latest = ArticleShare.objects.exclude(pk=first.pk).get()
    assert (
        "A line added"
        in client_http.get(reverse("portal:article", args=[latest.pk])).content.decode()
    )


def test_an_edit_that_changes_nothing_makes_no_version(
    practitioner: User, practice: Any, as_user: Any
) -> None:
    article = _article(practice)
    version = article.current_version
    as_user(practitioner).post(
        reverse("portal_staff:article_edit", args=[article.pk]),
        {"title": version.title, "summary": version.summary, "body": version.body},
    )
    assert ArticleVersion.objects.filter(article=article).count() == 1


def test_owners_add_their_own_article_and_markup_stays_text(
    practitioner: User, practice: Any, as_user: Any
) -> None:
    http = as_user(practitioner)
    response = http.post(
        reverse("portal_staff:article_new"),
        {
            "title": "Parking <b>here</b>",
            "summary": "Where to leave your car.",
            "body": "<script>alert(1)</script>\n\n## Nearby\n\n- Church Lane\n- The library",
        },
    )
    assert response.status_code == 302
    article = Article.objects.get(practice=practice, key="")
    page = http.get(reverse("portal_staff:article", args=[article.pk])).content.decode()
    assert "<script>alert(1)</script>" not in page
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in page
    assert "<ul><li>Church Lane</li><li>The library</li></ul>" in page
    assert AuditEvent.objects.filter(action=Action.ARTICLE_CREATED).count() == 1


def test_an_empty_article_is_refused_and_what_was_typed_stays(
    practitioner: User, practice: Any, as_user: Any
) -> None:
    response = as_user(practitioner).post(
        reverse("portal_staff:article_new"),
        {"title": "Half an idea", "summary": "", "body": ""},
    )
    assert response.status_code == 400
    html = response.content.decode()
    assert "Please write a one-line summary." in html and 'value="Half an idea"' in html
    assert not Article.objects.filter(practice=practice, key="").exists()


@pytest.mark.parametrize("persona", ["colleague", "administrator"])
def test_only_owners_edit_articles(persona: str, practice: Any, as_user: Any, request: Any) -> None:
    article = _article(practice)
    http = as_user(request.getfixturevalue(persona))
    assert http.get(reverse("portal_staff:article_edit", args=[article.pk])).status_code == 404
    assert http.get(reverse("portal_staff:article_new")).status_code == 404


def test_another_practices_article_is_not_found(
    outsider: User, practice: Any, as_user: Any
) -> None:
    article = _article(practice)
    http = as_user(outsider)
    assert http.get(reverse("portal_staff:article", args=[article.pk])).status_code == 404


def test_a_shared_article_is_only_for_that_client(
    practitioner: User,
    client_record: Client,
    other_portal_user: User,
    portal_user: User,
    as_client: Any,
) -> None:
    share = article_share_for(client_record, by=practitioner)
    other = as_client(other_portal_user)
    response = other.get(reverse("portal:article", args=[share.pk]))
    assert response.status_code == 404
    assert b"Confidentiality" not in other.get(reverse("portal:home")).content
    assert b"Confidentiality" not in other.get(reverse("portal:articles")).content
    assert ArticleShare.objects.get().first_read_at is None


def test_a_withdrawn_article_disappears_from_the_portal(
    practitioner: User, client_record: Client, portal_user: User, as_user: Any, as_client: Any
) -> None:
    share = article_share_for(client_record, by=practitioner)
    staff = as_user(practitioner)
    path = reverse("portal_staff:withdraw_share", args=[client_record.pk, share.pk])
    assert staff.get(path).status_code == 200
    assert staff.post(path).status_code == 302
    assert AuditEvent.objects.filter(action=Action.ARTICLE_WITHDRAWN).count() == 1
    http = as_client(portal_user)
    assert http.get(reverse("portal:article", args=[share.pk])).status_code == 404
    assert b"Confidentiality" not in http.get(reverse("portal:home")).content


def test_administrators_cannot_share(
    administrator: User, client_record: Client, as_user: Any
) -> None:
    http = as_user(administrator)
    article = _article(client_record.practice)
    assert _share(http, client_record, article).status_code == 404
    assert not ArticleShare.objects.exists()


def test_another_practices_article_cannot_be_shared(
    practitioner: User, client_record: Client, other_practice: Any, as_user: Any
) -> None:
    theirs = _article(other_practice)
    response = _share(as_user(practitioner), client_record, theirs)
    assert response.status_code == 302
    assert not ArticleShare.objects.exists()
    with pytest.raises(actions.PermissionDenied):
        actions.share_article(client=client_record, article=theirs, by=practitioner)


def _queries(http: Any, path: str) -> int:
    with CaptureQueriesContext(connection) as queries:
        assert http.get(path).status_code == 200
    return len(queries)


def test_portal_home_and_card_use_the_same_queries_however_much_is_shared(
    practitioner: User, client_record: Client, portal_user: User, as_user: Any, as_client: Any
) -> None:
    client_http, staff = as_client(portal_user), as_user(practitioner)
    home, card = reverse("portal:home"), reverse("clients:card", args=[client_record.pk])
    article_share_for(client_record, by=practitioner)
    client_http.get(home), staff.get(card)  # the first request of a session writes it once
    few = (
        _queries(client_http, home),
        _queries(staff, card),
        _queries(client_http, reverse("portal:articles")),
    )
    for key in DEFAULT_KEYS:
        for _ in range(5):
            article_share_for(client_record, by=practitioner, key=key)
    many = (
        _queries(client_http, home),
        _queries(staff, card),
        _queries(client_http, reverse("portal:articles")),
    )
    assert few == many
