"""Counts of ratings for the quality indicators (issue 19): numbers only, never a name,
an id or a row. Per month, one query each (laget.core.months)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from decimal import Decimal

from django.db.models import Count, Exists, F, OuterRef, Q, Subquery

from laget.core.months import Cell, month_end, per_month
from laget.directory.models import Network, Service
from laget.outcomes.instruments import HIGHER, INSTRUMENTS
from laget.outcomes.models import Rating
from laget.plans.aggregates import in_use, plans_in

# The session scale measures the alliance, not change in the person's life.
OUTCOME_INSTRUMENTS = [k for k in INSTRUMENTS if k != "alliance"]


def plans_rated(
    network: Network | None, months: Sequence[dt.date], service: Service | None = None
) -> list[Cell]:
    """Plans in use in the month, and of them those where the person gave a rating dated
    in the month (a rating by someone close does not count)."""
    own = Rating.objects.filter(plan=OuterRef("pk"), rater=Rating.Rater.PERSON)
    if service is not None:
        own = own.filter(service=service)
    qs = plans_in(network, service)
    # One Exists per month, in the same single query.
    annotations = {}
    for i, first in enumerate(months):
        annotations[f"rated{i}"] = Exists(own.filter(date__gte=first, date__lt=month_end(first)))
    qs = qs.annotate(**annotations)
    index = {m: i for i, m in enumerate(months)}
    return per_month(qs, months, within=in_use, meets=lambda b: Q(**{f"rated{index[b[0]]}": True}))


def reliable_improvement(
    network: Network | None, months: Sequence[dt.date], service: Service | None = None
) -> list[Cell]:
    """Plans with a follow-up rating in the month (the person's own, on an outcome
    instrument, not the first for that instrument), and of them those where a follow-up
    lies a reliable change better than the first rating (the instrument's own value, see
    outcomes.instruments)."""
    first = Rating.objects.filter(
        plan=OuterRef("plan"), instrument=OuterRef("instrument"), rater=Rating.Rater.PERSON
    ).order_by("date", "session", "pk")
    qs = Rating.objects.filter(
        plan__in=plans_in(network, service).values("pk"),
        rater=Rating.Rater.PERSON,
        instrument__in=OUTCOME_INSTRUMENTS,
    )
    if service is not None:
        qs = qs.filter(service=service)
    qs = qs.annotate(
        first_pk=Subquery(first.values("pk")[:1]), first_total=Subquery(first.values("total")[:1])
    ).exclude(pk=F("first_pk"))
    improved = Q()
    for key in OUTCOME_INSTRUMENTS:
        i = INSTRUMENTS[key]
        rc = Decimal(str(i.reliable_change))
        if i.direction == HIGHER:
            improved |= Q(instrument=key, total__gte=F("first_total") + rc)
        else:
            improved |= Q(instrument=key, total__lte=F("first_total") - rc)

    def within(b):
        return Q(date__gte=b[0], date__lt=b[1])

    return per_month(
        qs,
        months,
        within=within,
        value=lambda b: Count("plan", distinct=True, filter=within(b) & improved),
        denominator=lambda b: Count("plan", distinct=True, filter=within(b)),
    )
