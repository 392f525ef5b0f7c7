"""Factories for the team's tests: fictional people only."""

from __future__ import annotations

from laget.accounts.totp import ensure_totp
from laget.conftest import TEST_TOTP_SECRET
from laget.directory.models import Membership, Network, Service
from laget.directory.tests.factories import MembershipFactory, ServiceFactory
from laget.teams.models import CrossLevelTeam, Secondment


def team_for(service: Service, network: Network) -> CrossLevelTeam:
    network.organisations.add(service.organisation)
    return CrossLevelTeam.objects.create(network=network, service=service)


def home_service(network: Network, level: str) -> Service:
    service = ServiceFactory(level=level)
    network.organisations.add(service.organisation)
    return service


def second(
    team: CrossLevelTeam,
    home: Service,
    *,
    percent: int = 20,
    role: str = Membership.Role.MEMBER,
    membership: Membership | None = None,
    competence: list[str] | None = None,
) -> Secondment:
    """A member lent from `home`, with an MFA-ready account."""
    if membership is None:
        membership = MembershipFactory(service=team.service, role=role, position_percent=percent)
        ensure_totp(membership.professional.user, TEST_TOTP_SECRET)
    return Secondment.objects.create(
        team=team, membership=membership, home_service=home, competence=competence or []
    )
