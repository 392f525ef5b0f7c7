"""The leaders' quality pages: the indicators per dimension with their trend, one
indicator's trend with its numbers, the exports, the printable report and the definitions.
Thin: selectors decide who sees what and compute; nothing here names a person."""

from __future__ import annotations

import csv
import io

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from laget.core.months import last_months
from laget.directory.models import Network, Service
from laget.quality import chart, selectors
from laget.quality.access import may_read_definitions
from laget.quality.forms import PeriodForm
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
    from openpyxl import Workbook

    name, rows = _export_rows(request, slug)
    book = Workbook()
    sheet = book.active
    sheet.title = "Kvalitetsindikatorer"
    for row in rows:
        sheet.append(row)
    buffer = io.BytesIO()
    book.save(buffer)
    response = HttpResponse(
        buffer.getvalue(),
        content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    )
    response["Content-Disposition"] = f'attachment; filename="{name}.xlsx"'
    return response


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
