"""Every read of a person's plan: the one door.

Each selector (1) asks access.py what this actor may see, (2) refuses with 404 when the
answer is nothing, so the plan's existence does not leak, (3) writes exactly one
access-log entry for the request, and (4) returns only what the consents allow.
Queries are fixed in number whatever the size of the plan's history; long lists are paged.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Collection
from dataclasses import dataclass, field
from typing import NoReturn

from django.core.exceptions import PermissionDenied
from django.db.models import Count, F, Q, QuerySet, Window
from django.http import Http404
from django.utils import timezone
from django.utils.translation import gettext as _

from laget.audit.models import AccessLogEntry
from laget.audit.services import access_log_write, access_log_write_many, refused_attempt_write
from laget.core.exceptions import ExplainedNotFound
from laget.core.prepared import known, prepared
from laget.core.types import Actor
from laget.directory.models import Membership
from laget.plans.access import PlanAccess, plan_access, team_accesses, team_places
from laget.plans.models import (
    Category,
    Consent,
    CrisisPlan,
    EmergencyAccess,
    Goal,
    ItemBlock,
    Measure,
    Message,
    Plan,
    Task,
    TeamMember,
)

TASKS_ON_PLAN_PAGE = 20


def _plan_query(plan_id: int) -> QuerySet[Plan]:
    return Plan.objects.select_related("person", "owner").filter(pk=plan_id)[:1]


def _plan_or_404(plan_id: int) -> Plan:
    try:
        plan_id = int(plan_id)
    except (TypeError, ValueError) as exc:
        raise Http404 from exc
    found = list(prepared("plans.plan", _plan_query, plan_id=plan_id))
    if not found:
        raise Http404
    return found[0]


def access_or_404(*, actor: Actor, plan_id: int, category: str = Category.PLAN) -> PlanAccess:
    """What the actor may do with the plan; 404 unless they may read `category`."""
    plan = _plan_or_404(plan_id)
    access = plan_access(actor, plan)
    if access is None or not access.may_read(Category.PLAN):
        refuse(actor, plan)
    if not access.may_read(category):
        raise Http404
    return access


def refuse(actor: Actor, plan: Plan) -> NoReturn:
    """Refuse someone who may not read the plan. Whoever never had a place on it gets the
    bare 404, so its existence does not leak; whoever had (or has) a place, or had
    emergency access, is told in plain words that their access has ended, and why, without
    the person's name. Two queries, on the refusal path only, and the refused attempt in
    its own audit chain for the privacy officer (not in the person's log: nothing was read)."""
    if not actor.is_authenticated:
        raise Http404
    refused_attempt_write(actor=actor, person_id=plan.person_id, obj=plan)
    place = (
        TeamMember.objects.filter(plan=plan, user=actor)
        .order_by(F("left_at").desc(nulls_first=True))
        .first()
    )
    if place is not None and place.left_at is None:
        raise ExplainedNotFound(
            _("You cannot see this plan now"),
            _(
                "No consent in force lets your service see this plan: it has not been given, "
                "has been withdrawn or has run out. The coordinator knows. You see the plan "
                "again if the person gives a new consent."
            ),
        )
    if place is not None:
        raise ExplainedNotFound(
            _("Your access to this plan has ended"),
            _(
                "You are no longer on the team around this person. Ask the coordinator if "
                "you need to take part again."
            ),
        )
    if EmergencyAccess.objects.filter(plan=plan, user=actor).exists():
        raise ExplainedNotFound(
            _("Your emergency access has ended"),
            _("Emergency access lasts 24 hours. Open it again only if the emergency goes on."),
        )
    raise Http404


def log_read(
    access: PlanAccess, *, categories: list[str], request_id: str, purpose: str = ""
) -> AccessLogEntry:
    """One access-log entry for this request: who read which categories of whose plan."""
    return access_log_write(
        actor=access.user,
        actor_name=access.actor_name,
        actor_role=access.actor_role,
        actor_service=access.actor_service,
        person_id=access.plan.person_id,
        category=",".join(categories),
        purpose=purpose or access.purpose,
        obj=access.plan,
        request_id=request_id,
    )


def log_list(
    reads: list[tuple[PlanAccess, list[str]]], *, request_id: str, purpose: str = ""
) -> None:
    """One access-log entry per plan a list shows, written together (a fixed number of
    queries however long the list)."""
    if not reads:
        return
    access_log_write_many(
        [
            {
                "actor": access.user,
                "actor_name": access.actor_name,
                "actor_role": access.actor_role,
                "actor_service": access.actor_service,
                "person_id": access.plan.person_id,
                "category": ",".join(categories),
                "purpose": purpose or access.purpose,
                "obj": access.plan,
                "request_id": request_id,
            }
            for access, categories in reads
        ]
    )


@dataclass
class MeasureFlags:
    without_responsible: list[Measure] = field(default_factory=list)
    duplicated: list[tuple[Measure, Measure]] = field(default_factory=list)


def measure_flags(measures: list[Measure]) -> MeasureFlags:
    """Grey zones: measures nobody owns, and the same help given by two services at once
    (same title, different responsible services, overlapping periods)."""
    flags = MeasureFlags()
    by_title: dict[str, list[Measure]] = defaultdict(list)
    for measure in measures:
        if measure.status in (Measure.Status.DONE, Measure.Status.STOPPED):
            continue
        if measure.responsible_service_id is None:
            flags.without_responsible.append(measure)
        by_title[" ".join(measure.title.lower().split())].append(measure)
    for same in by_title.values():
        for i, a in enumerate(same):
            for b in same[i + 1 :]:
                if (
                    a.responsible_service_id
                    and b.responsible_service_id
                    and a.responsible_service_id != b.responsible_service_id
                    and _overlap(a, b)
                ):
                    flags.duplicated.append((a, b))
    return flags


def _overlap(a: Measure, b: Measure) -> bool:
    a_start, b_start = a.starts or dt.date.min, b.starts or dt.date.min
    a_end, b_end = a.ends or dt.date.max, b.ends or dt.date.max
    return a_start <= b_end and b_start <= a_end


@dataclass
class PlanPage:
    access: PlanAccess
    plan: Plan
    team: list[TeamMember]
    goals: list
    measures: list[Measure]
    flags: MeasureFlags
    tasks: list[Task] | None  # None: not consented
    open_tasks: int
    latest_messages: list[Message] | None  # the newest one (the page shows no more)
    consents: list[Consent] | None  # for the person and the coordinator, when asked for
    emergencies: list[EmergencyAccess] | None  # not yet reviewed; for the same two
    crisis_plan: CrisisPlan | None  # None: health details not consented
    blocks: list[ItemBlock]  # the person's own blocks, for the person only
    today: object
    # Each role its own controls (access.py decides; the page only shows what it may do).
    changeable_measures: frozenset[int] = frozenset()
    closable_tasks: frozenset[int] = frozenset()
    my_open_tasks: list[Task] = field(default_factory=list)  # given to the reader or their service
    manages: bool = False  # the reader manages the team and consents (coordinator, person)


def _active_team(plan: Plan) -> list[TeamMember]:
    return list(
        TeamMember.objects.active()
        .filter(plan=plan)
        .select_related("user", "service__organisation")
        .order_by("role", "joined_at")
    )


def plan_team(*, access: PlanAccess) -> list[TeamMember]:
    """The plan's active team with users and services, by role. The caller has checked
    access and logs the read."""
    return _active_team(access.plan)


# What the plan page shows; other pages built on the same loader pass what they show.
PLAN_PAGE: tuple[str, ...] = (Category.PLAN, Category.TASKS, Category.MESSAGES, Category.HEALTH)
PLAN_ONLY: tuple[str, ...] = (Category.PLAN,)  # goals, measures and team


def plan_page(
    *,
    actor: Actor,
    plan_id: int,
    request_id: str = "",
    purpose: str = "",
    shows: Collection[str] = PLAN_PAGE,
    manage: bool = True,
    list_consents: bool = False,
) -> PlanPage:
    """The plan as this actor may see it, in a fixed number of queries. `purpose`
    'export' marks a printout or PDF in the access log.

    Log what was shown, no more: `shows` names the categories the caller shows (the whole
    page by default). Only those are read, and the access-log entry names exactly those the
    actor may read; whatever is not read stays empty (None or []). The team is read anyway
    (it decides access) but returned only when the plan is shown. `manage` reads, for the
    coordinator and the person, the unreviewed emergency accesses (the page shows them; the
    API does not), and `list_consents` the person's consents (the consents page lists them;
    the plan page loads them when its consents section is opened)."""
    # Every statement below has one shape for every plan: compiled once per process
    # (core.prepared), which halves the worker CPU of this loader.
    plan = _plan_or_404(plan_id)
    # The page shows the team anyway, so the actor's own place on it is looked up there
    # (one query fewer). Nothing read here leaves this function unless access allows it.
    team = known(
        list(
            prepared(
                "plan_page.team",
                lambda plan_id: (
                    TeamMember.objects.active()
                    .filter(plan_id=plan_id)
                    .select_related("user", "service__organisation")
                    .order_by("role", "joined_at")
                ),
                plan_id=plan.pk,
            )
        ),
        "plan",
        plan,
    )
    access = plan_access(actor, plan, team=team)
    if access is None or not access.may_read(Category.PLAN):
        refuse(actor, plan)

    def wanted(category: str) -> bool:
        return category in shows and access.may_read(category)

    def rows(key: str, build, **values: int) -> list:
        return known(list(prepared(f"plan_page.{key}", build, **values)), "plan", plan)

    blocks: list[ItemBlock] = []
    goals: list = []
    measures: list[Measure] = []
    if wanted(Category.PLAN):
        blocks = rows(
            "blocks", lambda plan_id: ItemBlock.objects.filter(plan_id=plan_id), plan_id=plan.pk
        )
        goals = access.visible(
            rows("goals", lambda plan_id: Goal.objects.filter(plan_id=plan_id), plan_id=plan.pk),
            ItemBlock.Kind.GOAL,
            blocks,
        )
        measures = access.visible(
            rows(
                "measures",
                lambda plan_id: (
                    Measure.objects.filter(plan_id=plan_id)
                    .select_related("responsible_service__organisation", "goal")
                    .order_by("status", "starts", "pk")
                ),
                plan_id=plan.pk,
            ),
            ItemBlock.Kind.MEASURE,
            blocks,
        )
    tasks: list[Task] | None = None
    open_tasks = 0
    if wanted(Category.TASKS):
        # The first tasks and how many are open in all, in one query: the window count is
        # taken over every open task before the limit applies.
        first = rows(
            "tasks",
            lambda plan_id: (
                Task.objects.filter(plan_id=plan_id, status=Task.Status.OPEN)
                .select_related("assignee_user", "assignee_service")
                .annotate(open_total=Window(Count("pk")))[:TASKS_ON_PLAN_PAGE]
            ),
            plan_id=plan.pk,
        )
        open_tasks = first[0].open_total if first else 0
        tasks = list[Task](first)
    latest = None
    if wanted(Category.MESSAGES):
        # The page shows the newest message's author, time and opening words: one row, the
        # columns it shows, from the (plan, created) index.
        latest = rows(
            "messages",
            lambda plan_id: Message.objects.filter(plan_id=plan_id).only(
                "plan_id", "author_name", "created_at", "body"
            )[:1],
            plan_id=plan.pk,
        )
    emergencies = None
    consents = None
    manages = manage and access.may_manage_team and wanted(Category.PLAN)
    if manages:
        emergencies = rows(
            "emergencies",
            lambda plan_id: (
                EmergencyAccess.objects.filter(plan_id=plan_id, reviewed_at__isnull=True)
                .select_related("user", "service")
                .order_by("starts_at")
            ),
            plan_id=plan.pk,
        )
    if list_consents and access.may_manage_team and wanted(Category.PLAN):
        consents = person_consents(plan)
    crisis = None
    if wanted(Category.HEALTH):
        crisis = next(
            iter(
                rows(
                    "crisis",
                    lambda plan_id: CrisisPlan.objects.filter(plan_id=plan_id).order_by("pk")[:1],
                    plan_id=plan.pk,
                )
            ),
            None,
        )
    shown = [c for c in PLAN_PAGE if wanted(c)]
    log_read(access, categories=shown, request_id=request_id, purpose=purpose)
    return PlanPage(
        access=access,
        plan=plan,
        team=team if wanted(Category.PLAN) else [],
        goals=goals,
        measures=measures,
        flags=measure_flags(measures),
        tasks=tasks,
        open_tasks=open_tasks,
        latest_messages=latest,
        consents=consents,
        manages=manages,
        emergencies=emergencies,
        crisis_plan=crisis,
        blocks=blocks if access.is_person else [],
        today=timezone.localdate(),
        changeable_measures=frozenset(m.pk for m in measures if access.may_change_measure(m)),
        closable_tasks=frozenset(t.pk for t in tasks or [] if access.may_close_task(t)),
        my_open_tasks=[
            t
            for t in tasks or []
            if t.assignee_user_id == actor.pk
            or (access.service_id is not None and t.assignee_service_id == access.service_id)
        ],
    )


def person_consents(plan: Plan) -> list[Consent]:
    """The person's consents, newest first, with whom they are to. The caller has checked
    that the reader manages them and logs the read."""
    return list(
        prepared(
            "plan_page.consents",
            lambda person_id: (
                Consent.objects.filter(person_id=person_id)
                .select_related("to_service", "to_organisation", "to_relative")
                .order_by("-recorded_at")
            ),
            person_id=plan.person_id,
        )
    )


def managed_consents(*, actor: Actor, plan_id: int, request_id: str = "") -> list[Consent]:
    """The person's consents, for those who manage them (the coordinator and the person):
    the plan page's consents section, loaded when it is opened."""
    access = access_or_404(actor=actor, plan_id=plan_id)
    if not access.may_manage_team:
        raise PermissionDenied  # before anything is read, so nothing is logged
    consents = person_consents(access.plan)
    log_read(access, categories=[Category.PLAN], request_id=request_id)
    return consents


@dataclass
class MyPlanList:
    places: list[TeamMember]  # open plans the actor may read now, by the person's name
    awaiting_consent: int  # places on teams where no consent in force lets them read yet


Reads = list[tuple[PlanAccess, list[str]]]  # what a list shows, per plan, before logging


def my_plan_list(*, actor: Actor, request_id: str = "", limit: int = 200) -> MyPlanList:
    """The actor's places on open plans' teams that they may read now, with plan and
    person, by the person's name. A place without a consent in force (never given,
    withdrawn, run out) names nobody: it is only counted as awaiting consent.

    A list names persons, so it logs one entry per plan shown (two queries to read, one
    transaction to log).
    """
    result, reads = _my_plan_list(actor, limit)
    log_list(reads, request_id=request_id)
    return result


def _my_plan_list(actor: Actor, limit: int) -> tuple[MyPlanList, Reads]:
    readable: list[tuple[TeamMember, PlanAccess]] = []
    awaiting = 0
    for place, access in team_places(actor):
        if access is not None and access.may_read(Category.PLAN):
            readable.append((place, access))
        elif place.role != TeamMember.Role.PERSON:
            awaiting += 1
    readable.sort(key=lambda pa: (pa[0].plan.person.last_name, pa[0].plan.person.first_name))
    readable = readable[:limit]
    reads: Reads = [(access, ["plan_list"]) for _place, access in readable]
    return MyPlanList([place for place, _access in readable], awaiting), reads


def awaiting_consent_count(*, actor: Actor) -> int:
    """How many of the actor's places on open plans wait for a consent before they may
    read anything (the count of my_plan_list alone). It names nobody: nothing to log."""
    return sum(
        1
        for place, access in team_places(actor)
        if not (access is not None and access.may_read(Category.PLAN))
        and place.role != TeamMember.Role.PERSON
    )


def my_plans(*, actor: Actor, request_id: str = "", limit: int = 200) -> list[TeamMember]:
    """The places of my_plan_list (for callers that show only the plans)."""
    return my_plan_list(actor=actor, request_id=request_id, limit=limit).places


@dataclass
class MyTasks:
    overdue: list[Task]
    upcoming: list[Task]
    # Open measures (planned or going on) that a service the actor works in is
    # responsible for, on the plans where they may read the plan.
    measures: list[Measure] = field(default_factory=list)
    after: str = ""  # the cursor this page starts after ("" on the first page)
    next_after: str = ""  # the cursor of the next page of tasks, if there are more

    @property
    def count(self) -> int:
        return len(self.overdue) + len(self.upcoming) + len(self.measures)


TASKS_PER_PAGE = 50


def _task_cursor(value: str) -> tuple[dt.date, int] | None:
    """'2026-12-01.123' (due date and id of the last task shown) or None."""
    day, _, pk = value.partition(".")
    try:
        return dt.date.fromisoformat(day), int(pk)
    except ValueError:
        return None


def my_tasks(
    *, actor: Actor, request_id: str = "", limit: int | None = None, after: str = ""
) -> MyTasks:
    """Open tasks and measures across all plans: tasks given to the actor, or to a service
    they work in or take part for, and measures such a service is responsible for (a GP
    finds what was given to the GP office). Consent decides per plan: tasks need the
    tasks category, measures the plan's, and the person's blocks hide single measures.
    A fixed number of queries whatever the number of plans; one access-log entry per
    person shown. Tasks are paged by keyset on (due, id): `after` is the cursor of the
    last task shown; the measures are on the first page."""
    result, reads = _my_tasks(actor, limit or TASKS_PER_PAGE, after)
    log_list(reads, request_id=request_id)
    return result


def _my_tasks(actor: Actor, limit: int, after: str = "") -> tuple[MyTasks, Reads]:
    accesses = team_accesses(actor)
    for_tasks = {a.plan.pk: a for a in accesses if a.may_read(Category.TASKS)}
    for_measures = {a.plan.pk: a for a in accesses if a.may_read(Category.PLAN)}
    if not for_tasks and not for_measures:
        return MyTasks([], []), []
    my_services = {a.member.service_id for a in accesses if a.member and a.member.service_id}
    if getattr(actor, "kind", "") == "professional":
        my_services |= set(
            Membership.objects.active()
            .filter(professional__user=actor)
            .values_list("service_id", flat=True)
        )
    cursor = _task_cursor(after)
    open_tasks = Task.objects.filter(plan_id__in=for_tasks, status=Task.Status.OPEN).filter(
        Q(assignee_user=actor) | Q(assignee_service_id__in=my_services)
    )
    if cursor is not None:
        due, pk = cursor
        open_tasks = open_tasks.filter(Q(due__gt=due) | Q(due=due, pk__gt=pk))
    tasks = list(
        open_tasks.select_related("plan__person", "assignee_service").order_by("due", "pk")[
            : limit + 1
        ]
    )
    next_after = ""
    if len(tasks) > limit:
        tasks = tasks[:limit]
        next_after = f"{tasks[-1].due.isoformat()}.{tasks[-1].pk}"
    measures: list[Measure] = []
    if my_services and for_measures and cursor is None:
        found = list(
            Measure.objects.filter(
                plan_id__in=for_measures,
                responsible_service_id__in=my_services,
                status__in=[Measure.Status.PLANNED, Measure.Status.ONGOING],
            )
            .select_related("plan__person", "responsible_service", "goal")
            .order_by("plan__person__last_name", "plan_id", "starts", "pk")[:limit]
        )
        blocks = list(
            ItemBlock.objects.filter(
                plan_id__in={m.plan_id for m in found}, kind=ItemBlock.Kind.MEASURE
            )
        )
        for m in found:
            access = for_measures[m.plan_id]
            if access.visible([m], ItemBlock.Kind.MEASURE, blocks):
                measures.append(m)
    shown: dict[int, list[str]] = defaultdict(list)
    for pid in sorted({t.plan_id for t in tasks}):
        shown[pid].append(Category.TASKS)
    for pid in sorted({m.plan_id for m in measures}):
        shown[pid].append(Category.PLAN)
    reads: Reads = [
        ({**for_measures, **for_tasks}[pid], cats) for pid, cats in sorted(shown.items())
    ]
    today = timezone.localdate()
    result = MyTasks(
        overdue=[t for t in tasks if t.due < today],
        upcoming=[t for t in tasks if t.due >= today],
        measures=measures,
        after=after if cursor is not None else "",
        next_after=next_after,
    )
    return result, reads


def front_page(
    *, actor: Actor, request_id: str = "", with_tasks: bool = False, tasks_limit: int = 50
) -> tuple[MyPlanList, MyTasks | None]:
    """The front page's two lists (the actor's plans and, for professionals, their open
    tasks and measures) with ONE access-log entry per person shown, naming everything the
    page shows of them ("plan_list,tasks,plan"), not one entry per list."""
    plan_list, reads = _my_plan_list(actor, 200)
    tasks = None
    if with_tasks:
        tasks, task_reads = _my_tasks(actor, tasks_limit)
        reads = reads + task_reads
    merged: dict[int, tuple[PlanAccess, list[str]]] = {}
    for access, categories in reads:
        _access, shown = merged.setdefault(access.plan.pk, (access, []))
        shown.extend(c for c in categories if c not in shown)
    log_list(list(merged.values()), request_id=request_id)
    return plan_list, tasks


def visible_goals(access: PlanAccess) -> QuerySet[Goal]:
    """The plan's goals this actor may see (for drop-downs), after the person's blocks."""
    goals = access.plan.goals.all()
    if access.sees_blocked_items:
        return goals
    service_id = access.member.service_id if access.member else None
    hidden = [
        b.object_id
        for b in access.plan.blocks.filter(kind=ItemBlock.Kind.GOAL)
        if b.hides_from(service_id)
    ]
    return goals.exclude(pk__in=hidden)
