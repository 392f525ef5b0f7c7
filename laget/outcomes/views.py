"""Rating, the chart, personal links and the service report. Thin: selectors read (and
log), services write."""

from __future__ import annotations

import csv
import io
import uuid

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from laget.core.exports import xlsx_response
from laget.outcomes import selectors, services
from laget.outcomes.access import LinkProblem, may_send_link
from laget.outcomes.forms import GroupSessionForm, LinkForm, SettingsForm
from laget.outcomes.instruments import INSTRUMENTS
from laget.outcomes.textpacks import Pack


def _rid(request: HttpRequest) -> str:
    return getattr(request, "request_id", "")


@login_required
@require_http_methods(["GET", "HEAD"])
def chart(request: HttpRequest, plan_id: int) -> HttpResponse:
    page = selectors.chart_page(actor=request.user, plan_id=plan_id, request_id=_rid(request))
    context = {"page": page, "plan": page.access.plan, "link_form": LinkForm()}
    return render(request, "outcomes/chart.html", context)


def _items(instrument, pack: Pack, values: dict) -> list[dict]:
    """The form's rows: key, label, the answer labels and the value to show."""
    rows = []
    for key in instrument.items:
        labels = pack.labels(key)
        choices = []
        if not instrument.lines:
            choices = [
                (v, labels[i] if i < len(labels) else str(v))
                for i, v in enumerate(instrument.values[key])
            ]
        value = values.get(key, "5.0" if instrument.lines else "")
        rows.append({"key": key, "label": pack.items.get(key, key), "choices": choices,
                     "value": value, "ends": labels if instrument.lines else []})  # fmt: skip
    return rows


def _answers(request: HttpRequest, instrument) -> dict[str, str]:
    return {k: request.POST.get(k, "") for k in instrument.items}


@login_required
@require_http_methods(["GET", "HEAD", "POST"])
def rate(request: HttpRequest, plan_id: int, instrument: str) -> HttpResponse:
    form = selectors.rate_form(
        actor=request.user, plan_id=plan_id, instrument=instrument, request_id=_rid(request)
    )
    group = None
    if instrument == INSTRUMENTS["group_alliance"].key:
        # The group form belongs to a group session: its service, once per participant.
        raw = request.POST.get("gruppe") or request.GET.get("gruppe") or ""
        if not raw.isdigit():
            raise Http404
        group = selectors.group_for_rating(actor=request.user, group_id=int(raw), plan_id=plan_id)
        form.services = [s for s in form.services if s.pk == group.service_id]
        if not form.services:
            raise PermissionDenied
    values: dict[str, str] = {}
    error = ""
    client_key = str(uuid.uuid4())
    if request.method == "POST":
        values = _answers(request, form.instrument)
        client_key = request.POST.get("client_key", "")
        by_id = {str(s.pk): s for s in form.services}
        service = by_id.get(request.POST.get("service", ""))
        if service is None:
            error = _("Choose which service the rating is for.")
        else:
            try:
                rating = services.rating_record(
                    actor=request.user,
                    plan=form.access.plan if form.access else None,  # type: ignore[arg-type]
                    service=service,
                    instrument=instrument,
                    answers=values,
                    client_key=client_key,
                    group_session=group,
                )
            except ValidationError as exc:
                error = " ".join(exc.messages)
            else:
                if group is not None and form.access and form.access.is_professional:
                    messages.success(request, _("Thank you. The rating is saved."))
                    return redirect("outcomes:group", group_id=group.pk)
                if rating.risk and form.access and form.access.is_person:
                    return render(request, "outcomes/safe_next_steps.html", {"plan": rating.plan})
                messages.success(request, _("Thank you. The rating is saved."))
                return redirect(reverse("outcomes:chart", args=[plan_id]) + f"#{instrument}")
    context = {
        "form": form,
        "plan": form.access.plan if form.access else None,
        "instrument": form.instrument,
        "pack": form.pack,
        "items": _items(form.instrument, form.pack, values),
        "client_key": client_key,
        "error": error,
        "chosen_service": request.POST.get("service", ""),
        "store_key": f"laget-rating-{plan_id}-{instrument}",
        "group": group,
    }
    return render(request, "outcomes/rate.html", context, status=400 if error else 200)


def _professional(request: HttpRequest) -> None:
    if not hasattr(request.user, "professional"):
        raise PermissionDenied


@login_required
@require_http_methods(["GET", "HEAD"])
def group_list(request: HttpRequest) -> HttpResponse:
    """The group sessions of the professional's services, and a way to start one."""
    _professional(request)
    groups = selectors.group_sessions(actor=request.user)
    return render(request, "outcomes/group_list.html", {"groups": groups})


@login_required
@require_http_methods(["GET", "HEAD", "POST"])
def group_new(request: HttpRequest) -> HttpResponse:
    _professional(request)
    choices = selectors.group_choices(actor=request.user, request_id=_rid(request))
    form = GroupSessionForm(
        request.POST or None,
        initial={"date": timezone.localdate()},
        services=choices.services,
        plans=choices.plans,
    )
    if request.method == "POST" and form.is_valid():
        by_id = {a.plan.pk: a.plan for a in choices.plans}
        service = next(s for s in choices.services if s.pk == form.cleaned_data["service"])
        try:
            group = services.group_session_create(
                actor=request.user,
                service=service,
                name=form.cleaned_data["name"],
                date=form.cleaned_data["date"],
                plans=[by_id[i] for i in form.cleaned_data["participants"]],
            )
        except ValidationError as exc:
            form.add_error(None, " ".join(exc.messages))
        else:
            return redirect("outcomes:group", group_id=group.pk)
    status = 400 if form.errors else 200
    return render(request, "outcomes/group_new.html", {"form": form}, status=status)


@login_required
@require_http_methods(["GET", "HEAD"])
def group(request: HttpRequest, group_id: int) -> HttpResponse:
    page = selectors.group_page(actor=request.user, group_id=group_id, request_id=_rid(request))
    return render(request, "outcomes/group.html", {"page": page})


@login_required
@require_POST
def link_create(request: HttpRequest, plan_id: int) -> HttpResponse:
    access = selectors.ratings_access(actor=request.user, plan_id=plan_id)
    if not may_send_link(access):
        raise PermissionDenied
    form = LinkForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Choose the form the link is for."))
        return redirect("outcomes:chart", plan_id=plan_id)
    try:
        _link, token = services.rating_link_create(
            actor=request.user, plan=access.plan, instrument=form.cleaned_data["instrument"]
        )
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
        return redirect("outcomes:chart", plan_id=plan_id)
    url = request.build_absolute_uri(reverse("outcomes:rate_by_link", args=[token]))
    return render(request, "outcomes/link_created.html", {"plan": access.plan, "url": url})


@require_http_methods(["GET", "HEAD", "POST"])
def rate_by_link(request: HttpRequest, token: str) -> HttpResponse:
    """The person's own link: no login, the link is the key, and it works once."""
    try:
        link = selectors.link_by_token(token=token)
    except LinkProblem as problem:
        return render(
            request, "outcomes/link_problem.html", {"message": str(problem)},
            status=409 if request.method == "POST" else 410,
        )  # fmt: skip
    instrument = INSTRUMENTS[link.instrument]
    pack = selectors.text_packs([instrument.key])[instrument.key]
    values: dict[str, str] = {}
    error = ""
    client_key = str(uuid.uuid4())
    if request.method == "POST":
        values = _answers(request, instrument)
        client_key = request.POST.get("client_key", "")
        try:
            rating = services.rating_record(
                actor=request.user,
                plan=link.plan,
                service=link.service,
                instrument=instrument.key,
                answers=values,
                client_key=client_key,
                link_token=token,
            )
        except ValidationError as exc:
            error = " ".join(exc.messages)
        else:
            template = "outcomes/safe_next_steps.html" if rating.risk else "outcomes/thanks.html"
            return render(request, template, {"store_key": f"laget-link-{link.pk}"})
    context = {
        "instrument": instrument,
        "pack": pack,
        "items": _items(instrument, pack, values),
        "client_key": client_key,
        "error": error,
        "service_name": link.service.name,
        "store_key": f"laget-link-{link.pk}",
    }
    return render(request, "outcomes/rate_link.html", context, status=400 if error else 200)


def _report_rows(report: selectors.ServiceReport) -> list[list]:
    header = [
        _("instrument"), _("persons"), _("reliable improvement (%)"),
        _("reliable deterioration (%)"), _("recovered (%)"), _("effect size"), _("dropout (%)"),
    ]  # fmt: skip
    rows: list[list] = [header]
    for r in report.rows:
        if r.get("suppressed"):
            rows.append([r["instrument"], r["n"], _("too few to show")] + [""] * 4)
            continue
        rows.append(
            [
                r["instrument"], r["n"], round(r["improved_pct"], 1),
                round(r["deteriorated_pct"], 1), round(r["recovered_pct"], 1),
                "" if r["effect_size"] is None else round(r["effect_size"], 2),
                round(r["dropout_pct"], 1),
            ]
        )  # fmt: skip
    return rows


@login_required
@require_http_methods(["GET", "HEAD", "POST"])
def report(request: HttpRequest, slug: str) -> HttpResponse:
    rep = selectors.service_report(actor=request.user, service_slug=slug)
    current = selectors.service_settings(service=rep.service)
    form = SettingsForm(
        request.POST or None,
        initial={
            "sessions_before_alert": current.sessions_before_alert,
            "crisis_routine": current.crisis_routine,
        },
    )
    if request.method == "POST" and form.is_valid():
        try:
            services.service_settings_update(
                actor=request.user, service=rep.service, **form.cleaned_data
            )
        except ValidationError as exc:
            messages.error(request, " ".join(exc.messages))
        else:
            messages.success(request, _("Saved."))
            return redirect("outcomes:report", slug=slug)
    context = {"report": rep, "table": _report_rows(rep), "form": form}
    return render(request, "outcomes/report.html", context, status=400 if form.errors else 200)


@login_required
@require_http_methods(["GET", "HEAD"])
def report_csv(request: HttpRequest, slug: str) -> HttpResponse:
    rep = selectors.service_report(actor=request.user, service_slug=slug)
    buffer = io.StringIO()
    csv.writer(buffer).writerows(_report_rows(rep))
    response = HttpResponse(buffer.getvalue(), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="resultater-{slug}.csv"'
    return response


@login_required
@require_http_methods(["GET", "HEAD"])
def report_xlsx(request: HttpRequest, slug: str) -> HttpResponse:
    rep = selectors.service_report(actor=request.user, service_slug=slug)
    return xlsx_response(_report_rows(rep), sheet="Resultater", filename=f"resultater-{slug}.xlsx")
