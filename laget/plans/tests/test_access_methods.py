"""Every plan route × every actor × every HTTP method, and every nested route with an
object of another plan under this plan's URL (issue 14). See laget/tests/sweep.py."""

from __future__ import annotations

import datetime as dt

import pytest

from laget.plans import services
from laget.plans.demo import synthetic_national_id
from laget.plans.tests.conftest import PLAN_ACTORS
from laget.plans.tests.test_access_matrix import PLAN_MATRIX, url_for
from laget.plans.tests.test_access_matrix_lifecycle import (
    LIFECYCLE_API_MATRIX,
    LIFECYCLE_MATRIX,
)
from laget.plans.tests.test_access_matrix_lifecycle import url_for as lifecycle_url_for
from laget.tests.sweep import cross_plan_sweep, sweep, with_plan

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("route", sorted(PLAN_MATRIX))
def test_every_method_for_every_actor(route, plan_world, plan_client):
    _, _, expected, _ = PLAN_MATRIX[route]
    sweep(
        route=route,
        url=url_for(route, plan_world),
        expected=expected,
        client_for=plan_client,
        secret=b"Testesen",
    )


@pytest.mark.parametrize("route", sorted(set(LIFECYCLE_MATRIX) | set(LIFECYCLE_API_MATRIX)))
def test_every_method_for_every_actor_in_the_plans_life(route, plan_world, plan_client):
    expected = (LIFECYCLE_MATRIX.get(route) or (None, None, None))[1] or LIFECYCLE_API_MATRIX[
        route
    ][1]
    sweep(
        route=route,
        url=lifecycle_url_for(route, plan_world),
        expected=expected,
        client_for=plan_client,
        secret=b"Testesen",
        # GET /api/v1/plans is the plan list, swept under its own row.
        other_route_methods=("get", "head") if route == "api-v1:open_plan" else (),
    )


def other_plan(w):
    """Plan B: another person's plan, with the same coordinator, so the coordinator may
    open both plans and only the route's own check stands between them."""
    person = services.person_create(
        actor=w.coordinator,
        first_name="Per",
        last_name="Annensen",
        birth_date=dt.date(1985, 3, 3),
        national_id=synthetic_national_id(dt.date(1985, 3, 3)),
    )
    return services.plan_create(
        actor=w.coordinator,
        person=person,
        owner=w.municipal.organisation,
        coordinator=w.coordinator,
        coordinator_service=w.municipal,
        reason="Koordinator etter vedtak",
    )


# Routes that name an object inside a plan (an id besides the plan's).
NESTED = [
    "plans:attachment",
    "plans:consent_undo",
    "plans:consent_withdraw",
    "plans:emergency_review",
    "plans:goal_edit",
    "plans:item_unblock",
    "plans:measure_edit",
    "plans:task_done",
    "plans:task_reassign",
    "plans:team_leave",
    "plans:invite_resend",
    "api-v1:update_measure_status",
    "api-v1:complete_task",
]
LIFECYCLE_NESTED = {"plans:invite_resend"}


def well_formed(route, w):
    """The route's own request (method and body from its matrix row), sent to `url`."""
    if route in LIFECYCLE_NESTED:
        method, data_for = LIFECYCLE_MATRIX[route][0], (lambda w: {})
    else:
        method, data_for = PLAN_MATRIX[route][:2]

    def attempt(client, url):
        if method == "json":
            return client.post(url, data_for(w), content_type="application/json")
        if method == "json_patch":
            return client.patch(url, data_for(w), content_type="application/json")
        if method == "post":
            return client.post(url, data_for(w))
        return client.get(url)

    return attempt


@pytest.mark.parametrize("route", NESTED)
def test_an_object_of_one_plan_under_another_plans_url(route, plan_world, plan_client):
    url = (lifecycle_url_for if route in LIFECYCLE_NESTED else url_for)(route, plan_world)
    crossed = with_plan(url, other_plan(plan_world).pk)
    cross_plan_sweep(
        route=route,
        url=crossed,
        actors=PLAN_ACTORS,
        client_for=plan_client,
        secret=b"Testesen",
        attempt=well_formed(route, plan_world),
    )
