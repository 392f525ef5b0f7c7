"""Reads for the quality pages: the door (leaders of the network only) and the computed
indicators. Nothing here reads a person: every figure is a count from another app's
`aggregates` module (kept per month by quality.figures), so there is no access-log entry
to write."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.core.exceptions import PermissionDenied
from django.shortcuts import get_object_or_404

from laget.core.months import last_months
from laget.core.types import Actor
from laget.directory.models import District, Network, Service
from laget.quality import figures
from laget.quality.access import may_see_indicators, organises
from laget.quality.indicators import BY_ID, DIMENSIONS, Indicator, Series
from laget.quality.models import Cohort
from laget.teams.aggregates import AGE_GROUPS

MAX_MONTHS = figures.MAX_MONTHS
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
    """Every indicator per dimension, through the monthly figures (a fixed number of
    queries whatever the number of persons)."""
    all_series = figures.read(network, last_months(months), service)
    return [
        Dimension(key, str(title), [s for s in all_series if s.indicator.dimension == key])
        for key, title in DIMENSIONS.items()
    ]


@dataclass
class Trend:
    indicator: Indicator
    series: Series
    by_age: list[tuple[str, Series]]  # empty unless the indicator is broken down by age
    # (district name, or None: not recorded; series): empty unless broken down by district
    # and the network has districts. A district's name is the network's, never a person's.
    by_district: list[tuple[str | None, Series]]


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
    # One query: the network's districts (counted even when the indicator has no district
    # breakdown, so the page's cost is the same for every indicator).
    districts = list(District.objects.filter(network=network))
    wants = figures.wants_for(indicator, districts)
    series, *rest = figures.read(network, last_months(months, today), service, wants)
    n_age = len(AGE_GROUPS) if indicator.by_age_group and indicator.source_available else 0
    by_age = list(zip([str(g) for _, g in wants[1 : 1 + n_age]], rest[:n_age], strict=True))
    names: list[str | None] = [d.name for d in districts] + [None]
    by_district = list(zip(names, rest[n_age:], strict=False)) if rest[n_age:] else []
    return Trend(indicator, series, by_age, by_district)


# --- The learning network (Samhandlingsutdanning)


def cohorts_for_leader(*, network: Network) -> list:
    from django.db.models import Count

    return list(
        Cohort.objects.filter(network=network).annotate(
            n=Count("participants", distinct=True), sessions_n=Count("sessions", distinct=True)
        )
    )


@dataclass
class GroupView:
    pk: int
    number: int
    members: list
    services: int  # how many different services
    levels: list[str]  # the levels present
    peer_workers: int


@dataclass
class CohortView:
    cohort: Cohort
    participants: list
    groups: list[GroupView]
    ungrouped: list
    sessions: list
    services: int
    levels: dict[str, int]


def _level(code: str) -> str:
    try:
        return str(Service.Level(code).label)
    except ValueError:
        return code


def cohort_for_organiser(*, actor: Actor, cohort_id: int) -> CohortView:
    """The cohort, for its organisers; 404 for everyone else (a cohort's existence and its
    people are not others' business). A fixed number of queries."""
    from django.db.models import Count
    from django.http import Http404

    cohort = Cohort.objects.select_related("network").filter(pk=cohort_id).first()
    if cohort is None or not organises(actor, cohort):
        raise Http404
    participants = list(
        cohort.participants.select_related("membership__professional__user", "group").order_by(
            "service_name", "pk"
        )
    )
    by_group: dict[tuple[int, int], list] = {}
    for p in participants:
        if p.group is not None:
            by_group.setdefault((p.group.number, p.group.pk), []).append(p)
    groups = [
        GroupView(
            pk=pk,
            number=n,
            members=members,
            services=len({m.service_name for m in members}),
            levels=sorted({_level(m.level) for m in members}),
            peer_workers=sum(1 for m in members if m.peer_worker),
        )
        for (n, pk), members in sorted(by_group.items())
    ]
    sessions = list(cohort.sessions.annotate(n=Count("present")))
    levels: dict[str, int] = {}
    for p in participants:
        levels[_level(p.level)] = levels.get(_level(p.level), 0) + 1
    return CohortView(
        cohort=cohort,
        participants=participants,
        groups=groups,
        ungrouped=[p for p in participants if p.group is None],
        sessions=sessions,
        services=len({p.service_name for p in participants}),
        levels=levels,
    )


def network_memberships(network: Network) -> list:
    from laget.directory.models import Membership

    return list(
        Membership.objects.active()
        .filter(service__organisation__networks=network)
        .select_related("professional__user", "service")
        .order_by("service__name", "professional__user__last_name")
        .distinct()
    )
