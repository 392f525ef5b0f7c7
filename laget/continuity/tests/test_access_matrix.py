"""Every continuity route for every kind of actor in security.md (see the plan matrix)."""

from __future__ import annotations

import datetime as dt

import pytest
from django.urls import reverse

from laget.audit.models import AccessLogEntry
from laget.continuity import services
from laget.plans.tests.conftest import PLAN_ACTORS
from laget.plans.tests.test_access_matrix import READ_PLAN

pytestmark = pytest.mark.django_db

MANAGE_EPISODES = READ_PLAN | {
    "coordinator": 302,
    "team_professional": 302,
    "person": 403,
    "relative_with_consent": 403,
}
# Answering a hand-off to the municipal service: its staff only (the coordinator works
# there); nobody needs to be on the team. Denied is 403: a hand-off's existence names no one.
ANSWER = dict.fromkeys(PLAN_ACTORS, 403) | {"coordinator": 302, "anonymous": 302}

CONTINUITY_MATRIX = {
    "continuity:timeline": ("get", READ_PLAN, True),
    "continuity:episode_start": ("post", MANAGE_EPISODES, False),
    "continuity:episode_end": ("post", MANAGE_EPISODES, False),
    "continuity:handoff_request": ("post", MANAGE_EPISODES, False),
    "continuity:incoming": ("get", dict.fromkeys(PLAN_ACTORS, 200) | {"anonymous": 302}, False),
    "continuity:handoff_accept": ("post", ANSWER, False),
    "continuity:handoff_decline": ("post", ANSWER, False),
}


def url_for(route: str, w) -> str:
    if route == "continuity:incoming":
        return reverse(route)
    episode = services.episode_start(
        actor=w.coordinator,
        plan=w.plan,
        service=w.dps,
        responsibility="responsible",
        starts=dt.date.today() - dt.timedelta(days=10),
    )
    if route in ("continuity:episode_end", "continuity:handoff_request"):
        return reverse(route, kwargs={"plan_id": w.plan.pk, "episode_id": episode.pk})
    if route in ("continuity:handoff_accept", "continuity:handoff_decline"):
        handoff = services.handoff_request(
            actor=w.coordinator,
            episode=episode,
            to_service=w.municipal,
            summary="Oppfølging",
            wanted_from=dt.date.today(),
            answer_by=dt.date.today(),
        )
        return reverse(route, kwargs={"handoff_id": handoff.pk})
    return reverse(route, kwargs={"plan_id": w.plan.pk})


@pytest.mark.parametrize("route", sorted(CONTINUITY_MATRIX))
def test_continuity_route_for_every_actor(route, plan_world, plan_client):
    method, expected, logs = CONTINUITY_MATRIX[route]
    url = url_for(route, plan_world)
    for actor in PLAN_ACTORS:
        before = AccessLogEntry.objects.count()
        client = plan_client(actor)
        response = client.post(url, {}) if method == "post" else client.get(url)
        assert response.status_code == expected[actor], (route, actor, response.status_code)
        if response.status_code in (403, 404):
            assert b"Testesen" not in response.content, (route, actor)
        if logs and response.status_code == 200:
            assert AccessLogEntry.objects.count() - before == 1, (route, actor)


def test_the_timeline_marks_the_gap_and_the_receiver_sees_details_only_with_consent(
    plan_world, plan_client
):
    today = dt.date.today()
    episode = services.episode_start(
        actor=plan_world.coordinator,
        plan=plan_world.plan,
        service=plan_world.dps,
        responsibility="responsible",
        starts=today - dt.timedelta(days=20),
        ends=today - dt.timedelta(days=10),
    )
    body = (
        plan_client("coordinator")
        .get(reverse("continuity:timeline", kwargs={"plan_id": plan_world.plan.pk}))
        .content.decode()
    )
    assert 'class="bar-gap"' in body and "uten en ansvarlig tjeneste" in body
    assert "<svg" in body and 'role="img"' in body
    # A hand-off to child welfare, which has no consent: its staff see no name.
    services.handoff_request(
        actor=plan_world.coordinator,
        episode=episode,
        to_service=plan_world.child_welfare_service,
        summary="Bekymring for barna",
        wanted_from=today,
        answer_by=today,
    )
    incoming = plan_client("child_welfare").get(reverse("continuity:incoming")).content.decode()
    assert "Testesen" not in incoming and "Bekymring for barna" not in incoming
    assert "ikke samtykket" in incoming
