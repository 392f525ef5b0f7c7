"""Reads for the quality pages: the door (leaders of the network only) and the computed
indicators. Nothing here reads a person: every figure is a count from another app's
`aggregates` module, so there is no access-log entry to write."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.core.exceptions import PermissionDenied
from django.shortcuts import get_object_or_404

from laget.core.months import last_months
from laget.core.types import Actor
from laget.directory.models import Network, Service
from laget.quality.access import may_see_indicators
from laget.quality.indicators import BY_ID, DIMENSIONS, Indicator, Series, compute, compute_all
from laget.teams.aggregates import AGE_GROUPS

MAX_MONTHS = 36
DEFAULT_MONTHS = 12


def network_for_leader(*, actor: Actor, slug: str) -> Network:
    """The network, if this actor leads in it; 404 for a network that does not exist,
    403 for one this actor does not lead in (its name is public in the directory)."""
    network = get_object_or_404(Network, slug=slug)
    if not may_see_indicators(actor, network):
        raise PermissionDenied
    return network


def network_services(network: Network) -> list[Service]:
    return list(
        Service.objects.filter(organisation__networks=network, is_active=True)
        .order_by("name")
        .distinct()
    )


@dataclass
class Dimension:
    key: str
    title: str
    series: list[Series]


def overview(
    *, network: Network, months: int = DEFAULT_MONTHS, service: Service | None = None
) -> list[Dimension]:
    """Every indicator per dimension: one query per indicator, whatever the data."""
    all_series = compute_all(network, last_months(months), service)
    return [
        Dimension(key, str(title), [s for s in all_series if s.indicator.dimension == key])
        for key, title in DIMENSIONS.items()
    ]


@dataclass
class Trend:
    indicator: Indicator
    series: Series
    by_age: list[tuple[str, Series]]  # empty unless the indicator is broken down by age


def trend(
    *,
    network: Network,
    indicator_id: str,
    months: int = DEFAULT_MONTHS,
    service: Service | None = None,
    today: dt.date | None = None,
) -> Trend | None:
    indicator = BY_ID.get(indicator_id)
    if indicator is None:
        return None
    span = last_months(months, today)
    series = compute(indicator, network, span, service)
    by_age = (
        [(group, compute(indicator, network, span, service, group)) for group in AGE_GROUPS]
        if indicator.by_age_group and indicator.source_available
        else []
    )
    return Trend(indicator, series, by_age)
