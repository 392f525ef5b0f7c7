"""Plan pages. Thin: every read goes through plans.selectors (which logs it), every write
through plans.services."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.template.loader import render_to_string
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from laget.audit.services import EditConflict
from laget.core.feedback import run_and_report
from laget.directory.selectors import CatalogueFilters, service_queryset
from laget.meetings import selectors as meetings_selectors
from laget.plans import message_selectors, selectors, services
from laget.plans.access import may_open_emergency_access
from laget.plans.forms import (
    CrisisPlanForm,
    EmergencyAccessForm,
    GoalEditForm,
    GoalForm,
    ItemBlockForm,
    LeaveForm,
    MeasureEditForm,
    MeasureForm,
    PlanConsentForm,
    PlanEditForm,
    StandInForm,
    TaskForm,
    TeamAddForm,
)
from laget.plans.links import plan_links
from laget.plans.models import (
    Category,
    CrisisPlan,
    EmergencyAccess,
    Goal,
    ItemBlock,
    Measure,
    Plan,
    TeamMember,
)
from laget.plans.pdf import render_pdf


def _request_id(request: HttpRequest) -> str:
    return getattr(request, "request_id", "")


# The printout shows goals, measures, the team and the crisis plan; tasks and messages not.
PRINTED = (Category.PLAN, Category.HEALTH)


# The add-forms open on demand: their drop-downs (services, goals, the team) are a third of
# the page's rendering, and most visits only read. With htmx a form loads when its
# <details> opens; without JavaScript the summary's link reloads the page with it open.
ADD_FORMS = ("goal", "measure", "task")


def _add_form(kind: str, page_access: Any, team: Any, request: HttpRequest) -> Any:
    if kind == "goal":
        return GoalForm()
    if kind == "measure":
        services_qs = service_queryset(actor=request.user, filters=CatalogueFilters())
        return MeasureForm(goals=selectors.visible_goals(page_access), services=services_qs)
    return TaskForm(team=team)


def _render_plan(
    request: HttpRequest, plan_id: int, status: int = 200, **forms: Any
) -> HttpResponse:
    page = selectors.plan_page(actor=request.user, plan_id=plan_id, request_id=_request_id(request))
    wanted = request.GET.get("skjema")
    if wanted in ADD_FORMS and f"{wanted}_form" not in forms and page.access.may_edit_plan:
        forms[f"{wanted}_form"] = _add_form(wanted, page.access, page.team, request)
    context = {
        "p": page,
        "plan": page.plan,
        "links": plan_links(page.plan.pk),
        "next_meeting": meetings_selectors.plan_next_meeting(access=page.access),
        # The person and relatives read on a phone: the long parts start folded.
        "phone_first": not page.access.is_professional,
        "goal_form": forms.get("goal_form"),
        "measure_form": forms.get("measure_form"),
        "task_form": forms.get("task_form"),
        # Shown only until the consent to the plan is recorded.
        "plan_consent_form": (
            PlanConsentForm()
            if not page.plan.consent_given_at and page.access.may_manage_team
            else None
        ),
        "activate_errors": forms.get("activate_errors"),
    }
    return render(request, "plans/plan.html", context, status=status)


@login_required
@require_http_methods(["GET", "HEAD"])
def plan_detail(request: HttpRequest, plan_id: int) -> HttpResponse:
    kind = request.GET.get("skjema")
    if request.headers.get("HX-Request") == "true" and kind in ADD_FORMS:
        # Just the form: it lists the plan's goals or team, so the read is checked and
        # logged like the page.
        access = selectors.access_or_404(actor=request.user, plan_id=plan_id)
        if not access.may_edit_plan:
            raise PermissionDenied
        team = selectors.plan_team(access=access) if kind == "task" else None
        selectors.log_read(access, categories=["plan"], request_id=_request_id(request))
        form = _add_form(kind, access, team, request)
        return render(
            request, "plans/_add_form.html", {"plan": access.plan, "kind": kind, "form": form}
        )
    return _render_plan(request, plan_id)


@login_required
@require_http_methods(["GET", "HEAD"])
def my_plans(request: HttpRequest) -> HttpResponse:
    mine = selectors.my_plan_list(actor=request.user, request_id=_request_id(request))
    return render(
        request,
        "plans/my_plans.html",
        {"places": mine.places, "awaiting_consent": mine.awaiting_consent},
    )


def _add_to_plan(
    request: HttpRequest, plan_id: int, *, kind: str, form: Any, save: Any, done: str
) -> HttpResponse:
    """An add-form's POST: save through the service and go back to the plan, or show the
    plan again with the form and what to fix (400)."""
    if form.is_valid():
        try:
            save(form.cleaned_data)
        except ValidationError as exc:
            form.add_error(None, exc)
        else:
            messages.success(request, done)
            return redirect("plans:plan", plan_id=plan_id)
    return _render_plan(request, plan_id, status=400, **{f"{kind}_form": form})


@login_required
@require_POST
def goal_add(request: HttpRequest, plan_id: int) -> HttpResponse:
    access = selectors.access_or_404(actor=request.user, plan_id=plan_id)
    return _add_to_plan(
        request,
        plan_id,
        kind="goal",
        form=GoalForm(request.POST),
        save=lambda data: services.goal_add(actor=request.user, plan=access.plan, **data),
        done=_("The goal is added."),
    )


@login_required
@require_POST
def measure_add(request: HttpRequest, plan_id: int) -> HttpResponse:
    access = selectors.access_or_404(actor=request.user, plan_id=plan_id)
    services_qs = service_queryset(actor=request.user, filters=CatalogueFilters())
    return _add_to_plan(
        request,
        plan_id,
        kind="measure",
        form=MeasureForm(request.POST, goals=selectors.visible_goals(access), services=services_qs),
        save=lambda data: services.measure_add(actor=request.user, plan=access.plan, **data),
        done=_("The measure is added."),
    )


@login_required
@require_POST
def task_add(request: HttpRequest, plan_id: int) -> HttpResponse:
    # The team is read only to check the chosen assignee; nothing of it is shown unless the
    # form comes back with errors, and then the plan page logs its read as always.
    access = selectors.access_or_404(actor=request.user, plan_id=plan_id)

    def save(data: dict[str, Any]) -> None:
        member = data["assignee_user"]
        services.task_add(
            actor=request.user,
            plan=access.plan,
            title=data["title"],
            due=data["due"],
            assignee_user=member.user,
            assignee_service=member.service,
        )

    return _add_to_plan(
        request,
        plan_id,
        kind="task",
        form=TaskForm(request.POST, team=selectors.plan_team(access=access)),
        save=save,
        done=_("The task is added."),
    )


@login_required
@require_POST
def plan_activate(request: HttpRequest, plan_id: int) -> HttpResponse:
    access = selectors.access_or_404(actor=request.user, plan_id=plan_id)
    try:
        services.plan_activate(actor=request.user, plan=access.plan)
    except ValidationError as exc:
        return _render_plan(request, plan_id, status=400, activate_errors=exc.messages)
    messages.success(request, _("The plan is active."))
    return redirect("plans:plan", plan_id=plan_id)


@login_required
@require_http_methods(["GET", "HEAD", "POST"])
def emergency_access(request: HttpRequest) -> HttpResponse:
    """A health professional outside the team opens a plan in an emergency."""
    if not may_open_emergency_access(request.user):
        raise PermissionDenied
    form = EmergencyAccessForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            emergency = services.emergency_access_open(actor=request.user, **form.cleaned_data)
        except ValidationError as exc:
            for field_name, errors in exc.message_dict.items():
                for error in errors:
                    form.add_error(field_name, error)
        else:
            messages.warning(
                request,
                _("Emergency access is open for 24 hours. The coordinator and the person see it."),
            )
            return redirect("plans:plan", plan_id=emergency.plan_id)
    status = 400 if request.method == "POST" else 200
    return render(request, "plans/emergency.html", {"form": form}, status=status)


@login_required
@require_POST
def emergency_review(request: HttpRequest, plan_id: int, emergency_id: int) -> HttpResponse:
    access = selectors.access_or_404(actor=request.user, plan_id=plan_id)
    emergency = get_object_or_404(EmergencyAccess, pk=emergency_id, plan=access.plan)
    services.emergency_access_review(actor=request.user, emergency=emergency)
    messages.success(request, _("Marked as reviewed."))
    return redirect("plans:plan", plan_id=plan_id)


def _block_form(page: selectors.PlanPage, data=None) -> ItemBlockForm:
    team_services = {m.service.pk: m.service for m in page.team if m.service is not None}
    return ItemBlockForm(
        data, goals=page.goals, measures=page.measures, services=team_services.values()
    )


@login_required
@require_POST
def item_block(request: HttpRequest, plan_id: int) -> HttpResponse:
    if not selectors.access_or_404(actor=request.user, plan_id=plan_id).is_person:
        raise PermissionDenied  # only the person blocks their own items
    page = selectors.plan_page(
        actor=request.user,
        plan_id=plan_id,
        request_id=_request_id(request),
        shows=selectors.PLAN_ONLY,
        manage=False,
    )
    form = _block_form(page, request.POST)
    if form.is_valid():
        kind, object_id = form.cleaned_data["item"]
        run_and_report(
            request,
            lambda: services.item_block_add(
                actor=request.user,
                plan=page.plan,
                kind=kind,
                object_id=object_id,
                hidden_from=form.cleaned_data["hidden_from"],
            ),
            _("It is hidden from now on."),
        )
    else:
        messages.error(request, _("Choose a goal or a measure to hide."))
    return redirect("plans:consents", plan_id=plan_id)


@login_required
@require_POST
def item_unblock(request: HttpRequest, plan_id: int, block_id: int) -> HttpResponse:
    access = selectors.access_or_404(actor=request.user, plan_id=plan_id)
    if not access.is_person:
        raise PermissionDenied
    block = get_object_or_404(ItemBlock, pk=block_id, plan=access.plan)
    services.item_block_remove(actor=request.user, block=block)
    messages.success(request, _("It is shown again."))
    return redirect("plans:consents", plan_id=plan_id)


@login_required
@require_http_methods(["GET", "HEAD", "POST"])
def team(request: HttpRequest, plan_id: int) -> HttpResponse:
    """The responsibility group: who is on it, for which service; add and remove members
    (the coordinator and the person only, always with a reason)."""
    if not selectors.access_or_404(actor=request.user, plan_id=plan_id).may_manage_team:
        raise PermissionDenied  # before anything is read, so nothing is logged
    page = selectors.plan_page(
        actor=request.user,
        plan_id=plan_id,
        request_id=_request_id(request),
        shows=selectors.PLAN_ONLY,
        manage=False,
    )
    services_qs = service_queryset(actor=request.user, filters=CatalogueFilters())
    form = TeamAddForm(request.POST or None, services=services_qs)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            services.team_member_add(
                actor=request.user,
                plan=page.plan,
                user=data["user"],
                role=data["role"],
                reason=data["reason"],
                service=data["service"] if data["role"] != "relative" else None,
                relation=data["relation"],
            )
        except ValidationError as exc:
            form.add_error(None, exc)
        else:
            messages.success(request, _("%(name)s has joined the team.") % {"name": data["user"]})
            return redirect("plans:team", plan_id=plan_id)
    status = 400 if request.method == "POST" else 200
    stand_in_form = StandInForm(
        initial={"user": page.plan.stand_in_id, "until": page.plan.stand_in_until}, team=page.team
    )
    context = {"p": page, "plan": page.plan, "form": form, "stand_in_form": stand_in_form}
    return render(request, "plans/team.html", context, status=status)


@login_required
@require_POST
def stand_in(request: HttpRequest, plan_id: int) -> HttpResponse:
    access = selectors.access_or_404(actor=request.user, plan_id=plan_id)
    team = list(TeamMember.objects.active().filter(plan=access.plan).select_related("user"))
    form = StandInForm(request.POST, team=team)
    if form.is_valid():
        run_and_report(
            request,
            lambda: services.stand_in_set(
                actor=request.user,
                plan=access.plan,
                user=form.cleaned_data["user"],
                until=form.cleaned_data["until"],
            ),
            _("The stand-in is saved."),
        )
    else:
        messages.error(request, _("Choose a stand-in on the team and a date."))
    return redirect("plans:team", plan_id=plan_id)


@login_required
@require_http_methods(["GET", "HEAD"])
def inbox(request: HttpRequest) -> HttpResponse:
    inbox = message_selectors.coordinator_inbox(
        actor=request.user, request_id=_request_id(request), before=request.GET.get("eldre", "")
    )
    return render(request, "plans/inbox.html", {"inbox": inbox, "items": inbox.items})


@login_required
@require_POST
def team_leave(request: HttpRequest, plan_id: int, member_id: int) -> HttpResponse:
    access = selectors.access_or_404(actor=request.user, plan_id=plan_id)
    member = get_object_or_404(TeamMember.objects.active(), pk=member_id, plan=access.plan)
    if not (access.may_manage_team or member.user_id == request.user.pk):
        raise PermissionDenied
    form = LeaveForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Write why they leave the team."))
    else:
        run_and_report(
            request,
            lambda: services.team_member_leave(
                actor=request.user, member=member, reason=form.cleaned_data["reason"]
            ),
            _("%(name)s has left the team.") % {"name": member.user},
        )
    return redirect("plans:team", plan_id=plan_id)


@login_required
@require_http_methods(["GET", "HEAD", "POST"])
def plan_edit(request: HttpRequest, plan_id: int) -> HttpResponse:
    """The plan's texts and dates. A save based on an older version shows the other change
    and keeps what was typed."""
    access = selectors.access_or_404(actor=request.user, plan_id=plan_id)
    plan = access.plan
    return _edit_item(
        request,
        access,
        plan,
        PlanEditForm,
        lambda version, data: services.plan_update(
            actor=request.user, plan=plan, based_on_version=version, data=data
        ),
        "plans/plan_edit.html",
    )


@login_required
@require_POST
def plan_consent(request: HttpRequest, plan_id: int) -> HttpResponse:
    """The person consents to the plan (digitally), or the coordinator records how the
    person consented."""
    access = selectors.access_or_404(actor=request.user, plan_id=plan_id)
    form = PlanConsentForm(request.POST)
    method = form.data.get("method", "") if not access.is_person else Plan.ConsentMethod.DIGITAL
    run_and_report(
        request,
        lambda: services.plan_consent_record(
            actor=request.user,
            plan=access.plan,
            method=method,
            witness=form.data.get("witness", ""),
        ),
        _("The consent to the plan is recorded."),
    )
    return redirect("plans:plan", plan_id=plan_id)


@login_required
@require_http_methods(["GET", "HEAD", "POST"])
def crisis_plan(request: HttpRequest, plan_id: int) -> HttpResponse:
    """What to do when it gets hard: for those who may read health details."""
    selectors.access_or_404(actor=request.user, plan_id=plan_id, category="health")
    page = selectors.plan_page(
        actor=request.user,
        plan_id=plan_id,
        request_id=_request_id(request),
        shows=(Category.HEALTH,),
        manage=False,
    )
    current = page.crisis_plan
    conflict = None
    if request.method == "POST":
        if not page.access.may_edit_plan:
            raise PermissionDenied
        form = CrisisPlanForm(request.POST, instance=CrisisPlan.objects.get(plan=page.plan))
        if form.is_valid():
            data = {f: form.cleaned_data[f] for f in CrisisPlanForm.Meta.fields}
            try:
                services.crisis_plan_update(
                    actor=request.user,
                    plan=page.plan,
                    based_on_version=form.cleaned_data["version"],
                    data=data,
                )
            except EditConflict as exc:
                conflict = exc.current
                posted = request.POST.copy()
                posted["version"] = str(conflict.version)
                # Bind to a fresh copy: validating the form must not alter the conflict shown.
                form = CrisisPlanForm(posted, instance=CrisisPlan.objects.get(plan=page.plan))
                form.is_valid()
            else:
                messages.success(request, _("The crisis plan is saved."))
                return redirect("plans:crisis_plan", plan_id=plan_id)
    else:
        form = CrisisPlanForm(
            instance=current, initial={"version": current.version if current else 1}
        )
    status = 409 if conflict else (400 if request.method == "POST" else 200)
    context = {"p": page, "plan": page.plan, "form": form, "conflict": conflict}
    return render(request, "plans/crisis_plan.html", context, status=status)


@login_required
@require_http_methods(["GET", "HEAD"])
def plan_print(request: HttpRequest, plan_id: int) -> HttpResponse:
    """The person's copy: a clean page for printing (logged as export or print)."""
    page = selectors.plan_page(
        actor=request.user,
        plan_id=plan_id,
        request_id=_request_id(request),
        purpose="export",
        shows=PRINTED,
        manage=False,
    )
    return render(request, "plans/plan_print.html", {"p": page, "plan": page.plan, "pdf": False})


@login_required
@require_http_methods(["GET", "HEAD"])
def plan_pdf(request: HttpRequest, plan_id: int) -> HttpResponse:
    """The person's copy as a PDF, from the same template as the print page."""
    page = selectors.plan_page(
        actor=request.user,
        plan_id=plan_id,
        request_id=_request_id(request),
        purpose="export",
        shows=PRINTED,
        manage=False,
    )
    html = render_to_string(
        "plans/plan_print.html", {"p": page, "plan": page.plan, "pdf": True}, request=request
    )
    pdf = render_pdf(html)
    response = HttpResponse(pdf, content_type="application/pdf")
    filename = f"plan-{page.plan.pk}.pdf"
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    response["Cache-Control"] = "private, no-store"
    return response


def _edit_item(request, access, item, form_class, save, template_name, **form_kwargs):
    """The one edit flow for versioned plan parts (the plan, a goal, a measure): the form
    carries the version it was based on; a stale save shows what is saved now and keeps
    what was typed; the page's read is logged once."""
    if not access.may_edit_plan:
        raise PermissionDenied
    conflict = None

    def fresh():  # bind forms to a fresh copy: validating must not alter what is shown
        return type(item)._default_manager.get(pk=item.pk)

    if request.method == "POST":
        form = form_class(request.POST, instance=fresh(), **form_kwargs)
        if form.is_valid():
            data = {f: form.cleaned_data[f] for f in form_class.Meta.fields}
            try:
                save(form.cleaned_data["version"], data)
            except EditConflict as exc:
                conflict = exc.current
                posted = request.POST.copy()
                posted["version"] = str(conflict.version)
                form = form_class(posted, instance=fresh(), **form_kwargs)
                form.is_valid()
            except ValidationError as exc:
                form.add_error(None, exc)
            else:
                messages.success(request, _("Saved."))
                return redirect("plans:plan", plan_id=access.plan.pk)
    else:
        form = form_class(instance=item, initial={"version": item.version}, **form_kwargs)
    status = 409 if conflict else (400 if request.method == "POST" else 200)
    selectors.log_read(access, categories=["plan"], request_id=_request_id(request))
    context = {"plan": access.plan, "item": item, "form": form, "conflict": conflict}
    return render(request, template_name, context, status=status)


@login_required
@require_http_methods(["GET", "HEAD", "POST"])
def measure_edit(request: HttpRequest, plan_id: int, measure_id: int) -> HttpResponse:
    access = selectors.access_or_404(actor=request.user, plan_id=plan_id)
    measure = get_object_or_404(Measure, pk=measure_id, plan=access.plan)
    if not access.may_change_measure(measure):
        raise PermissionDenied  # the person proposes and comments; the service decides
    return _edit_item(
        request,
        access,
        measure,
        MeasureEditForm,
        lambda version, data: services.measure_update(
            actor=request.user, measure=measure, based_on_version=version, data=data
        ),
        "plans/item_edit.html",
        services=service_queryset(actor=request.user, filters=CatalogueFilters()),
        may_set_status=access.may_set_measure_status(measure),
    )


@login_required
@require_http_methods(["GET", "HEAD", "POST"])
def goal_edit(request: HttpRequest, plan_id: int, goal_id: int) -> HttpResponse:
    access = selectors.access_or_404(actor=request.user, plan_id=plan_id)
    goal = get_object_or_404(Goal, pk=goal_id, plan=access.plan)
    return _edit_item(
        request,
        access,
        goal,
        GoalEditForm,
        lambda version, data: services.goal_update(
            actor=request.user, goal=goal, based_on_version=version, data=data
        ),
        "plans/item_edit.html",
    )
