"""Every read of meetings. A meeting about a person goes through the plan's door: access
checked by meetings.access (which asks plans.access), one access-log entry per request.
Queries are fixed in number however long a forum's history grows."""

from __future__ import annotations

import datetime as dt
import statistics
from collections import defaultdict
from dataclasses import dataclass

from django.core.exceptions import PermissionDenied
from django.db.models import Q, QuerySet
from django.db.models.functions import Now
from django.http import Http404
from django.utils import timezone

from laget.core.prepared import prepared
from laget.core.types import Actor
from laget.directory.models import Membership, Network, Service
from laget.meetings.access import (
    MeetingAccess,
    may_see_forum,
    meeting_access,
    works_in_network,
)
from laget.meetings.models import (
    AgendaTemplate,
    CalendarFeed,
    Case,
    Decision,
    Evaluation,
    EvaluationReceipt,
    Forum,
    Meeting,
    Participant,
)
from laget.plans.access import PlanAccess, team_accesses
from laget.plans.models import Category
from laget.plans.selectors import log_list, log_read

FORUM_HISTORY = 12  # meetings shown in a forum's attendance and evaluation trends


def _meeting_or_404(meeting_id: int) -> Meeting:
    try:
        return Meeting.objects.select_related("plan__person", "forum", "network", "chair").get(
            pk=meeting_id
        )
    except Meeting.DoesNotExist as exc:
        raise Http404 from exc


def access_or_404(*, actor: Actor, meeting_id: int) -> MeetingAccess:
    """What the actor may do with the meeting; 404 when nothing, so that a meeting about
    someone does not reveal that it exists."""
    access = meeting_access(actor, _meeting_or_404(meeting_id))
    if access is None:
        raise Http404
    return access


def _log(access: MeetingAccess, request_id: str) -> None:
    if access.plan_access is not None:
        categories: list[str] = [Category.PLAN]
        if access.may_read_minutes:
            categories.append(Category.MINUTES)
        log_read(access.plan_access, categories=categories, request_id=request_id)


@dataclass
class EvaluationSummary:
    n: int
    useful: float | None
    heard: float | None
    clear: float | None
    comments: list[str]


def summarise(evaluations: list[Evaluation]) -> EvaluationSummary:
    def mean(values: list[int]) -> float | None:
        return round(statistics.fmean(values), 1) if values else None

    return EvaluationSummary(
        n=len(evaluations),
        useful=mean([e.useful for e in evaluations]),
        heard=mean([e.heard for e in evaluations]),
        clear=mean([e.clear for e in evaluations]),
        comments=[e.comment for e in evaluations if e.comment],
    )


@dataclass
class MeetingPage:
    access: MeetingAccess
    meeting: Meeting
    participants: list[Participant]
    agenda: list
    cases: list
    decisions: list[Decision]
    open_actions: list[Decision]  # from earlier meetings, still open
    comments: list
    evaluation: EvaluationSummary
    has_evaluated: bool
    is_past: bool


def meeting_page(*, actor: Actor, meeting_id: int, request_id: str = "") -> MeetingPage:
    access = access_or_404(actor=actor, meeting_id=meeting_id)
    meeting = access.meeting
    participants = list(
        meeting.participants.select_related("service__organisation").order_by(
            "-is_anchor", "user_id", "name"
        )
    )
    decisions = list(meeting.decisions.select_related("responsible_service", "task"))
    open_actions = list(
        _earlier_open_actions(meeting).select_related("responsible_service", "task", "meeting")
    )
    evaluations = list(meeting.evaluations.all())
    _log(access, request_id)
    return MeetingPage(
        access=access,
        meeting=meeting,
        participants=participants,
        agenda=list(meeting.agenda.all()),
        cases=list(meeting.cases.all()) if meeting.plan_id is None else [],
        decisions=decisions,
        open_actions=open_actions,
        comments=list(meeting.comments.all()) if access.may_read_minutes else [],
        evaluation=summarise(evaluations),
        has_evaluated=EvaluationReceipt.objects.filter(meeting=meeting, user=actor).exists(),
        is_past=meeting.starts_at <= timezone.now(),
    )


def case_for_organiser(*, actor: Actor, case_id: int, request_id: str = "") -> Case:
    """A saved case, for its meeting's organisers to edit or delete (403 for others who
    see the meeting, 404 for those who do not)."""
    meeting_id = Case.objects.filter(pk=case_id).values_list("meeting_id", flat=True).first()
    if meeting_id is None:
        raise Http404
    access = access_or_404(actor=actor, meeting_id=meeting_id)
    if not access.may_organise:
        raise PermissionDenied
    _log(access, request_id)
    case = Case.objects.get(pk=case_id)
    case.meeting = access.meeting
    return case


def _earlier_open_actions(meeting: Meeting) -> QuerySet[Decision]:
    """Actions from the same plan's (or forum's) earlier meetings that are not done: they
    come up again until they are."""
    earlier = Decision.objects.filter(
        meeting__starts_at__lt=meeting.starts_at, responsible_service__isnull=False
    )
    if meeting.plan_id is not None:
        earlier = earlier.filter(meeting__plan_id=meeting.plan_id, task__status="open")
    elif meeting.forum_id is not None:
        earlier = earlier.filter(meeting__forum_id=meeting.forum_id, status=Decision.Status.OPEN)
    else:
        return Decision.objects.none()
    return earlier.order_by("due", "pk")


def next_meetings(*, actor: Actor) -> dict[int, Meeting]:
    """The next planned meeting of each plan the actor may read (the person's own, or a
    relative's with a consent covering the plan), in three queries. For the front page,
    whose list of plans has already logged a read of each of them."""
    plan_ids = [a.plan.pk for a in team_accesses(actor) if a.may_read(Category.PLAN)]
    upcoming = Meeting.objects.filter(
        plan_id__in=plan_ids, starts_at__gte=timezone.now(), status=Meeting.Status.PLANNED
    ).order_by("starts_at")
    first: dict[int, Meeting] = {}
    for meeting in upcoming:
        if meeting.plan_id is not None:
            first.setdefault(meeting.plan_id, meeting)
    return first


def meeting_for_calendar(*, actor: Actor, meeting_id: int, request_id: str = "") -> Meeting:
    """The meeting for its .ics file. The file names no person, but reading it still
    tells that a meeting about someone exists, so it is logged like the page."""
    access = access_or_404(actor=actor, meeting_id=meeting_id)
    _log(access, request_id)
    return access.meeting


@dataclass
class MyMeetings:
    upcoming: list[Meeting]
    recent: list[Meeting]
    forums: list[Forum]
    networks: list[Network]


def my_meetings(*, actor: Actor, request_id: str = "", days_back: int = 60) -> MyMeetings:
    """Meetings about the persons whose plans the actor may read, and the forums of the
    networks they work in. Names persons, so each plan shown is logged (one entry each)."""
    accesses = [a for a in team_accesses(actor) if a.may_read(Category.PLAN)]
    by_plan = {a.plan.pk: a for a in accesses}
    networks: list[Network] = []
    if actor.kind == "professional":
        networks = list(
            Network.objects.filter(
                organisations__services__memberships__professional__user=actor
            ).distinct()
        )
    since = timezone.now() - dt.timedelta(days=days_back)
    meetings = list(
        Meeting.objects.filter(
            Q(plan_id__in=list(by_plan)) | Q(plan__isnull=True, network__in=networks),
            ends_at__gte=since,
        )
        .select_related("plan__person", "forum")
        .order_by("starts_at")[:200]
    )
    forums = list(Forum.objects.filter(network__in=networks).select_related("network"))
    shown = {m.plan_id for m in meetings if m.plan_id}
    log_list([(by_plan[pid], [Category.PLAN]) for pid in sorted(shown)], request_id=request_id)
    now = timezone.now()
    return MyMeetings(
        upcoming=[m for m in meetings if m.ends_at >= now],
        recent=[m for m in meetings if m.ends_at < now][::-1],
        forums=forums,
        networks=networks,
    )


@dataclass
class AttendanceRow:
    service: Service
    came: list[bool | None]  # per meeting, oldest first; None: not invited
    count: int


@dataclass
class ForumPage:
    forum: Forum
    may_organise: bool
    anchors: list
    upcoming: list[Meeting]
    history: list[Meeting]  # the last FORUM_HISTORY held meetings, oldest first
    attendance: list[AttendanceRow]
    never_came: list[Service]
    levels: list[tuple[str, int]]  # (level, attendances) over the history
    evaluations: list[tuple[Meeting, EvaluationSummary]]
    open_actions: list[Decision]
    next_start: dt.datetime | None


def forum_page(*, actor: Actor, forum_id: int) -> ForumPage:
    """A forum over time: who comes (per service and level), who never does, how the
    meetings are rated, and the actions still open. No personal data."""
    try:
        forum = Forum.objects.select_related("network").get(pk=forum_id)
    except Forum.DoesNotExist as exc:
        raise Http404 from exc
    if not may_see_forum(actor, forum):
        raise Http404
    anchors = list(forum.anchors.order_by("first_name"))
    now = timezone.now()
    meetings = forum.meetings.exclude(status=Meeting.Status.CANCELLED)
    upcoming = list(meetings.filter(ends_at__gte=now).order_by("starts_at")[:5])
    history = list(meetings.filter(ends_at__lt=now).order_by("-starts_at")[:FORUM_HISTORY])[::-1]
    participants = list(
        Participant.objects.filter(meeting__in=history, service__isnull=False).only(
            "meeting_id", "service_id", "attended", "level"
        )
    )
    services = list(
        Service.objects.filter(organisation__networks=forum.network, is_active=True)
        .select_related("organisation")
        .distinct()
        .order_by("organisation__name", "name")
    )
    came: dict[tuple[int | None, int], bool] = {}
    invited: set[tuple[int | None, int]] = set()
    levels: dict[str, int] = defaultdict(int)
    for p in participants:
        key = (p.service_id, p.meeting_id)
        invited.add(key)
        if p.attended:
            came[key] = True
            levels[p.level] += 1
    rows = []
    for service in services:
        marks = [
            True
            if came.get((service.pk, m.pk))
            else (False if (service.pk, m.pk) in invited else None)
            for m in history
        ]
        rows.append(AttendanceRow(service, marks, sum(1 for x in marks if x)))
    evaluations: dict[int, list[Evaluation]] = defaultdict(list)
    for e in Evaluation.objects.filter(meeting__in=history):
        evaluations[e.meeting_id].append(e)
    open_actions = list(
        Decision.objects.filter(
            meeting__forum=forum, responsible_service__isnull=False, status=Decision.Status.OPEN
        )
        .select_related("responsible_service", "meeting")
        .order_by("due", "pk")
    )
    last = history[-1] if history else None
    next_start = (
        timezone.localtime(last.starts_at) + dt.timedelta(weeks=forum.interval_weeks)
        if last
        else None
    )
    return ForumPage(
        forum=forum,
        may_organise=actor.pk in {a.pk for a in anchors},
        anchors=anchors,
        upcoming=upcoming,
        history=history,
        attendance=rows,
        never_came=[r.service for r in rows if history and r.count == 0],
        levels=[(str(Service.Level(k).label), n) for k, n in sorted(levels.items()) if k],
        evaluations=[(m, summarise(evaluations[m.pk])) for m in history],
        open_actions=open_actions,
        next_start=next_start,
    )


def feed_meetings(*, token: str) -> list[Meeting]:
    """The meetings behind a personal calendar feed: those the owner is invited to, by
    name or through their service, from 90 days back. 404 for an unknown (or revoked)
    token."""
    feed = CalendarFeed.objects.filter(token=token).select_related("user").first()
    if feed is None or not feed.user.is_active:
        raise Http404
    since = timezone.now() - dt.timedelta(days=90)
    # Invited by name, or through a service they work in (a forum invites whole services).
    services = Membership.objects.active().filter(professional__user=feed.user).values("service_id")
    return list(
        Meeting.objects.filter(
            Q(participants__user=feed.user)
            | Q(participants__user__isnull=True, participants__service__in=services),
            ends_at__gte=since,
        )
        .order_by("starts_at")
        .distinct()[:500]
    )


def calendar_feed(*, actor: Actor) -> CalendarFeed | None:
    return CalendarFeed.objects.filter(user=actor).first()


def agenda_templates(*, actor: Actor) -> QuerySet[AgendaTemplate]:
    return AgendaTemplate.objects.all()


def network_for_forum_create(*, actor: Actor, slug: str) -> Network:
    network = Network.objects.filter(slug=slug).first()
    if network is None or not works_in_network(actor, network):
        raise Http404
    return network


def plan_meetings(*, actor: Actor, access: PlanAccess, request_id: str = "") -> list[Meeting]:
    """A person's meetings, newest first; the page names the person, so it is logged."""
    meetings = list(access.plan.meetings.select_related("chair").order_by("-starts_at")[:100])
    log_read(access, categories=[Category.PLAN], request_id=request_id)
    return meetings


def plan_next_meeting(*, access: PlanAccess) -> Meeting | None:
    """The plan's next planned meeting, for the top of the plan page, which has checked
    access and logs its read: one query, compiled once per process (core.prepared), so
    "now" is the database's clock and the columns are the ones the page shows."""
    rows = prepared(
        "plan_page.next_meeting",
        lambda plan_id: (
            Meeting.objects.filter(
                plan_id=plan_id, starts_at__gte=Now(), status=Meeting.Status.PLANNED
            )
            .only("plan_id", "starts_at", "place")
            .order_by("starts_at")[:1]
        ),
        plan_id=access.plan.pk,
    )
    return next(iter(rows), None)
