"""Requests between professionals and services, and the queue where they are answered.

- A coordinator change is a request the new coordinator accepts; the old one keeps the
  role until then, and the change goes into the plan's change log.
- A join request (from a registration of a person already known) is answered by the
  coordinator of the person's open plan.
- A specialist service (DPS) sends the municipality a request for an individual plan
  (seed 004 § 6.2.3); the municipality's service accepts (a plan is opened, with the
  accepting professional as coordinator and the DPS on the team) or declines with a
  reason the sender sees.

The queue names persons, so reading it writes one access-log row per person shown.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.http import Http404
from django.utils import timezone
from django.utils.translation import gettext as _

from laget.accounts.models import User
from laget.audit.services import access_log_write_many, change_record, create_recorded
from laget.core.types import Actor
from laget.directory.models import Service
from laget.notifications.services import notify
from laget.plans.access import plan_access
from laget.plans.lifecycle import check_consent, coordinator_offer, open_plan_for
from laget.plans.lifecycle_access import (
    coordinated_person_ids,
    may_answer,
    may_open_plan_for,
    may_see,
    opens_plans,
    requests_visible_q,
    services_of,
    works_in,
)
from laget.plans.lifecycle_models import Invitation, PlanRequest
from laget.plans.models import Person, Plan, TeamMember
from laget.plans.services import refuse_if_closed

QUEUE_LIMIT = 100


def coordinator_request(
    *, actor: Actor, plan: Plan, to_user: User, service: Service | None, reason: str
) -> PlanRequest:
    """The coordinator (or the person) asks someone to take over as coordinator, or to be
    the specialist service's coordinator. Nothing changes until they accept."""
    access = plan_access(actor, plan)
    if access is None or not access.may_manage_team:
        raise PermissionDenied
    refuse_if_closed(plan)
    if len(reason.strip()) < 5:
        raise ValidationError({"reason": _("Write why, so the one you ask understands it.")})
    with transaction.atomic():
        Plan.objects.select_for_update().get(pk=plan.pk)
        return coordinator_offer(
            actor=actor,
            plan=plan,
            to_user=to_user,
            service=service,
            reason=reason.strip(),
            event="coordinator_requested",
        )


def plan_request_create(
    *,
    actor: Actor,
    service: Service,
    person: Person,
    to_service: Service,
    reason: str,
    consent_method: str,
    consent_witness: str = "",
) -> PlanRequest:
    """A specialist service asks the municipality's service to open an individual plan."""
    if not (works_in(actor, service) and may_open_plan_for(actor, person)):
        raise PermissionDenied
    if not opens_plans(to_service):
        raise ValidationError(
            {"to_service": _("Send the request to a service in the municipality.")}
        )
    check_consent(consent_method, consent_witness)
    if len(reason.strip()) < 10:
        raise ValidationError(
            {"reason": _("Write in a few sentences why the person needs an individual plan.")}
        )
    with transaction.atomic():
        Person.objects.select_for_update().get(pk=person.pk)
        if Plan.objects.filter(person=person).exclude(status=Plan.Status.CLOSED).exists():
            raise ValidationError(
                _("This person already has an open plan. Ask its coordinator to join the team.")
            )
        if PlanRequest.objects.filter(
            person=person, kind=PlanRequest.Kind.INDIVIDUAL_PLAN, status="pending"
        ).exists():
            raise ValidationError(_("A request for a plan for this person is already waiting."))
        request = create_recorded(
            actor=actor,
            action="plan_request",
            obj=PlanRequest(
                kind=PlanRequest.Kind.INDIVIDUAL_PLAN,
                person=person,
                from_user=actor,
                from_service=service,
                to_service=to_service,
                reason=reason.strip(),
                consent_method=consent_method,
                consent_witness=consent_witness.strip(),
            ),
            fields=["kind", "person_id", "from_service_id", "to_service_id", "consent_method"],
        )
        # The receiving service's staff, without the person (there is no plan yet).
        notify(event="plan_requested", actor=actor, target=request)
        return request


def _locked_request(actor: Actor, request_id: int) -> PlanRequest:
    request = PlanRequest.objects.select_for_update().filter(pk=request_id).first()
    if request is None:
        raise Http404
    person_ids = coordinated_person_ids(actor)
    service_ids = [s.pk for s in services_of(actor)]
    if not may_see(actor, request, person_ids=person_ids, service_ids=service_ids):
        raise Http404
    if request.status != PlanRequest.Status.PENDING:
        raise ValidationError(
            _("This request has already been answered or withdrawn."), code="answered"
        )
    if not may_answer(actor, request, person_ids=person_ids, service_ids=service_ids):
        raise PermissionDenied
    return request


def _answered(request: PlanRequest, actor: Actor, status: str, answer: str = "") -> None:
    request.status = status
    request.answer = answer
    request.answered_by = actor
    request.answered_at = timezone.now()
    request.save()
    change_record(
        actor=actor,
        action=f"request_{status}",
        obj=request,
        before={"status": "pending"},
        after={"status": status, "answer": answer},
    )


def request_accept(*, actor: Actor, request_id: int) -> PlanRequest:
    """Accept: the coordinator role changes hands, the requester joins the team, or the
    plan is opened. All or nothing."""
    with transaction.atomic():
        request = _locked_request(actor, request_id)
        if request.kind == PlanRequest.Kind.INDIVIDUAL_PLAN:
            to_service = request.to_service
            if to_service is None:  # the model is filled in so for every request for a plan
                raise ValidationError(_("The request names no service."))
            plan = open_plan_for(
                actor=actor,
                person=request.person,
                service=to_service,
                consent_method=request.consent_method,
                consent_witness=request.consent_witness,
                reason=_("Accepted the request for an individual plan"),
            )
            _join_for(plan, request.from_user, request.from_service, actor, request.reason)
            request.plan = plan
        elif request.kind == PlanRequest.Kind.JOIN:
            open_plan = (
                Plan.objects.select_for_update()
                .filter(person_id=request.person_id)
                .exclude(status=Plan.Status.CLOSED)
                .first()
            )
            if open_plan is None:
                raise ValidationError(_("The person has no open plan to join."))
            _join_for(open_plan, request.from_user, request.from_service, actor, request.reason)
            request.plan = open_plan
        else:
            # A coordinator offer always names its plan and the professional.
            plan = Plan.objects.select_for_update().get(pk=request.plan_id or 0)
            refuse_if_closed(plan)
            new_coordinator = User.objects.get(pk=request.to_user_id or 0)
            _take_role(plan, new_coordinator, request.to_service, request.role_offered, actor)
        _answered(request, actor, PlanRequest.Status.ACCEPTED)
        notify(event="plan_request_answered", actor=actor, target=request, key="accepted")
    return request


def _join_for(
    plan: Plan, user: User, service: Service | None, actor: Actor, reason: str
) -> TeamMember:
    if TeamMember.objects.active().filter(plan=plan, user=user).exists():
        raise ValidationError(_("%(name)s is already on the team.") % {"name": user})
    return create_recorded(
        actor=actor,
        action="team_join",
        obj=TeamMember(
            plan=plan,
            user=user,
            role=TeamMember.Role.RESPONSIBILITY_GROUP,
            service=service,
            joined_reason=reason[:300],
            added_by=actor,
        ),
        fields=["user_id", "role", "service_id", "joined_reason"],
    )


def _take_role(
    plan: Plan, user: User, service: Service | None, role: str, actor: Actor
) -> TeamMember:
    """The new coordinator takes the role; the old one stays on the team as a member of
    the responsibility group (and may leave with a reason)."""
    if service is None or not works_in(user, service):
        raise ValidationError(
            _("You no longer work in the service named in the request. Ask for a new one.")
        )
    team = TeamMember.objects.active().select_for_update().filter(plan=plan)
    old = next((m for m in team if m.role == role), None)
    mine = next((m for m in team if m.user_id == user.pk), None)
    if old is not None:
        old.role = TeamMember.Role.RESPONSIBILITY_GROUP
        old.save(update_fields=["role"])
    if mine is not None:
        mine.role, mine.service = role, service
        mine.save(update_fields=["role", "service"])
        place = mine
    else:
        place = TeamMember.objects.create(
            plan=plan,
            user=user,
            role=role,
            service=service,
            joined_reason=_("Took over as coordinator"),
            added_by=actor,
        )
    change_record(
        actor=actor,
        action="coordinator_change",
        obj=plan,
        before={"role": role, "user_id": old.user_id if old else None},
        after={"role": role, "user_id": user.pk, "service_id": service.pk},
    )
    return place


def request_decline(*, actor: Actor, request_id: int, reason: str) -> PlanRequest:
    """Decline with a reason the one who asked sees."""
    with transaction.atomic():
        request = _locked_request(actor, request_id)  # access first: a 404 says nothing
        if len(reason.strip()) < 5:
            raise ValidationError(
                {"answer": _("Write why you decline. The one who asked sees your answer.")}
            )
        _answered(request, actor, PlanRequest.Status.DECLINED, reason.strip())
        notify(event="plan_request_answered", actor=actor, target=request, key="declined")
    return request


# --- The queue ---------------------------------------------------------------------


@dataclass
class Queue:
    to_answer: list[PlanRequest] = field(default_factory=list)
    sent: list[PlanRequest] = field(default_factory=list)
    answered: list[PlanRequest] = field(default_factory=list)
    renewals: list[Invitation] = field(default_factory=list)

    @property
    def waiting(self) -> int:
        return len(self.to_answer) + len(self.renewals)


def request_queue(*, actor: Actor, request_id: str = "") -> Queue:
    """What waits for the actor's answer (offers to them, joins to plans they coordinate,
    requests for a plan to their services, invitations someone asked to renew), what they
    sent, and what they answered lately. A fixed number of queries however long."""
    if not (actor.is_authenticated and actor.kind == User.Kind.PROFESSIONAL):
        return Queue()
    person_ids = coordinated_person_ids(actor)  # 1
    service_ids = [s.pk for s in services_of(actor)]  # 2
    rows = list(  # 3
        PlanRequest.objects.filter(requests_visible_q(actor, person_ids, service_ids))
        .select_related("person", "from_user", "from_service", "to_user", "to_service")
        .order_by("-created_at", "-pk")[:QUEUE_LIMIT]
    )
    renewals = list(  # 4
        Invitation.objects.filter(
            plan__person_id__in=person_ids,
            renewal_requested_at__isnull=False,
            used_at__isnull=True,
            replaced_at__isnull=True,
        ).select_related("plan__person")
    )
    queue = Queue(renewals=renewals)
    for row in rows:
        if may_answer(actor, row, person_ids=person_ids, service_ids=service_ids):
            queue.to_answer.append(row)
        elif row.from_user_id == actor.pk:
            queue.sent.append(row)
        else:
            queue.answered.append(row)
    shown = {r.person_id for r in rows} | {i.plan.person_id for i in renewals}
    name = actor.get_full_name() or actor.email
    if shown:  # 5-7: one access-log row per person named, in one go
        access_log_write_many(
            [
                {
                    "actor": actor,
                    "actor_name": name,
                    "actor_role": _("professional"),
                    "actor_service": "",
                    "person_id": person_id,
                    "category": "requests",
                    "purpose": "coordination",
                    "request_id": request_id,
                }
                for person_id in sorted(shown)
            ]
        )
    return queue


def waiting_count(*, actor: Actor) -> int:
    """How many requests wait for the actor's answer, for the front page (no names, so
    nothing to log)."""
    if not (actor.is_authenticated and actor.kind == User.Kind.PROFESSIONAL):
        return 0
    person_ids = coordinated_person_ids(actor)
    service_ids = [s.pk for s in services_of(actor)]
    pending = PlanRequest.objects.filter(status=PlanRequest.Status.PENDING)
    requests = pending.filter(requests_visible_q(actor, person_ids, service_ids)).exclude(
        from_user=actor
    )
    renewals = Invitation.objects.filter(
        plan__person_id__in=person_ids,
        renewal_requested_at__isnull=False,
        used_at__isnull=True,
        replaced_at__isnull=True,
    )
    return requests.count() + renewals.count()
