"""Every notification route for every kind of actor (see the plan matrix). Nobody sees or
follows another's notification; "I want to be called" is for the person and relatives
who may read the plan."""

from __future__ import annotations

import json

import pytest
from django.urls import reverse

from laget.notifications import services
from laget.notifications.models import Kind, Notification
from laget.plans.tests.conftest import PLAN_ACTORS
from laget.tests.sweep import sweep

pytestmark = pytest.mark.django_db

EVERYONE = dict.fromkeys(PLAN_ACTORS, 200) | {"anonymous": 302}
# A write by anyone logged in redirects back to their own list.
EVERYONE_WRITES = dict.fromkeys(PLAN_ACTORS, 302)
# The coordinator's own notification: they follow it (302 to where it leads); 404 for
# everyone else, whoever they are.
OWN = dict.fromkeys(PLAN_ACTORS, 404) | {"coordinator": 302, "anonymous": 302}
# The person and the consenting relative ask to be called (302 back to the plan); the
# professionals who read the plan are refused (403); those who cannot read it get 404.
CALL_ME = dict.fromkeys(PLAN_ACTORS, 404) | {
    "anonymous": 302,
    "person": 302,
    "relative_with_consent": 302,
    "coordinator": 403,
    "team_professional": 403,
}
API = dict.fromkeys(PLAN_ACTORS, 200) | {"anonymous": 401}

NOTIFICATION_MATRIX = {
    "notifications:list": ("get", EVERYONE),
    "notifications:preferences": ("get", EVERYONE),
    "notifications:read": ("post", EVERYONE_WRITES),
    "notifications:open": ("get", OWN),
    "notifications:call_me": ("post", CALL_ME),
    "api-v1:list_notifications": ("get", API),
    "api-v1:read_notifications": ("json", API),
}


def url_for(route: str, w) -> str:
    if route == "notifications:open":
        told = services.notify(
            event=Kind.JOIN_REQUESTED, plan=w.plan, actor=w.colleague, target=w.plan
        )
        mine = next(n for n in told if n.recipient_id == w.coordinator.pk)
        return reverse(route, kwargs={"notification_id": mine.pk})
    if route == "notifications:call_me":
        return reverse(route, kwargs={"plan_id": w.plan.pk})
    return reverse(route)


@pytest.mark.parametrize("route", sorted(NOTIFICATION_MATRIX))
def test_notification_route_for_every_actor(route, plan_world, plan_client):
    method, expected = NOTIFICATION_MATRIX[route]
    url = url_for(route, plan_world)
    for actor in PLAN_ACTORS:
        client = plan_client(actor)
        if method == "post":
            response = client.post(url, {"time_of_day": "morning"})
        elif method == "json":
            response = client.post(url, json.dumps({}), content_type="application/json")
        else:
            response = client.get(url)
        assert response.status_code == expected[actor], (route, actor, response.status_code)
        if response.status_code in (403, 404):
            assert b"Testesen" not in response.content, (route, actor)


def test_nobody_reads_or_marks_anyone_elses(plan_world, plan_client):
    w = plan_world
    services.notify(event=Kind.JOIN_REQUESTED, plan=w.plan, actor=w.colleague, target=w.plan)
    theirs = Notification.objects.get(recipient=w.coordinator)
    other = plan_client("team_professional")
    listed = other.get(reverse("api-v1:list_notifications")).json()
    assert listed["items"] == [] and listed["unread"] == 0
    answer = other.post(
        reverse("api-v1:read_notifications"),
        json.dumps({"ids": [theirs.pk]}),
        content_type="application/json",
    ).json()
    assert answer == {"marked": 0, "unread": 0}
    theirs.refresh_from_db()
    assert theirs.read_at is None


@pytest.mark.parametrize("route", sorted(NOTIFICATION_MATRIX))
def test_every_method_for_every_actor(route, plan_world, plan_client):
    # Issue 14: GET, HEAD, POST, PUT, PATCH, DELETE and OPTIONS (laget/tests/sweep.py).
    _, expected = NOTIFICATION_MATRIX[route]
    sweep(
        route=route,
        url=url_for(route, plan_world),
        expected=expected,
        client_for=plan_client,
        secret=b"Testesen",
    )
