"""Every team route × every kind of actor (the world's actors: see laget/conftest.py).

The team's service is the world's: its owner leads the team, its member works in it, the
outsider administers another service in the same network (a network leader: figures,
nothing about cases). A referrer sees their own referrals and decisions, never a case."""

from __future__ import annotations

import pytest
from django.urls import reverse

from laget.audit.models import AccessLogEntry
from laget.conftest import ACTORS
from laget.teams import services
from laget.teams.models import Decision

pytestmark = pytest.mark.django_db

LOGIN = {"anonymous": 302, "no_mfa": 302}
STAFF = LOGIN | {"person": 403, "outsider": 200, "member": 200, "owner": 200, "operator": 403}
LEAD_WRITE = LOGIN | {"person": 403, "outsider": 403, "member": 403, "owner": 302, "operator": 403}
LEAD_OBJECT = LOGIN | {"person": 404, "outsider": 404, "member": 404, "owner": 302, "operator": 404}
REFERRERS = LOGIN | {"person": 200, "outsider": 200, "member": 200, "owner": 200, "operator": 403}
WORKERS_PAGE = LOGIN | {
    "person": 403,
    "outsider": 403,
    "member": 200,
    "owner": 200,
    "operator": 403,
}
WORKERS_OBJECT = LOGIN | {
    "person": 404,
    "outsider": 404,
    "member": 302,
    "owner": 302,
    "operator": 404,
}
CASE_PAGE = WORKERS_OBJECT | {"member": 200, "owner": 200}
FIGURES = LOGIN | {"person": 403, "outsider": 200, "member": 403, "owner": 200, "operator": 403}

# Only a service's administrator, for a service that is not a team yet: the outsider's.
CREATE = LOGIN | {"person": 403, "outsider": 200, "member": 403, "owner": 403, "operator": 403}

# route -> (method, expected, what the URL needs)
TEAM_MATRIX = {
    "teams:team_create": ("get", CREATE, None),
    "teams:team": ("get", STAFF, "slug"),
    "teams:member_add": ("post", LEAD_WRITE, "slug"),
    "teams:member_edit": ("post", LEAD_OBJECT, "member"),
    "teams:member_end": ("post", LEAD_OBJECT, "member"),
    "teams:refer": ("get", REFERRERS, "slug"),
    "teams:my_referrals": ("get", REFERRERS, None),
    "teams:intake": ("get", WORKERS_PAGE, "slug"),
    "teams:decide": ("post", WORKERS_OBJECT, "referral"),
    "teams:clarify": ("post", WORKERS_OBJECT, "referral"),
    "teams:case": ("get", CASE_PAGE, "case"),
    "teams:worker_add": ("post", WORKERS_OBJECT, "case"),
    "teams:worker_end": ("post", WORKERS_OBJECT, "worker"),
    "teams:contact": ("post", WORKERS_OBJECT, "case"),
    "teams:handoff": ("post", WORKERS_OBJECT, "case"),
    "teams:close": ("post", WORKERS_OBJECT, "case"),
    "teams:perceived_change": ("post", WORKERS_OBJECT, "case"),
    "teams:link_person": ("get", CASE_PAGE, "case"),
    "teams:board_add": ("post", WORKERS_OBJECT, "case"),
    "teams:board_remove": ("post", WORKERS_OBJECT, "entry"),
    "teams:board": ("get", WORKERS_PAGE, "slug"),
    "teams:consultations": ("get", WORKERS_PAGE, "slug"),
    "teams:figures": ("get", FIGURES, "slug"),
}


def referral(tw, actor, name="Kari Testperson"):
    return services.referral_create(
        actor=actor,
        team=tw.team,
        data=services.ReferralInput(source="gp", referrer_contact="77 00 00 01", subject_name=name),
    )


def open_case(tw, actor, referrer=None):
    r = referral(tw, referrer or actor, "Per Testperson")
    services.decide(
        actor=actor,
        referral=r,
        outcome=Decision.Outcome.DIRECT,
        reason="Oppfyller kriteriene",
        worker=tw.lead,
        partner=tw.worker,
    )
    r.refresh_from_db()
    return r.case


def url_for(route, need, world, tw):
    if need is None:
        return reverse(route)
    if need == "slug":
        return reverse(route, args=[tw.team.slug])
    if need == "member":
        return reverse(route, args=[tw.muni2.pk])
    if need == "referral":
        return reverse(route, args=[referral(tw, world.member).pk])
    case = open_case(tw, world.member)
    if need == "case":
        return reverse(route, args=[case.pk])
    if need == "worker":
        return reverse(route, args=[case.workers.first().pk])
    entry = services.board_add(
        actor=world.member, case=case, reason="Krise", next_step="Besøk", next_step_by=tw.worker
    )
    return reverse(route, args=[entry.pk])


@pytest.mark.parametrize("route", sorted(TEAM_MATRIX))
def test_team_route_for_every_actor(route, world, team_world, client_for):
    method, expected, need = TEAM_MATRIX[route]
    assert set(expected) == set(ACTORS)
    url = url_for(route, need, world, team_world)
    for actor in ACTORS:
        before = AccessLogEntry.objects.count()
        client = client_for(actor)
        response = client.post(url, {}) if method == "post" else client.get(url)
        assert response.status_code == expected[actor], (route, actor, response.status_code)
        if response.status_code != 200:
            # Refused (or a write): nothing read, nothing logged, no name shown.
            assert AccessLogEntry.objects.count() == before, (route, actor)
            assert b"Testperson" not in response.content, (route, actor)


@pytest.mark.parametrize("route", sorted(TEAM_MATRIX))
def test_every_method_for_every_actor(route, world, team_world, client_for):
    # Issue 14: GET, HEAD, POST, PUT, PATCH, DELETE and OPTIONS (laget/tests/sweep.py).
    from laget.tests.sweep import sweep

    _, expected, need = TEAM_MATRIX[route]
    sweep(
        route=route,
        url=url_for(route, need, world, team_world),
        expected=expected,
        client_for=client_for,
        secret=b"Testperson",
    )


def test_every_team_route_is_in_the_matrix():
    from laget.teams import urls

    assert {f"teams:{p.name}" for p in urls.urlpatterns} == set(TEAM_MATRIX)


def test_referrer_sees_the_decision_not_the_case(world, team_world, client_for):
    case = open_case(team_world, world.member, referrer=world.person)  # a self-referral
    Decision.objects.filter(referral=case.referral).update(advice="Ring fastlegen")
    client = client_for("person")
    page = client.get(reverse("teams:my_referrals"))
    assert "Ring fastlegen" in page.content.decode()
    assert reverse("teams:case", args=[case.pk]) not in page.content.decode()
    assert client.get(reverse("teams:case", args=[case.pk])).status_code == 404
