"""Continuity figures across plans: counts only, never names. Used by the monthly report
(and later the leaders' network view). A fixed number of queries, whatever the size."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from dataclasses import asdict, dataclass

from django.db.models import Q
from django.utils import timezone

from laget.continuity.models import Handoff, ServiceEpisode
from laget.continuity.timeline import Episode, Span, gaps, responsible_on
from laget.directory.models import Network
from laget.plans.models import Plan


@dataclass
class ContinuityFigures:
    persons_with_gap_now: int
    gap_days_total: int
    open_handoffs: int
    overdue_handoffs: int
    declined_handoffs: int
    plans_past_revision: int

    def as_dict(self) -> dict[str, int]:
        return asdict(self)


def continuity_figures(
    *, network: Network | None = None, today: dt.date | None = None, days: int = 30
) -> ContinuityFigures:
    """Figures for active plans (in `network`: plans owned by, or with episodes at, its
    organisations). Gaps count only for persons with at least one episode on record;
    gap days and declined hand-offs cover the last `days` days."""
    today = today or timezone.localdate()
    plans = Plan.objects.filter(status=Plan.Status.ACTIVE)
    if network is not None:
        organisations = network.organisations.all()
        plans = plans.filter(
            Q(owner__in=organisations) | Q(episodes__service__organisation__in=organisations)
        ).distinct()
    plan_ids = list(plans.values_list("pk", flat=True))
    by_plan: dict[int, list[Episode]] = defaultdict(list)
    for e in ServiceEpisode.objects.filter(plan_id__in=plan_ids).only(
        "plan_id", "service_id", "starts", "ends", "responsibility"
    ):
        by_plan[e.plan_id].append(Episode(e.service_id, e.starts, e.ends, e.responsible))
    window = Span(today - dt.timedelta(days=days - 1), today)
    with_gap_now = sum(1 for eps in by_plan.values() if not responsible_on(eps, today))
    gap_days = sum(g.days for eps in by_plan.values() for g in gaps(eps, window))
    handoffs = Handoff.objects.filter(plan_id__in=plan_ids)
    since = timezone.now() - dt.timedelta(days=days)
    return ContinuityFigures(
        persons_with_gap_now=with_gap_now,
        gap_days_total=gap_days,
        open_handoffs=handoffs.filter(status=Handoff.Status.REQUESTED).count(),
        overdue_handoffs=handoffs.filter(
            status=Handoff.Status.REQUESTED, answer_by__lt=today
        ).count(),
        declined_handoffs=handoffs.filter(
            status=Handoff.Status.DECLINED, decided_at__gte=since
        ).count(),
        plans_past_revision=plans.filter(next_revision__lt=today).count(),
    )


@dataclass
class WaitingHandoffs:
    service: str
    open: int
    longest_wait_days: int


def waiting_by_service(*, network: Network, today: dt.date | None = None) -> list[WaitingHandoffs]:
    """Open hand-offs into the network's services, by receiving service, with the longest
    wait. One query."""
    from django.db.models import Count, Min

    today = today or timezone.localdate()
    rows = (
        Handoff.objects.filter(
            status=Handoff.Status.REQUESTED,
            to_service__organisation__networks=network,
        )
        .values("to_service__name")
        .annotate(n=Count("pk"), oldest=Min("requested_at"))
        .order_by("-n", "to_service__name")
    )
    return [
        WaitingHandoffs(
            r["to_service__name"], r["n"], (today - timezone.localtime(r["oldest"]).date()).days
        )
        for r in rows
    ]
