"""Registering a person, and asking to join the team of a person who is already known.

The national id is stored once and shown masked. A second registration of the same id
creates nothing and shows nothing about the person: it says the person is known and offers
a join request to the coordinator of their plan. Every attempt is in the change log (who
registered whom; a repeated number as a keyed digest, so probing shows).
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from laget.audit.services import change_record, create_recorded, snapshot
from laget.core.identifiers import validate_national_id
from laget.core.types import Actor
from laget.directory.models import District, Service
from laget.notifications.services import notify
from laget.plans.access import plan_access
from laget.plans.lifecycle_access import works_in
from laget.plans.lifecycle_models import PlanRequest
from laget.plans.models import Person, Plan, TeamMember
from laget.plans.services import number_digest


def districts_for(service_or_services: Service | list[Service]) -> Any:
    """The municipality districts of the networks the service(s) are in."""
    services = (
        service_or_services if isinstance(service_or_services, list) else [service_or_services]
    )
    return (
        District.objects.filter(network__organisations__services__in=services)
        .select_related("network")
        .order_by("network__name", "name")
        .distinct()
    )


class PersonAlreadyKnown(ValidationError):
    """The id is registered already. Carries nothing about the person."""


def clean_national_id(value: str) -> str:
    number = "".join(value.split())
    validate_national_id(number)
    return number


def _require_service(actor: Actor, service: Service) -> None:
    if not works_in(actor, service):
        raise PermissionDenied


def person_register(
    *,
    actor: Actor,
    service: Service,
    national_id: str,
    first_name: str,
    last_name: str,
    birth_date: dt.date,
    phone: str = "",
    email: str = "",
    preferred_language: str = Person.Language.BOKMAL,
    district: District | None = None,
) -> Person:
    """Register a person for `service` (the actor works there). Raises PersonAlreadyKnown
    when the number is registered, after writing that attempt to the change log.
    `district`: optional, one of the districts of a network the service is in."""
    _require_service(actor, service)
    number = clean_national_id(national_id)
    if birth_date > timezone.localdate():
        raise ValidationError({"birth_date": _("The birth date cannot be in the future.")})
    if district is not None and not districts_for(service).filter(pk=district.pk).exists():
        raise ValidationError({"district": not_ours()})
    existing = Person.objects.filter(national_id=number).first()
    if existing is None:
        try:
            with transaction.atomic():
                return create_recorded(
                    actor=actor,
                    action="person_register",
                    obj=Person(
                        first_name=first_name.strip(),
                        last_name=last_name.strip(),
                        birth_date=birth_date,
                        national_id=number,
                        phone=phone.strip(),
                        email=email.strip().lower(),
                        preferred_language=preferred_language,
                        registered_by=actor,
                        registered_for=service,
                        district=district,
                    ),
                    # Who registered whom, for which service; never the number itself.
                    fields=["first_name", "last_name", "birth_date", "registered_for_id"],
                )
        except IntegrityError:
            # Registered by someone else a moment ago: the same answer as below.
            existing = Person.objects.filter(national_id=number).first()
            if existing is None:
                raise
    with transaction.atomic():
        change_record(
            actor=actor,
            action="person_register_known",
            obj=existing,
            before=None,
            after={"service_id": service.pk, "number_digest": number_digest(number)},
        )
    raise PersonAlreadyKnown(
        _(
            "This person is already registered in Laget. You can ask the coordinator of "
            "their plan to add you to the team."
        ),
        code="known",
    )


def join_request_create(
    *, actor: Actor, service: Service, national_id: str, reason: str
) -> PlanRequest:
    """Ask to join the team around an already registered person. The request reaches the
    coordinator of the person's open plan (now, or once one is opened); it reveals
    nothing about the person to the one asking."""
    _require_service(actor, service)
    number = clean_national_id(national_id)
    if len(reason.strip()) < 10:
        raise ValidationError({"reason": _("Write in a sentence why you need to be on the team.")})
    person = Person.objects.filter(national_id=number).first()
    if person is None:
        raise ValidationError(
            _("Nobody is registered with this number. Register the person instead."),
            code="unknown",
        )
    already = TeamMember.objects.active().filter(
        user=actor, plan__person=person, plan__status__in=[Plan.Status.DRAFT, Plan.Status.ACTIVE]
    )
    if already.exists():
        raise ValidationError(_("You are already on this person's team."), code="member")
    with transaction.atomic():
        pending = PlanRequest.objects.select_for_update().filter(
            kind=PlanRequest.Kind.JOIN,
            person=person,
            from_user=actor,
            status=PlanRequest.Status.PENDING,
        )
        if pending.exists():
            raise ValidationError(
                _("You have already asked to join. The coordinator will answer."), code="pending"
            )
        request = create_recorded(
            actor=actor,
            action="join_request",
            obj=PlanRequest(
                kind=PlanRequest.Kind.JOIN,
                person=person,
                from_user=actor,
                from_service=service,
                reason=reason.strip(),
            ),
            fields=["kind", "person_id", "from_service_id", "reason"],
        )
        # The coordinator of the person's open plan is told (a plan opened later shows the
        # request in the queue of whoever coordinates it).
        plan = Plan.objects.filter(
            person=person, status__in=[Plan.Status.DRAFT, Plan.Status.ACTIVE]
        ).first()
        if plan is not None:
            notify(event="join_requested", plan=plan, actor=actor, target=request)
    return request


class DistrictChanged(ValidationError):
    """Someone else changed the person's district after the form was shown."""


def not_ours() -> str:
    return _("Choose one of the districts of the network the service is in.")


def districts_for_plan(plan: Plan) -> Any:
    """The districts of the networks the plan's owner (an organisation) is in."""
    return (
        District.objects.filter(network__organisations=plan.owner_id)
        .select_related("network")
        .order_by("network__name", "name")
        .distinct()
    )


def person_district_set(
    *, actor: Actor, plan: Plan, district: District | None, was_id: int | None
) -> Person:
    """The person's municipality district, set by the person or the coordinator (those who
    manage the plan's team). `was_id`: the district the form showed; a change by someone
    else since then is refused (DistrictChanged), never overwritten."""
    access = plan_access(actor, plan)
    if access is None or not access.may_manage_team:
        raise PermissionDenied
    if district is not None and not districts_for_plan(plan).filter(pk=district.pk).exists():
        raise ValidationError({"district": not_ours()})
    with transaction.atomic():
        person = Person.objects.select_for_update().get(pk=plan.person_id)
        if person.district_id != was_id:
            raise DistrictChanged(
                _(
                    "Someone else changed the district while you were editing. Check what "
                    "is recorded now and save again."
                ),
                code="changed",
            )
        before = snapshot(person, ["district_id"])
        person.district = district
        person.save(update_fields=["district"])
        change_record(
            actor=actor,
            action="person_district_set",
            obj=person,
            before=before,
            after=snapshot(person, ["district_id"]),
        )
        return person
