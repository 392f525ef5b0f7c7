"""Notification pages. Thin: reads through notifications.selectors, writes through
notifications.services."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from laget.notifications import selectors, services
from laget.notifications.forms import CallMeForm, PreferencesForm
from laget.plans.selectors import access_or_404


@login_required
@require_http_methods(["GET", "HEAD"])
def notification_list(request: HttpRequest) -> HttpResponse:
    page = selectors.notifications_page(actor=request.user, page_number=request.GET.get("side", 1))
    return render(request, "notifications/list.html", {"page": page})


@login_required
@require_POST
def mark_read(request: HttpRequest) -> HttpResponse:
    ids = [int(i) for i in request.POST.getlist("ids") if i.isdigit()]
    changed = services.mark_read(actor=request.user, ids=ids or None)
    if changed:
        messages.success(request, _("Marked as read."))
    return redirect("notifications:list")


@login_required
@require_http_methods(["GET", "HEAD"])
def notification_open(request: HttpRequest, notification_id: int) -> HttpResponse:
    """Follow a notification: it is marked read and the page it is about opens (which
    checks access again: a consent withdrawn since then closes it)."""
    link = services.notification_open(actor=request.user, notification_id=notification_id)
    if link is None or not url_has_allowed_host_and_scheme(link, allowed_hosts=None):
        raise Http404
    return redirect(link)


@login_required
@require_http_methods(["GET", "HEAD", "POST"])
def preferences(request: HttpRequest) -> HttpResponse:
    mine, choices = selectors.my_settings(actor=request.user)
    user: Any = request.user  # logged in (login_required)
    professional = user.kind == "professional"
    kinds = services.kinds_for(user)
    initial = {
        "phone": mine.phone,
        "quiet_from": mine.quiet_from,
        "quiet_to": mine.quiet_to,
        "daily_digest": mine.daily_digest,
    } | {
        f"{kind}__{channel}": choices.get((kind, channel), services.DEFAULT_ON[channel])
        for kind in kinds
        for channel in services.OUTSIDE
    }
    form = PreferencesForm(
        request.POST or None, initial=initial, kinds=kinds, professional=professional
    )
    status = 200
    if request.method == "POST":
        if form.is_valid():
            try:
                services.preferences_save(
                    actor=request.user,
                    enabled=form.enabled(),
                    phone=form.cleaned_data["phone"],
                    quiet_from=form.cleaned_data["quiet_from"],
                    quiet_to=form.cleaned_data["quiet_to"],
                    daily_digest=form.cleaned_data.get("daily_digest", False),
                )
            except ValidationError as exc:
                form.add_error(None, exc)
            else:
                messages.success(request, _("Your choices are saved."))
                return redirect("notifications:preferences")
        status = 400
    return render(request, "notifications/preferences.html", {"form": form}, status=status)


@login_required
@require_POST
def call_me(request: HttpRequest, plan_id: int) -> HttpResponse:
    """'I want to be called': the person (or a relative) asks; the coordinator gets a task."""
    access = access_or_404(actor=request.user, plan_id=plan_id, category="plan")
    form = CallMeForm(request.POST)
    if form.is_valid():
        try:
            services.call_request(
                actor=request.user, plan=access.plan, time_of_day=form.cleaned_data["time_of_day"]
            )
        except ValidationError as exc:
            messages.error(request, " ".join(exc.messages))
        else:
            messages.success(
                request,
                _("The coordinator has been asked to call you. You are called on a working day."),
            )
    else:
        messages.error(request, _("Choose when it suits you to be called."))
    back = request.POST.get("next", "")
    if back and url_has_allowed_host_and_scheme(back, allowed_hosts={request.get_host()}):
        return redirect(back)
    return redirect("plans:plan", plan_id=plan_id)
