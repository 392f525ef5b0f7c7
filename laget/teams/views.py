"""The team's pages. Thin: selectors read (and log), services write, refusals come back
as Norwegian messages on the page the form was on."""

from __future__ import annotations

from collections.abc import Callable

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from laget.core.feedback import run_and_report
from laget.directory.models import Network, Professional, Service
from laget.plans import selectors as plan_selectors
from laget.plans.models import Plan
from laget.teams import figures as team_figures
from laget.teams import selectors, services
from laget.teams.access import leads_team, may_refer, team_services_for, works_in_team
from laget.teams.forms import (
    BoardAddForm,
    BoardRemoveForm,
    CaseHandoffForm,
    CaseWorkerForm,
    ClarifyForm,
    ConsultationForm,
    ContactForm,
    DecisionForm,
    LinkPersonForm,
    MemberAddForm,
    MemberEditForm,
    MemberEndForm,
    PerceivedChangeForm,
    ReasonForm,
    ReferralForm,
    TeamCreateForm,
    yes_no,
)


def _rid(request: HttpRequest) -> str:
    return getattr(request, "request_id", "")


def _form_errors(request: HttpRequest, form) -> None:
    for errors in form.errors.values():
        for error in errors:
            messages.error(request, error)


def _post(request: HttpRequest, form, write: Callable[[dict], object], success: str, back: str):
    """Validate, run the service, report, go back."""
    if form.is_valid():
        run_and_report(request, lambda: write(form.cleaned_data), success)
    else:
        _form_errors(request, form)
    return redirect(back)


def _public_services(team):
    return selectors.referral_services(actor=None, team=team).filter(
        level__in=["municipal", "specialist"]
    )


# --- The team and its composition ---------------------------------------------------------


@login_required
@require_http_methods(["GET", "HEAD"])
def team(request: HttpRequest, slug: str) -> HttpResponse:
    page = selectors.team_page(actor=request.user, slug=slug)
    context = {"page": page, "team": page.team}
    if page.may_lead:
        services_qs = list(_public_services(page.team))
        context["add_form"] = MemberAddForm(
            auto_id="add_%s",
            professionals=Professional.objects.filter(
                memberships__service__organisation__networks=page.team.network_id
            )
            .select_related("user")
            .distinct()
            .order_by("user__last_name", "user__first_name"),
            services=_public_services(page.team),
        )
        context["edit_forms"] = [
            (
                m,
                MemberEditForm(
                    services=services_qs,
                    initial={
                        "version": m.version,
                        "home_service": m.home_service_id,
                        "position_percent": m.membership.position_percent,
                        "competence": m.competence,
                    },
                    auto_id=f"m{m.pk}_%s",
                ),
                MemberEndForm(auto_id=f"end{m.pk}_%s"),
            )
            for m in page.members
        ]
    return render(request, "teams/team.html", context)


@login_required
@require_http_methods(["GET", "HEAD", "POST"])
def team_create(request: HttpRequest) -> HttpResponse:
    """A service's administrator makes it a cross-level team: the way in from an empty
    database (the demo builds Fjordvik's through the same services)."""
    candidates = team_services_for(request.user)
    if not candidates:
        return HttpResponse(status=403)
    form = TeamCreateForm(
        request.POST or None,
        services=Service.objects.filter(pk__in=[s.pk for s, _n in candidates]).order_by("name"),
        networks=Network.objects.filter(
            pk__in={n.pk for _s, nets in candidates for n in nets}
        ).order_by("name"),
    )
    if request.method == "POST" and form.is_valid():
        d = form.cleaned_data
        if run_and_report(
            request,
            lambda: services.team_create(
                actor=request.user,
                service=d["service"],
                network=d["network"],
                contact_alert_days=d["contact_alert_days"],
            ),
            _("The team is made. Add its members, each with the service they are lent from."),
        ):
            return redirect("teams:team", slug=d["service"].slug)
    elif request.method == "POST":
        _form_errors(request, form)
    return render(request, "teams/team_create.html", {"form": form})


@login_required
@require_POST
def member_add(request: HttpRequest, slug: str) -> HttpResponse:
    team = selectors.team_or_404(slug)
    if not leads_team(request.user, team):
        return HttpResponse(status=403)
    form = MemberAddForm(
        request.POST,
        professionals=Professional.objects.all(),
        services=_public_services(team),
    )
    return _post(
        request,
        form,
        lambda d: services.member_add(
            actor=request.user,
            team=team,
            professional=d["professional"],
            home_service=d["home_service"],
            position_percent=d["position_percent"],
            competence=d["competence"],
        ),
        _("The member was added to the team."),
        reverse("teams:team", args=[slug]),
    )


@login_required
@require_POST
def member_edit(request: HttpRequest, member_id: int) -> HttpResponse:
    member = selectors.member_for_write(actor=request.user, member_id=member_id)
    form = MemberEditForm(request.POST, services=list(_public_services(member.team)))
    return _post(
        request,
        form,
        lambda d: services.member_update(
            actor=request.user,
            member=member,
            based_on_version=d["version"],
            position_percent=d["position_percent"],
            home_service=d["home_service"],
            competence=d["competence"],
        ),
        _("The member was changed. Cases that lost a level are flagged on the board."),
        reverse("teams:team", args=[member.team.slug]),
    )


@login_required
@require_POST
def member_end(request: HttpRequest, member_id: int) -> HttpResponse:
    member = selectors.member_for_write(actor=request.user, member_id=member_id)
    return _post(
        request,
        MemberEndForm(request.POST),
        lambda d: services.member_end(
            actor=request.user, member=member, ends=d["ends"], reason=d["reason"]
        ),
        _("The place ends. Each case they carried is flagged until someone takes over."),
        reverse("teams:team", args=[member.team.slug]),
    )


# --- Referrals --------------------------------------------------------------------------


@login_required
@require_http_methods(["GET", "HEAD", "POST"])
def refer(request: HttpRequest, slug: str) -> HttpResponse:
    """The open door: anyone with an account refers; nothing is refused as incomplete."""
    team = selectors.team_or_404(slug)
    if not may_refer(request.user):
        return HttpResponse(status=403)
    services_qs = selectors.referral_services(actor=request.user, team=team)
    form = ReferralForm(request.POST or None, services=services_qs)
    if request.method == "POST" and form.is_valid():
        d = form.cleaned_data
        data = services.ReferralInput(
            source=d["source"],
            referrer_contact=d["referrer_contact"],
            subject_name=d["subject_name"],
            subject_contact=d["subject_contact"],
            serious_mental_health=yes_no(d["serious_mental_health"]),
            substance_dependence=yes_no(d["substance_dependence"]),
            loss_of_function=yes_no(d["loss_of_function"]),
            unstable_life=yes_no(d["unstable_life"]),
            lacks_contact=yes_no(d["lacks_contact"]),
            concern=d["concern"],
            treatment_service=d["treatment_service"],
            referrer_service=d["referrer_service"],
        )
        if run_and_report(
            request,
            lambda: services.referral_create(actor=request.user, team=team, data=data),
            _("Thank you. The team takes up the referral at the next intake meeting."),
        ):
            return redirect("teams:my_referrals")
    elif request.method == "POST":
        _form_errors(request, form)
    return render(request, "teams/refer.html", {"team": team, "form": form})


@login_required
@require_http_methods(["GET", "HEAD"])
def my_referrals(request: HttpRequest) -> HttpResponse:
    referrals = selectors.my_referrals(actor=request.user, request_id=_rid(request))
    return render(request, "teams/my_referrals.html", {"referrals": referrals})


@login_required
@require_http_methods(["GET", "HEAD"])
def intake(request: HttpRequest, slug: str) -> HttpResponse:
    agenda = selectors.intake_agenda(actor=request.user, slug=slug, request_id=_rid(request))
    services_qs = list(_public_services(agenda.team))
    rows = [
        (
            r,
            DecisionForm(
                members=agenda.members,
                meetings=agenda.meetings,
                services=services_qs,
                initial={
                    "treatment_service": r.treatment_service_id,
                    "meeting": agenda.meetings[0].pk if agenda.meetings else None,
                },
                auto_id=f"r{r.pk}_%s",
            ),
            ClarifyForm(auto_id=f"c{r.pk}_%s"),
        )
        for r in agenda.referrals
    ]
    return render(
        request, "teams/intake.html", {"agenda": agenda, "team": agenda.team, "rows": rows}
    )


@login_required
@require_POST
def decide(request: HttpRequest, referral_id: int) -> HttpResponse:
    referral = selectors.referral_for_write(actor=request.user, referral_id=referral_id)
    team = referral.team
    form = DecisionForm(
        request.POST,
        members=selectors.active_members(team),
        meetings=selectors.team_meetings(team),
        services=list(_public_services(team)),
    )
    return _post(
        request,
        form,
        lambda d: services.decide(
            actor=request.user,
            referral=referral,
            outcome=d["outcome"],
            reason=d["reason"],
            advice=d["advice"],
            meeting=d["meeting"],
            worker=d["worker"],
            partner=d["partner"],
            treatment_service=d["treatment_service"],
        ),
        _("The decision is saved. The referrer sees it."),
        reverse("teams:intake", args=[team.slug]) + f"#referral-{referral.pk}",
    )


@login_required
@require_POST
def clarify(request: HttpRequest, referral_id: int) -> HttpResponse:
    referral = selectors.referral_for_write(actor=request.user, referral_id=referral_id)
    return _post(
        request,
        ClarifyForm(request.POST),
        lambda d: services.referral_clarify(actor=request.user, referral=referral, note=d["note"]),
        _("Noted. The referral stays on the agenda."),
        reverse("teams:intake", args=[referral.team.slug]),
    )


# --- Cases --------------------------------------------------------------------------------


@login_required
@require_http_methods(["GET", "HEAD"])
def case(request: HttpRequest, case_id: int) -> HttpResponse:
    page = selectors.case_page(actor=request.user, case_id=case_id, request_id=_rid(request))
    context = {
        "page": page,
        "case": page.row.case,
        "team": page.row.case.team,
        # One page, several forms: each its own ids.
        "worker_form": CaseWorkerForm(members=page.members, auto_id="worker_%s"),
        "contact_form": ContactForm(auto_id="contact_%s"),
        "board_form": BoardAddForm(members=page.members, auto_id="board_%s"),
        "off_form": BoardRemoveForm(auto_id="off_%s"),
        "change_form": PerceivedChangeForm(auto_id="change_%s"),
        "handoff_form": CaseHandoffForm(
            services=_public_services(page.row.case.team), auto_id="handoff_%s"
        ),
    }
    return render(request, "teams/case.html", context)


def _case_back(case) -> str:
    return reverse("teams:case", args=[case.pk])


@login_required
@require_POST
def worker_add(request: HttpRequest, case_id: int) -> HttpResponse:
    case = selectors.case_for_write(actor=request.user, case_id=case_id)
    form = CaseWorkerForm(request.POST, members=selectors.active_members(case.team))
    return _post(
        request,
        form,
        lambda d: services.case_worker_add(
            actor=request.user,
            case=case,
            member=d["member"],
            shoulder=d["shoulder"],
            reason=d["reason"],
        ),
        _("The worker is on the case."),
        _case_back(case),
    )


@login_required
@require_POST
def worker_end(request: HttpRequest, worker_id: int) -> HttpResponse:
    worker = selectors.worker_for_write(actor=request.user, worker_id=worker_id)
    return _post(
        request,
        ReasonForm(request.POST),
        lambda d: services.case_worker_end(actor=request.user, worker=worker, reason=d["reason"]),
        _("The worker has left the case."),
        _case_back(worker.case),
    )


@login_required
@require_POST
def contact(request: HttpRequest, case_id: int) -> HttpResponse:
    case = selectors.case_for_write(actor=request.user, case_id=case_id)
    return _post(
        request,
        ContactForm(request.POST),
        lambda d: services.contact_record(
            actor=request.user, case=case, on=d["on"], alert_days=d["alert_days"]
        ),
        _("The contact is recorded."),
        _case_back(case),
    )


@login_required
@require_POST
def handoff(request: HttpRequest, case_id: int) -> HttpResponse:
    case = selectors.case_for_write(actor=request.user, case_id=case_id)
    return _post(
        request,
        CaseHandoffForm(request.POST, services=_public_services(case.team)),
        lambda d: services.case_handoff(actor=request.user, case=case, **d),
        _("The hand-off is sent. The case ends when the service accepts it."),
        _case_back(case),
    )


@login_required
@require_POST
def close(request: HttpRequest, case_id: int) -> HttpResponse:
    case = selectors.case_for_write(actor=request.user, case_id=case_id)
    run_and_report(
        request,
        lambda: services.case_close(actor=request.user, case=case),
        _("The case is closed. Responsibility is back with ordinary services."),
    )
    return redirect(_case_back(case))


@login_required
@require_POST
def perceived_change(request: HttpRequest, case_id: int) -> HttpResponse:
    case = selectors.case_for_write(actor=request.user, case_id=case_id)
    return _post(
        request,
        PerceivedChangeForm(request.POST),
        lambda d: services.perceived_change_add(actor=request.user, case=case, **d),
        _("The person's answers are recorded."),
        _case_back(case) + "#change",
    )


@login_required
@require_http_methods(["GET", "HEAD", "POST"])
def link_person(request: HttpRequest, case_id: int) -> HttpResponse:
    """After consent: link the case to the person's plan (the worker chooses among the
    plans they may read; the list is logged as the plans list is)."""
    case = selectors.case_for_write(actor=request.user, case_id=case_id)
    if case.referral.person_id is not None:
        return redirect(_case_back(case))
    if request.method == "POST":
        form = LinkPersonForm(request.POST, plans=Plan.objects.exclude(status=Plan.Status.CLOSED))
        return _post(
            request,
            form,
            lambda d: services.case_link_person(actor=request.user, case=case, plan=d["plan"]),
            _("The case is linked to the person's plan, and its workers are on the plan's team."),
            _case_back(case),
        )
    places = plan_selectors.my_plans(actor=request.user, request_id=_rid(request))
    plans = Plan.objects.filter(pk__in=[p.plan_id for p in places]).select_related("person")
    form = LinkPersonForm(plans=plans.order_by("person__last_name", "person__first_name"))
    return render(
        request, "teams/link_person.html", {"case": case, "form": form, "team": case.team}
    )


# --- The board ------------------------------------------------------------------------------


@login_required
@require_http_methods(["GET", "HEAD"])
def board(request: HttpRequest, slug: str) -> HttpResponse:
    b = selectors.board(actor=request.user, slug=slug, request_id=_rid(request))
    change = team_figures.perceived_change(b.team)  # counts across cases, small cells hidden
    context = {
        "board": b,
        "team": b.team,
        "change": team_figures.change_rows(change),
        "cases": change["cases"],
    }
    return render(request, "teams/board.html", context)


@login_required
@require_POST
def board_add(request: HttpRequest, case_id: int) -> HttpResponse:
    case = selectors.case_for_write(actor=request.user, case_id=case_id)
    form = BoardAddForm(request.POST, members=selectors.active_members(case.team))
    return _post(
        request,
        form,
        lambda d: services.board_add(
            actor=request.user,
            case=case,
            reason=d["reason"],
            next_step=d["next_step"],
            next_step_by=d["next_step_by"],
        ),
        _("The person is on the board."),
        _case_back(case),
    )


@login_required
@require_POST
def board_remove(request: HttpRequest, entry_id: int) -> HttpResponse:
    entry = selectors.board_entry_for_write(actor=request.user, entry_id=entry_id)
    return _post(
        request,
        BoardRemoveForm(request.POST),
        lambda d: services.board_remove(actor=request.user, entry=entry, reason=d["off_reason"]),
        _("The person is off the board. The entry is kept as history."),
        _case_back(entry.case),
    )


# --- Consultations and figures -------------------------------------------------------------


@login_required
@require_http_methods(["GET", "HEAD", "POST"])
def consultations(request: HttpRequest, slug: str) -> HttpResponse:
    team = selectors.team_or_404(slug)
    if not works_in_team(request.user, team):
        return HttpResponse(status=403)
    form = ConsultationForm(request.POST or None, services=_public_services(team))
    if request.method == "POST":
        return _post(
            request,
            form,
            lambda d: services.consultation_add(actor=request.user, team=team, **d),
            _("The consultation is logged."),
            reverse("teams:consultations", args=[slug]),
        )
    rows = selectors.consultations(actor=request.user, team=team)
    return render(request, "teams/consultations.html", {"team": team, "form": form, "rows": rows})


@login_required
@require_http_methods(["GET", "HEAD"])
def figures(request: HttpRequest, slug: str) -> HttpResponse:
    team = selectors.team_for_figures(actor=request.user, slug=slug)
    page = team_figures.figures_page(team)
    return render(request, "teams/figures.html", {"team": team, "p": page, "f": page.f})
