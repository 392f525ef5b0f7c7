"""Survey pages. Thin: selectors read, services write, access decides."""

from __future__ import annotations

import csv
import hashlib
import io
import json
from collections import OrderedDict
from pathlib import Path
from tempfile import NamedTemporaryFile
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.cache import cache
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import translation
from django.utils.safestring import mark_safe
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from laget.audit.services import EditConflict
from laget.core.exports import xlsx_response
from laget.core.feedback import run_and_report
from laget.directory import selectors as directory_selectors
from laget.directory.models import Network
from laget.surveys import selectors, services
from laget.surveys.analysis import ITEMS
from laget.surveys.csv_import import CsvProblem, read_answers
from laget.surveys.forms import ActionForm, ImportForm, RoundForm, RoundSettingsForm
from laget.surveys.models import Rating, Response, Round, WorkGroup
from laget.surveys.network_map import layout
from laget.surveys.report import readings
from laget.surveys.textpacks import CAPACITY, CAPACITY_AREAS, PS, PS_ITEMS, RC, Pack, built_in


def _labels() -> dict[str, str]:
    return {
        "frequent": _("Frequent communication"),
        "timely": _("Timely communication"),
        "accurate": _("Accurate communication"),
        "problem_solving": _("Problem-solving communication"),
        "shared_goals": _("Shared goals"),
        "shared_knowledge": _("Shared knowledge"),
        "mutual_respect": _("Mutual respect"),
        "information": _("Information"),
        "knowing": _("Knowing each other's work"),
        "cooperation": _("Cooperation"),
        "innovation": _("Innovation"),
    }


# --- Rounds ---------------------------------------------------------------------------------


@login_required
@require_http_methods(["GET", "HEAD"])
def round_list(request: HttpRequest) -> HttpResponse:
    return render(
        request,
        "surveys/rounds.html",
        {
            "rounds": selectors.rounds_for(actor=request.user),
            "networks": selectors.networks_to_survey(actor=request.user),
        },
    )


@login_required
@require_http_methods(["GET", "HEAD", "POST"])
def round_create(request: HttpRequest, slug: str) -> HttpResponse:
    network = get_object_or_404(Network, slug=slug)
    if network not in selectors.networks_to_survey(actor=request.user):
        raise PermissionDenied
    staff = directory_selectors.network_staff(actor=request.user, network=network)
    rounds = selectors.rounds_for(actor=request.user).filter(network=network)
    network_services = directory_selectors.network_services(actor=request.user, network=network)
    form = RoundForm(staff=staff, rounds=rounds, services=network_services)
    status = 200
    if request.method == "POST":
        form = RoundForm(request.POST, staff=staff, rounds=rounds, services=network_services)
        if form.is_valid():
            d = form.cleaned_data
            if d["grouping"] == "custom":
                groups = [services.GroupSpec(name) for name in d["custom_names"]]
            else:
                groups = services.groups_from_directory(
                    network=network, by_profession=d["grouping"] == "service_profession"
                )
            try:
                round_ = services.round_create(
                    actor=request.user,
                    network=network,
                    title=d["title"],
                    opens=d["opens"],
                    closes=d["closes"],
                    min_n=d["min_n"],
                    asks_rc=d["asks_rc"],
                    asks_ps=d["asks_ps"],
                    asks_capacity=d["asks_capacity"],
                    groups=groups,
                    invitees=list(
                        directory_selectors.network_staff(
                            actor=request.user, network=network, services=d["asked_services"]
                        )
                    ),
                    readers=d["readers"],
                    previous=d["previous"],
                    rc_pack=d["rc_pack"],
                )
            except ValidationError as exc:
                form.add_error(None, exc)
            else:
                messages.success(
                    request,
                    _(
                        "The round is created. Everyone working in the services you ticked"
                        " is on the list; send the invitations when you are ready."
                    ),
                )
                return redirect("surveys:round", round_id=round_.pk)
        status = 400
    return render(
        request, "surveys/round_create.html", {"form": form, "network": network}, status=status
    )


@login_required
@require_http_methods(["GET", "HEAD"])
def round_detail(request: HttpRequest, round_id: int) -> HttpResponse:
    return _render_round(request, round_id)


def _render_round(
    request: HttpRequest, round_id: int, status: int = 200, **forms: Any
) -> HttpResponse:
    page = selectors.round_page(actor=request.user, round_id=round_id)
    r = page.round
    context = {
        "p": page,
        "settings_form": forms.get("settings_form")
        or RoundSettingsForm(initial={"closes": r.closes, "min_n": r.min_n, "version": r.version}),
        "import_form": forms.get("import_form") or ImportForm(),
    }
    return render(request, "surveys/round.html", context, status=status)


@login_required
@require_POST
def round_settings(request: HttpRequest, round_id: int) -> HttpResponse:
    round_, _role = selectors.round_or_404(actor=request.user, round_id=round_id, organiser=True)
    form = RoundSettingsForm(request.POST)
    if form.is_valid():
        try:
            services.round_update(
                actor=request.user,
                round_=round_,
                based_on_version=form.cleaned_data["version"],
                closes=form.cleaned_data["closes"],
                min_n=form.cleaned_data["min_n"],
            )
        except EditConflict:
            form.add_error(None, _("Someone changed the round before you. Look at it again."))
            return _render_round(request, round_id, status=409)
        except ValidationError as exc:
            form.add_error(None, exc.messages[0] if exc.messages else "")
        else:
            messages.success(request, _("The round is changed."))
            return redirect("surveys:round", round_id=round_id)
    return _render_round(request, round_id, status=400, settings_form=form)


@login_required
@require_POST
def invite(request: HttpRequest, round_id: int) -> HttpResponse:
    round_, _role = selectors.round_or_404(actor=request.user, round_id=round_id, organiser=True)
    run_and_report(
        request,
        lambda: services.invitations_send(actor=request.user, round_=round_),
        _("The invitations and reminders are sent to those who have not answered."),
    )
    return redirect("surveys:round", round_id=round_id)


@login_required
@require_POST
def import_answers(request: HttpRequest, round_id: int) -> HttpResponse:
    round_, _role = selectors.round_or_404(actor=request.user, round_id=round_id, organiser=True)
    form = ImportForm(request.POST, request.FILES)
    if not form.is_valid():
        return _render_round(request, round_id, status=400, import_form=form)
    with NamedTemporaryFile(suffix=".csv") as handle:
        for chunk in form.cleaned_data["file"].chunks():
            handle.write(chunk)
        handle.flush()
        try:
            answers = read_answers(Path(handle.name))
            count = services.responses_import(actor=request.user, round_=round_, answers=answers)
        except CsvProblem as exc:
            form.add_error("file", str(exc))
            return _render_round(request, round_id, status=400, import_form=form)
        except ValidationError as exc:
            form.add_error("file", " ".join(exc.messages))
            return _render_round(request, round_id, status=400, import_form=form)
    messages.success(request, _("%(n)d respondents' answers are imported.") % {"n": count})
    return redirect("surveys:round", round_id=round_id)


# --- Results ------------------------------------------------------------------------------


RESULTS_CACHE_SECONDS = 24 * 3600


def _results_context(request: HttpRequest, round_id: int) -> dict[str, Any]:
    res = selectors.results(actor=request.user, round_id=round_id)
    context: dict[str, Any] = {"r": res, "round": res.round, "labels": _labels(), "dims": ITEMS}
    if res.has_ties and res.analysis is not None:
        focus = request.GET.get("fokus") or None
        # The organiser's action form (a drop-down of every tie) opens on demand: with htmx
        # it loads when its <details> opens, without JavaScript its link reloads the page
        # with it open. Most visits only read.
        if res.role == "organiser" and request.GET.get("skjema") == ACTION_FORM:
            context["action_form"] = ActionForm(groups=list(res.round.groups.all()))
        context["trend"] = selectors.trend(
            actor=request.user, round_=res.round, analysis=res.analysis
        )
        context["body"] = _results_body(request, res, focus, context)
    return context


def _results_body(request: HttpRequest, res: Any, focus: str | None, context: dict) -> str:
    """The results themselves (matrix, map, readings, trend), rendered once and kept in the
    cache: they are the same for everyone who may see them (aggregates over groups of at
    least min_n, no names, no forms), so the key holds everything they are made of: the
    analysis (named by its version, not hashed whole: that cost more than rendering), the
    focus, the language, the trend and the agreed actions shown beside."""
    trend = [
        (t.round.pk, t.round.title, t.respondents, t.within, t.between) for t in context["trend"]
    ]
    actions = [
        (a.pk, a.rater.name, a.target.name, a.what, a.who, str(a.due)) for a in res.previous_actions
    ]
    made_of = json.dumps(
        [
            res.round.pk,
            res.round.title,
            res.version,
            focus,
            translation.get_language(),
            trend,
            actions,
        ],
        sort_keys=True,
        default=str,
    )
    key = "survey-results:" + hashlib.sha256(made_of.encode()).hexdigest()
    # The key names the content, so a copy in this process is never stale: it saves the
    # shared cache's read (a database query) for the rounds read most.
    body = _bodies.get(key)
    if body is None:
        body = cache.get(key)
    if body is None:
        context["map"] = layout(res.result["groups"], res.result["rc"]["cells"], focus=focus)
        context["readings"] = readings(res.result["rc"])
        context["actions_by_tie"] = {(a.rater.name, a.target.name): a for a in res.previous_actions}
        body = render_to_string("surveys/_results_body.html", context, request=request)
        cache.set(key, str(body), RESULTS_CACHE_SECONDS)
    _bodies[key] = str(body)
    _bodies.move_to_end(key)
    while len(_bodies) > BODIES_KEPT:
        _bodies.popitem(last=False)
    return mark_safe(body)  # noqa: S308 (our own template's output, escaped when rendered)


BODIES_KEPT = 32  # results bodies kept in each worker (a few hundred kB at most)
_bodies: OrderedDict[str, str] = OrderedDict()


ACTION_FORM = "tiltak"


@login_required
@require_http_methods(["GET", "HEAD"])
def results(request: HttpRequest, round_id: int) -> HttpResponse:
    if request.headers.get("HX-Request") == "true" and request.GET.get("skjema") == ACTION_FORM:
        # Just the action form, for the organiser (groups' names only: nothing personal).
        round_, _role = selectors.round_or_404(
            actor=request.user, round_id=round_id, organiser=True
        )
        form = ActionForm(groups=list(round_.groups.all()))
        return render(request, "surveys/_action_form.html", {"round": round_, "action_form": form})
    return render(request, "surveys/results.html", _results_context(request, round_id))


@login_required
@require_http_methods(["GET", "HEAD"])
def report(request: HttpRequest, round_id: int) -> HttpResponse:
    """The printable report for a forum meeting."""
    return render(request, "surveys/report.html", _results_context(request, round_id))


@login_required
@require_http_methods(["GET", "HEAD"])
def progress(request: HttpRequest, round_id: int) -> HttpResponse:
    """The progress bar while the analysis runs (htmx polls it); reloads when done."""
    res = selectors.results(actor=request.user, round_id=round_id)
    response = render(request, "surveys/_progress.html", {"r": res})
    if res.ready:
        response["HX-Refresh"] = "true"
    return response


def _export_rows(request: HttpRequest, round_id: int) -> tuple[Round, list[list[Any]]]:
    res = selectors.results(actor=request.user, round_id=round_id)
    if not res.ready or not res.result or not res.result.get("rc"):
        raise PermissionDenied
    header = [
        "rater_group",
        "target_group",
        "n",
        "suppressed",
        "rc",
        "communication",
        "relationship",
        "ci95_low",
        "ci95_high",
        "rwg",
        *ITEMS,
    ]
    rows: list[list[Any]] = [header]
    for c in res.result["rc"]["cells"]:
        if c.get("suppressed"):
            rows.append([c["rater"], c["target"], c["n"], "yes"] + [""] * (len(header) - 4))
            continue
        ci = c["ci95"] or [None, None]
        rows.append(
            [
                c["rater"],
                c["target"],
                c["n"],
                "no",
                c["rc"],
                c["communication"],
                c["relationship"],
                ci[0],
                ci[1],
                c["rwg"],
            ]
            + [c["dimensions"][i] for i in ITEMS]
        )
    return res.round, rows


@login_required
@require_http_methods(["GET", "HEAD"])
def export_csv(request: HttpRequest, round_id: int) -> HttpResponse:
    round_, rows = _export_rows(request, round_id)
    buffer = io.StringIO()
    csv.writer(buffer).writerows(
        [
            ["" if v is None else (round(v, 3) if isinstance(v, float) else v) for v in row]
            for row in rows
        ]
    )
    response = HttpResponse(buffer.getvalue(), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="rk-runde-{round_.pk}.csv"'
    return response


@login_required
@require_http_methods(["GET", "HEAD"])
def export_xlsx(request: HttpRequest, round_id: int) -> HttpResponse:
    round_, rows = _export_rows(request, round_id)
    return xlsx_response(
        rows, sheet="Relasjonell koordinering", filename=f"rk-runde-{round_.pk}.xlsx"
    )


@login_required
@require_POST
def action_add(request: HttpRequest, round_id: int) -> HttpResponse:
    round_, _role = selectors.round_or_404(actor=request.user, round_id=round_id, organiser=True)
    groups = list(round_.groups.all())
    form = ActionForm(request.POST, groups=groups)
    if not form.is_valid():
        messages.error(request, _("Choose the tie and write what, who and by when."))
    else:
        rater_id, target_id = (int(x) for x in form.cleaned_data["tie"].split(":"))
        by_id = {g.pk: g for g in groups}
        run_and_report(
            request,
            lambda: services.action_add(
                actor=request.user,
                round_=round_,
                rater=by_id[rater_id],
                target=by_id[target_id],
                what=form.cleaned_data["what"],
                who=form.cleaned_data["who"],
                due=form.cleaned_data["due"],
            ),
            _("The action is recorded. It will show beside the next round's result."),
        )
    return redirect(reverse("surveys:results", kwargs={"round_id": round_id}) + "#tiltak")


# --- Answering -----------------------------------------------------------------------------


def _cookie(invitation_id: int) -> str:
    return f"laget_svar_{invitation_id}"


def _steps(round_: Round, groups: list[WorkGroup]) -> list[tuple[str, WorkGroup | None]]:
    steps: list[tuple[str, WorkGroup | None]] = [("group", None)]
    if round_.asks_rc:
        steps += [(RC, g) for g in groups]
    if round_.asks_ps:
        steps.append((PS, None))
    if round_.asks_capacity:
        steps.append((CAPACITY, None))
    steps.append(("send", None))
    return steps


def _pack(round_: Round, instrument: str) -> Pack:
    language = translation.get_language() or "nb"
    if instrument == RC and round_.rc_pack is not None:
        p = round_.rc_pack
        return Pack(RC, p.name, p.language, p.items, p.scale, p.licence)
    return built_in(instrument, "en" if language.startswith("en") else "nb")


def _questions(
    pack: Pack, keys: tuple[str, ...], group: WorkGroup | None, answers: dict
) -> list[dict]:
    out = []
    for key in keys:
        text = pack.items[key]
        if group is not None:
            text = text.replace("{group}", group.name)
        out.append(
            {
                "key": key,
                "text": text,
                "labels": list(enumerate(pack.labels(key), start=1)),
                "value": answers.get(key),
            }
        )
    return out


@require_http_methods(["GET", "HEAD", "POST"])
def answer(request: HttpRequest, token: str) -> HttpResponse:
    """The respondent's own page, reached by the personal link (no login: the link is
    the key). One page per rated group, then the team questions, then send."""
    try:
        invitation = services.invitation_for(token)
    except services.LinkProblem as problem:
        return render(
            request,
            "surveys/answer_problem.html",
            {"message": problem.message},
            status=problem.status,
        )
    round_ = invitation.round
    if invitation.answered_on is not None:
        status = 409 if request.method == "POST" else 200
        return render(
            request,
            "surveys/answer_problem.html",
            {"message": _("You have already answered. Thank you!"), "done": True},
            status=status,
        )
    groups = list(round_.groups.all())
    steps = _steps(round_, groups)
    try:
        step = min(max(int(request.GET.get("steg", "0")), 0), len(steps) - 1)
    except ValueError:
        step = 0
    kind, group = steps[step]
    response = services.response_resume(
        invitation=invitation, secret=request.COOKIES.get(_cookie(invitation.pk))
    )
    error = None
    secret = None
    if request.method == "POST":
        if response is None:
            response, secret = services.response_start(invitation=invitation)
        try:
            if kind == "send" and "back" not in request.POST:
                services.response_submit(invitation=invitation, response=response)
                done = render(
                    request,
                    "surveys/answer_problem.html",
                    {
                        "message": _(
                            "Thank you! Your answers are sent. Nobody can see what you answered."
                        ),
                        "done": True,
                    },
                )
                done.delete_cookie(_cookie(invitation.pk), path=request.path)
                return done
            if kind != "send":
                _save_step(invitation, response, kind, group, request.POST, groups)
        except ValidationError as exc:
            error = " ".join(exc.messages)
        else:
            target = step - 1 if "back" in request.POST else step + 1
            redirected = redirect(f"{request.path}?steg={target}")
            if secret:
                redirected.set_cookie(
                    _cookie(invitation.pk),
                    secret,
                    max_age=60 * 60 * 24 * 60,
                    path=request.path,
                    httponly=True,
                    samesite="Lax",
                    secure=request.is_secure(),
                )
            return redirected
    answers = _answers_of(response, kind, group)
    context: dict[str, Any] = {
        "round": round_,
        "step": step,
        "steps": len(steps),
        "kind": kind,
        "group": group,
        "groups": groups,
        "error": error,
        "chosen_group": response.group_id if response else None,
    }
    if kind == RC:
        context["questions"] = _questions(_pack(round_, RC), ITEMS, group, answers)
    elif kind == PS:
        context["questions"] = _questions(_pack(round_, PS), PS_ITEMS, None, answers)
    elif kind == CAPACITY:
        context["questions"] = _questions(_pack(round_, CAPACITY), CAPACITY_AREAS, None, answers)
    page = render(request, "surveys/answer.html", context, status=400 if error else 200)
    if secret:
        page.set_cookie(
            _cookie(invitation.pk),
            secret,
            max_age=60 * 60 * 24 * 60,
            path=request.path,
            httponly=True,
            samesite="Lax",
            secure=request.is_secure(),
        )
    return page


def _answers_of(response: Response | None, kind: str, group: WorkGroup | None) -> dict[str, int]:
    if response is None or kind in ("group", "send"):
        return {}
    ratings = Rating.objects.filter(response=response, instrument=kind, target=group)
    return dict(ratings.values_list("item", "value"))


def _save_step(
    invitation: Any,
    response: Response,
    kind: str,
    group: WorkGroup | None,
    data: Any,
    groups: list[WorkGroup],
) -> None:
    if kind == "group":
        chosen = {str(g.pk): g for g in groups}.get(data.get("own_group", ""))
        if chosen is None:
            raise ValidationError(_("Choose the group you belong to."))
        services.answers_save(invitation=invitation, response=response, group=chosen)
        return
    keys = {RC: ITEMS, PS: PS_ITEMS, CAPACITY: CAPACITY_AREAS}[kind]
    unknown = [k for k in data if k not in (*keys, "csrfmiddlewaretoken", "back", "next")]
    if unknown:
        raise ValidationError(_("The form was changed. Reload the page and try again."))
    services.answers_save(
        invitation=invitation,
        response=response,
        ratings=[(kind, group.pk if group else None, key, data.get(key)) for key in keys],
    )
