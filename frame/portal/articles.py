"""Articles shared with the signed-in client. A share id in the URL is looked up within this
client's own shares, so anyone else's is the same 404 as one that does not exist."""

from __future__ import annotations

import uuid

from django.conf import settings
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from frame.portal import actions
from frame.portal.access import portal_client, share_for_client
from frame.portal.decorators import portal_page
from frame.portal.models import ArticleShare


@portal_page
def article_list(request: HttpRequest) -> HttpResponse:
    client = portal_client(request)
    shares = Paginator(
        ArticleShare.objects.filter(client=client, withdrawn_at__isnull=True)
        .select_related("version")
        .order_by("-shared_at", "-pk"),
        settings.FRAME_PAGE_SIZE,
    ).get_page(request.GET.get("page"))
    return render(request, "portal/articles.html", {"shares": shares})


@portal_page
def article(request: HttpRequest, share_id: uuid.UUID) -> HttpResponse:
    client = portal_client(request)
    share = share_for_client(client, share_id)
    actions.mark_read(share=share, by=request.user, client=client)  # type: ignore[arg-type]
    return render(request, "portal/article.html", {"share": share, "version": share.version})
