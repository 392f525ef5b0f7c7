"""A plan's life: opened as a draft with the person's consent to start planning, closed
with a reason (read-only, kept), reopened with a reason.

Opening names a coordinator. The professional who opens the plan holds the role until the
one they name accepts (plans/requests.py); naming themselves needs no answer.
"""

from __future__ import annotations

import datetime as dt

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.http import Http404
from django.utils import timezone
from django.utils.translation import gettext as _

from laget.accounts.models import User
from laget.audit.services import access_log_write, change_record, create_recorded
from laget.core.types import Actor
from laget.directory.models import Service
from laget.notifications.services import notify
from laget.plans.access import plan_access
from laget.plans.lifecycle_access import may_open_plan_for, opens_plans, works_in
from laget.plans.lifecycle_models import PlanRequest
from laget.plans.models import CrisisPlan, Person, Plan, TeamMember


def check_consent(method: str, witness: str) -> None:
    if method not in Plan.ConsentMethod.values:
        raise ValidationError(
            {"consent_method": _("Choose how the person gave their consent to start planning.")}
        )
    if method == Plan.ConsentMethod.VERBAL and not witness.strip():
        raise ValidationError(
            {"consent_witness": _("Consent given verbally needs a witness. Write their name.")}
        )


def open_plan_for(
    *,
    actor: Actor,
    person: Person,
    service: Service,
    consent_method: str,
    consent_witness: str,
    reason: str,
) -> Plan:
    """The plan itself, inside the caller's transaction, with the actor as coordinator
    (also used when the municipality accepts a request for a plan)."""
    if Plan.objects.filter(person=person).exclude(status=Plan.Status.CLOSED).exists():
        raise ValidationError(
            _("This person already has an open plan. Ask its coordinator to join the team."),
            code="open_plan",
        )
    try:
        with transaction.atomic():
            plan = create_recorded(
                actor=actor,
                action="plan_open",
                obj=Plan(
                    person=person,
                    owner=service.organisation,
                    consent_given_at=timezone.now(),
                    consent_method=consent_method,
                    consent_witness=consent_witness.strip(),
                ),
                fields=["person_id", "owner_id", "status", "consent_method"],
            )
    except IntegrityError as exc:  # a plan opened by someone else a moment ago
        raise ValidationError(
            _("This person already has an open plan. Ask its coordinator to join the team."),
            code="open_plan",
        ) from exc
    CrisisPlan.objects.create(plan=plan)
    _place(plan, actor, TeamMember.Role.COORDINATOR, service, reason, actor)
    if person.user is not None:
        _place(plan, person.user, TeamMember.Role.PERSON, None, reason, actor)
    return plan


def _place(
    plan: Plan, user: User, role: str, service: Service | None, reason: str, actor: Actor
) -> TeamMember:
    return create_recorded(
        actor=actor,
        action="team_join",
        obj=TeamMember(
            plan=plan,
            user=user,
            role=role,
            service=service,
            joined_reason=reason,
            added_by=actor,
        ),
        fields=["user_id", "role", "service_id", "joined_reason"],
    )


def coordinator_offer(
    *,
    actor: Actor,
    plan: Plan,
    to_user: User,
    service: Service | None,
    reason: str,
    event: str = "coordinator_offered",
) -> PlanRequest:
    """Offer `to_user` the coordinator role, inside the caller's transaction. They must be
    a professional working in `service` now. A specialist service's professional on a
    municipality's plan is offered the specialist coordinator's role (one at each level).
    A new offer for the same role replaces a pending one. The one offered is told (`event`:
    offered when the plan opens, requested when someone asks them to take over)."""
    if service is None or to_user.kind != User.Kind.PROFESSIONAL or not works_in(to_user, service):
        raise ValidationError(
            {
                "coordinator": _(
                    "The coordinator must be a professional who works in the service you "
                    "choose. Choose someone from the list."
                )
            },
            code="coordinator",
        )
    specialist = service.level == Service.Level.SPECIALIST and plan.owner_id != (
        service.organisation_id
    )
    kind = PlanRequest.Kind.SPECIALIST_COORDINATOR if specialist else PlanRequest.Kind.COORDINATOR
    role = TeamMember.Role.SPECIALIST_COORDINATOR if specialist else TeamMember.Role.COORDINATOR
    if TeamMember.objects.active().filter(plan=plan, user=to_user, role=role).exists():
        raise ValidationError(
            {"coordinator": _("%(name)s already has this role.") % {"name": to_user}}
        )
    replaced = PlanRequest.objects.select_for_update().filter(
        plan=plan, kind=kind, status=PlanRequest.Status.PENDING
    )
    replaced.update(status=PlanRequest.Status.WITHDRAWN, answered_at=timezone.now())
    offer = create_recorded(
        actor=actor,
        action="coordinator_offer",
        obj=PlanRequest(
            kind=kind,
            person_id=plan.person_id,
            plan=plan,
            from_user=actor,
            from_service=_acting_service(actor, plan),
            to_user=to_user,
            to_service=service,
            reason=reason,
        ),
        fields=["kind", "plan_id", "to_user_id", "to_service_id", "reason"],
    )
    notify(event=event, plan=plan, actor=actor, target=offer)
    return offer


def _acting_service(actor: Actor, plan: Plan) -> Service | None:
    """The service the actor takes part for on this plan (none for the person)."""
    place = (
        TeamMember.objects.active()
        .filter(plan=plan, user=actor, service__isnull=False)
        .select_related("service")
        .first()
    )
    return place.service if place is not None else None


def plan_open(
    *,
    actor: Actor,
    person: Person,
    service: Service,
    consent_method: str,
    consent_witness: str = "",
    coordinator: User | None = None,
    coordinator_service: Service | None = None,
) -> tuple[Plan, PlanRequest | None]:
    """Open a draft plan for a registered person, recording their consent to start
    planning. Returns the plan and, when someone else is named coordinator, the offer
    that waits for their answer."""
    if not (works_in(actor, service) and may_open_plan_for(actor, person)):
        raise PermissionDenied
    if not opens_plans(service):
        raise ValidationError(
            _(
                "When both levels take part, the municipality owns the plan. Send the "
                "municipality a request for an individual plan instead."
            ),
            code="level",
        )
    check_consent(consent_method, consent_witness)
    with transaction.atomic():
        Person.objects.select_for_update().get(pk=person.pk)
        plan = open_plan_for(
            actor=actor,
            person=person,
            service=service,
            consent_method=consent_method,
            consent_witness=consent_witness,
            reason=_("Opened the plan"),
        )
        offer = None
        if coordinator is not None and coordinator.pk != actor.pk:
            offer = coordinator_offer(
                actor=actor,
                plan=plan,
                to_user=coordinator,
                service=coordinator_service,
                reason=_("Named coordinator when the plan was opened"),
            )
    return plan, offer


def _coordinator_access(actor: Actor, plan: Plan):
    access = plan_access(actor, plan)
    if access is None or not access.is_coordinator:
        raise PermissionDenied
    return access


def plan_close(*, actor: Actor, plan: Plan, reason: str) -> Plan:
    """The coordinator closes the plan with a reason. Refused while a hand-off waits for
    an answer: the person must not fall between two services on the way out."""
    _coordinator_access(actor, plan)
    if len(reason.strip()) < 5:
        raise ValidationError({"reason": _("Write why the plan is closed. The person sees it.")})
    with transaction.atomic():
        locked = Plan.objects.select_for_update().get(pk=plan.pk)
        if locked.status == Plan.Status.CLOSED:
            raise ValidationError(_("The plan is already closed."), code="closed")
        # Hand-offs live in the continuity app, which builds on plans: asked through the
        # reverse relation, so plans does not import it.
        waiting = locked.handoffs.filter(status="requested").count()
        if waiting:
            raise ValidationError(
                _(
                    "The plan cannot be closed while %(count)s hand-off(s) wait for an "
                    "answer. Get them answered or withdraw them first (under 'Hand-offs')."
                )
                % {"count": waiting},
                code="open_handoffs",
            )
        before = {"status": locked.status}
        locked.status = Plan.Status.CLOSED
        locked.closed_at = timezone.now()
        locked.closed_reason = reason.strip()
        locked.version += 1
        locked.save()
        PlanRequest.objects.filter(plan=locked, status=PlanRequest.Status.PENDING).update(
            status=PlanRequest.Status.WITHDRAWN, answered_at=timezone.now()
        )
        change_record(
            actor=actor,
            action="plan_close",
            obj=locked,
            before=before,
            after={"status": "closed", "reason": locked.closed_reason},
        )
        notify(
            event="plan_closed", plan=locked, actor=actor, target=locked, key=f"v{locked.version}"
        )
    return locked


def plan_reopen(*, actor: Actor, plan: Plan, reason: str) -> Plan:
    """The coordinator reopens a closed plan with a reason: back to active when the
    person's consent to the plan is on record, else to draft."""
    _coordinator_access(actor, plan)
    if len(reason.strip()) < 5:
        raise ValidationError({"reason": _("Write why the plan is reopened.")})
    with transaction.atomic():
        locked = Plan.objects.select_for_update().get(pk=plan.pk)
        if locked.status != Plan.Status.CLOSED:
            raise ValidationError(_("The plan is not closed."), code="open")
        if (
            Plan.objects.filter(person_id=locked.person_id)
            .exclude(status=Plan.Status.CLOSED)
            .exists()
        ):
            raise ValidationError(
                _("The person has another open plan. Work in that one instead."), code="other"
            )
        locked.status = Plan.Status.ACTIVE if locked.consent_given_at else Plan.Status.DRAFT
        before = {"status": "closed", "reason": locked.closed_reason}
        locked.closed_at = None
        locked.closed_reason = ""
        locked.version += 1
        locked.save()
        change_record(
            actor=actor,
            action="plan_reopen",
            obj=locked,
            before=before,
            after={"status": locked.status, "reason": reason.strip()},
        )
        notify(
            event="plan_reopened", plan=locked, actor=actor, target=locked, key=f"v{locked.version}"
        )
    return locked


def person_for_opening(*, actor: Actor, person_id: int, request_id: str = "") -> Person:
    """The person a professional registered, before a plan exists: only they read it (404
    for anyone else), and the read is logged."""
    person = Person.objects.filter(pk=person_id).first()
    if person is None or not may_open_plan_for(actor, person):
        raise Http404
    with transaction.atomic():
        access_log_write(
            actor=actor,
            actor_name=actor.get_full_name() or actor.email,
            actor_role=_("registered the person"),
            actor_service=person.registered_for.name if person.registered_for else "",
            person_id=person.pk,
            category="person",
            purpose="care",
            obj=person,
            request_id=request_id,
        )
    return person


def open_plan_of(person: Person) -> Plan | None:
    return Plan.objects.filter(person=person).exclude(status=Plan.Status.CLOSED).first()


def plans_past_retention(*, now: dt.datetime | None = None) -> list[Plan]:
    """Closed plans kept longer than LAGET_CLOSED_PLAN_RETENTION_YEARS since they closed,
    oldest first: for the municipality's archive to decide on (hand over to the archive
    or delete by its archive plan). Nothing here deletes; ids and owners only, no names."""
    now = now or timezone.now()
    years = settings.LAGET_CLOSED_PLAN_RETENTION_YEARS
    limit = (
        now.replace(year=now.year - years)
        if not (now.month == 2 and now.day == 29)
        else (now.replace(year=now.year - years, day=28))
    )
    return list(
        Plan.objects.filter(status=Plan.Status.CLOSED, closed_at__lt=limit)
        .select_related("owner")
        .order_by("closed_at", "pk")
        .only("pk", "closed_at", "owner__name")[:10000]
    )
