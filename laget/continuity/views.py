"""Timeline and hand-off pages. Thin: selectors read (and log), services write."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from laget.continuity import selectors, services
from laget.continuity.access import leads_in_network, may_manage_episodes, works_in
from laget.continuity.figures import continuity_figures, waiting_by_service
from laget.continuity.forms import (
    AgreedPictureForm,
    EpisodeEndForm,
    EpisodeForm,
    HandoffForm,
    PerspectiveForm,
)
from laget.continuity.models import Handoff, ServiceEpisode
from laget.core.feedback import run_and_report
from laget.directory.models import Network
from laget.directory.selectors import CatalogueFilters, service_queryset
from laget.plans.access import team_accesses
from laget.plans.selectors import access_or_404


def _rid(request: HttpRequest) -> str:
    return getattr(request, "request_id", "")


@login_required
@require_http_methods(["GET", "HEAD"])
def timeline(request: HttpRequest, plan_id: int) -> HttpResponse:
    t = selectors.timeline(actor=request.user, plan_id=plan_id, request_id=_rid(request))
    all_services = list(service_queryset(actor=request.user, filters=CatalogueFilters()))
    # One hand-off form per episode this actor may hand over, each with its own field ids.
    episode_rows = [
        (
            e,
            HandoffForm(services=all_services, auto_id=f"handoff{e.pk}_%s")
            if t.may_manage[e.pk] and not e.ends
            else None,
        )
        for e in t.episodes
    ]
    context = {
        "t": t,
        "plan": t.access.plan,
        "episode_rows": episode_rows,
        "episode_form": EpisodeForm(services=all_services, measures=t.measures),
    }
    return render(request, "continuity/timeline.html", context)


@login_required
@require_POST
def episode_start(request: HttpRequest, plan_id: int) -> HttpResponse:
    access = access_or_404(actor=request.user, plan_id=plan_id)
    if not (access.is_coordinator or access.is_professional):
        raise PermissionDenied
    form = EpisodeForm(
        request.POST,
        services=service_queryset(actor=request.user, filters=CatalogueFilters()),
        measures=access.plan.measures.all(),
    )
    if not form.is_valid():
        messages.error(request, _("Choose a service, a responsibility and a start date."))
    else:
        run_and_report(
            request,
            lambda: services.episode_start(
                actor=request.user, plan=access.plan, **form.cleaned_data
            ),
            _("The episode is added to the timeline."),
        )
    return redirect("continuity:timeline", plan_id=plan_id)


@login_required
@require_POST
def episode_end(request: HttpRequest, plan_id: int, episode_id: int) -> HttpResponse:
    access = access_or_404(actor=request.user, plan_id=plan_id)
    episode = get_object_or_404(ServiceEpisode, pk=episode_id, plan=access.plan)
    if not may_manage_episodes(access, episode.service):
        raise PermissionDenied
    form = EpisodeEndForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Choose the last day."))
    else:
        run_and_report(
            request,
            lambda: services.episode_end(actor=request.user, episode=episode, **form.cleaned_data),
            _("The episode is ended."),
        )
    return redirect("continuity:timeline", plan_id=plan_id)


@login_required
@require_POST
def handoff_request(request: HttpRequest, plan_id: int, episode_id: int) -> HttpResponse:
    access = access_or_404(actor=request.user, plan_id=plan_id)
    episode = get_object_or_404(ServiceEpisode, pk=episode_id, plan=access.plan)
    if not may_manage_episodes(access, episode.service):
        raise PermissionDenied
    form = HandoffForm(
        request.POST, services=service_queryset(actor=request.user, filters=CatalogueFilters())
    )
    if not form.is_valid():
        messages.error(request, _("Fill in the service, what they need to know and the dates."))
        return redirect("continuity:timeline", plan_id=plan_id)
    choice = request.POST.get("consent_choice", "")
    to_service = form.cleaned_data["to_service"]
    if choice not in ("ask", "send") and not selectors.consent_covers(
        access=access, service=to_service
    ):
        # Before it is sent: no consent lets the receiver see the plan, so they could only
        # decline. Say so, and offer to ask the person in the same step.
        return render(
            request,
            "continuity/handoff_confirm.html",
            {"plan": access.plan, "episode": episode, "form": form, "service": to_service},
        )
    run_and_report(
        request,
        lambda: services.handoff_request(
            actor=request.user, episode=episode, ask_consent=choice == "ask", **form.cleaned_data
        ),
        _("The hand-off is sent. You keep the responsibility until it is accepted.")
        if choice != "ask"
        else _(
            "The hand-off is sent, and the person is asked for consent. You keep the "
            "responsibility until it is accepted."
        ),
    )
    return redirect("continuity:timeline", plan_id=plan_id)


@login_required
@require_http_methods(["GET", "HEAD"])
def incoming(request: HttpRequest) -> HttpResponse:
    items = selectors.incoming_handoffs(actor=request.user, request_id=_rid(request))
    return render(request, "continuity/incoming.html", {"items": items})


@login_required
@require_POST
def handoff_accept(request: HttpRequest, handoff_id: int) -> HttpResponse:
    handoff = get_object_or_404(Handoff.objects.select_related("to_service"), pk=handoff_id)
    if not works_in(request.user, handoff.to_service):
        raise PermissionDenied
    run_and_report(
        request,
        lambda: services.handoff_accept(actor=request.user, handoff=handoff),
        _("You have taken over. The person is on your plans now."),
    )
    return redirect("continuity:incoming")


@login_required
@require_POST
def handoff_decline(request: HttpRequest, handoff_id: int) -> HttpResponse:
    handoff = get_object_or_404(Handoff.objects.select_related("to_service"), pk=handoff_id)
    if not works_in(request.user, handoff.to_service):
        raise PermissionDenied
    run_and_report(
        request,
        lambda: services.handoff_decline(
            actor=request.user, handoff=handoff, reason=request.POST.get("reason", "")
        ),
        _("The hand-off is declined. The sending service keeps the responsibility."),
    )
    return redirect("continuity:incoming")


@login_required
@require_http_methods(["GET", "HEAD", "POST"])
def challenge_picture(request: HttpRequest, plan_id: int) -> HttpResponse:
    """Each participant's view side by side (the person first), and the agreed picture."""
    view_form = PerspectiveForm(request.POST if "situation" in request.POST else None)
    agreed_form = AgreedPictureForm(request.POST if "text" in request.POST else None)
    if request.method == "POST":
        access = access_or_404(actor=request.user, plan_id=plan_id)
        form = view_form if "situation" in request.POST else agreed_form
        if form.is_valid():
            try:
                if form is view_form:
                    services.perspective_add(
                        actor=request.user, plan=access.plan, **form.cleaned_data
                    )
                else:
                    services.agreed_picture_record(
                        actor=request.user, plan=access.plan, **form.cleaned_data
                    )
            except ValidationError as exc:
                form.add_error(None, exc)
            else:
                messages.success(request, _("Saved. Everyone on the team can read it."))
                return redirect("continuity:challenge_picture", plan_id=plan_id)
    picture = selectors.challenge_picture(
        actor=request.user, plan_id=plan_id, request_id=_rid(request)
    )
    context = {
        "c": picture,
        "plan": picture.access.plan,
        "view_form": view_form,
        "agreed_form": agreed_form,
    }
    status = 400 if request.method == "POST" else 200
    return render(request, "continuity/challenge_picture.html", context, status=status)


@login_required
@require_http_methods(["GET", "HEAD"])
def dashboard(request: HttpRequest) -> HttpResponse:
    """The coordinator's list of plans that need something done, most first."""
    # The page's sections ({% needs_you %}, {% outcome_alerts %}) start from the same places
    # on teams: read them once for the page, and log each plan once for the page.
    accesses = team_accesses(request.user)
    page = selectors.attention_page(
        actor=request.user,
        page_number=request.GET.get("side", 1),
        request_id=_rid(request),
        accesses=accesses,
    )
    request.laget_team_accesses = accesses  # type: ignore[attr-defined]
    request.laget_attention_logged = {i.plan_id for i in page.object_list}  # type: ignore[attr-defined]
    return render(request, "continuity/dashboard.html", {"items": page.object_list, "page": page})


@login_required
@require_http_methods(["GET", "HEAD"])
def network_figures(request: HttpRequest, slug: str) -> HttpResponse:
    """Continuity across a network, for its leaders: counts, never names."""
    network = get_object_or_404(Network, slug=slug)
    if not leads_in_network(request.user, network):
        raise PermissionDenied
    context = {
        "network": network,
        "figures": continuity_figures(network=network),
        "waiting": waiting_by_service(network=network),
    }
    return render(request, "continuity/network.html", context)
