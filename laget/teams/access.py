"""Who may do what with a cross-level team. The only place these decisions live.

- Anyone with an account may refer (a service, a GP, NAV, the person, a relative): the
  open door. A referrer sees the decision on their own referrals and the advice, never
  the case.
- The team's page (composition, positions) is directory information: professionals see it.
- The team's members (an active membership in the team's service) work the intake agenda,
  the cases and the board. They see a case's person only as far as the referral holds
  (the minimum to find them); the person's plan only as plans.access allows.
- The team's leaders and administrators change its composition; they and the network's
  leaders see the figures (counts, never names).
"""

from __future__ import annotations

import rules
from django.utils import timezone

from laget.accounts.access import is_professional
from laget.accounts.models import User
from laget.continuity.access import leads_in_network
from laget.core.types import Actor
from laget.directory.access import is_service_admin
from laget.directory.models import Membership, Network, Service
from laget.teams.models import Case, CaseWorker, CrossLevelTeam, Referral, Secondment

REFERRER_KINDS = ("professional", "person", "relative")


def may_refer(user: Actor) -> bool:
    return bool(user.is_authenticated and user.is_active and user.kind in REFERRER_KINDS)


def sees_composition(user: Actor) -> bool:
    return bool(is_professional(user))


def _team_memberships(user: Actor, team: CrossLevelTeam):
    return Membership.objects.active(timezone.localdate()).filter(
        professional__user=user, service_id=team.service_id
    )


def may_create_team(user: Actor, service: Service) -> bool:
    """A service's own administrators make it a cross-level team (its staff then are the
    team's members once each is given the service they are lent from)."""
    return bool(is_service_admin(user, service))


def works_in_team(user: Actor, team: CrossLevelTeam) -> bool:
    """One query: an active membership in the team's service."""
    if not is_professional(user):
        return False
    return _team_memberships(user, team).exists()


def leads_team(user: Actor, team: CrossLevelTeam) -> bool:
    if not is_professional(user):
        return False
    return (
        _team_memberships(user, team)
        .filter(role__in=[Membership.Role.LEADER, Membership.Role.ADMIN])
        .exists()
    )


def sees_figures(user: Actor, team: CrossLevelTeam) -> bool:
    return leads_team(user, team) or leads_in_network(user, team.network_id)


def is_referrer(user: Actor, referral: Referral) -> bool:
    return bool(user.is_authenticated and referral.referred_by_id == user.pk)


def member_of_team(member: Secondment, team: CrossLevelTeam) -> bool:
    return member.team_id == team.pk and member.membership.service_id == team.service_id


def team_services_for(user: Actor) -> list[tuple[Service, list[Network]]]:
    """The services this user administers that are not a team yet, with their networks."""
    if not is_professional(user):
        return []
    services = (
        Service.objects.filter(
            memberships__in=Membership.objects.active(timezone.localdate()).filter(
                professional__user=user, role=Membership.Role.ADMIN
            ),
            cross_level_team__isnull=True,
            level__in=["municipal", "specialist"],
        )
        .select_related("organisation")
        .prefetch_related("organisation__networks")
        .distinct()
        .order_by("name")
    )
    return [(s, list(s.organisation.networks.all())) for s in services]


rules.add_rule("teams.refer", rules.predicate(may_refer))
rules.add_rule("teams.work", rules.predicate(works_in_team))
rules.add_rule("teams.lead", rules.predicate(leads_team))
rules.add_rule("teams.figures", rules.predicate(sees_figures))


# --- Who is told (read by notifications.access for the team's events) ---------------------


def team_staff(team: CrossLevelTeam, *, leaders_only: bool = False) -> list[User]:
    """The team's members today (active accounts): told of a referral waiting. One query."""
    memberships = Membership.objects.active(timezone.localdate()).filter(service_id=team.service_id)
    if leaders_only:
        memberships = memberships.filter(role__in=[Membership.Role.LEADER, Membership.Role.ADMIN])
    return list(
        User.objects.filter(
            pk__in=memberships.values("professional__user_id"),
            kind=User.Kind.PROFESSIONAL,
            is_active=True,
        ).order_by("pk")
    )


def case_staff(case: Case) -> list[User]:
    """The case's current workers who still work in the team today. One query."""
    today = timezone.localdate()
    return [
        w.member.membership.professional.user
        for w in CaseWorker.objects.current()
        .filter(case=case, member__membership__service_id=case.team.service_id)
        .select_related("member__membership__professional__user")
        .order_by("pk")
        if w.member.active_on(today)
    ]
