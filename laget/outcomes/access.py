"""Who may see and give ratings. The rules themselves are the plan's (plans.access): this
file only says which of its answers count here.

- Reading ratings: whoever may read the plan's "outcome ratings" category: the person
  (all their own), the coordinator, and a team service only under a consent in force.
- Giving a rating: the person, or a professional who may read the ratings (the tablet in
  session), on a plan that is not closed. A personal link stands for the person. A
  relative the person has given the ratings rates as someone close (collateral).
- The service report: the service's leaders and administrators (figures, never names).
"""

from __future__ import annotations

import hashlib

import rules
from django.utils import timezone

from laget.core.types import Actor
from laget.directory.models import Membership, Service
from laget.outcomes.models import RatingLink
from laget.plans.access import PlanAccess
from laget.plans.models import Category, Plan


def may_read_ratings(access: PlanAccess | None) -> bool:
    return access is not None and access.may_read(Category.OUTCOMES)


def may_rate(access: PlanAccess | None) -> bool:
    if not may_read_ratings(access) or access is None:
        return False
    return access.is_person or access.is_professional or is_collateral(access)


def is_collateral(access: PlanAccess | None) -> bool:
    """A relative the person has given "outcome ratings" rates as someone close
    (collateral): their own series, beside the person's, never in it."""
    return may_read_ratings(access) and access is not None and access.purpose == "relative"


def may_send_link(access: PlanAccess | None) -> bool:
    return may_read_ratings(access) and access is not None and access.is_professional


def plan_open(plan: Plan) -> bool:
    return plan.status != Plan.Status.CLOSED


def token_hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


class LinkProblem(Exception):
    """The link cannot be used; the message says why in Norwegian."""


def link_for(token: str) -> RatingLink:
    """The personal link behind a token; LinkProblem when unknown, used or expired."""
    link = (
        RatingLink.objects.filter(token_hash=token_hash(token))
        .select_related("plan__person", "service")
        .first()
    )
    if link is None:
        raise LinkProblem("Vi finner ikke denne lenken. Be hjelperen din om en ny.")
    if link.used_at is not None:
        raise LinkProblem(
            "Denne lenken er allerede brukt, og svaret ditt er lagret. "
            "Be hjelperen din om en ny lenke til neste gang."
        )
    if link.expires_at <= timezone.now():
        raise LinkProblem("Lenken er gått ut på dato. Be hjelperen din om en ny.")
    return link


@rules.predicate
def leads_service(user: Actor, service: Service) -> bool:
    if not user.is_authenticated or not hasattr(user, "professional"):
        return False
    return (
        Membership.objects.active()
        .filter(
            professional__user=user,
            service=service,
            role__in=[Membership.Role.LEADER, Membership.Role.ADMIN],
        )
        .exists()
    )


rules.add_rule("outcomes.see_service_report", leads_service)
