"""Pages that belong to no single domain app: the landing page."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_http_methods

from laget.directory import selectors as directory
from laget.meetings import council_selectors
from laget.meetings import selectors as meetings
from laget.plans import requests as plan_requests
from laget.plans import selectors as plans


@require_http_methods(["GET", "HEAD"])
def home(request: HttpRequest) -> HttpResponse:
    """Professionals land on their own day (their plans, services and networks); the
    person on their plan; everyone else on the public catalogue's front door."""
    mine = directory.my_directory(actor=request.user)
    # Their plans and, for professionals, what their services are responsible for across
    # the plans they may read: one access-log entry per person shown.
    plan_list, tasks = plans.front_page(
        actor=request.user,
        request_id=getattr(request, "request_id", ""),
        with_tasks=getattr(request.user, "kind", "") == "professional" and bool(mine.memberships),
    )
    places = plan_list.places
    person_rows = []
    if getattr(request.user, "kind", "") in ("person", "relative"):
        # The person's own next meeting, beside their plan (the plans are logged above).
        upcoming = meetings.next_meetings(actor=request.user)
        person_rows = [(place, upcoming.get(place.plan_id)) for place in places]
    # Requests waiting for a professional's answer (coordinator offers, join requests,
    # requests for a plan): a count, no names.
    waiting = plan_requests.waiting_count(actor=request.user) if mine.memberships else 0
    return render(
        request,
        "home.html",
        {
            "mine": mine,
            "places": places,
            "person_rows": person_rows,
            "tasks": tasks,
            "waiting_requests": waiting,
            "awaiting_consent": plan_list.awaiting_consent,
            # A user representative lands on their user council(s).
            "councils": council_selectors.my_councils(actor=request.user)
            if getattr(request.user, "kind", "") == "representative"
            else [],
        },
    )
