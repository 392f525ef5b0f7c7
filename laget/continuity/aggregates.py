"""Counts across plans for the quality indicators (issue 19): numbers only, never a name,
an id or a row. Per month; a fixed number of queries whatever the months or the data."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Sequence

from django.db.models import DurationField, ExpressionWrapper, F, Q, Sum
from django.utils import timezone

from laget.continuity.models import Handoff, ServiceEpisode
from laget.continuity.timeline import Episode, Span, gaps
from laget.core.months import Cell, grouped_by_month, month_end
from laget.directory.models import Network, Service
from laget.plans.aggregates import plans_in

DECIDED = [Handoff.Status.ACCEPTED, Handoff.Status.DECLINED]


def _handoffs(network: Network | None, service: Service | None):
    qs = Handoff.objects.filter(plan__in=plans_in(network).values("pk"), status__in=DECIDED)
    if service is not None:
        qs = qs.filter(to_service=service)
    return qs


def handoff_wait(
    network: Network | None, months: Sequence[dt.date], service: Service | None = None
) -> list[Cell]:
    """Hand-offs answered in the month; the numerator sums their waiting time in seconds
    (from the request to the answer)."""
    wait = ExpressionWrapper(F("decided_at") - F("requested_at"), output_field=DurationField())
    return grouped_by_month(_handoffs(network, service), months, "decided_at", value=Sum(wait))


def handoffs_declined(
    network: Network | None, months: Sequence[dt.date], service: Service | None = None
) -> list[Cell]:
    return grouped_by_month(
        _handoffs(network, service), months, "decided_at", meets=Q(status=Handoff.Status.DECLINED)
    )


def gap_days(
    network: Network | None, months: Sequence[dt.date], service: Service | None = None
) -> list[Cell]:
    """Persons followed in the month (an episode on record that began before its end) and
    the days in the month with no responsible service for them, summed.

    The days are counted from the episodes' dates (one query; the episodes' spans are
    merged per plan in memory, as the timeline does: gaps are not expressible as one
    portable SQL aggregate)."""
    today = timezone.localdate()
    plans = plans_in(network, service)
    rows = (
        ServiceEpisode.objects.filter(plan__in=plans.values("pk"))
        .values_list("plan_id", "service_id", "starts", "ends", "responsibility")
        .iterator(chunk_size=5000)
    )
    by_plan: dict[int, list[Episode]] = defaultdict(list)
    for plan_id, service_id, starts, ends, responsibility in rows:
        by_plan[plan_id].append(
            Episode(
                service_id,
                starts,
                ends,
                responsibility == ServiceEpisode.Responsibility.RESPONSIBLE,
            )
        )
    cells: list[Cell] = []
    for first in months:
        last = min(month_end(first) - dt.timedelta(days=1), today)
        if last < first:
            cells.append((0.0, 0))
            continue
        window = Span(first, last)
        followed = 0
        days = 0
        for eps in by_plan.values():
            if min(e.start for e in eps) > last:
                continue
            followed += 1
            days += sum(g.days for g in gaps(eps, window))
        cells.append((float(days), followed))
    return cells
