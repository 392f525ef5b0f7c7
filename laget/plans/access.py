"""Who may read and change what in a person's plan. The only place these decisions live.

- The person reads everything in their own plan, and manages their team and consents.
- The coordinator reads everything the plan holds and manages the team; so does the
  stand-in the coordinator names, until the date given.
- A professional on the team reads the categories a consent in force gives their service
  or their organisation: nothing else. Child welfare, NAV and school are no exception and
  get no default; nor does anyone for health details.
- A relative on the team reads what a consent in force gives them by name; a parent of a
  child under 16, or a guardian for personal matters, holds the person's own controls.
- When both levels take part, the specialist service's coordinator reads like the
  municipality's coordinator; only the municipality's manages the team.
- A health professional outside the team may open emergency access: a stated reason,
  24 hours, everything, logged as such and flagged to the coordinator.
- The person may block single goals and measures from a service or from every
  professional; the coordinator still sees them.
- Nobody else reads anything: not a colleague in the same service, not an operator.
- Each role has its own controls: the person and relatives propose and comment; only
  the responsible service sets a measure's status; only the assignee or the coordinator
  closes a task.
"""

from __future__ import annotations

from dataclasses import dataclass

import rules
from django.utils import timezone
from django.utils.translation import gettext

from laget.core.prepared import prepared
from laget.core.types import Actor
from laget.plans.models import (
    Category,
    Consent,
    EmergencyAccess,
    ItemBlock,
    Measure,
    Plan,
    Task,
    TeamMember,
)

ALL_CATEGORIES = frozenset(Category.values)
# The municipality's coordinator, and the specialist service's when both levels take part:
# both read the whole plan the person consented to.
COORDINATOR_ROLES = (TeamMember.Role.COORDINATOR, TeamMember.Role.SPECIALIST_COORDINATOR)


@dataclass(frozen=True)
class PlanAccess:
    """What one actor may do with one plan, decided once per request."""

    user: Actor
    plan: Plan
    member: TeamMember | None
    categories: frozenset[str]
    purpose: str  # for the access log: self, coordination, care, relative
    actor_name: str
    actor_role: str
    actor_service: str

    def may_read(self, category: str) -> bool:
        return category in self.categories

    @property
    def is_person(self) -> bool:
        """The person, or who takes part on their behalf (a parent while the child is under
        16, a guardian for personal matters): they hold the person's controls."""
        return self.purpose == "self" or self.acts_for_person

    @property
    def acts_for_person(self) -> bool:
        return self.member is not None and self.member.acts_for_person(self.plan.person)

    @property
    def is_coordinator(self) -> bool:
        """The coordinator, or the stand-in while they cover."""
        if self.member is None:
            return False
        return self.member.role == TeamMember.Role.COORDINATOR or self.plan.stand_in_covers(
            self.member.user_id
        )

    @property
    def is_professional(self) -> bool:
        return self.member is not None and self.member.is_professional

    @property
    def may_manage_team(self) -> bool:
        return self.is_person or self.is_coordinator

    @property
    def may_edit_plan(self) -> bool:
        """Goals, measures and plan texts: the person, the coordinator, and professionals
        who can see the plan; relatives take part through messages."""
        return self.is_person or (self.is_professional and self.may_read(Category.PLAN))

    @property
    def may_write_messages(self) -> bool:
        return self.may_read(Category.MESSAGES)

    @property
    def sees_blocked_items(self) -> bool:
        """The person's blocks hide items from professionals and relatives; the person and
        the coordinator (who keeps the plan together) still see them."""
        return self.is_person or self.is_coordinator

    # --- Each role its own controls (the person proposes and comments; the service that
    # is responsible decides; the assignee or the coordinator closes a task) ---

    @property
    def service_id(self) -> int | None:
        """The service a professional takes part for; None for the person and relatives."""
        return self.member.service_id if self.is_professional and self.member else None

    def may_change_measure(self, measure: Measure) -> bool:
        """Change a measure's texts, dates or responsible service: the coordinator (who
        re-assigns), the responsible service, or, while nobody owns it yet, whoever may
        edit the plan (a proposal the person made can still be worked on)."""
        if not self.may_edit_plan:
            return False
        if self.is_coordinator or measure.responsible_service_id is None:
            return True
        return self.service_id is not None and self.service_id == measure.responsible_service_id

    def may_set_measure_status(self, measure: Measure) -> bool:
        """Only the responsible service says whether its help is planned, ongoing, done or
        stopped; the coordinator does while no service owns the measure."""
        if not self.may_edit_plan:
            return False
        if measure.responsible_service_id is None:
            return self.is_coordinator
        return self.service_id is not None and self.service_id == measure.responsible_service_id

    def may_close_task(self, task: Task) -> bool:
        """Only the one the task is given to (a person, or someone taking part for the
        service it is given to) or the coordinator ticks it done."""
        if not self.may_read(Category.TASKS):
            return False
        if self.is_coordinator or task.assignee_user_id == self.user.pk:
            return True
        return self.service_id is not None and task.assignee_service_id == self.service_id

    def visible(self, items: list, kind: str, blocks: list[ItemBlock]) -> list:
        """`items` of `kind` without those the person has blocked from this actor."""
        if self.sees_blocked_items:
            return items
        service_id = self.member.service_id if self.member else None
        hidden = {b.object_id for b in blocks if b.kind == kind and b.hides_from(service_id)}
        return [item for item in items if item.pk not in hidden]


def plan_access(
    user: Actor, plan: Plan, *, team: list[TeamMember] | None = None
) -> PlanAccess | None:
    """Decide what `user` may do with `plan` now; None when nothing.

    Two queries at most: the user's active place on the team, and the consents in force
    for the person. `plan` must come with its person loaded. A caller that has the plan's
    active team in hand anyway (with services and organisations) passes it as `team`, and
    the user's place is found there instead of asked for.
    """
    if not user.is_authenticated or not user.is_active:
        return None
    if plan.person.user_id == user.pk:
        return access_from(user, plan, None, [])
    if team is not None:
        member = next((m for m in team if m.user_id == user.pk), None)
    else:
        member = next(
            iter(
                prepared(
                    "plans.access.member",
                    lambda plan_id, user_id: (
                        TeamMember.objects.active()
                        .filter(plan_id=plan_id, user_id=user_id)
                        .select_related("service__organisation")
                        .order_by("pk")[:1]
                    ),
                    plan_id=plan.pk,
                    user_id=user.pk,
                )
            ),
            None,
        )
    if member is None:
        return _emergency_access(user, plan, _name(user))
    consents = []
    if member.role not in COORDINATOR_ROLES and not plan.stand_in_covers(user.pk):
        consents = list(Consent.objects.in_force().filter(person_id=plan.person_id))
    return access_from(user, plan, member, consents)


def access_from(
    user: Actor, plan: Plan, member: TeamMember | None, consents: list[Consent]
) -> PlanAccess | None:
    """The decision itself, without queries: `member` is the user's active place on the
    plan's team (None for the person), `consents` those in force for the person."""
    name = _name(user)
    if plan.person.user_id == user.pk:
        return PlanAccess(user, plan, None, ALL_CATEGORIES, "self", name, gettext("the person"), "")
    if member is None or member.role == TeamMember.Role.PERSON:
        return None  # a person's place on someone else's plan gives nothing
    service_name = member.service.name if member.service else ""
    role = member.get_role_display()
    if member.role in COORDINATOR_ROLES or (
        member.is_professional and plan.stand_in_covers(user.pk)
    ):
        return PlanAccess(
            user, plan, member, ALL_CATEGORIES, "coordination", name, role, service_name
        )
    if member.acts_for_person(plan.person):
        return PlanAccess(user, plan, member, ALL_CATEGORIES, "relative", name, role, "")
    if member.role == TeamMember.Role.RELATIVE:
        reaching = [c for c in consents if c.to_relative_id == user.pk]
        purpose = "relative"
    elif member.service is None:  # a database constraint rules this out for professionals
        return None
    else:
        service = member.service
        reaching = [
            c
            for c in consents
            if c.to_service_id == service.pk or c.to_organisation_id == service.organisation_id
        ]
        purpose = "care"
    categories = frozenset(c for consent in reaching for c in consent.categories)
    return PlanAccess(
        user, plan, member, categories & ALL_CATEGORIES, purpose, name, role, service_name
    )


def team_accesses(user: Actor) -> list[PlanAccess]:
    """What the user may do on each open plan they have a place on: two queries in all,
    for lists across plans ("my tasks")."""
    return [a for _place, a in team_places(user) if a is not None]


def team_places(user: Actor) -> list[tuple[TeamMember, PlanAccess | None]]:
    """The user's places on open plans' teams, each with what it lets them do now (None:
    nothing), in two queries. A place whose consent is withdrawn or not yet given gives
    an access without categories: lists show such a plan only as "awaiting consent"."""
    if not user.is_authenticated or not user.is_active:
        return []
    places = list(
        TeamMember.objects.active()
        .filter(user=user)
        .exclude(plan__status=Plan.Status.CLOSED)
        .select_related("plan__person", "service__organisation")
    )
    person_ids = {p.plan.person_id for p in places}
    consents: dict[int, list[Consent]] = {}
    for consent in Consent.objects.in_force().filter(person_id__in=person_ids):
        consents.setdefault(consent.person_id, []).append(consent)
    return [(p, access_from(user, p.plan, p, consents.get(p.plan.person_id, []))) for p in places]


def _name(user: Actor) -> str:
    return user.get_full_name() or user.email


def _emergency_access(user: Actor, plan: Plan, name: str) -> PlanAccess | None:
    """Everything, for the 24 hours of an emergency access this user opened (logged with
    purpose 'emergency', flagged to the coordinator)."""
    now = timezone.now()
    emergency = (
        EmergencyAccess.objects.filter(plan=plan, user=user, starts_at__lte=now, ends_at__gt=now)
        .select_related("service")
        .first()
    )
    if emergency is None:
        return None
    role = gettext("emergency access")
    return PlanAccess(
        user, plan, None, ALL_CATEGORIES, "emergency", name, role, emergency.service.name
    )


def may_open_emergency_access(user: Actor) -> bool:
    """Authorised health personnel only: child welfare, NAV and school never get it."""
    professional = getattr(user, "professional", None) if user.is_authenticated else None
    return bool(professional and professional.profession.is_health_personnel)


@rules.predicate
def may_read_plan(user: Actor, plan: Plan) -> bool:
    access = plan_access(user, plan)
    return access is not None and access.may_read(Category.PLAN)


rules.add_rule("plans.read_plan", may_read_plan)
