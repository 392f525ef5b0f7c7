"""Reads of episodes and hand-offs, through the plan's door: the plan's access rules
decide, and every read that shows a person writes one access-log entry."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from django.core.paginator import Page, Paginator
from django.db.models import Q
from django.utils import timezone

from laget.audit.services import access_log_write_many
from laget.continuity.access import consent_shares_plan_with, may_manage_episodes
from laget.continuity.models import AgreedPicture, Handoff, Perspective, ServiceEpisode
from laget.continuity.timeline import Episode, Span, gaps, overlaps, responsible_on
from laget.core.types import Actor
from laget.directory.models import Membership, Service
from laget.plans.access import PlanAccess
from laget.plans.models import Category, Consent
from laget.plans.selectors import access_or_404, log_list, log_read

WIDTH = 1000  # the SVG's user units across the whole period
AXIS_TICKS = 5  # dates under the timeline, evenly spread from its first to its last day


@dataclass
class Bar:
    x: float
    width: float
    episode: ServiceEpisode | None
    span: Span


@dataclass
class Row:
    service_name: str
    y: int  # SVG units: ten per row
    bars: list[Bar] = field(default_factory=list)


@dataclass
class Timeline:
    access: PlanAccess
    period: Span
    rows: list[Row]
    gap_bars: list[Bar]
    gaps: list[Span]
    overlaps: list[tuple[Span, list[str]]]
    episodes: list[ServiceEpisode]
    handoffs: list[Handoff]
    may_manage: dict[int, bool]  # episode id -> may this actor end it / hand it over
    today_x: float
    measures: list  # the plan's measures, to link to episodes
    helping_now: list[str]  # services responsible today, for plain-language telling
    coming: list[tuple[dt.date, str]]  # services taking over later, and from when

    @property
    def height(self) -> int:
        return (len(self.rows) + 1) * 10

    @property
    def axis(self) -> list[tuple[float, dt.date]]:
        """The date axis: evenly spaced ticks (x in SVG units, the date there). Evenly
        spaced so the labels can sit under them in an HTML row spread from edge to edge,
        without inline positions (the CSP forbids inline styles)."""
        return axis_ticks(self.period)

    @property
    def gap_y(self) -> int:
        return len(self.rows) * 10 + 2


def axis_ticks(period: Span, count: int = AXIS_TICKS) -> list[tuple[float, dt.date]]:
    span = max((period.end - period.start).days, 1)
    return [
        (
            round(WIDTH * k / (count - 1), 2),
            period.start + dt.timedelta(days=round(span * k / (count - 1))),
        )
        for k in range(count)
    ]


def _x(day: dt.date, period: Span) -> float:
    return round((day - period.start).days / period.days * WIDTH, 2)


def _bar(span: Span, period: Span, episode: ServiceEpisode | None = None) -> Bar:
    x = _x(span.start, period)
    return Bar(x, max(round(span.days / period.days * WIDTH, 2), 1.0), episode, span)


def timeline(*, actor: Actor, plan_id: int, request_id: str = "") -> Timeline:
    """Episodes by service over the whole history (or at least the last year), with every
    day nobody was responsible marked. Four queries, whatever the number of episodes."""
    access = access_or_404(actor=actor, plan_id=plan_id, category=Category.PLAN)
    plan = access.plan
    episodes = list(
        ServiceEpisode.objects.filter(plan=plan)
        .select_related("service")
        .prefetch_related("measures")
        .order_by("starts", "pk")
    )
    measures = list(plan.measures.order_by("title"))
    handoffs = list(
        Handoff.objects.filter(plan=plan)
        .select_related("from_episode__service", "to_service")
        .order_by("-requested_at")
    )
    today = timezone.localdate()
    # From the first involvement (days before it are not gaps: nobody had the person
    # yet); with no episodes at all, the last year shows as one gap.
    first = min(e.starts for e in episodes) if episodes else today - dt.timedelta(days=365)
    last = max([e.ends for e in episodes if e.ends] + [today])
    period = Span(first, last)
    pure = [Episode(e.service_id, e.starts, e.ends, e.responsible) for e in episodes]
    rows: dict[int, Row] = {}
    for episode in episodes:
        row = rows.setdefault(episode.service_id, Row(episode.service.name, len(rows) * 10 + 2))
        span = Span(episode.starts, min(episode.ends or period.end, period.end))
        row.bars.append(_bar(span, period, episode))
    names = {e.service_id: e.service.name for e in episodes}
    found_gaps = gaps(pure, period)
    log_read(access, categories=[Category.PLAN, "timeline"], request_id=request_id)
    return Timeline(
        access=access,
        period=period,
        rows=list(rows.values()),
        gap_bars=[_bar(g, period) for g in found_gaps],
        gaps=found_gaps,
        overlaps=[
            (span, sorted(names[s] for s in services)) for span, services in overlaps(pure, period)
        ],
        episodes=episodes,
        handoffs=handoffs,
        may_manage={e.pk: may_manage_episodes(access, e.service) for e in episodes},
        today_x=_x(today, period),
        measures=measures,
        helping_now=sorted(
            names[sid]
            for sid in {e.service_id for e in pure if e.responsible}
            if sid in responsible_on(pure, today)
        ),
        coming=sorted(
            {(e.starts, e.service.name) for e in episodes if e.responsible and e.starts > today}
        ),
    )


@dataclass
class IncomingHandoff:
    handoff: Handoff
    details_shared: bool  # False: the person has not consented to share with this service


def incoming_handoffs(*, actor: Actor, request_id: str = "") -> list[IncomingHandoff]:
    """Hand-offs waiting for the services the actor works in. The person and the summary
    show only where a consent in force shares the plan with the receiving service."""
    if not actor.is_authenticated or actor.kind != "professional":
        return []
    service_ids = list(
        Membership.objects.active()
        .filter(professional__user=actor)
        .values_list("service_id", flat=True)
    )
    waiting = list(
        Handoff.objects.filter(to_service_id__in=service_ids, status=Handoff.Status.REQUESTED)
        .select_related("plan__person", "to_service", "from_episode__service")
        .order_by("answer_by", "pk")
    )
    consents: dict[int, list[Consent]] = {}
    for consent in Consent.objects.in_force().filter(
        person_id__in={h.plan.person_id for h in waiting}
    ):
        consents.setdefault(consent.person_id, []).append(consent)
    items = [
        IncomingHandoff(
            h, consent_shares_plan_with(consents.get(h.plan.person_id, []), h.to_service)
        )
        for h in waiting
    ]
    shown = [i for i in items if i.details_shared]
    if shown:
        access_log_write_many(
            [
                {
                    "actor": actor,
                    "actor_name": actor.get_full_name() or actor.email,
                    "actor_role": "",
                    "actor_service": item.handoff.to_service.name,
                    "person_id": item.handoff.plan.person_id,
                    "category": "handoff",
                    "purpose": "care",
                    "obj": item.handoff,
                    "request_id": request_id,
                }
                for item in shown
            ]
        )
    return items


@dataclass
class ChallengePicture:
    access: PlanAccess
    current: list[Perspective]  # the newest view of each participant, the person first
    earlier: list[Perspective]
    agreed: AgreedPicture | None
    agreed_history: list[AgreedPicture]


def challenge_picture(*, actor: Actor, plan_id: int, request_id: str = "") -> ChallengePicture:
    """Everyone's view side by side, and what the team agreed on. Three queries."""
    access = access_or_404(actor=actor, plan_id=plan_id, category=Category.PLAN)
    views = list(Perspective.objects.filter(plan=access.plan))
    seen: set[int] = set()
    current: list[Perspective] = []
    earlier: list[Perspective] = []
    for view in views:  # newest first
        (earlier if view.author_id in seen else current).append(view)
        seen.add(view.author_id)
    current.sort(key=lambda v: (not v.is_person, v.author_service, v.author_name))
    agreed = list(AgreedPicture.objects.filter(plan=access.plan))
    log_read(access, categories=[Category.PLAN, "challenge_picture"], request_id=request_id)
    return ChallengePicture(access, current, earlier, agreed[0] if agreed else None, agreed[1:])


STALE_MEASURE_DAYS = 60
CONSENT_WARNING_DAYS = 30


@dataclass
class Attention:
    """What needs doing on one plan the actor coordinates (or covers)."""

    plan_id: int
    person: str
    revision_overdue: bool = False
    stale_measures: int = 0
    consents_expiring: int = 0
    overdue_tasks: int = 0
    open_handoffs: int = 0
    overdue_handoffs: int = 0
    declined_handoffs: int = 0
    gap_now: bool = False
    gap_days_30: int = 0  # days without a responsible service in the last 30
    to_reassign: int = 0  # measures and tasks whose service lost the person's consent

    @property
    def count(self) -> int:
        return (
            int(self.revision_overdue)
            + self.stale_measures
            + self.consents_expiring
            + self.overdue_tasks
            + self.open_handoffs
            + self.declined_handoffs
            + int(self.gap_now)
            + self.gap_days_30
            + self.to_reassign
        )


def attention(*, actor: Actor, request_id: str = "", log: bool = True) -> list[Attention]:
    """Plans that need the coordinator: past revision, measures not updated for
    STALE_MEASURE_DAYS, consents ending within CONSENT_WARNING_DAYS, overdue tasks, open or
    declined hand-offs, a gap today. Seven queries in all; one log entry per plan shown
    (reminders pass log=False: they show counts, never names)."""
    needing, mine = _attention(actor)
    if log:
        log_list([(mine[i.plan_id], ["attention"]) for i in needing], request_id=request_id)
    return needing


def _attention(
    actor: Actor, accesses: list[PlanAccess] | None = None
) -> tuple[list[Attention], dict[int, PlanAccess]]:
    from laget.plans.access import team_accesses
    from laget.plans.models import Measure, Task

    if accesses is None:
        accesses = team_accesses(actor)
    mine = {a.plan.pk: a for a in accesses if a.is_coordinator}
    if not mine:
        return [], mine
    today = timezone.localdate()
    items = {
        pid: Attention(pid, str(a.plan.person), revision_overdue=a.plan.revision_overdue(today))
        for pid, a in mine.items()
    }
    stale_before = timezone.now() - dt.timedelta(days=STALE_MEASURE_DAYS)
    # Stale measures and those marked for re-assignment (a withdrawn consent) in one query.
    for m in (
        Measure.objects.filter(plan_id__in=mine, status__in=["planned", "ongoing"])
        .filter(Q(updated_at__lt=stale_before) | Q(reassign_since__isnull=False))
        .only("plan_id", "updated_at", "reassign_since")
    ):
        if m.reassign_since is not None:
            items[m.plan_id].to_reassign += 1
        else:
            items[m.plan_id].stale_measures += 1
    person_plan = {a.plan.person_id: pid for pid, a in mine.items()}
    for c in (
        Consent.objects.in_force()
        .filter(
            person_id__in=person_plan, valid_to__lte=today + dt.timedelta(days=CONSENT_WARNING_DAYS)
        )
        .only("person_id")
    ):
        items[person_plan[c.person_id]].consents_expiring += 1
    for t in (
        Task.objects.filter(plan_id__in=mine, status="open")
        .filter(Q(due__lt=today) | Q(reassign_since__isnull=False))
        .only("plan_id", "due", "reassign_since")
    ):
        if t.reassign_since is not None:
            items[t.plan_id].to_reassign += 1
        else:
            items[t.plan_id].overdue_tasks += 1
    for h in Handoff.objects.filter(plan_id__in=mine, status__in=["requested", "declined"]).only(
        "plan_id", "status", "answer_by"
    ):
        if h.status == "requested":
            items[h.plan_id].open_handoffs += 1
            items[h.plan_id].overdue_handoffs += int(h.answer_by < today)
        else:
            items[h.plan_id].declined_handoffs += 1
    episodes: dict[int, list[Episode]] = {}
    for e in ServiceEpisode.objects.filter(plan_id__in=mine).only(
        "plan_id", "service_id", "starts", "ends", "responsibility"
    ):
        episodes.setdefault(e.plan_id, []).append(
            Episode(e.service_id, e.starts, e.ends, e.responsible)
        )
    last_30 = Span(today - dt.timedelta(days=29), today)
    for pid, eps in episodes.items():
        items[pid].gap_now = not responsible_on(eps, today)
        items[pid].gap_days_30 = sum(g.days for g in gaps(eps, last_30))
    needing = sorted((i for i in items.values() if i.count), key=lambda i: -i.count)
    return needing, mine


def consent_covers(*, access: PlanAccess, service: Service) -> bool:
    """Does a consent in force let `service` see the plan? For warning a sender before a
    hand-off goes to a service that could only decline it. One query; nothing is shown."""
    consents = list(Consent.objects.in_force().filter(person_id=access.plan.person_id))
    return consent_shares_plan_with(consents, service)


ATTENTION_PER_PAGE = 20


def attention_page(
    *,
    actor: Actor,
    page_number: int | str = 1,
    request_id: str = "",
    accesses: list[PlanAccess] | None = None,
) -> Page:
    """One page of `attention` (most first), ATTENTION_PER_PAGE plans: the coordinator's
    dashboard. The counts are taken over all their plans (a caseload, not the country)
    to sort them; only the plans on the page are shown, so only those are logged.
    `accesses`: the actor's team_accesses when the caller has read them already."""
    needing, mine = _attention(actor, accesses)
    page = Paginator(needing, ATTENTION_PER_PAGE).get_page(page_number)
    log_list([(mine[i.plan_id], ["attention"]) for i in page.object_list], request_id=request_id)
    return page
