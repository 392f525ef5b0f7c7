"""Every survey route × every kind of actor: only those with a role in the round see
anything of it (404 for the rest, so a round's existence does not leak); respondents
reach only their own answering page, by its link."""

from __future__ import annotations

import datetime as dt

import pytest
from django.urls import reverse
from django.utils import timezone

from laget.surveys import services
from laget.surveys.tests.conftest import GROUPS, SURVEY_ACTORS, fill_and_close
from laget.tests.sweep import sweep

pytestmark = pytest.mark.django_db

ROLE_ONLY = dict.fromkeys(SURVEY_ACTORS, 404) | {"organiser": 200, "reader": 200, "anonymous": 302}
ORGANISER_WRITE = dict.fromkeys(SURVEY_ACTORS, 404) | {"organiser": 302, "anonymous": 302}
LEADERS_IN_NETWORK = dict.fromkeys(SURVEY_ACTORS, 403) | {
    "organiser": 200,
    "reader": 200,
    "anonymous": 302,
}


def settings_data(w):
    w.round.refresh_from_db()
    return {
        "closes": (timezone.localdate() + dt.timedelta(days=12)).isoformat(),
        "min_n": 5,
        "version": w.round.version,
    }


def action_data(w):
    a, b = list(w.closed.groups.all())[:2]
    return {"tie": f"{a.pk}:{b.pk}", "what": "Felles lunsj", "who": "Lederne", "due": "2031-01-01"}


# route -> (method, which round, data builder, expected)
SURVEY_MATRIX = {
    "surveys:rounds": ("get", None, None, dict.fromkeys(SURVEY_ACTORS, 200) | {"anonymous": 302}),
    "surveys:round_create": ("get", "network", None, LEADERS_IN_NETWORK),
    "surveys:round": ("get", "open", None, ROLE_ONLY),
    "surveys:round_settings": ("post", "open", settings_data, ORGANISER_WRITE),
    "surveys:invite": ("post", "open", lambda w: {}, ORGANISER_WRITE),
    "surveys:import": ("post", "open", lambda w: {}, ORGANISER_WRITE | {"organiser": 400}),
    "surveys:results": ("get", "closed", None, ROLE_ONLY),
    "surveys:progress": ("get", "closed", None, ROLE_ONLY),
    "surveys:report": ("get", "closed", None, ROLE_ONLY),
    "surveys:export_csv": ("get", "closed", None, ROLE_ONLY),
    "surveys:export_xlsx": ("get", "closed", None, ROLE_ONLY),
    "surveys:action_add": ("post", "closed", action_data, ORGANISER_WRITE),
    # The personal link is the key: no login, same page for whoever holds it.
    "surveys:answer": ("get", "token", None, dict.fromkeys(SURVEY_ACTORS, 200)),
    "api-v1:get_round_results": ("get", "closed", None, ROLE_ONLY | {"anonymous": 401}),
}


def closed_round(w):
    round_ = services.round_create(
        actor=w.organiser,
        network=w.network,
        title="Forrige runde",
        opens=timezone.localdate() - dt.timedelta(days=2),
        closes=timezone.localdate() + dt.timedelta(days=2),
        groups=[services.GroupSpec(name) for name in GROUPS],
        invitees=[w.respondent],
        readers=[w.reader],
    )
    original, w.round = w.round, round_
    fill_and_close(w, {"Kommunen": 6, "DPS": 6, "Fastleger": 2, "NAV": 5})
    w.round = original
    return round_


def round_kwargs(which, w) -> dict:
    if which in ("open", "closed"):
        return {"round_id": (w.round if which == "open" else w.closed).pk}
    if which == "network":
        return {"slug": w.network.slug}
    if which == "token":
        return {"token": w.token()}
    return {}


@pytest.mark.parametrize("route", sorted(SURVEY_MATRIX))
def test_survey_route_for_every_actor(route, survey_world, survey_client):
    method, which, data_for, expected = SURVEY_MATRIX[route]
    assert set(expected) == set(SURVEY_ACTORS)
    w = survey_world
    w.closed = closed_round(w)
    url = reverse(route, kwargs=round_kwargs(which, w))
    for actor in SURVEY_ACTORS:
        client = survey_client(actor)
        response = client.post(url, data_for(w)) if method == "post" else client.get(url)
        assert response.status_code == expected[actor], (route, actor, response.status_code)
        if response.status_code in (401, 403, 404):
            assert b"Fastleger" not in response.content, (route, actor)


@pytest.mark.parametrize("route", sorted(SURVEY_MATRIX))
def test_every_method_for_every_actor(route, survey_world, survey_client):
    # Issue 14: GET, HEAD, POST, PUT, PATCH, DELETE and OPTIONS (laget/tests/sweep.py).
    _, which, _, expected = SURVEY_MATRIX[route]
    w = survey_world
    w.closed = closed_round(w)
    sweep(
        route=route,
        url=reverse(route, kwargs=round_kwargs(which, w)),
        expected=expected,
        client_for=survey_client,
        secret=b"Fastleger",
    )
