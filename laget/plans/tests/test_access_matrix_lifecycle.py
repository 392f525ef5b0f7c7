"""The plan life cycle's routes (register, open, requests, roles, invitations) × every kind
of actor. Same codes as the plan matrix: denied is 403/404 with nothing personal in the
body; allowed reads write exactly one access-log row."""

from __future__ import annotations

import datetime as dt

import pytest
from django.urls import reverse

from laget.audit.models import AccessLogEntry
from laget.plans.demo import synthetic_national_id
from laget.plans.tests.conftest import PERSON_NATIONAL_ID, PLAN_ACTORS

pytestmark = pytest.mark.django_db

NOT_PRO = {"person": 403, "relative_with_consent": 403, "relative_without": 403}
PROFESSIONALS = dict.fromkeys(PLAN_ACTORS, 200) | NOT_PRO | {"operator": 403, "anonymous": 302}
# The registrant only (here the coordinator); other professionals get 404.
REGISTRANT = (
    dict.fromkeys(PLAN_ACTORS, 404)
    | NOT_PRO
    | {
        "operator": 403,
        "anonymous": 302,
        "coordinator": 200,
    }
)
NOBODY = dict.fromkeys(PLAN_ACTORS, 404) | {"anonymous": 302}
MANAGE = NOBODY | {
    "coordinator": 200,
    "person": 200,
    "team_professional": 403,
    "relative_with_consent": 403,
}
COORDINATOR_WRITE = MANAGE | {"coordinator": 302, "person": 403}

LIFECYCLE_MATRIX = {
    "plans:register": ("get", PROFESSIONALS, False),
    # An empty form: professionals are told what is missing (400).
    "plans:join_request": (
        "post",
        PROFESSIONALS
        | dict.fromkeys(
            ["coordinator", "team_professional", "colleague", "other_org", "child_welfare"], 400
        ),
        False,
    ),
    "plans:plan_open": ("get", REGISTRANT, True),
    "plans:plan_request": ("get", REGISTRANT, True),
    "plans:requests": ("get", PROFESSIONALS, False),
    # A join request from other_org: the coordinator answers (without a reason the decline
    # is refused, back to the queue); the sender may not answer their own; others 404.
    "plans:request_answer": (
        "post",
        dict.fromkeys(PLAN_ACTORS, 404)
        | NOT_PRO
        | {"operator": 403, "anonymous": 302, "coordinator": 302, "other_org": 403},
        False,
    ),
    "plans:roles": ("get", MANAGE, True),
    "plans:coordinator_change": ("post", MANAGE | {"coordinator": 302, "person": 302}, False),
    "plans:close": ("post", COORDINATOR_WRITE, False),
    "plans:reopen": ("post", COORDINATOR_WRITE, False),
    "plans:invite": ("get", MANAGE, True),
    "plans:invite_resend": ("post", COORDINATOR_WRITE, False),
    # The link is public; an unknown token says so to everyone (404), and asking for a new
    # link from an unknown one sends back to the page with the message.
    "plans:invitation": ("get", dict.fromkeys(PLAN_ACTORS, 404), False),
    "plans:invitation_renew": ("post", dict.fromkeys(PLAN_ACTORS, 302), False),
}

API_PRO = dict.fromkeys(PLAN_ACTORS, 403) | {"anonymous": 401}
API_MANAGE = NOBODY | {
    "anonymous": 401,
    "team_professional": 403,
    "relative_with_consent": 403,
}


def bad_person(w):
    return {
        "service_id": w.municipal.pk,
        "national_id": "01019012345",
        "first_name": "Ola",
        "last_name": "Feil",
        "birth_date": "1990-01-01",
    }


def short_join(w):
    return {"service_id": w.municipal.pk, "national_id": PERSON_NATIONAL_ID, "reason": "x"}


def plan_request(w):
    return {
        "person_id": w.person_record.pk,
        "service_id": w.dps.pk,
        "to_service_id": w.municipal.pk,
        "reason": "Trenger en individuell plan med kommunen",
        "consent_method": "in_person",
    }


def short_reason(w):
    return {"reason": "x", "answer": ""}


def coordinator_offer(w):
    return {"user_id": w.team_professional.pk, "service_id": w.dps.pk, "reason": "Begge nivå"}


def relative_invitation(w):
    return {
        "role": "relative",
        "email": "bror@test.invalid",
        "first_name": "Bror",
        "last_name": "Testesen",
    }


def new_plan(w):
    """A person the coordinator registered (once), with their consent to start planning."""
    from laget.plans import registration

    if not hasattr(w, "registered_for_api"):
        born = dt.date(1977, 7, 7)
        w.registered_for_api = registration.person_register(
            actor=w.coordinator,
            service=w.municipal,
            national_id=synthetic_national_id(born),
            first_name="Nils",
            last_name="Testesen",
            birth_date=born,
        )
    return {
        "person_id": w.registered_for_api.pk,
        "service_id": w.municipal.pk,
        "consent_method": "in_person",
    }


# route -> (data builder, expected); all are JSON posts except the queue (a GET).
LIFECYCLE_API_MATRIX = {
    # Only the coordinator works in the municipal service named; the number is wrong (422).
    "api-v1:register_person": (bad_person, API_PRO | {"coordinator": 422}),
    # POST /plans: only who registered the person opens their plan (others 404).
    "api-v1:open_plan": (
        new_plan,
        API_PRO
        | dict.fromkeys(["team_professional", "colleague", "other_org", "child_welfare"], 404)
        | {"coordinator": 201},
    ),
    # Only the coordinator works in the municipal service the request names.
    "api-v1:join_request": (short_join, API_PRO | {"coordinator": 422}),
    # Nobody registered the matrix's person through Laget, so nobody may ask for a plan.
    "api-v1:request_plan": (
        plan_request,
        API_PRO
        | dict.fromkeys(
            ["coordinator", "team_professional", "colleague", "other_org", "child_welfare"], 404
        ),
    ),
    "api-v1:list_requests": (
        None,
        API_PRO
        | dict.fromkeys(
            ["coordinator", "team_professional", "colleague", "other_org", "child_welfare"], 200
        ),
    ),
    # other_org's join request: the coordinator accepts; after that it is answered (422).
    "api-v1:accept_request": (
        short_reason,
        API_PRO
        | dict.fromkeys(["team_professional", "colleague", "child_welfare"], 404)
        | {"coordinator": 200, "other_org": 422},
    ),
    "api-v1:decline_request": (
        short_reason,
        API_PRO
        | dict.fromkeys(["team_professional", "colleague", "child_welfare"], 404)
        | {"coordinator": 422, "other_org": 403},
    ),
    "api-v1:request_coordinator": (
        coordinator_offer,
        API_MANAGE | {"coordinator": 201, "person": 201},
    ),
    "api-v1:close_plan": (short_reason, API_MANAGE | {"coordinator": 422, "person": 403}),
    "api-v1:reopen_plan": (short_reason, API_MANAGE | {"coordinator": 422, "person": 403}),
    # The coordinator has no recorded agreement (422); the person's own invitation is it.
    "api-v1:invite_to_plan": (
        relative_invitation,
        API_MANAGE | {"coordinator": 422, "person": 201},
    ),
}


def url_for(route: str, w) -> str:
    from laget.plans import invitations, registration

    plan = {"plan_id": w.plan.pk}
    if route in ("plans:register", "plans:join_request", "plans:requests"):
        return reverse(route)
    if route in ("plans:plan_open", "plans:plan_request"):
        person = registration.person_register(
            actor=w.coordinator,
            service=w.municipal,
            national_id=synthetic_national_id(dt.date(2001, 2, 3)),
            first_name="Kari",
            last_name="Testesen",
            birth_date=dt.date(2001, 2, 3),
        )
        return reverse(route, kwargs={"person_id": person.pk})
    if route in (
        "api-v1:register_person",
        "api-v1:join_request",
        "api-v1:request_plan",
        "api-v1:list_requests",
        "api-v1:open_plan",
    ):
        return reverse(route)
    if route in ("plans:request_answer", "api-v1:accept_request", "api-v1:decline_request"):
        from laget.plans.lifecycle_models import PlanRequest

        request = PlanRequest.objects.create(
            kind=PlanRequest.Kind.JOIN,
            person=w.person_record,
            from_user=w.other_org,
            from_service=w.other_org.professional.memberships.get().service,
            reason="Jeg følger opp personen i annen tjeneste",
        )
        return reverse(route, kwargs={"request_id": request.pk})
    if route.startswith("api-v1:"):
        return reverse(route, kwargs=plan)
    if route == "plans:invite_resend":
        invitation = invitations.invitation_create(
            actor=w.coordinator,
            plan=w.plan,
            role="relative",
            email="far@test.invalid",
            first_name="Far",
            last_name="Testesen",
            agreement="in_person",
            link_base="http://testserver",
        )
        return reverse(route, kwargs=plan | {"invitation_id": invitation.pk})
    if route in ("plans:invitation", "plans:invitation_renew"):
        return reverse(route, kwargs={"token": "ukjent-lenke-" + "x" * 30})
    return reverse(route, kwargs=plan)


@pytest.mark.parametrize("route", sorted(LIFECYCLE_MATRIX))
def test_lifecycle_route_for_every_actor(route, plan_world, plan_client):
    method, expected, logs = LIFECYCLE_MATRIX[route]
    assert set(expected) == set(PLAN_ACTORS)
    url = url_for(route, plan_world)
    for actor in PLAN_ACTORS:
        before = AccessLogEntry.objects.count()
        client = plan_client(actor)
        response = client.post(url, {}) if method == "post" else client.get(url)
        status = response.status_code
        assert status == expected[actor], (route, actor, status)
        written = AccessLogEntry.objects.count() - before
        if status in (302, 403, 404) and method == "get":
            assert written == 0, (route, actor)
        if status in (403, 404):
            assert b"Testesen" not in response.content, (route, actor)
        if logs and status == 200:
            assert written == 1, (route, actor, written)


@pytest.mark.parametrize("route", sorted(LIFECYCLE_API_MATRIX))
def test_lifecycle_api_for_every_actor(route, plan_world, plan_client):
    data_for, expected = LIFECYCLE_API_MATRIX[route]
    assert set(expected) == set(PLAN_ACTORS)
    url = url_for(route, plan_world)
    for actor in PLAN_ACTORS:
        client = plan_client(actor)
        if data_for is None:
            response = client.get(url)
        else:
            response = client.post(url, data_for(plan_world), content_type="application/json")
        assert response.status_code == expected[actor], (route, actor, response.status_code)
        if response.status_code in (401, 403, 404):
            assert b"Testesen" not in response.content, (route, actor)
