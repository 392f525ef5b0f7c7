"""The person's own pages, built for a tired person on a phone: my account, my consents
(one card per receiver, withdraw with a confirmation that says what happens, undo the
same day), and who has read my plan. Thin: reads go through the selectors, writes
through the services."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from laget.directory.selectors import CatalogueFilters, service_queryset
from laget.plans import consent_services, person_selectors, registration, selectors
from laget.plans.forms import ConsentForm
from laget.plans.lifecycle_forms import PersonDistrictForm
from laget.plans.models import Consent
from laget.plans.views import _block_form


def _request_id(request: HttpRequest) -> str:
    return getattr(request, "request_id", "")


@login_required
@require_http_methods(["GET", "HEAD"])
def my_account(request: HttpRequest) -> HttpResponse:
    """What matters to a person or a relative: who they are logged in as, their plan, their
    consents and log, the password. Professionals keep their two-factor account pages."""
    if getattr(request.user, "kind", "") not in ("person", "relative"):
        return redirect("mfa_index")
    places = selectors.my_plans(actor=request.user, request_id=_request_id(request))
    return render(request, "plans/my_account.html", {"places": places})


@login_required
@require_http_methods(["GET", "HEAD"])
def my_access_log(request: HttpRequest) -> HttpResponse:
    log = person_selectors.person_read_log(
        actor=request.user,
        older_than=request.GET.get("eldre", ""),
        service=request.GET.get("tjeneste", ""),
        request_id=_request_id(request),
    )
    return render(request, "plans/access_log.html", {"log": log})


def _consent_form(request: HttpRequest, page: selectors.PlanPage, data=None) -> ConsentForm:
    # The team's services first, then every other service in the catalogue: consent often
    # comes before a referral to a service that is not on the team yet.
    team_services = {m.service.pk: m.service for m in page.team if m.service is not None}
    others = [
        s
        for s in service_queryset(actor=request.user, filters=CatalogueFilters())
        if s.pk not in team_services
    ]
    form = ConsentForm(
        data,
        team=page.team,
        services=[*team_services.values(), *others],
        is_person=page.access.is_person,
    )
    asked = request.GET.get("til", "")  # "s12": a hand-off asked the person about a service
    if data is None and asked in form.receivers:
        form.initial["receiver"] = asked
    return form


@login_required
@require_http_methods(["GET", "HEAD", "POST"])
def consents(request: HttpRequest, plan_id: int) -> HttpResponse:
    """The person's consents: who may see what, until when; give, withdraw and undo."""
    if not selectors.access_or_404(actor=request.user, plan_id=plan_id).may_manage_team:
        raise PermissionDenied  # before anything is read, so nothing is logged
    page = selectors.plan_page(
        actor=request.user,
        plan_id=plan_id,
        request_id=_request_id(request),
        shows=selectors.PLAN_ONLY,
        list_consents=True,
    )
    form = _consent_form(request, page, request.POST or None)
    if request.method == "POST" and form.is_valid():
        kind, receiver = form.cleaned_data["receiver"]
        try:
            consent_services.consent_record(
                actor=request.user,
                plan=page.plan,
                categories=form.cleaned_data["categories"],
                valid_from=form.cleaned_data["valid_from"],
                valid_to=form.cleaned_data["valid_to"],
                method=form.cleaned_data.get("method", Consent.Method.DIGITAL),
                witness=form.cleaned_data.get("witness", ""),
                **{kind: receiver},
            )
        except ValidationError as exc:
            form.add_error(None, exc)
        else:
            messages.success(request, _("The consent is recorded."))
            return redirect("plans:consents", plan_id=plan_id)
    status = 400 if request.method == "POST" else 200
    cards, past = person_selectors.current_and_past(
        person_selectors.consent_cards(page.consents or [], today=timezone.localdate())
    )
    context = {
        "p": page,
        "plan": page.plan,
        "form": form,
        "cards": cards,
        "past": past,
        # The person first sees their cards; a coordinator comes here to record one.
        "give_open": request.method == "POST" or "til" in request.GET or not page.access.is_person,
    }
    if page.access.is_person:
        context["block_form"] = _block_form(page)
        goals = {g.pk: g for g in page.goals}
        measures = {m.pk: m for m in page.measures}
        context["blocked"] = [
            (b, goals.get(b.object_id) if b.kind == "goal" else measures.get(b.object_id))
            for b in page.blocks
        ]
    return render(request, "plans/consents.html", context, status=status)


@login_required
@require_http_methods(["GET", "HEAD"])
def consent_summary(request: HttpRequest, plan_id: int) -> HttpResponse:
    """The plan page's consents section, loaded when it is opened (htmx): the consents in
    force or still to come, and how many earlier ones the consents page keeps."""
    consents = selectors.managed_consents(
        actor=request.user, plan_id=plan_id, request_id=_request_id(request)
    )
    cards = person_selectors.consent_cards(consents, today=timezone.localdate())
    summary = person_selectors.consent_summary(cards)
    return render(request, "plans/_consent_summary.html", {"summary": summary})


@login_required
@require_http_methods(["GET", "HEAD", "POST"])
def consent_withdraw(request: HttpRequest, plan_id: int, consent_id: int) -> HttpResponse:
    """GET: what withdrawing will do, in plain words, with one button. POST: withdraw."""
    access = selectors.access_or_404(actor=request.user, plan_id=plan_id)
    if not access.may_manage_team:
        raise PermissionDenied
    consent = get_object_or_404(
        Consent.objects.select_related("to_service", "to_organisation", "to_relative"),
        pk=consent_id,
        person_id=access.plan.person_id,
    )
    receiver = person_selectors.consent_receiver_name(consent)
    if request.method == "POST":
        consent_services.consent_withdraw(actor=request.user, plan=access.plan, consent=consent)
        messages.success(
            request,
            _("The consent is withdrawn: %(receiver)s can no longer see the plan.")
            % {"receiver": receiver},
        )
        return redirect("plans:consents", plan_id=plan_id)
    selectors.log_read(access, categories=["consents"], request_id=_request_id(request))
    return render(
        request,
        "plans/consent_withdraw.html",
        {"plan": access.plan, "consent": consent, "receiver": receiver, "access": access},
    )


@login_required
@require_POST
def consent_undo(request: HttpRequest, plan_id: int, consent_id: int) -> HttpResponse:
    """Undo a withdrawal made today."""
    access = selectors.access_or_404(actor=request.user, plan_id=plan_id)
    if not access.may_manage_team:
        raise PermissionDenied
    consent = get_object_or_404(Consent, pk=consent_id, person_id=access.plan.person_id)
    try:
        consent_services.consent_withdrawal_undo(
            actor=request.user, plan=access.plan, consent=consent
        )
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        messages.success(request, _("The withdrawal is undone. The consent applies again."))
    return redirect("plans:consents", plan_id=plan_id)


@login_required
@require_http_methods(["GET", "HEAD", "POST"])
def person_district(request: HttpRequest, plan_id: int) -> HttpResponse:
    """Where the person lives (municipality district), for the fair-distribution figures:
    the person and the coordinator set it. Reading it is reading the plan (logged)."""
    if not selectors.access_or_404(actor=request.user, plan_id=plan_id).may_manage_team:
        raise PermissionDenied  # before anything is read, so nothing is logged
    page = selectors.plan_page(
        actor=request.user,
        plan_id=plan_id,
        request_id=_request_id(request),
        shows=selectors.PLAN_ONLY,
    )
    person = page.plan.person
    districts = registration.districts_for_plan(page.plan)
    status = 200
    if request.method == "POST":
        form = PersonDistrictForm(request.POST, districts=districts)
        status = 400
        if form.is_valid():
            try:
                registration.person_district_set(
                    actor=request.user,
                    plan=page.plan,
                    district=form.cleaned_data["district"],
                    was_id=form.cleaned_data["was"],
                )
            except registration.DistrictChanged as exc:
                status = 409
                # Show what is recorded now, and base the next save on it.
                person.refresh_from_db(fields=["district"])
                now = person.district_id or ""
                form = PersonDistrictForm({"district": now, "was": now}, districts=districts)
                form.is_valid()
                form.add_error(None, exc)
            except ValidationError as exc:
                form.add_error(None, exc)
            else:
                messages.success(request, _("The district is saved."))
                return redirect("plans:person_district", plan_id=plan_id)
    else:
        form = PersonDistrictForm(
            initial={"district": person.district_id, "was": person.district_id},
            districts=districts,
        )
    context = {"plan": page.plan, "person": person, "form": form, "any": districts.exists()}
    return render(request, "plans/person_district.html", context, status=status)
