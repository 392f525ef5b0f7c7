"""Every FHIR read goes through here: the plan's own door (plans.selectors: access decided,
refusal as 404, one access-log entry per request) and only what consents allow."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from dataclasses import dataclass

from django.db.models import Prefetch
from django.http import Http404
from django.utils import timezone

from laget.audit.models import AccessLogEntry
from laget.audit.services import access_log_write_many
from laget.core.types import Actor
from laget.directory.models import Organisation, Service
from laget.meetings.models import Meeting
from laget.outcomes.models import Rating
from laget.plans.access import PlanAccess
from laget.plans.models import (
    Category,
    Consent,
    ItemBlock,
    Measure,
    Message,
    Plan,
    Task,
    TeamMember,
)
from laget.plans.selectors import access_or_404, log_read

from . import resources as fhir
from .access import may_read_export
from .models import ExportJob


@dataclass
class PlanResources:
    access: PlanAccess
    patient: fhir.Resource
    careplan: fhir.Resource
    careteam: fhir.Resource
    goals: list[fhir.Resource]
    tasks: list[fhir.Resource] | None  # None: no consent covers tasks for this actor
    organizations: list[fhir.Resource]

    def of_type(self, resource_type: str) -> list[fhir.Resource]:
        return {
            "Patient": [self.patient],
            "CarePlan": [self.careplan],
            "CareTeam": [self.careteam],
            "Goal": self.goals,
            "Task": self.tasks or [],
            "Organization": self.organizations,
        }[resource_type]


def _team(plan: Plan) -> list[TeamMember]:
    return list(
        TeamMember.objects.active()
        .filter(plan=plan)
        .select_related("user__professional", "service__organisation")
        .order_by("role", "joined_at")
    )


def plan_resources(*, actor: Actor, plan_id: int, request_id: str = "") -> PlanResources:
    """One plan as FHIR resources, as this actor may see it; one access-log entry."""
    access = access_or_404(actor=actor, plan_id=plan_id)
    plan = access.plan
    blocks = list(plan.blocks.all())
    goals = access.visible(list(plan.goals.order_by("pk")), ItemBlock.Kind.GOAL, blocks)
    measures = access.visible(
        list(plan.measures.select_related("responsible_service").order_by("pk")),
        ItemBlock.Kind.MEASURE,
        blocks,
    )
    team = _team(plan)
    tasks: list[Task] | None = None
    if access.may_read(Category.TASKS):
        tasks = list(
            plan.tasks.select_related("assignee_user", "assignee_service").order_by("due", "pk")
        )
    categories = [str(Category.PLAN)] + ([str(Category.TASKS)] if tasks is not None else [])
    log_read(access, categories=categories, request_id=request_id)
    organisations: dict[int, Organisation | None] = {plan.owner_id: plan.owner}
    for m in measures:
        if m.responsible_service_id:
            org_id = m.responsible_service.organisation_id
            organisations.setdefault(org_id, None)
    for member in team:
        if member.service_id:
            organisations[member.service.organisation_id] = member.service.organisation  # type: ignore[union-attr]
    missing = [pk for pk, org in organisations.items() if org is None]
    if missing:
        for org in Organisation.objects.filter(pk__in=missing):
            organisations[org.pk] = org
    return PlanResources(
        access=access,
        patient=fhir.patient(plan.person),
        careplan=fhir.careplan(plan, goals, measures),
        careteam=fhir.careteam(plan, team),
        goals=[fhir.goal(g, plan.person_id) for g in goals],
        tasks=[fhir.task(t, plan) for t in tasks] if tasks is not None else None,
        organizations=[fhir.organization(o) for o in organisations.values() if o is not None],
    )


# The resources beyond the plan's core, each with what it costs: the consent category it
# needs (None: the plan itself) and whether only the person (or who acts for them) reads it.
MORE_TYPES = (
    "RelatedPerson",
    "Communication",
    "Consent",
    "PractitionerRole",
    "HealthcareService",
    "Appointment",
    "QuestionnaireResponse",
    "AuditEvent",
)
NEEDS = {"Communication": Category.MESSAGES, "QuestionnaireResponse": Category.OUTCOMES}

# _lastUpdated: a lookup ("gte", "gt", "lte", "lt") and the moment it compares with.
Bounds = list[tuple[str, dt.datetime]]


def _professional_members(plan: Plan) -> list[TeamMember]:
    return [m for m in _team(plan) if getattr(m.user, "professional", None) is not None]


def more_resources(
    *,
    actor: Actor,
    plan_id: int,
    resource_type: str,
    request_id: str = "",
    updated: Bounds | None = None,
    window: tuple[int, int] | None = None,
) -> tuple[list[fhir.Resource], int | None]:
    """One kind of resource about one plan, as this actor may see it; one access-log entry.

    A category the actor's consents do not cover gives an empty result (as tasks do), and
    only the plan is logged; the access log (AuditEvent) is the person's own: anyone else
    (also who acts for them, as on the person's page) is refused (404) and nothing is
    logged. It alone is paged in the database (`window`, start and stop) and returns its
    total; the others return everything and None.
    is refused (404) and nothing is logged."""
    access = access_or_404(actor=actor, plan_id=plan_id)
    plan = access.plan
    if resource_type == "AuditEvent" and access.purpose != "self":
        raise Http404
    categories = [str(Category.PLAN)]
    needed = NEEDS.get(resource_type)
    allowed = needed is None or access.may_read(needed)
    if needed is not None and allowed:
        categories.append(str(needed))
    found: list[fhir.Resource] = []
    if resource_type == "RelatedPerson":
        found = [
            fhir.related_person(m, plan.person_id)
            for m in _team(plan)
            if m.role == TeamMember.Role.RELATIVE
        ]
    elif resource_type == "Communication" and allowed:
        found = [
            fhir.communication(m, plan)
            for m in Message.objects.filter(plan=plan).order_by("created_at", "pk")
        ]
    elif resource_type == "Consent" and access.may_manage_team:
        # The consents are shown to the person and the coordinator (as on the plan page).
        today = timezone.localdate()
        found = [
            fhir.consent(c, today)
            for c in Consent.objects.filter(person_id=plan.person_id)
            .select_related("to_service", "to_organisation", "to_relative")
            .order_by("recorded_at", "pk")
        ]
    elif resource_type == "PractitionerRole":
        found = [fhir.practitioner_role(m) for m in _professional_members(plan)]
    elif resource_type == "HealthcareService":
        ids = {m.service_id for m in TeamMember.objects.active().filter(plan=plan)} | set(
            plan.measures.values_list("responsible_service_id", flat=True)
        )
        found = [
            fhir.healthcare_service(s)
            for s in Service.objects.filter(pk__in=ids - {None})
            .select_related("organisation")
            .order_by("pk")
        ]
    elif resource_type == "Appointment":
        found = [
            fhir.appointment(m, plan.person_id)
            for m in Meeting.objects.filter(plan=plan)
            .prefetch_related("participants")
            .order_by("starts_at", "pk")
        ]
    elif resource_type == "QuestionnaireResponse" and allowed:
        found = [
            fhir.questionnaire_response(r, plan)
            for r in Rating.objects.filter(plan=plan)
            .select_related("plan", "service")
            .order_by("date", "session", "pk")
        ]
    elif resource_type == "AuditEvent":
        # As the person's own "who has read my plan" page: others' reads, not their own.
        entries = AccessLogEntry.objects.filter(person_id=plan.person_id).exclude(purpose="self")
        for lookup, moment in updated or []:
            entries = entries.filter(**{f"at__{lookup}": moment})
        # The log grows without end: count it and read only the page, in the database.
        total = entries.count()
        start, stop = window or (0, total)
        found = [fhir.audit_event(e) for e in entries.order_by("-at", "-pk")[start:stop]]
        log_read(access, categories=categories, request_id=request_id)
        return found, total
    log_read(access, categories=categories, request_id=request_id)
    return found, None


# Resources read by their own id: the model that holds them (each row names its plan).
OWN_ID = {
    "Goal": "plans.Goal",
    "Task": "plans.Task",
    "Communication": "plans.Message",
    "RelatedPerson": "plans.TeamMember",
    "PractitionerRole": "plans.TeamMember",
    "Appointment": "meetings.Meeting",
    "QuestionnaireResponse": "outcomes.Rating",
}


def plan_id_of(*, resource_type: str, resource_id: int) -> int:
    """The plan a resource read by its own id belongs to (its access is then checked by
    the plan's door; an unknown id is simply not found, as a refused one)."""
    from django.apps import apps

    model = apps.get_model(OWN_ID[resource_type])
    plan_id = model.objects.filter(pk=resource_id).values_list("plan_id", flat=True).first()
    if plan_id is None:
        raise Http404
    return int(plan_id)


def plan_person_id(plan_id: int) -> int | None:
    """Whose plan it is (for a token's patient scope, checked before anything is read)."""
    return Plan.objects.filter(pk=plan_id).values_list("person_id", flat=True).first()


def person_plan_id(*, actor: Actor, person_id: int) -> int:
    """The person's newest plan, for searches by patient (its access is checked by
    plan_resources; a person without plans is simply not found)."""
    plan_id = (
        Plan.objects.filter(person_id=person_id)
        .order_by("-pk")
        .values_list("pk", flat=True)
        .first()
    )
    if plan_id is None:
        raise Http404
    return int(plan_id)


def export_job(*, actor: Actor, job_id: int) -> ExportJob:
    job = ExportJob.objects.filter(pk=job_id).first()
    if job is None or not may_read_export(actor, job):
        raise Http404
    return job


EXPORT_BATCH = 500


def plans_for_export(
    *, job: ExportJob, actor: Actor, request_id: str = ""
) -> Iterator[tuple[Plan, list[fhir.Resource]]]:
    """Every plan the organisation owns, as resources, in batches of EXPORT_BATCH with a
    fixed number of queries per batch; one access-log entry per person (purpose export)."""
    name = actor.get_full_name() or actor.email
    last = 0
    while True:
        batch = list(
            Plan.objects.filter(owner=job.organisation, pk__gt=last)
            .select_related("person", "owner")
            .prefetch_related(
                "goals",
                Prefetch(
                    "measures",
                    queryset=Measure.objects.select_related("responsible_service").order_by("pk"),
                    to_attr="all_measures",
                ),
                Prefetch(
                    "team",
                    queryset=TeamMember.objects.active().select_related(
                        "user__professional", "service__organisation"
                    ),
                    to_attr="active_team",
                ),
                Prefetch(
                    "tasks",
                    queryset=Task.objects.select_related("assignee_user", "assignee_service"),
                    to_attr="all_tasks",
                ),
            )
            .order_by("pk")[:EXPORT_BATCH]
        )
        if not batch:
            return
        access_log_write_many(
            [
                {
                    "actor": actor,
                    "actor_name": name,
                    "actor_role": "bulk export",
                    "actor_service": job.organisation.name,
                    "person_id": plan.person_id,
                    "category": f"{Category.PLAN},{Category.TASKS}",
                    "purpose": AccessLogEntry.Purpose.EXPORT,
                    "obj": plan,
                    "request_id": request_id,
                }
                for plan in batch
            ]
        )
        for plan in batch:
            goals = list(plan.goals.all())
            measures = plan.all_measures
            yield (
                plan,
                [
                    fhir.patient(plan.person),
                    fhir.careplan(plan, goals, measures),
                    fhir.careteam(plan, plan.active_team),
                    *(fhir.goal(g, plan.person_id) for g in goals),
                    *(fhir.task(t, plan) for t in plan.all_tasks),
                ],
            )
        last = batch[-1].pk
