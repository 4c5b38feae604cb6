"""Staff account pages: the setup link, joining by invitation, the team, and your own account."""

from __future__ import annotations

from allauth.account.internal.flows.login import record_authentication
from allauth.account.views import logout as allauth_logout
from allauth.mfa.models import Authenticator
from allauth.usersessions.models import UserSession
from django.conf import settings
from django.contrib import messages
from django.contrib.auth import login
from django.contrib.auth.decorators import login_not_required
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_POST

from frame.accounts import access, actions, wording
from frame.accounts import home as home_panels
from frame.accounts.decorators import owner_required, sudo_required
from frame.accounts.forms import (
    InviteForm,
    JoinForm,
    RoleForm,
    SetupForm,
    WithdrawInvitationForm,
)
from frame.accounts.models import Invitation, Membership, SetupToken, User
from frame.audit.selectors import events_for_actor


@login_not_required
def logout(request: HttpRequest) -> HttpResponse:
    """allauth's sign-out, plus Clear-Site-Data so a shared computer keeps nothing of it."""
    response: HttpResponse = allauth_logout(request)
    if request.method == "POST":
        response["Clear-Site-Data"] = '"cache", "cookies", "storage"'
    return response


def home(request: HttpRequest) -> HttpResponse:
    return render(request, "accounts/home.html", {"panels": home_panels.panels_for(request)})


def mfa_required(request: HttpRequest) -> HttpResponse:
    """Explains why a two-step method is needed before any client record can be opened."""
    return render(request, "accounts/mfa_required.html")


def _status(form: object) -> int:
    return 400 if getattr(form, "errors", None) else 200


def _sign_in_new_account(request: HttpRequest, user: User) -> None:
    login(request, user, backend="django.contrib.auth.backends.ModelBackend")
    # They typed this password seconds ago, so count it as a fresh confirmation: enrolling a
    # two-step method (which allauth guards with re-authentication) should not ask for it again.
    record_authentication(request, user, method="password", reauthenticated=True)


# --- Setup link and invitations (no account yet) --------------------------------------------------


@login_not_required
def setup(request: HttpRequest, token: str) -> HttpResponse:
    setup_token = SetupToken.find_usable(token)
    if setup_token is None or User.objects.exists():
        raise Http404
    form = SetupForm(request.POST if request.method == "POST" else None)
    if form.is_valid():
        try:
            user = actions.create_practice(
                practice_name=form.cleaned_data["practice_name"],
                full_name=form.cleaned_data["full_name"],
                email=form.cleaned_data["email"],
                password=form.cleaned_data["password1"],
                setup_token=setup_token,
            )
        except actions.AccountActionError:
            # Someone else set up Frame a moment ago: the link is closed, like any used one.
            raise Http404 from None
        _sign_in_new_account(request, user)
        return redirect("accounts:mfa_required")
    return render(request, "accounts/setup.html", {"form": form}, status=_status(form))


@login_not_required
def join(request: HttpRequest, token: str) -> HttpResponse:
    invitation = Invitation.find_usable(token)
    if invitation is None or actions.email_taken(invitation.email):
        raise Http404
    form = JoinForm(request.POST if request.method == "POST" else None, email=invitation.email)
    if form.is_valid():
        try:
            user = actions.accept_invitation(
                invitation=invitation,
                full_name=form.cleaned_data["full_name"],
                password=form.cleaned_data["password1"],
            )
        except actions.TokenUnusable:
            raise Http404 from None
        _sign_in_new_account(request, user)
        return redirect("accounts:mfa_required")
    context = {"form": form, "invitation": invitation}
    return render(request, "accounts/join.html", context, status=_status(form))


# --- The team (owners only) -----------------------------------------------------------------------


def _current_membership(request: HttpRequest) -> Membership:
    membership: Membership | None = getattr(request.user, "active_membership", None)
    if membership is None:
        raise Http404
    return membership


@owner_required
def team(request: HttpRequest) -> HttpResponse:
    membership = _current_membership(request)
    practice = membership.practice
    form = InviteForm(request.POST if request.method == "POST" else None, practice=practice)
    if form.is_valid():
        try:
            sent = actions.invite_member(
                practice=practice,
                email=form.cleaned_data["email"],
                role=form.cleaned_data["role"],
                by=request.user,  # type: ignore[arg-type]
            )
        except actions.AccountActionError as error:
            form.add_error(None, str(error))
        else:
            messages.success(
                request,
                f"Invitation sent to {sent.email}. The link works once and expires in "
                f"{settings.FRAME_INVITATION_DAYS} days.",
            )
            return redirect("accounts:team")
    members = Paginator(
        Membership.objects.filter(practice=practice)
        .select_related("user")
        .order_by("-is_active", "user__full_name", "pk"),
        settings.FRAME_PAGE_SIZE,
    ).get_page(request.GET.get("page"))
    invitations = Paginator(
        Invitation.objects.usable()
        .filter(practice=practice)
        .select_related("invited_by")
        .order_by("-created_at", "-pk"),
        settings.FRAME_PAGE_SIZE,
    ).get_page(request.GET.get("invitations"))
    context = {
        "form": form,
        "members": members,
        "invitations": invitations,
        "invitation_days": settings.FRAME_INVITATION_DAYS,
    }
    return render(request, "accounts/team.html", context, status=_status(form))


@owner_required
def withdraw_invitation(request: HttpRequest) -> HttpResponse:
    data = request.POST if request.method == "POST" else request.GET
    form = WithdrawInvitationForm(data)
    if not form.is_valid():
        raise Http404
    invitation = access.pending_invitation_for_owner(
        request.user,  # type: ignore[arg-type]
        form.cleaned_data["invitation"],
    )
    if request.method == "POST":
        actions.revoke_invitation(invitation=invitation, by=request.user)  # type: ignore[arg-type]
        messages.success(request, f"The invitation to {invitation.email} has been withdrawn.")
        return redirect("accounts:team")
    return render(request, "accounts/withdraw_invitation.html", {"invitation": invitation})


def _before(request: HttpRequest) -> int | None:
    """The ?before= cursor for older audit events; anything that is not a positive whole number
    is ignored rather than trusted."""
    value = request.GET.get("before", "")
    return int(value) if value.isdigit() and 0 < int(value) < 2**63 else None


@owner_required
def member(request: HttpRequest, member_id: int) -> HttpResponse:
    membership = access.member_for_owner(request.user, member_id)  # type: ignore[arg-type]
    page = events_for_actor(
        practice_id=membership.practice_id,
        actor_id=membership.user_id,
        before=_before(request),
        limit=settings.FRAME_PAGE_SIZE,
    )
    actions.record_activity_viewed(membership=membership, by=request.user)  # type: ignore[arg-type]
    context = {
        "member": membership,
        "role_form": RoleForm(initial={"role": membership.role}, auto_id="role_%s"),
        "page": page,
        "is_self": membership.user_id == request.user.pk,
    }
    return render(request, "accounts/member.html", context)


@require_POST
@owner_required
def change_role(request: HttpRequest, member_id: int) -> HttpResponse:
    # Find the member first, so someone from another practice gets a 404, not a password prompt.
    membership = access.member_for_owner(request.user, member_id)  # type: ignore[arg-type]
    return _change_role(request, membership)


@sudo_required
def _change_role(request: HttpRequest, membership: Membership) -> HttpResponse:
    form = RoleForm(request.POST)
    if not form.is_valid():
        messages.error(request, "Please choose one of the listed roles.")
        return redirect("accounts:member", member_id=membership.pk)
    try:
        actions.change_role(
            membership=membership,
            role=form.cleaned_data["role"],
            by=request.user,  # type: ignore[arg-type]
        )
    except actions.AccountActionError as error:
        messages.error(request, str(error))
    else:
        new_role = wording.role_phrase(form.cleaned_data["role"])
        messages.success(request, f"{membership.user} is now {new_role}.")
    return redirect("accounts:member", member_id=membership.pk)


@owner_required
def deactivate_member(request: HttpRequest, member_id: int) -> HttpResponse:
    membership = access.member_for_owner(request.user, member_id)  # type: ignore[arg-type]
    if request.method == "POST":
        return _deactivate(request, membership)
    return render(request, "accounts/deactivate_member.html", {"member": membership})


@sudo_required
def _deactivate(request: HttpRequest, membership: Membership) -> HttpResponse:
    try:
        actions.deactivate_member(membership=membership, by=request.user)  # type: ignore[arg-type]
    except actions.AccountActionError as error:
        messages.error(request, str(error))
    else:
        messages.success(
            request,
            f"{membership.user} can no longer sign in, and every session they had has ended.",
        )
    return redirect("accounts:member", member_id=membership.pk)


# --- Your own account -----------------------------------------------------------------------------


def security(request: HttpRequest) -> HttpResponse:
    user_id = request.user.pk
    authenticators = list(Authenticator.objects.filter(user_id=user_id))
    recovery = next(
        (a for a in authenticators if a.type == Authenticator.Type.RECOVERY_CODES), None
    )
    context = {
        "has_totp": any(a.type == Authenticator.Type.TOTP for a in authenticators),
        "webauthn_count": sum(a.type == Authenticator.Type.WEBAUTHN for a in authenticators),
        "unused_recovery_codes": (
            len(recovery.wrap().get_unused_codes()) if recovery is not None else None
        ),
        "session_count": UserSession.objects.filter(user_id=user_id).count(),
    }
    return render(request, "accounts/security.html", context)
