"""Who may do what in a plan's life cycle, beside plans/access.py (which decides what one
actor may read in one plan):

- A professional registers a person for a service they work in now, and only the one who
  registered a person opens a plan for them or asks the municipality for one, until a
  plan is open (after that the plan's team decides).
- Only the municipality's services open a plan themselves: when both levels take part the
  municipality owns it, so a specialist service sends a request for one.
- A coordinator offer is answered by the professional it names; a join request by the
  coordinator of the person's open plan (or their stand-in); a request for a plan by the
  staff of the municipal service it was sent to (its coordinating unit).
- The sender of a request sees it and the answer.
"""

from __future__ import annotations

from typing import Any

from django.db.models import Q
from django.utils import timezone

from laget.accounts.models import User
from laget.core.types import Actor
from laget.directory.models import Membership, Service
from laget.plans.lifecycle_models import PlanRequest
from laget.plans.models import Person, Plan, TeamMember


def is_professional(user: Actor) -> bool:
    return bool(user.is_authenticated and user.is_active and user.kind == User.Kind.PROFESSIONAL)


def works_in(user: Actor, service: Service) -> bool:
    """An active membership in the service today (one query)."""
    if not is_professional(user):
        return False
    return (
        Membership.objects.active()
        .filter(professional__user=user, service=service, service__is_active=True)
        .exists()
    )


def services_of(user: Actor) -> list[Service]:
    """The services the user works in today, for the choice 'on behalf of which service'."""
    if not is_professional(user):
        return []
    return list(
        Service.objects.filter(
            pk__in=Membership.objects.active().filter(professional__user=user).values("service_id"),
            is_active=True,
        ).select_related("organisation")
    )


def may_open_plan_for(user: Actor, person: Person) -> bool:
    return is_professional(user) and person.registered_by_id == user.pk


def opens_plans(service: Service) -> bool:
    """The municipality owns the plan when both levels take part: its services open plans."""
    return service.level == Service.Level.MUNICIPAL


def coordinated_person_ids(user: Actor) -> list[int]:
    """Persons whose open plan the user coordinates (or covers as stand-in): whose join
    requests they answer."""
    if not is_professional(user):
        return []
    today = timezone.localdate()
    return list(
        TeamMember.objects.active()
        .filter(user=user, plan__status__in=[Plan.Status.DRAFT, Plan.Status.ACTIVE])
        .filter(
            Q(role=TeamMember.Role.COORDINATOR)
            | Q(plan__stand_in=user, plan__stand_in_until__gte=today)
        )
        .values_list("plan__person_id", flat=True)
    )


def requests_visible_q(user: Actor, person_ids: list[int], service_ids: list[int]) -> Q:
    """The requests the user answers or sent, as one filter."""
    return (
        Q(from_user=user)
        | Q(to_user=user)
        | Q(kind=PlanRequest.Kind.JOIN, person_id__in=person_ids)
        | Q(kind=PlanRequest.Kind.INDIVIDUAL_PLAN, to_service_id__in=service_ids)
    )


def may_see(user: Actor, request: PlanRequest, *, person_ids: list[int], service_ids: list[int]):
    """The same rule as requests_visible_q, for one request in hand."""
    return (
        request.from_user_id == user.pk
        or request.to_user_id == user.pk
        or (request.kind == PlanRequest.Kind.JOIN and request.person_id in person_ids)
        or (
            request.kind == PlanRequest.Kind.INDIVIDUAL_PLAN
            and request.to_service_id in service_ids
        )
    )


def may_answer(
    user: Actor, request: PlanRequest, *, person_ids: list[int], service_ids: list[int]
) -> bool:
    if request.status != PlanRequest.Status.PENDING or not is_professional(user):
        return False
    if request.kind in (PlanRequest.Kind.COORDINATOR, PlanRequest.Kind.SPECIALIST_COORDINATOR):
        return request.to_user_id == user.pk
    if request.kind == PlanRequest.Kind.JOIN:
        return request.person_id in person_ids
    return request.to_service_id in service_ids


def network_services(user: Actor) -> Any:
    """Active services in the networks the user's services belong to (and in the user's
    own organisations): whom they can name as coordinator or send a request to."""
    from laget.directory.models import Network

    mine = services_of(user)
    networks = Network.objects.filter(organisations__services__in=mine)
    return (
        Service.objects.filter(is_active=True)
        .filter(
            Q(organisation__networks__in=networks)
            | Q(organisation__in=[s.organisation_id for s in mine])
        )
        .distinct()
        .select_related("organisation")
    )
