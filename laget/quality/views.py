"""The leaders' quality pages: the indicators per dimension with their trend, one
indicator's trend with its numbers, the exports, the printable report and the definitions.
Thin: selectors decide who sees what and compute; nothing here names a person."""

from __future__ import annotations

import csv
import io

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from laget.core.exports import xlsx_response
from laget.core.feedback import run_and_report
from laget.core.months import last_months
from laget.directory.models import Network, Service
from laget.quality import chart, selectors, services
from laget.quality.access import may_read_definitions
from laget.quality.forms import CohortForm, ParticipantsForm, PeriodForm, SessionForm
from laget.quality.indicators import DIMENSIONS, INDICATORS, SUPPRESSED, month_key

GET = require_http_methods(["GET", "HEAD"])


def _period(request: HttpRequest, network: Network) -> tuple[PeriodForm, int, Service | None]:
    form = PeriodForm(request.GET or None, services=selectors.network_services(network))
    months, service = form.chosen() if request.GET else (selectors.DEFAULT_MONTHS, None)
    return form, months, service


@login_required
@GET
def overview(request: HttpRequest, slug: str) -> HttpResponse:
    network = selectors.network_for_leader(actor=request.user, slug=slug)
    form, months, service = _period(request, network)
    dimensions = selectors.overview(network=network, months=months, service=service)
    rows = [(d, [(s, chart.draw(s, spark=True)) for s in d.series]) for d in dimensions]
    context = {
        "network": network,
        "form": form,
        "service": service,
        "months": months,
        "rows": rows,
        "query": request.GET.urlencode(),
    }
    return render(request, "quality/overview.html", context)


@login_required
@GET
def indicator(request: HttpRequest, slug: str, indicator_id: str) -> HttpResponse:
    network = selectors.network_for_leader(actor=request.user, slug=slug)
    form, months, service = _period(request, network)
    t = selectors.trend(network=network, indicator_id=indicator_id, months=months, service=service)
    if t is None:
        raise Http404
    context = {
        "network": network,
        "form": form,
        "service": service,
        "months": months,
        "t": t,
        "chart": chart.draw(t.series),
        "dimension": DIMENSIONS[t.indicator.dimension],
        "query": request.GET.urlencode(),
    }
    return render(request, "quality/indicator.html", context)


def _export_rows(request: HttpRequest, slug: str) -> tuple[str, list[list]]:
    network = selectors.network_for_leader(actor=request.user, slug=slug)
    _form, months, service = _period(request, network)
    dimensions = selectors.overview(network=network, months=months, service=service)
    rows: list[list] = [
        [
            _("dimension"),
            _("indicator"),
            _("title"),
            _("month"),
            _("value"),
            _("unit"),
            _("numerator"),
            _("denominator"),
            _("source available"),
        ]
    ]
    for d in dimensions:
        for s in d.series:
            i = s.indicator
            for f in s.months:
                value = (
                    _("hidden (few persons)")
                    if f.value == SUPPRESSED
                    else ("" if f.value is None else f.value)
                )
                rows.append(
                    [
                        d.key,
                        i.id,
                        str(i.title),
                        month_key(f.month),
                        value,
                        str(i.unit),
                        "" if f.numerator is None else f.numerator,
                        "" if f.denominator is None else f.denominator,
                        _("yes") if i.source_available else _("no"),
                    ]
                )
    name = f"kvalitet-{network.slug}" + (f"-{service.slug}" if service else "")
    return name, rows


@login_required
@GET
def export_csv(request: HttpRequest, slug: str) -> HttpResponse:
    name, rows = _export_rows(request, slug)
    buffer = io.StringIO()
    csv.writer(buffer).writerows(rows)
    response = HttpResponse(buffer.getvalue(), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{name}.csv"'
    return response


@login_required
@GET
def export_xlsx(request: HttpRequest, slug: str) -> HttpResponse:
    name, rows = _export_rows(request, slug)
    return xlsx_response(rows, sheet="Kvalitetsindikatorer", filename=f"{name}.xlsx")


@login_required
@GET
def report(request: HttpRequest, slug: str) -> HttpResponse:
    """For a municipal council: every indicator with its definition, chart and numbers,
    laid out for paper (core/print.css)."""
    network = selectors.network_for_leader(actor=request.user, slug=slug)
    _form, months, service = _period(request, network)
    dimensions = selectors.overview(network=network, months=months, service=service)
    rows = [(d, [(s, chart.draw(s)) for s in d.series]) for d in dimensions]
    span = last_months(months)
    context = {
        "network": network,
        "service": service,
        "rows": rows,
        "first": span[0],
        "last": span[-1],
    }
    return render(request, "quality/report.html", context)


@login_required
@GET
def definitions(request: HttpRequest) -> HttpResponse:
    """What each indicator counts, from the same list that computes them."""
    if not may_read_definitions(request.user):
        raise PermissionDenied
    by_dimension = [
        (key, title, [i for i in INDICATORS if i.dimension == key])
        for key, title in DIMENSIONS.items()
    ]
    from laget.quality.indicators import MIN_CELL

    return render(
        request, "quality/definitions.html", {"dimensions": by_dimension, "min_cell": MIN_CELL}
    )


# --- The learning network (Samhandlingsutdanning)


@login_required
@require_http_methods(["GET", "HEAD", "POST"])
def cohorts(request: HttpRequest, slug: str) -> HttpResponse:
    """A network's cohorts, and a new one (leaders of the network)."""
    network = selectors.network_for_leader(actor=request.user, slug=slug)
    form = CohortForm(request.POST or None)
    if request.method == "POST":
        if form.is_valid():
            made: list = []
            if run_and_report(
                request,
                lambda: made.append(
                    services.cohort_create(actor=request.user, network=network, **form.cleaned_data)
                ),
                _("The cohort is created."),
            ):
                return redirect("quality:cohort", cohort_id=made[0].pk)
        else:
            messages.error(request, _("Give the cohort a name and a year."))
    context = {
        "network": network,
        "form": form,
        "cohorts": selectors.cohorts_for_leader(network=network),
    }
    return render(request, "quality/cohorts.html", context)


def _cohort_context(request: HttpRequest, view: selectors.CohortView) -> dict:
    cohort = view.cohort
    return {
        "v": view,
        "cohort": cohort,
        "participants_form": ParticipantsForm(
            memberships=selectors.network_memberships(cohort.network),
            auto_id="p_%s",
        ),
        "session_form": SessionForm(participants=view.participants, auto_id="s_%s"),
    }


@login_required
@GET
def cohort(request: HttpRequest, cohort_id: int) -> HttpResponse:
    view = selectors.cohort_for_organiser(actor=request.user, cohort_id=cohort_id)
    return render(request, "quality/cohort.html", _cohort_context(request, view))


@login_required
@require_POST
def cohort_participants(request: HttpRequest, cohort_id: int) -> HttpResponse:
    view = selectors.cohort_for_organiser(actor=request.user, cohort_id=cohort_id)
    form = ParticipantsForm(
        request.POST,
        memberships=selectors.network_memberships(view.cohort.network),
    )
    if not form.is_valid():
        messages.error(request, _("Choose at least one person who works in this network."))
    else:
        people, peers = form.chosen()
        run_and_report(
            request,
            lambda: services.participants_add(
                actor=request.user, cohort=view.cohort, memberships=people, peer_workers=peers
            ),
            _("The participants are added."),
        )
    return redirect("quality:cohort", cohort_id=cohort_id)


@login_required
@require_POST
def cohort_mix(request: HttpRequest, cohort_id: int) -> HttpResponse:
    view = selectors.cohort_for_organiser(actor=request.user, cohort_id=cohort_id)
    run_and_report(
        request,
        lambda: services.groups_mix(actor=request.user, cohort=view.cohort),
        _("The groups are mixed across services and levels."),
    )
    return redirect("quality:cohort", cohort_id=cohort_id)


@login_required
@require_POST
def cohort_session(request: HttpRequest, cohort_id: int) -> HttpResponse:
    view = selectors.cohort_for_organiser(actor=request.user, cohort_id=cohort_id)
    form = SessionForm(request.POST, participants=view.participants)
    if not form.is_valid():
        messages.error(request, _("Give the session a date and a topic."))
    else:
        run_and_report(
            request,
            lambda: services.session_record(
                actor=request.user,
                cohort=view.cohort,
                on=form.cleaned_data["on"],
                topic=form.cleaned_data["topic"],
                present=form.chosen(),
            ),
            _("The session is recorded."),
        )
    return redirect("quality:cohort", cohort_id=cohort_id)
