"""Every outcomes route for every kind of actor (see the plan matrix). Ratings need the
"outcome ratings" consent: the DPS has a plan consent but not this one, so it sees nothing."""

from __future__ import annotations

import datetime as dt
import json
import uuid

import pytest
from django.urls import reverse

from laget.audit.models import AccessLogEntry
from laget.outcomes import services
from laget.outcomes.tests.factories import rate
from laget.outcomes.tests.test_groups import more_plans
from laget.plans.tests.conftest import PLAN_ACTORS
from laget.tests.sweep import sweep

pytestmark = pytest.mark.django_db

NOBODY = dict.fromkeys(PLAN_ACTORS, 404) | {"anonymous": 302}
READ = NOBODY | {"coordinator": 200, "person": 200}
LINK = NOBODY | {"coordinator": 200, "person": 403}
LEADERS = dict.fromkeys(PLAN_ACTORS, 403) | {"anonymous": 302}
PUBLIC = dict.fromkeys(PLAN_ACTORS, 200)
RATE_API = NOBODY | {"anonymous": 401, "coordinator": 201, "person": 201}
# Group sessions: the list and the form for professionals; a group for its service's staff.
PROFESSIONALS = {"coordinator", "team_professional", "colleague", "other_org", "child_welfare"}
GROUP_TOOLS = dict.fromkeys(PLAN_ACTORS, 403) | dict.fromkeys(PROFESSIONALS, 200)
GROUP_TOOLS |= {"anonymous": 302}
GROUP = NOBODY | {"coordinator": 200}

OUTCOME_MATRIX = {
    "outcomes:chart": ("get", READ, True),
    "outcomes:rate": ("get", READ, True),
    "outcomes:link_create": ("post", LINK, False),
    "outcomes:rate_by_link": ("get", PUBLIC, False),
    "outcomes:group_list": ("get", GROUP_TOOLS, False),
    "outcomes:group_new": ("get", GROUP_TOOLS, False),
    # One access-log entry per participant listed (test_groups.py counts them).
    "outcomes:group": ("get", GROUP, False),
    "outcomes:report": ("get", LEADERS, False),
    "outcomes:report_csv": ("get", LEADERS, False),
    "outcomes:report_xlsx": ("get", LEADERS, False),
    "api-v1:list_ratings": ("get", READ | {"anonymous": 401}, True),
    # The body is valid; a reader may rate (201), nobody else learns the plan exists.
    "api-v1:post_rating": ("post", RATE_API, False),
}


def url_for(route: str, w) -> str:
    if route == "outcomes:rate_by_link":
        _link, token = services.rating_link_create(
            actor=w.coordinator, plan=w.plan, instrument="outcome"
        )
        return reverse(route, kwargs={"token": token})
    if route == "outcomes:group":
        group = services.group_session_create(
            actor=w.coordinator, service=w.municipal, name="Gruppe", date=dt.date(2026, 3, 2),
            plans=[w.plan, *more_plans(w, 1)],
        )  # fmt: skip
        return reverse(route, kwargs={"group_id": group.pk})
    if route in ("outcomes:group_list", "outcomes:group_new"):
        return reverse(route)
    if route.startswith("outcomes:report"):
        return reverse(route, kwargs={"slug": w.municipal.slug})
    if route == "outcomes:rate":
        return reverse(route, kwargs={"plan_id": w.plan.pk, "instrument": "outcome"})
    return reverse(route, kwargs={"plan_id": w.plan.pk})


def payload(w) -> dict:
    return {
        "instrument": "outcome",
        "service_id": w.municipal.pk,
        "answers": {"individual": 5, "interpersonal": 5, "social": 5, "overall": 5.5},
        "client_key": str(uuid.uuid4()),
    }


@pytest.mark.parametrize("route", sorted(OUTCOME_MATRIX))
def test_outcome_route_for_every_actor(route, plan_world, plan_client):
    rate(plan_world, "outcome", 20)
    method, expected, logs = OUTCOME_MATRIX[route]
    url = url_for(route, plan_world)
    for actor in PLAN_ACTORS:
        before = AccessLogEntry.objects.count()
        client = plan_client(actor)
        if route == "api-v1:post_rating":
            response = client.post(
                url, json.dumps(payload(plan_world)), content_type="application/json"
            )
        elif route == "outcomes:link_create":
            response = client.post(url, {"instrument": "outcome"})
        else:
            response = client.post(url, {}) if method == "post" else client.get(url)
        assert response.status_code == expected[actor], (route, actor, response.status_code)
        if response.status_code in (302, 401, 403, 404, 410):
            assert b"Testesen" not in response.content, (route, actor)
            assert AccessLogEntry.objects.count() == before, (route, actor)
        if logs and response.status_code == 200:
            assert AccessLogEntry.objects.count() - before == 1, (route, actor)


@pytest.mark.parametrize("route", sorted(OUTCOME_MATRIX))
def test_every_method_for_every_actor(route, plan_world, plan_client):
    """Issue 14's sweep: GET, HEAD, POST, PUT, PATCH, DELETE and OPTIONS for every actor;
    a refused actor is refused every method, writes nothing and sees no name."""
    rate(plan_world, "outcome", 20)
    _method, expected, _logs = OUTCOME_MATRIX[route]
    sweep(
        route=route,
        url=url_for(route, plan_world),
        expected=expected,
        client_for=plan_client,
        secret=b"Testesen",
    )
