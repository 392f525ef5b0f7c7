"""Invitation pages: the coordinator (or the person) invites; the invitee follows the link,
sets a password and is logged in. A dead link says why and offers a new one."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth import login
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from laget.plans import invitations, selectors
from laget.plans.lifecycle_forms import InvitationForm, SetPasswordForm
from laget.plans.lifecycle_models import Invitation
from laget.plans.lifecycle_views import add_errors

BACKEND = "allauth.account.auth_backends.AuthenticationBackend"


def _link_base(request: HttpRequest) -> str:
    return request.build_absolute_uri("/")


@login_required
@require_http_methods(["GET", "HEAD", "POST"])
def invite(request: HttpRequest, plan_id: int) -> HttpResponse:
    access = selectors.access_or_404(actor=request.user, plan_id=plan_id)
    if not access.may_manage_team:
        raise PermissionDenied
    page = selectors.plan_page(
        actor=request.user,
        plan_id=plan_id,
        request_id=getattr(request, "request_id", ""),
        shows=selectors.PLAN_ONLY,
        manage=False,
    )
    form = InvitationForm(request.POST or None, initial={"role": "relative"})
    if request.method == "POST" and form.is_valid():
        try:
            invitation = invitations.invitation_create(
                actor=request.user,
                plan=page.plan,
                link_base=_link_base(request),
                **form.cleaned_data,
            )
        except ValidationError as exc:
            add_errors(form, exc)
        else:
            messages.success(
                request,
                _("The invitation is sent to %(email)s. The link works once, for 7 days.")
                % {"email": invitation.email},
            )
            return redirect("plans:invite", plan_id=plan_id)
    sent = list(Invitation.objects.filter(plan=page.plan).select_related("used_by")[:50])
    context = {"p": page, "plan": page.plan, "form": form, "sent": sent}
    status = 400 if request.method == "POST" else 200
    return render(request, "plans/invite.html", context, status=status)


@login_required
@require_POST
def invite_resend(request: HttpRequest, plan_id: int, invitation_id: int) -> HttpResponse:
    access = selectors.access_or_404(actor=request.user, plan_id=plan_id)
    if not Invitation.objects.filter(pk=invitation_id, plan=access.plan).exists():
        raise PermissionDenied
    try:
        new = invitations.invitation_resend(
            actor=request.user, invitation_id=invitation_id, link_base=_link_base(request)
        )
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        messages.success(request, _("A new link is sent to %(email)s.") % {"email": new.email})
    if request.POST.get("next") == "requests":  # resent from the request queue
        return redirect("plans:requests")
    return redirect("plans:invite", plan_id=plan_id)


@require_http_methods(["GET", "HEAD", "POST"])
def invitation(request: HttpRequest, token: str) -> HttpResponse:
    """The link in the e-mail. Open to anyone holding it; shows only the first name."""
    found, state = invitations.invitation_for_token(token)
    form = SetPasswordForm(request.POST or None)
    status = 200 if state == invitations.LinkState.OK else 410
    if state == invitations.LinkState.UNKNOWN:
        status = 404
    if request.method == "POST" and state == invitations.LinkState.OK and form.is_valid():
        try:
            user = invitations.invitation_accept(
                token=token,
                password=form.cleaned_data["password"],
                password_again=form.cleaned_data["password2"],
            )
        except ValidationError as exc:
            add_errors(form, exc)
            status = 400
        else:
            login(request, user, backend=BACKEND)
            messages.success(request, _("Welcome to Laget. Your password is saved."))
            return redirect("home")
    elif request.method == "POST":
        status = 400
    context = {"invitation": found, "state": state.value, "form": form, "token": token}
    return render(request, "plans/invitation.html", context, status=status)


@require_POST
def invitation_renew(request: HttpRequest, token: str) -> HttpResponse:
    try:
        invitations.invitation_renewal_request(token=token)
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
        return redirect("plans:invitation", token=token)
    messages.success(
        request, _("Your coordinator is asked to send you a new invitation by e-mail.")
    )
    return redirect("plans:invitation", token=token)
