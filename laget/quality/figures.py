"""The monthly figures: the ONE way the leaders' pages, the exports, the API and
`manage.py quality_report` read the indicators, and the refresh that keeps closed months.

Counting an indicator live costs what the rows cost: at 100,000 persons the overview took
half a minute. So the counts of a month, (numerator, denominator) per indicator, network,
service and breakdown (age group or municipality district), are kept in `MonthlyFigure`
(counts only, never a person's id):

- A closed month is counted once, by `refresh` (`manage.py quality_refresh`, nightly), and
  counted again for the last `LATE_MONTHS` closed months on every run, so entries made late
  (a task closed, a rating typed in, a review done after the month) reach the figures.
  Older months stay as counted: the figures of a month more than `LATE_MONTHS` back do not
  move.
- A month that is not stored (a new installation, a month the nightly job has not reached)
  is counted live, so the pages are right from an empty database.
- The current month is counted live and kept for `LIVE_SECONDS` (setting
  LAGET_QUALITY_LIVE_SECONDS, default 10 minutes; 0 counts it on every view), so a page's
  cost does not follow the number of persons while the month is still running. The first
  view after that counts it again (seconds at 100,000 persons) unless `quality_refresh
  --current` runs more often than LIVE_SECONDS.

Suppression of small cells happens when shown (`indicators.to_series`), on the stored
counts as on live ones: the same counts give the same figures.
"""

from __future__ import annotations

import datetime as dt
import logging
from collections.abc import Iterable, Sequence
from typing import Any

from django.conf import settings
from django.db import DatabaseError, transaction
from django.utils import timezone

from laget.core.months import Cell, last_months, midnight, month_end
from laget.directory.models import District, Network, Service
from laget.quality import indicators
from laget.quality.indicators import (
    DIMENSIONS,
    Indicator,
    Series,
    district_group,
    month_key,
    split_group,
)
from laget.quality.models import MonthlyFigure
from laget.teams.aggregates import AGE_GROUPS, DISTRICT_UNKNOWN

log = logging.getLogger(__name__)

MAX_MONTHS = 36  # the longest period a page may ask for; the refresh keeps as many
LATE_MONTHS = 3  # closed months counted again on every refresh (late entries)
# One indicator (and age group or district, where it is broken down) in one scope.
Want = tuple[Indicator, str | None]


def live_seconds() -> int:
    return int(getattr(settings, "LAGET_QUALITY_LIVE_SECONDS", 600))


def scope_key(network: Network | None, service: Service | None, group: str | None) -> str:
    """ "<network>/<service>/<age group>", and for a district "<network>/<service>/-/<district
    id or unknown>" (the keys stored before districts existed stay valid)."""
    age_group, district = split_group(group)
    parts = [network.pk if network else None, service.pk if service else None, age_group]
    if district is not None:
        parts.append(district)
    return "/".join(str(part) if part else "-" for part in parts)


def _settled(month: dt.date, computed_at: dt.datetime) -> bool:
    """Counted after the month was over (the refresh), not while it ran."""
    return computed_at >= midnight(month_end(month))


def _usable(month: dt.date, computed_at: dt.datetime, now: dt.datetime) -> bool:
    return _settled(month, computed_at) or (now - computed_at).total_seconds() < live_seconds()


def read(
    network: Network | None,
    months: Sequence[dt.date],
    service: Service | None = None,
    wants: Iterable[Want] | None = None,
) -> list[Series]:
    """The series for each wanted indicator (default: every indicator, no age group).
    One query for what is stored, one per indicator with months to count live, and one
    to keep the current month: a fixed number whatever the number of persons."""
    want_list = list(wants) if wants is not None else [(i, None) for i in indicators.INDICATORS]
    months = list(months)
    now = timezone.now()
    today = timezone.localdate()
    this_month = today.replace(day=1)
    counted = [(i, g) for i, g in want_list if i.source_available]
    keys = {g: scope_key(network, service, g) for _, g in counted}
    cells: dict[tuple[str, str, dt.date], Cell] = {}
    if counted and months:
        rows = MonthlyFigure.objects.filter(
            scope__in=set(keys.values()),
            month__in=months,
            indicator__in={i.id for i, _ in counted},
        ).values_list("indicator", "scope", "month", "numerator", "denominator", "computed_at")
        for ind, scope, month, numerator, denominator, computed_at in rows:
            if _usable(month, computed_at, now):
                cells[(ind, scope, month)] = (numerator, denominator)
    keep: list[MonthlyFigure] = []
    out: list[Series] = []
    for indicator, group in want_list:
        if not indicator.source_available:
            out.append(indicators.missing(indicator, months))
            continue
        key = keys[group]
        todo = [m for m in months if (indicator.id, key, m) not in cells]
        if todo:
            for month, cell in zip(
                todo, indicators.count(indicator, network, todo, service, group), strict=True
            ):
                cells[(indicator.id, key, month)] = cell
                if month == this_month:
                    keep.append(_row(indicator, network, service, group, month, cell, now))
        out.append(
            indicators.to_series(indicator, months, [cells[(indicator.id, key, m)] for m in months])
        )
    if keep and live_seconds() > 0:
        try:
            with transaction.atomic():
                _store(keep)
        except DatabaseError:  # a busy database: show the figures, keep them next time
            log.warning("quality: could not keep the current month's figures", exc_info=True)
    return out


def _row(
    indicator: Indicator,
    network: Network | None,
    service: Service | None,
    group: str | None,
    month: dt.date,
    cell: Cell,
    now: dt.datetime,
) -> MonthlyFigure:
    age_group, district = split_group(group)
    return MonthlyFigure(
        indicator=indicator.id,
        scope=scope_key(network, service, group),
        network=network,
        service=service,
        age_group=age_group or "",
        district_id=int(district) if district and district != DISTRICT_UNKNOWN else None,
        month=month,
        numerator=float(cell[0]),
        denominator=int(cell[1]),
        computed_at=now,
    )


def _store(rows: list[MonthlyFigure]) -> None:
    """Insert or replace (one statement per 500 rows; the same counts twice are harmless)."""
    MonthlyFigure.objects.bulk_create(
        rows,
        batch_size=500,
        update_conflicts=True,
        unique_fields=["scope", "month", "indicator"],
        update_fields=["numerator", "denominator", "computed_at"],
    )


def district_groups(districts: Sequence[District]) -> list[str]:
    """The network's districts, then "not recorded"; none when the network has none."""
    if not districts:
        return []
    return [*(district_group(d.pk) for d in districts), district_group(DISTRICT_UNKNOWN)]


def wants_for(indicator: Indicator, districts: Sequence[District] = ()) -> list[Want]:
    """The indicator itself and, where it is broken down, each age group and each of the
    network's `districts` (with "not recorded")."""
    groups: list[str] = []
    if indicator.source_available:
        if indicator.by_age_group:
            groups += list(AGE_GROUPS)
        if indicator.by_district:
            groups += district_groups(districts)
    return [(indicator, None), *((indicator, g) for g in groups)]


def refresh(
    network: Network | None,
    services: Sequence[Service] = (),
    *,
    late_months: int = LATE_MONTHS,
    current: bool = False,
    today: dt.date | None = None,
) -> int:
    """Count and keep the closed months of one network (None: the whole installation), for
    the network and each of `services`, every indicator, age group and district: the last
    `late_months` closed months always, older ones (up to MAX_MONTHS back) when they are
    not stored yet; with `current`, the current month too (kept LIVE_SECONDS: run it more
    often than that and no page counts it live). Idempotent. Returns how many monthly
    figures were written."""
    now = timezone.now()
    *closed, this_month = last_months(MAX_MONTHS + 1, today)
    recent = set(closed[len(closed) - late_months :]) if late_months > 0 else set()
    scopes: list[Service | None] = [None, *services]
    # One query: the network's districts (none for the whole installation: districts
    # belong to a network).
    districts = list(District.objects.filter(network=network)) if network is not None else []
    wants = [
        w for i in indicators.INDICATORS if i.source_available for w in wants_for(i, districts)
    ]
    keys = {scope_key(network, s, g) for s in scopes for _, g in wants}
    done = {
        (ind, scope, month)
        for ind, scope, month, computed_at in MonthlyFigure.objects.filter(
            scope__in=keys, month__in=closed
        ).values_list("indicator", "scope", "month", "computed_at")
        if _settled(month, computed_at)
    }
    written = 0
    for service in scopes:
        rows = []
        for indicator, group in wants:
            key = scope_key(network, service, group)
            todo = [m for m in closed if m in recent or (indicator.id, key, m) not in done]
            if current:
                todo.append(this_month)
            if not todo:
                continue
            for month, cell in zip(
                todo, indicators.count(indicator, network, todo, service, group), strict=True
            ):
                rows.append(_row(indicator, network, service, group, month, cell, now))
        if rows:
            with transaction.atomic():
                _store(rows)
        written += len(rows)
    return written


def report(
    network: Network | None, months: Sequence[dt.date], service: Service | None = None
) -> dict[str, list[dict]]:
    """The JSON the command and the API give: per dimension, its indicators; counts and
    rates only, never a name or an id."""
    out: dict[str, list[dict]] = {d: [] for d in DIMENSIONS}
    for series in read(network, months, service):
        i = series.indicator
        entry: dict[str, Any] = {
            "id": i.id,
            "title": str(i.title),
            "definition": i.definition(),
            "source_available": i.source_available,
            "months": {month_key(f.month): f.value for f in series.months},
        }
        if not i.source_available:
            entry["source_missing"] = str(i.missing_source)
        out[i.dimension].append(entry)
    return out
