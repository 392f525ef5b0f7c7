"""Every route of the user survey of the services × every kind of actor, and every
method: leaders in the network read (404 for everyone else, so a survey's existence does
not leak); only the organiser tells the persons; a person reaches only their own
invitation."""

from __future__ import annotations

import pytest
from django.urls import reverse

from laget.surveys.tests.user_survey_world import USER_SURVEY_ACTORS, close, make_world
from laget.tests.sweep import sweep

pytestmark = pytest.mark.django_db

NOBODY = dict.fromkeys(USER_SURVEY_ACTORS, 404) | {"anonymous": 302}
LEADERS = NOBODY | {"organiser": 200, "leader": 200}
SECRET = b"Psykisk helse Sj\xc3\xb8vik"  # a service name: only on the survey's own pages

# route -> (method, which, data builder, expected)
USER_SURVEY_MATRIX = {
    "surveys:user_rounds": (
        "get",
        None,
        None,
        dict.fromkeys(USER_SURVEY_ACTORS, 403)
        | {"organiser": 200, "leader": 200, "anonymous": 302},
    ),
    "surveys:user_round_create": (
        "get",
        "network",
        None,
        dict.fromkeys(USER_SURVEY_ACTORS, 403)
        | {"organiser": 200, "leader": 200, "anonymous": 302},
    ),
    "surveys:user_round": ("get", "open", None, LEADERS),
    "surveys:user_invite": ("post", "open", lambda w: {}, NOBODY | {"organiser": 302}),
    "surveys:user_results": ("get", "closed", None, LEADERS),
    "surveys:user_answer": ("get", "invitation", None, NOBODY | {"person": 200}),
    "api-v1:get_user_round_results": ("get", "closed", None, LEADERS | {"anonymous": 401}),
}


def kwargs_for(which, w) -> dict:
    if which == "network":
        return {"slug": w.network.slug}
    if which in ("open", "closed"):
        return {"round_id": w.round.pk}
    if which == "invitation":
        return {"invitation_id": w.invitation().pk}
    return {}


def client_for(w):
    from django.test import Client

    def make(actor: str) -> Client:
        client = Client()
        user = w.actor(actor)
        if user is not None:
            client.force_login(user)
        return client

    return make


@pytest.mark.parametrize("route", sorted(USER_SURVEY_MATRIX))
def test_user_survey_route_for_every_actor(route):
    method, which, data_for, expected = USER_SURVEY_MATRIX[route]
    assert set(expected) == set(USER_SURVEY_ACTORS)
    w = make_world()
    if which == "closed":
        close(w.round)
    url = reverse(route, kwargs=kwargs_for(which, w))
    for actor in USER_SURVEY_ACTORS:
        client = client_for(w)(actor)
        response = client.post(url, data_for(w)) if method == "post" else client.get(url)
        assert response.status_code == expected[actor], (route, actor, response.status_code)
        if response.status_code in (302, 403, 404) and actor != "organiser":
            assert SECRET not in response.content, (route, actor)


@pytest.mark.parametrize("route", sorted(USER_SURVEY_MATRIX))
def test_every_method_for_every_actor(route):
    _, which, _, expected = USER_SURVEY_MATRIX[route]
    w = make_world()
    if which == "closed":
        close(w.round)
    sweep(
        route=route,
        url=reverse(route, kwargs=kwargs_for(which, w)),
        expected=expected,
        client_for=client_for(w),
        secret=SECRET,
    )
