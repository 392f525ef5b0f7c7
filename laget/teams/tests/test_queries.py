"""The team page, the intake agenda, the board and the figures make the same number of
queries with 3 cases as with 30 (and as many waiting referrals and board entries)."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from laget.teams import services
from laget.teams.tests.test_access_matrix import open_case, referral

pytestmark = pytest.mark.django_db


def grow(world, tw, n):
    for i in range(n):
        case = open_case(tw, world.member)
        services.board_add(
            actor=world.member, case=case, reason="Krise", next_step="Besøk", next_step_by=tw.worker
        )
        referral(tw, world.person, f"Venter {i}")
        for score in (2, 3):  # at intake and at a follow-up
            services.perceived_change_add(
                actor=world.member,
                case=case,
                on=timezone.localdate(),
                life_situation=score,
                daily_functioning=score,
                mental_health=score,
                own_words="",
                person_agreed=True,
            )


def count(client, url):
    with CaptureQueriesContext(connection) as ctx:
        assert client.get(url).status_code == 200
    return len(ctx.captured_queries), [q["sql"][:90] for q in ctx.captured_queries]


# Beyond the request's own (session, user, MFA check): the team and its service; the
# actor's membership (access), and for the pages naming persons the access-log entries
# (one batch: lock the chain head, insert them all, move the head).
PAGES = ["teams:team", "teams:intake", "teams:board", "teams:figures"]


@pytest.mark.parametrize("route", PAGES)
def test_pages_make_a_constant_number_of_queries(route, world, team_world, client_for):
    client = client_for("owner")
    url = reverse(route, args=[team_world.team.slug])
    grow(world, team_world, 3)
    client.get(url)  # the first request after login renews the session
    small, small_sql = count(client, url)
    grow(world, team_world, 27)
    client.get(url)
    large, large_sql = count(client, url)
    assert small == large, (small_sql, large_sql)
    assert small == PINNED[route][connection.vendor], small_sql


# One batch of access-log entries, one per person shown: lock the chain head, insert them
# all, move the head (three statements on either engine, audit.services.chain_append_many).
LOG = {"sqlite": 3, "postgresql": 3}

PINNED = {
    # session, user, MFA; team with service and network; members with professional,
    # profession and home service; lead check; works-in-team check; the services for the
    # forms (one list for every member's form); the network's professionals
    "teams:team": {"sqlite": 10, "postgresql": 10},
    # session, user, MFA; team; works-in-team; waiting referrals; meetings; board now;
    # the access log; members; services for the decision forms (one list)
    "teams:intake": {v: 10 + n for v, n in LOG.items()},
    # session, user, MFA; team; works-in-team; board now; history; open cases; their
    # workers; the access log; the perceived change across cases (one query)
    "teams:board": {v: 10 + n for v, n in LOG.items()},
    # session, user, MFA; team; figures check; open cases; their workers; referrals with
    # decisions and first contact; board count; members; consultations grouped; the
    # perceived change across cases
    "teams:figures": {"sqlite": 12, "postgresql": 12},
}
