"""Staff pages that look after the portal: a client's access and the articles shared with them
(reached from the client card), and the practice's crisis contacts, articles and portal settings.

Records come only through `frame.clients.access` / `frame.portal.access`; changes only through
`frame.portal.actions`.
"""

from __future__ import annotations

import uuid
from typing import Any

from django.conf import settings
from django.contrib import messages
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_http_methods

from frame.accounts.decorators import owner_required
from frame.accounts.models import Membership, User
from frame.clients.models import Client
from frame.portal import access, actions
from frame.portal.forms import (
    ArticleForm,
    CrisisContactFormSet,
    PortalSettingsForm,
    ShareArticleForm,
)
from frame.portal.models import Article, ArticleShare, ArticleVersion, CrisisContact, PortalAccount


class StaffRequest(HttpRequest):
    user: User


def _membership(request: StaffRequest) -> Membership:
    membership = request.user.active_membership
    if membership is None:
        raise Http404
    return membership


def _card(client: Client, anchor: str = "portal") -> HttpResponse:
    return redirect(reverse("clients:card", args=[client.pk]) + f"#{anchor}")


# --- A client's portal access (care team and administrators) -------------------------------------


@require_http_methods(["GET", "POST"])
def invite(request: StaffRequest, client_id: uuid.UUID) -> HttpResponse:
    client = access.client_for_portal_access(request.user, client_id)
    error = ""
    if request.method == "POST":
        try:
            sent = actions.invite_client(client=client, by=request.user)
        except actions.PortalActionError as refusal:
            error = str(refusal)
        else:
            messages.success(
                request,
                f"Invitation sent to {sent.email}. The link works once and expires in "
                f"{settings.FRAME_INVITATION_DAYS} days.",
            )
            return _card(client)
    context = {
        "client": client,
        "error": error,
        "has_account": PortalAccount.objects.filter(client=client).exists(),
        "days": settings.FRAME_INVITATION_DAYS,
    }
    return render(request, "portal/staff/invite.html", context, status=400 if error else 200)


@require_http_methods(["GET", "POST"])
def withdraw_invitation(request: StaffRequest, client_id: uuid.UUID) -> HttpResponse:
    client = access.client_for_portal_access(request.user, client_id)
    if request.method == "POST":
        count = actions.withdraw_invitation(client=client, by=request.user)
        if count:
            messages.success(request, "The invitation link has been withdrawn. It no longer works.")
        else:
            messages.info(request, "There was no invitation waiting to withdraw.")
        return _card(client)
    return render(request, "portal/staff/withdraw_invitation.html", {"client": client})


def _account(client: Client) -> PortalAccount | None:
    account = PortalAccount.objects.filter(client=client).first()
    if account is not None:
        account.client = client
    return account


def _no_account(request: HttpRequest, client: Client) -> HttpResponse:
    messages.info(request, f"{client.display_name} has no portal account yet.")
    return _card(client)


@require_http_methods(["GET", "POST"])
def pause(request: StaffRequest, client_id: uuid.UUID) -> HttpResponse:
    client = access.client_for_portal_access(request.user, client_id)
    account = _account(client)
    if account is None:
        return _no_account(request, client)
    if request.method == "POST":
        try:
            actions.suspend_access(account=account, by=request.user)
        except actions.PortalActionError as refusal:
            messages.error(request, str(refusal))
        else:
            messages.success(
                request,
                f"{client.display_name}'s portal access is paused, and they have been signed "
                "out everywhere.",
            )
        return _card(client)
    return render(request, "portal/staff/pause.html", {"client": client, "account": account})


@require_http_methods(["GET", "POST"])
def restore(request: StaffRequest, client_id: uuid.UUID) -> HttpResponse:
    client = access.client_for_portal_access(request.user, client_id)
    account = _account(client)
    if account is None:
        return _no_account(request, client)
    if request.method == "POST":
        try:
            actions.restore_access(account=account, by=request.user)
        except actions.PortalActionError as refusal:
            messages.error(request, str(refusal))
        else:
            messages.success(request, f"{client.display_name} can sign in to the portal again.")
        return _card(client)
    return render(request, "portal/staff/restore.html", {"client": client, "account": account})


# --- Sharing articles with a client (care team) ---------------------------------------------------


def _library(practice_id: int) -> Any:
    return (
        Article.objects.filter(practice_id=practice_id, current_version__isnull=False)
        .select_related("current_version")
        .order_by("position", "id")
    )


@require_http_methods(["GET", "POST"])
def share(request: StaffRequest, client_id: uuid.UUID) -> HttpResponse:
    client = access.client_for_sharing(request.user, client_id)
    if request.method == "POST":
        form = ShareArticleForm(request.POST)
        article = None
        if form.is_valid():
            article = Article.objects.filter(
                pk=form.cleaned_data["article"], practice_id=client.practice_id
            ).first()
        if article is None:
            messages.error(request, "Please choose one of the articles listed.")
            return redirect("portal_staff:share", client_id=client.pk)
        try:
            actions.share_article(client=client, article=article, by=request.user)
        except actions.PortalActionError as refusal:
            messages.error(request, str(refusal))
            return redirect("portal_staff:share", client_id=client.pk)
        messages.success(
            request,
            f"“{article}” is now in {client.preferred_name or client.given_name}'s portal.",
        )
        return _card(client, "articles")
    articles = Paginator(_library(client.practice_id), settings.FRAME_PAGE_SIZE).get_page(
        request.GET.get("page")
    )
    current = set(
        ArticleShare.objects.filter(
            client=client,
            withdrawn_at__isnull=True,
            version_id__in=[a.current_version_id for a in articles],
        ).values_list("version_id", flat=True)
    )
    context = {
        "client": client,
        "articles": articles,
        "already": current,
        "has_account": PortalAccount.objects.filter(client=client, status="active").exists(),
    }
    return render(request, "portal/staff/share.html", context)


@require_http_methods(["GET", "POST"])
def withdraw_share(
    request: StaffRequest, client_id: uuid.UUID, share_id: uuid.UUID
) -> HttpResponse:
    article_share = access.share_for_staff(request.user, client_id, share_id)
    client = article_share.client
    if request.method == "POST":
        try:
            actions.withdraw_share(share=article_share, by=request.user)
        except actions.PortalActionError as refusal:
            messages.error(request, str(refusal))
        else:
            messages.success(request, "The article has been taken out of their portal.")
        return _card(client, "articles")
    return render(
        request, "portal/staff/withdraw_share.html", {"client": client, "share": article_share}
    )


# --- The practice's library of articles -----------------------------------------------------------


def _clinical_membership(request: StaffRequest) -> Membership:
    membership = _membership(request)
    if not membership.is_clinical:
        raise Http404
    return membership


def _article_or_404(membership: Membership, article_id: int) -> Article:
    article = (
        Article.objects.filter(pk=article_id, practice_id=membership.practice_id)
        .select_related("current_version")
        .first()
    )
    if article is None or article.current_version is None:
        raise Http404
    return article


def library(request: StaffRequest) -> HttpResponse:
    membership = _clinical_membership(request)
    articles = Paginator(_library(membership.practice_id), settings.FRAME_PAGE_SIZE).get_page(
        request.GET.get("page")
    )
    return render(
        request, "portal/staff/library.html", {"articles": articles, "membership": membership}
    )


def article(request: StaffRequest, article_id: int) -> HttpResponse:
    membership = _clinical_membership(request)
    item = _article_or_404(membership, article_id)
    versions = Paginator(
        ArticleVersion.objects.filter(article=item)
        .select_related("created_by")
        .order_by("-number"),
        settings.FRAME_PAGE_SIZE,
    ).get_page(request.GET.get("page"))
    context = {"article": item, "version": item.current_version, "versions": versions}
    return render(request, "portal/staff/article.html", context)


def _form_values(form: ArticleForm) -> dict[str, str]:
    return {name: form.cleaned_data[name] for name in ("title", "summary", "body")}


@owner_required
@require_http_methods(["GET", "POST"])
def article_edit(request: StaffRequest, article_id: int) -> HttpResponse:
    membership = _membership(request)
    item = _article_or_404(membership, article_id)
    form = ArticleForm(
        request.POST if request.method == "POST" else None, instance=item.current_version
    )
    if request.method == "POST" and form.is_valid():
        try:
            changed = actions.edit_article(article=item, by=request.user, **_form_values(form))
        except actions.PortalActionError as refusal:
            form.add_error(None, str(refusal))
        else:
            messages.success(
                request,
                "Saved as a new version. Clients keep the version they were given; share it "
                "again to give them this one."
                if changed
                else "Nothing had changed, so no new version was made.",
            )
            return redirect("portal_staff:article", article_id=item.pk)
    status = 400 if form.errors else 200
    context = {"form": form, "article": item}
    return render(request, "portal/staff/article_form.html", context, status=status)


@owner_required
@require_http_methods(["GET", "POST"])
def article_new(request: StaffRequest) -> HttpResponse:
    membership = _membership(request)
    form = ArticleForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        try:
            item = actions.create_article(
                practice_id=membership.practice_id, by=request.user, **_form_values(form)
            )
        except actions.PortalActionError as refusal:
            form.add_error(None, str(refusal))
        else:
            messages.success(request, "Added to your practice's library.")
            return redirect("portal_staff:article", article_id=item.pk)
    status = 400 if form.errors else 200
    return render(request, "portal/staff/article_form.html", {"form": form}, status=status)


# --- Crisis contacts and portal settings (owners) -------------------------------------------------


@owner_required
@require_http_methods(["GET", "POST"])
def crisis_contacts(request: StaffRequest) -> HttpResponse:
    membership = _membership(request)
    queryset = CrisisContact.objects.filter(practice_id=membership.practice_id)
    if not queryset.exists():
        # A practice made without the usual signal (a bulk import, say) starts from the defaults.
        actions.add_practice_defaults(practice_id=membership.practice_id)
    formset = CrisisContactFormSet(
        request.POST if request.method == "POST" else None, queryset=queryset, prefix="contacts"
    )
    refusal = ""
    if request.method == "POST" and formset.is_valid():
        entries = _entries(formset)
        try:
            actions.save_crisis_contacts(
                practice_id=membership.practice_id, entries=entries, by=request.user
            )
        except actions.PortalActionError as error:
            refusal = str(error)
        else:
            messages.success(request, "Crisis contacts saved. Clients see them on every page.")
            return redirect("portal_staff:crisis_contacts")
    status = 400 if (refusal or (request.method == "POST" and not formset.is_valid())) else 200
    return render(
        request,
        "portal/staff/crisis_contacts.html",
        {"formset": formset, "refusal": refusal},
        status=status,
    )


def _entries(formset: Any) -> list[actions.ContactEntry]:
    """The contacts the owner kept, in the order they chose (then the page's order)."""
    kept = []
    for index, form in enumerate(formset.forms):
        data = form.cleaned_data
        if not data or data.get("DELETE"):
            continue
        if form.instance.pk is None and not form.has_changed():
            continue  # the empty row for a new contact, left empty
        order = data.get("ORDER")
        kept.append(
            (
                order if order is not None else 10_000,
                index,
                actions.ContactEntry(
                    pk=form.instance.pk,
                    name=data["name"],
                    how_to_reach=data["how_to_reach"],
                    when_to_use=data.get("when_to_use", ""),
                    nations=data.get("nations", ""),
                ),
            )
        )
    return [entry for _, _, entry in sorted(kept, key=lambda item: (item[0], item[1]))]


@owner_required
@require_http_methods(["GET", "POST"])
def portal_settings(request: StaffRequest) -> HttpResponse:
    membership = _membership(request)
    practice = membership.practice
    form = PortalSettingsForm(
        request.POST if request.method == "POST" else None,
        initial={"portal_requires_mfa": practice.portal_requires_mfa},
    )
    if request.method == "POST" and form.is_valid():
        actions.set_portal_requires_mfa(
            practice=practice, required=form.cleaned_data["portal_requires_mfa"], by=request.user
        )
        messages.success(request, "Portal settings saved.")
        return redirect("portal_staff:settings")
    return render(request, "portal/staff/settings.html", {"form": form, "practice": practice})
