"""The learning network between the sessions: a group's page with its case assignments,
a participant's own page (ties across services, the evaluation), the graph before and
after, and the evaluation's results. Thin: selectors decide who sees what (404 for the
rest), services write; a refusal is a Norwegian message, never a 500."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.forms import Form
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from laget.audit.services import EditConflict
from laget.core.feedback import run_and_report
from laget.quality import learning_selectors as selectors
from laget.quality import learning_services as services
from laget.quality.learning_forms import (
    QUESTIONS,
    AssignmentEditForm,
    AssignmentForm,
    EvaluationForm,
    ReportForm,
    TiesForm,
)
from laget.quality.models import Phase

GET = require_http_methods(["GET", "HEAD"])


def _errors(request: HttpRequest, form: Form) -> None:
    """Every field's Norwegian message, in one line, on the page the user comes back to."""
    text = " ".join(str(e) for errors in form.errors.values() for e in errors)
    messages.error(request, text or _("Check the form and try again."))


@login_required
@GET
def group(request: HttpRequest, group_id: int) -> HttpResponse:
    page = selectors.group_page(actor=request.user, group_id=group_id)
    edit_forms = {
        a.assignment.pk: AssignmentEditForm(
            initial={
                "title": a.assignment.title,
                "what": a.assignment.what,
                "version": a.assignment.version,
            },
            auto_id=f"e{a.assignment.pk}_%s",
        )
        for a in page.assignments
    }
    report_forms = {
        a.assignment.pk: ReportForm(
            initial=(
                {
                    "discussed_on": a.mine.discussed_on,
                    "with_whom": a.mine.with_whom,
                    "outcome": a.mine.outcome,
                    "version": a.mine.version,
                }
                if a.mine
                else {"version": 0}
            ),
            auto_id=f"r{a.assignment.pk}_%s",
        )
        for a in page.assignments
    }
    items = [
        (a, edit_forms[a.assignment.pk], report_forms[a.assignment.pk]) for a in page.assignments
    ]
    context = {
        "p": page,
        "items": items,
        "form": AssignmentForm(sessions=page.sessions, auto_id="a_%s"),
    }
    return render(request, "quality/learning_group.html", context)


@login_required
@require_POST
def assignment_create(request: HttpRequest, group_id: int) -> HttpResponse:
    page = selectors.group_page(actor=request.user, group_id=group_id)
    form = AssignmentForm(request.POST, sessions=page.sessions)
    if not form.is_valid():
        _errors(request, form)
    else:
        run_and_report(
            request,
            lambda: services.assignment_create(
                actor=request.user,
                group=page.group,
                title=form.cleaned_data["title"],
                what=form.cleaned_data["what"],
                after_session=form.session(),
            ),
            _("The case assignment is recorded."),
        )
    return redirect("quality:group", group_id=group_id)


@login_required
@require_POST
def assignment_edit(request: HttpRequest, assignment_id: int) -> HttpResponse:
    assignment = selectors.assignment_for(actor=request.user, assignment_id=assignment_id)
    form = AssignmentEditForm(request.POST)
    if not form.is_valid():
        _errors(request, form)
    else:
        try:
            services.assignment_edit(
                actor=request.user,
                assignment=assignment,
                based_on_version=form.cleaned_data["version"],
                title=form.cleaned_data["title"],
                what=form.cleaned_data["what"],
            )
        except EditConflict:
            messages.error(
                request,
                _("Someone changed the assignment before you. Here is how it is now: try again."),
            )
        except ValidationError as exc:
            messages.error(request, " ".join(exc.messages))
        else:
            messages.success(request, _("The case assignment is changed."))
    return redirect("quality:group", group_id=assignment.group_id)


@login_required
@require_POST
def assignment_report(request: HttpRequest, assignment_id: int) -> HttpResponse:
    assignment = selectors.assignment_for(actor=request.user, assignment_id=assignment_id)
    form = ReportForm(request.POST)
    if not form.is_valid():
        _errors(request, form)
    else:
        try:
            services.report_save(
                actor=request.user,
                assignment=assignment,
                based_on_version=form.cleaned_data["version"],
                discussed_on=form.cleaned_data["discussed_on"],
                with_whom=form.cleaned_data["with_whom"],
                outcome=form.cleaned_data["outcome"],
            )
        except EditConflict:
            messages.error(
                request,
                _("Your account was saved elsewhere before this. Look at it and try again."),
            )
        except ValidationError as exc:
            messages.error(request, " ".join(exc.messages))
        else:
            messages.success(request, _("What came of it is recorded."))
    return redirect("quality:group", group_id=assignment.group_id)


@login_required
@GET
def my_part(request: HttpRequest, cohort_id: int) -> HttpResponse:
    page = selectors.my_page(actor=request.user, cohort_id=cohort_id)
    forms = [
        (
            phase,
            label,
            TiesForm(
                initial={"phase": phase, "services": page.ties[phase]},
                services=page.services,
                auto_id=f"t{phase}_%s",
            ),
        )
        for phase, label in Phase.choices
    ]
    return render(request, "quality/learning_me.html", {"p": page, "ties_forms": forms})


@login_required
@require_POST
def my_ties(request: HttpRequest, cohort_id: int) -> HttpResponse:
    page = selectors.my_page(actor=request.user, cohort_id=cohort_id)
    form = TiesForm(request.POST, services=page.services)
    if not form.is_valid():
        _errors(request, form)
    else:
        run_and_report(
            request,
            lambda: services.my_ties_record(
                actor=request.user,
                me=page.me,
                phase=form.cleaned_data["phase"],
                services=form.cleaned_data["services"],
            ),
            _("Your answer is saved."),
        )
    return redirect("quality:my_part", cohort_id=cohort_id)


@login_required
@require_http_methods(["GET", "HEAD", "POST"])
def evaluation(request: HttpRequest, cohort_id: int) -> HttpResponse:
    page = selectors.my_page(actor=request.user, cohort_id=cohort_id)
    form = EvaluationForm(request.POST or None)
    if request.method == "POST" and not page.answered:
        if form.is_valid():
            if run_and_report(
                request,
                lambda: services.evaluation_submit(
                    actor=request.user,
                    me=page.me,
                    scores=form.scores(),
                    comment=form.cleaned_data["comment"],
                ),
                _("Thank you! Your answer is saved without your name."),
            ):
                return redirect("quality:my_part", cohort_id=cohort_id)
        else:
            messages.error(request, _("Answer every question with a number from 1 to 5."))
    elif request.method == "POST":
        messages.error(request, _("You have already answered the evaluation. Thank you!"))
        return redirect("quality:my_part", cohort_id=cohort_id)
    return render(request, "quality/learning_evaluation.html", {"p": page, "form": form})


@login_required
@GET
def evaluation_results(request: HttpRequest, cohort_id: int) -> HttpResponse:
    results = selectors.evaluation_results(actor=request.user, cohort_id=cohort_id)
    rows = [(QUESTIONS[s.key], s) for s in results.scores]
    context = {"r": results, "rows": rows, "min_answers": selectors.MIN_ANSWERS}
    return render(request, "quality/learning_evaluation_results.html", context)


@login_required
@GET
def graph(request: HttpRequest, cohort_id: int) -> HttpResponse:
    page = selectors.graph_page(actor=request.user, cohort_id=cohort_id)
    maps = [(_("At the start"), page.graph.map_before), (_("At the end"), page.graph.map_after)]
    context = {"p": page, "g": page.graph, "maps": maps}
    return render(request, "quality/learning_graph.html", context)


@login_required
@GET
def my_cohorts(request: HttpRequest) -> HttpResponse:
    mine = selectors.my_cohorts(actor=request.user)
    return render(request, "quality/learning_my_cohorts.html", {"mine": mine})
