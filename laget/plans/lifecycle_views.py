"""Pages for a plan's life: register a person, open a plan, ask the municipality for one,
the request queue, the coordinator's role and closing. Thin: reads and writes go through
plans.registration, plans.lifecycle and plans.requests."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from laget.plans import lifecycle, registration, requests, selectors
from laget.plans.lifecycle_access import is_professional, network_services, services_of
from laget.plans.lifecycle_forms import (
    AnswerForm,
    CoordinatorChangeForm,
    JoinRequestForm,
    PlanOpenForm,
    PlanRequestForm,
    ReasonForm,
    RegisterForm,
    memberships_queryset,
)
from laget.plans.lifecycle_models import PlanRequest


def _rid(request: HttpRequest) -> str:
    return getattr(request, "request_id", "")


def add_errors(form: Any, exc: ValidationError) -> None:
    """A service's refusal onto the form: by field where the form has it, else on top."""
    if hasattr(exc, "error_dict"):
        for name, errors in exc.message_dict.items():
            form.add_error(name if name in form.fields else None, errors)
    else:
        form.add_error(None, exc.messages)


def _professional_only(request: HttpRequest) -> list:
    if not is_professional(request.user):
        raise PermissionDenied
    return services_of(request.user)


@login_required
@require_http_methods(["GET", "HEAD", "POST"])
def person_register(request: HttpRequest) -> HttpResponse:
    """Register a person. A number already registered creates nothing and shows nothing:
    the page offers to ask the coordinator to be added to the team."""
    mine = _professional_only(request)
    form = RegisterForm(request.POST or None, services=mine)
    join_form = None
    status = 200
    if request.method == "POST":
        status = 400
        if form.is_valid():
            data = form.cleaned_data
            try:
                person = registration.person_register(actor=request.user, **data)
            except registration.PersonAlreadyKnown as exc:
                status = 409
                messages.info(request, " ".join(exc.messages))
                join_form = JoinRequestForm(
                    initial={"service": data["service"].pk, "national_id": data["national_id"]},
                    services=mine,
                )
            except ValidationError as exc:
                add_errors(form, exc)
            else:
                messages.success(
                    request, _("%(name)s is registered. Now open a plan.") % {"name": person}
                )
                return redirect("plans:plan_open", person_id=person.pk)
    context = {"form": form, "join_form": join_form}
    return render(request, "plans/register.html", context, status=status)


@login_required
@require_POST
def join_request(request: HttpRequest) -> HttpResponse:
    mine = _professional_only(request)
    form = JoinRequestForm(request.POST, services=mine)
    if form.is_valid():
        try:
            registration.join_request_create(actor=request.user, **form.cleaned_data)
        except ValidationError as exc:
            add_errors(form, exc)
        else:
            messages.success(
                request,
                _("Your request is sent. The coordinator answers it; you see the answer here."),
            )
            return redirect("plans:requests")
    return render(
        request,
        "plans/register.html",
        {"form": RegisterForm(services=mine), "join_form": form},
        status=400,
    )


@login_required
@require_http_methods(["GET", "HEAD", "POST"])
def plan_open(request: HttpRequest, person_id: int) -> HttpResponse:
    """Open a draft plan for a person one registered, or ask the municipality for one."""
    mine = _professional_only(request)
    person = lifecycle.person_for_opening(
        actor=request.user, person_id=person_id, request_id=_rid(request)
    )
    existing = lifecycle.open_plan_of(person)
    candidates = memberships_queryset(network_services(request.user))
    form = PlanOpenForm(request.POST or None, services=mine, candidates=candidates)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        chosen = data["coordinator"]
        try:
            plan, offer = lifecycle.plan_open(
                actor=request.user,
                person=person,
                service=data["service"],
                consent_method=data["consent_method"],
                consent_witness=data["consent_witness"],
                coordinator=chosen.professional.user if chosen else None,
                coordinator_service=chosen.service if chosen else None,
            )
        except ValidationError as exc:
            add_errors(form, exc)
        else:
            if offer is not None:
                messages.success(
                    request,
                    _(
                        "The plan is opened as a draft. %(name)s is asked to be coordinator; "
                        "you hold the role until they accept."
                    )
                    % {"name": offer.to_user},
                )
            else:
                messages.success(request, _("The plan is opened as a draft. You coordinate it."))
            return redirect("plans:plan", plan_id=plan.pk)
    context = {
        "person": person,
        "existing": existing,
        "form": form,
        "municipal": any(s.level == "municipal" for s in mine),
    }
    return render(
        request, "plans/plan_open.html", context, status=400 if request.method == "POST" else 200
    )


@login_required
@require_http_methods(["GET", "HEAD", "POST"])
def plan_request(request: HttpRequest, person_id: int) -> HttpResponse:
    """A specialist service asks the municipality for an individual plan."""
    mine = _professional_only(request)
    person = lifecycle.person_for_opening(
        actor=request.user, person_id=person_id, request_id=_rid(request)
    )
    municipal = network_services(request.user).filter(level="municipal")
    form = PlanRequestForm(request.POST or None, services=mine, municipal=municipal)
    if request.method == "POST" and form.is_valid():
        try:
            requests.plan_request_create(actor=request.user, person=person, **form.cleaned_data)
        except ValidationError as exc:
            add_errors(form, exc)
        else:
            messages.success(
                request,
                _("The request is sent. You see the municipality's answer under Requests."),
            )
            return redirect("plans:requests")
    return render(
        request,
        "plans/plan_request.html",
        {"person": person, "form": form},
        status=400 if request.method == "POST" else 200,
    )


@login_required
@require_http_methods(["GET", "HEAD"])
def request_queue(request: HttpRequest) -> HttpResponse:
    _professional_only(request)
    queue = requests.request_queue(actor=request.user, request_id=_rid(request))
    return render(request, "plans/requests.html", {"queue": queue, "answer_form": AnswerForm()})


@login_required
@require_POST
def request_answer(request: HttpRequest, request_id: int) -> HttpResponse:
    _professional_only(request)
    form = AnswerForm(request.POST)
    form.is_valid()
    answer = form.cleaned_data.get("answer", "")
    try:
        if request.POST.get("decision") == "accept":
            done = requests.request_accept(actor=request.user, request_id=request_id)
            if done.plan_id and done.kind == PlanRequest.Kind.INDIVIDUAL_PLAN:
                messages.success(request, _("The plan is opened. You coordinate it."))
                return redirect("plans:plan", plan_id=done.plan_id)
            messages.success(request, _("Accepted."))
            if done.plan_id and done.kind != PlanRequest.Kind.JOIN:
                return redirect("plans:plan", plan_id=done.plan_id)
        else:
            requests.request_decline(actor=request.user, request_id=request_id, reason=answer)
            messages.success(request, _("Declined. The one who asked sees your answer."))
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    return redirect("plans:requests")


def _manage(request: HttpRequest, plan_id: int):
    """The plan's roles page is for whoever manages the team (coordinator, person)."""
    access = selectors.access_or_404(actor=request.user, plan_id=plan_id)
    if not access.may_manage_team:
        raise PermissionDenied
    return access


@login_required
@require_http_methods(["GET", "HEAD"])
def plan_roles(request: HttpRequest, plan_id: int) -> HttpResponse:
    """Coordinator change (a request the new one accepts), closing and reopening."""
    access = _manage(request, plan_id)
    page = selectors.plan_page(
        actor=request.user,
        plan_id=plan_id,
        request_id=_rid(request),
        shows=selectors.PLAN_ONLY,
        manage=False,
    )
    candidates = memberships_queryset(network_services(request.user))
    pending = list(
        PlanRequest.objects.filter(plan=access.plan, status=PlanRequest.Status.PENDING)
        .exclude(kind=PlanRequest.Kind.JOIN)
        .select_related("to_user", "to_service")
    )
    context = {
        "p": page,
        "plan": page.plan,
        "pending": pending,
        "change_form": CoordinatorChangeForm(candidates=candidates),
        "close_form": ReasonForm(auto_id="close_%s"),
    }
    return render(request, "plans/roles.html", context)


@login_required
@require_POST
def coordinator_change(request: HttpRequest, plan_id: int) -> HttpResponse:
    access = _manage(request, plan_id)
    candidates = memberships_queryset(network_services(request.user))
    form = CoordinatorChangeForm(request.POST, candidates=candidates)
    if not form.is_valid():
        messages.error(request, " ".join(str(e) for errors in form.errors.values() for e in errors))
        return redirect("plans:roles", plan_id=plan_id)
    chosen = form.cleaned_data["coordinator"]
    try:
        offer = requests.coordinator_request(
            actor=request.user,
            plan=access.plan,
            to_user=chosen.professional.user,
            service=chosen.service,
            reason=form.cleaned_data["reason"],
        )
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        messages.success(
            request,
            _("%(name)s is asked. Nothing changes until they accept.") % {"name": offer.to_user},
        )
    return redirect("plans:roles", plan_id=plan_id)


def _close_or_reopen(request: HttpRequest, plan_id: int, write: Any, done: str) -> HttpResponse:
    access = selectors.access_or_404(actor=request.user, plan_id=plan_id)
    if not access.is_coordinator:
        raise PermissionDenied
    form = ReasonForm(request.POST)
    reason = form.cleaned_data["reason"] if form.is_valid() else ""
    try:
        write(actor=request.user, plan=access.plan, reason=reason)
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
        return redirect("plans:roles", plan_id=plan_id)
    messages.success(request, done)
    return redirect("plans:plan", plan_id=plan_id)


@login_required
@require_POST
def plan_close(request: HttpRequest, plan_id: int) -> HttpResponse:
    return _close_or_reopen(
        request, plan_id, lifecycle.plan_close, _("The plan is closed. It is kept, read-only.")
    )


@login_required
@require_POST
def plan_reopen(request: HttpRequest, plan_id: int) -> HttpResponse:
    return _close_or_reopen(request, plan_id, lifecycle.plan_reopen, _("The plan is reopened."))
