"""Tasks: the actor's own list, marking one done, giving one to someone else. Reads through
plans.selectors (which logs them), writes through plans.services."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from laget.audit.services import EditConflict
from laget.plans import consent_services, selectors, services
from laget.plans.models import Task, TeamMember
from laget.plans.views import _request_id


@login_required
@require_http_methods(["GET", "HEAD"])
def my_tasks(request: HttpRequest) -> HttpResponse:
    tasks = selectors.my_tasks(
        actor=request.user, request_id=_request_id(request), after=request.GET.get("etter", "")
    )
    return render(request, "plans/my_tasks.html", {"tasks": tasks})


@login_required
@require_POST
def task_done(request: HttpRequest, plan_id: int, task_id: int) -> HttpResponse:
    access = selectors.access_or_404(actor=request.user, plan_id=plan_id, category="tasks")
    task = get_object_or_404(Task, pk=task_id, plan=access.plan)
    try:
        version = int(request.POST.get("version", ""))
    except ValueError:
        version = 0
    try:
        services.task_complete(actor=request.user, task=task, based_on_version=version)
    except EditConflict:
        messages.error(request, _("Someone changed the task before you. Look at it again."))
    else:
        messages.success(request, _("The task is marked as done."))
    if request.POST.get("from") == "my_tasks":
        return redirect("plans:my_tasks")
    return redirect("plans:plan", plan_id=plan_id)


@login_required
@require_POST
def task_reassign(request: HttpRequest, plan_id: int, task_id: int) -> HttpResponse:
    """The coordinator gives a task (marked after a withdrawal) to someone else on the team."""
    access = selectors.access_or_404(actor=request.user, plan_id=plan_id, category="tasks")
    task = get_object_or_404(Task, pk=task_id, plan=access.plan, status=Task.Status.OPEN)
    member = (
        TeamMember.objects.active()
        .filter(plan=access.plan, pk=request.POST.get("member") or 0)
        .first()
    )
    if member is None:
        if not access.is_coordinator:
            raise PermissionDenied
        messages.error(request, _("Choose someone on the team."))
        return redirect("plans:plan", plan_id=plan_id)
    try:
        version = int(request.POST.get("version", ""))
    except ValueError:
        version = 0
    try:
        consent_services.task_reassign(
            actor=request.user, task=task, member=member, based_on_version=version
        )
    except EditConflict:
        messages.error(request, _("Someone changed the task before you. Look at it again."))
    else:
        messages.success(request, _("The task is given to %(name)s.") % {"name": member.user})
    return redirect("plans:plan", plan_id=plan_id)
