"""The user survey of the services (brukerundersøkelse): the leaders' pages and the
person's own answering page. Thin: selectors read, services write, access decides."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import translation
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from laget.core.feedback import run_and_report
from laget.directory import selectors as directory_selectors
from laget.directory.models import Network
from laget.surveys import service_survey
from laget.surveys import service_survey_selectors as selectors
from laget.surveys import services as survey_services
from laget.surveys.forms import UserRoundForm
from laget.surveys.models import Invitation, Rating, Response
from laget.surveys.textpacks import SERVICE, SERVICE_ITEMS, built_in


def _pack_items() -> dict[str, str]:
    language = translation.get_language() or "nb"
    return built_in(SERVICE, "en" if language.startswith("en") else "nb").items


@login_required
@require_http_methods(["GET", "HEAD"])
def user_rounds(request: HttpRequest) -> HttpResponse:
    rounds, networks = selectors.user_rounds_for(actor=request.user)
    if not rounds and not networks:
        raise PermissionDenied
    return render(request, "surveys/user_rounds.html", {"rounds": rounds, "networks": networks})


@login_required
@require_http_methods(["GET", "HEAD", "POST"])
def user_round_create(request: HttpRequest, slug: str) -> HttpResponse:
    network = get_object_or_404(Network, slug=slug)
    _rounds, leading = selectors.user_rounds_for(actor=request.user)
    if network not in leading:
        raise PermissionDenied
    choices = directory_selectors.network_services(actor=request.user, network=network)
    form = UserRoundForm(request.POST or None, services=choices)
    status = 200
    if request.method == "POST":
        if form.is_valid():
            d = form.cleaned_data
            try:
                round_ = service_survey.user_round_create(
                    actor=request.user,
                    network=network,
                    title=d["title"],
                    opens=d["opens"],
                    closes=d["closes"],
                    min_n=d["min_n"],
                    services=list(d["services"]),
                )
            except ValidationError as exc:
                form.add_error(None, exc)
            else:
                messages.success(
                    request,
                    _("The survey is created. Tell the persons when you are ready."),
                )
                return redirect("surveys:user_round", round_id=round_.pk)
        status = 400
    return render(
        request,
        "surveys/user_round_create.html",
        {"form": form, "network": network},
        status=status,
    )


@login_required
@require_http_methods(["GET", "HEAD"])
def user_round(request: HttpRequest, round_id: int) -> HttpResponse:
    page = selectors.user_round_page(actor=request.user, round_id=round_id)
    return render(request, "surveys/user_round.html", {"p": page})


@login_required
@require_POST
def user_invite(request: HttpRequest, round_id: int) -> HttpResponse:
    round_, _role = selectors.user_round_or_404(
        actor=request.user, round_id=round_id, organiser=True
    )
    run_and_report(
        request,
        lambda: service_survey.user_invitations_send(actor=request.user, round_=round_),
        _("Those who have not answered are told that the survey waits for them."),
    )
    return redirect("surveys:user_round", round_id=round_id)


@login_required
@require_http_methods(["GET", "HEAD"])
def user_results(request: HttpRequest, round_id: int) -> HttpResponse:
    res = selectors.user_results(actor=request.user, round_id=round_id)
    return render(request, "surveys/user_results.html", {"r": res, "texts": _pack_items()})


# --- The person's own page ------------------------------------------------------------


def _cookie(invitation_id: int) -> str:
    return f"laget_bruker_{invitation_id}"


def _problem(request: HttpRequest, message: str, status: int, done: bool = False) -> HttpResponse:
    return render(
        request,
        "surveys/answer_problem.html",
        {"message": message, "done": done},
        status=status,
    )


@login_required
@require_http_methods(["GET", "HEAD", "POST"])
def user_answer(request: HttpRequest, invitation_id: int) -> HttpResponse:
    """The person rates each service that has helped them, on one page; "save" keeps the
    answers to come back to on this device, "send" makes them count."""
    invitation = selectors.own_invitation(actor=request.user, invitation_id=invitation_id)
    round_ = invitation.round
    if invitation.answered_on is not None:
        return _problem(
            request,
            _("You have already answered. Thank you!"),
            409 if request.method == "POST" else 200,
            done=True,
        )
    if round_.status == "planned":
        return _problem(
            request,
            _("The survey opens on %(date)s. Come back then.")
            % {"date": round_.opens.strftime("%d.%m.%Y")},
            403,
        )
    if round_.is_closed:
        return _problem(
            request,
            _("The survey closed on %(date)s. Thank you for your interest.")
            % {"date": round_.closes.strftime("%d.%m.%Y")},
            410,
        )
    groups = list(round_.groups.all())
    response = survey_services.response_resume(
        invitation=invitation, secret=request.COOKIES.get(_cookie(invitation.pk))
    )
    error, secret = None, None
    posted: dict[tuple[int, str], Any] = {}
    if request.method == "POST":
        try:
            posted = _answers_from(request.POST, groups)
            if response is None:
                response, secret = survey_services.response_start(invitation=invitation)
            service_survey.user_answers_save(
                invitation=invitation, response=response, answers=posted
            )
            if "send" in request.POST:
                service_survey.user_response_submit(invitation=invitation, response=response)
                done = _problem(
                    request,
                    _("Thank you! Your answers are sent. Nobody can see what you answered."),
                    200,
                    done=True,
                )
                done.delete_cookie(_cookie(invitation.pk), path=request.path)
                return done
        except ValidationError as exc:
            error = " ".join(exc.messages)
        else:
            messages.success(
                request, _("Your answers are saved on this device. Send them when you are done.")
            )
            again = redirect(request.path)
            _keep(again, request, invitation, secret)
            return again
    saved = posted if posted else _saved(response)
    texts = _pack_items()
    labels = list(enumerate(built_in(SERVICE, "nb").labels("*"), start=1))
    if (translation.get_language() or "nb").startswith("en"):
        labels = list(enumerate(built_in(SERVICE, "en").labels("*"), start=1))
    sections = [
        {
            "group": g,
            "questions": [
                {
                    "name": f"s{g.pk}-{key}",
                    "text": texts[key],
                    "value": _int_or_none(saved.get((g.pk, key))),
                }
                for key in SERVICE_ITEMS
            ],
        }
        for g in groups
    ]
    page = render(
        request,
        "surveys/user_answer.html",
        {"round": round_, "sections": sections, "labels": labels, "error": error},
        status=400 if error else 200,
    )
    _keep(page, request, invitation, secret)
    return page


def _int_or_none(value: Any) -> int | None:
    try:
        return int(value)
    except (TypeError, ValueError):
        return None


def _keep(
    page: HttpResponse, request: HttpRequest, invitation: Invitation, secret: str | None
) -> None:
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


def _answers_from(data: Any, groups: list) -> dict[tuple[int, str], Any]:
    by_name = {f"s{g.pk}-{key}": (g.pk, key) for g in groups for key in SERVICE_ITEMS}
    unknown = [
        k for k in data if k not in by_name and k not in ("csrfmiddlewaretoken", "save", "send")
    ]
    if unknown:
        raise ValidationError(_("The form was changed. Reload the page and try again."))
    return {pair: data.get(name, "") for name, pair in by_name.items()}


def _saved(response: Response | None) -> dict[tuple[int, str], int]:
    if response is None:
        return {}
    rows = Rating.objects.filter(response=response, instrument=SERVICE).values_list(
        "target_id", "item", "value"
    )
    return {(t, i): v for t, i, v in rows}
