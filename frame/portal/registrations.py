"""What the portal adds to other apps' pages: client card sections, a staff home panel, its own
portal home panel, and the signal that gives each new practice its defaults. Each `build` issues
a fixed number of queries."""

from __future__ import annotations

from typing import Any

from django.db.models import Exists, OuterRef, Q
from django.http import HttpRequest
from django.utils import timezone

from frame.clients.access import ClientView, Section, clients_for
from frame.clients.models import Client
from frame.portal.models import ArticleShare, PortalAccount, PortalInvitation

CARD_SHARES_SHOWN = 10
HOME_ARTICLES_SHOWN = 5


def portal_access_section(request: HttpRequest, view: ClientView) -> dict[str, Any]:
    """Client card: whether the client has the portal, and the controls to change that."""
    client = view.client
    account = PortalAccount.objects.filter(client=client).first()
    latest = PortalInvitation.objects.filter(client=client).order_by("-created_at", "-pk").first()
    usable = (
        latest is not None
        and latest.used_at is None
        and latest.revoked_at is None
        and latest.expires_at > timezone.now()
    )
    pending = latest if usable else None
    asked = (
        latest.new_link_requested_at
        if account is None and latest is not None and pending is None
        else None
    )
    return {"client": client, "account": account, "pending": pending, "asked_at": asked}


def articles_section(request: HttpRequest, view: ClientView) -> dict[str, Any]:
    """Client card (care team): what has been shared with the client to read."""
    shares = list(
        ArticleShare.objects.filter(client=view.client)
        .select_related("version__article")
        .order_by("-shared_at", "-pk")[: CARD_SHARES_SHOWN + 1]
    )
    return {
        "client": view.client,
        "shares": shares[:CARD_SHARES_SHOWN],
        "more": len(shares) > CARD_SHARES_SHOWN,
    }


def link_requests_panel(request: HttpRequest) -> dict[str, Any] | None:
    """Staff home: clients who opened a dead invitation link and asked for a new one."""
    newer = PortalInvitation.objects.filter(
        client=OuterRef("client"), created_at__gt=OuterRef("created_at")
    )
    has_account = PortalAccount.objects.filter(client=OuterRef("client"))
    requests = list(
        PortalInvitation.objects.filter(
            new_link_requested_at__isnull=False,
            # `among` keeps the plan on the few clients who asked, not the whole practice.
            client__in=clients_for(
                request.user,
                section=Section.CONTACT,
                among=Q(
                    pk__in=PortalInvitation.objects.filter(
                        new_link_requested_at__isnull=False
                    ).values("client")
                ),
            ).values("pk"),
        )
        .exclude(Exists(newer))
        .exclude(Exists(has_account))
        .select_related("client")
        .order_by("-new_link_requested_at", "-pk")[:10]
    )
    return {"requests": requests} if requests else None


def shared_articles_panel(request: HttpRequest, client: Client) -> dict[str, Any] | None:
    """Portal home: articles the practitioner has shared with this client."""
    shares = list(
        ArticleShare.objects.filter(client=client, withdrawn_at__isnull=True)
        .select_related("version")
        .order_by("-shared_at", "-pk")[: HOME_ARTICLES_SHOWN + 1]
    )
    if not shares:
        return None
    return {"shares": shares[:HOME_ARTICLES_SHOWN], "more": len(shares) > HOME_ARTICLES_SHOWN}


def register_all() -> None:
    from frame.accounts import home as staff_home
    from frame.clients import card
    from frame.portal import home as portal_home
    from frame.portal import signals  # noqa: F401  (defaults for each new practice)

    card.register(
        card.CardSection(
            key="portal-access",
            template="portal/card/access.html",
            build=portal_access_section,
            order=80,
            # Administrators look after contact details, and the invitation goes to the contact
            # email; whether someone has portal access says nothing clinical.
            clinical=False,
        )
    )
    card.register(
        card.CardSection(
            key="portal-articles",
            template="portal/card/articles.html",
            build=articles_section,
            order=85,
            clinical=True,  # choosing what to give a client to read is part of the work
        )
    )
    staff_home.register(
        staff_home.HomePanel(
            key="portal-link-requests",
            template="portal/staff/home_link_requests.html",
            build=link_requests_panel,
            order=40,
        )
    )
    portal_home.register(
        portal_home.PortalPanel(
            key="shared-articles",
            template="portal/panels/shared_articles.html",
            build=shared_articles_panel,
            order=50,
            slot="documents",
        )
    )
