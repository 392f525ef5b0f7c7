"""A cross-level team on top of the shared `world`: the world's service is the team's
own, its owner leads the team, its member works in it (lent from a specialist service),
the outsider works elsewhere in the network."""

from __future__ import annotations

from dataclasses import dataclass

import pytest

from laget.directory.models import Membership, Service
from laget.teams.models import CrossLevelTeam, Secondment
from laget.teams.tests.factories import home_service, second, team_for


@dataclass
class TeamWorld:
    team: CrossLevelTeam
    municipal: Service
    specialist: Service
    lead: Secondment  # the world's owner, municipal
    worker: Secondment  # the world's member, specialist
    muni2: Secondment
    spec2: Secondment


@pytest.fixture
def team_world(world) -> TeamWorld:
    team = team_for(world.service, world.network)
    municipal = home_service(world.network, Service.Level.MUNICIPAL)
    specialist = home_service(world.network, Service.Level.SPECIALIST)
    memberships = {
        m.professional.user_id: m for m in Membership.objects.filter(service=world.service)
    }
    lead = second(team, municipal, membership=memberships[world.owner.pk])
    worker = second(team, specialist, membership=memberships[world.member.pk])
    return TeamWorld(
        team=team,
        municipal=municipal,
        specialist=specialist,
        lead=lead,
        worker=worker,
        muni2=second(team, municipal),
        spec2=second(team, specialist),
    )
