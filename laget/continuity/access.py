"""Who may change episodes and answer hand-offs. Reading goes through the plan's door
(plans.access); these rules add what only continuity knows.

- Episodes: the coordinator, or a professional on the team for that same service who may
  read the plan.
- A hand-off is asked by the coordinator or by the sending service's professional on the
  team, and answered by staff of the receiving service (who need not be on the team yet).
- The receiving service sees the person and the summary only while a consent in force
  shares the plan with it; before that, only that a request is waiting.
"""

from __future__ import annotations

from laget.core.types import Actor
from laget.directory.models import Membership, Service
from laget.plans.access import PlanAccess
from laget.plans.models import Category, Consent


def may_manage_episodes(access: PlanAccess, service: Service) -> bool:
    if access.is_coordinator:
        return True
    return bool(
        access.is_professional
        and access.member is not None
        and access.member.service_id == service.pk
        and access.may_read(Category.PLAN)
    )


def works_in(user: Actor, service: Service) -> bool:
    if not user.is_authenticated or user.kind != "professional":
        return False
    return Membership.objects.active().filter(professional__user=user, service=service).exists()


def consent_shares_plan_with(consents: list[Consent], service: Service) -> bool:
    return any(
        Category.PLAN in c.categories
        and (c.to_service_id == service.pk or c.to_organisation_id == service.organisation_id)
        for c in consents
    )


def leads_in_network(user: Actor, network) -> bool:
    """Leaders and service administrators of a service in the network see its figures:
    counts only, never who the persons are."""
    if not user.is_authenticated or user.kind != "professional":
        return False
    return (
        Membership.objects.active()
        .filter(
            professional__user=user,
            role__in=[Membership.Role.LEADER, Membership.Role.ADMIN],
            service__organisation__networks=network,
        )
        .exists()
    )
