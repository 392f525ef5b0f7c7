"""Counts across plans for the quality indicators (issue 19): numbers only, never a name,
an id or a row. Each function answers per month in one query (laget.core.months).

Scope: a plan belongs to a network when its owner, or a service on its team, is in one of
the network's organisations; to a service when that service is (or was) on its team.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence

from django.db.models import Exists, F, OuterRef, Q, QuerySet, Subquery
from django.utils import timezone

from laget.core.months import Bounds, Cell, grouped_by_month, per_month
from laget.directory.models import Network, Service
from laget.plans.models import Consent, EmergencyAccess, Goal, Measure, Plan, Task, TeamMember

# An emergency access is reviewed in time when the coordinator looked at it within a week
# of its end (the plans app flags it until reviewed; no deadline is set there).
REVIEW_WITHIN = dt.timedelta(days=7)
OPEN_MEASURE = [Measure.Status.PLANNED, Measure.Status.ONGOING]


def plans_in(network: Network | None, service: Service | None = None) -> QuerySet[Plan]:
    """Plans in scope, as a flat queryset (no joins that could double rows). No network:
    every plan in this Laget."""
    qs = Plan.objects.all()
    if network is not None:
        orgs = network.organisations.all()
        ids = Plan.objects.filter(
            Q(owner__in=orgs) | Q(team__service__organisation__in=orgs)
        ).values("pk")
        qs = qs.filter(pk__in=ids)
    if service is not None:
        qs = qs.filter(pk__in=TeamMember.objects.filter(service=service).values("plan_id"))
    return qs


def in_use(b: Bounds) -> Q:
    """Plans in use some time in the month: made before its end, past draft, not closed
    before it began."""
    _, _, start, end = b
    return (
        Q(created_at__lt=end)
        & ~Q(status=Plan.Status.DRAFT)
        & (Q(closed_at__isnull=True) | Q(closed_at__gte=start))
    )


def goals_in_own_words(
    network: Network | None, months: Sequence[dt.date], service: Service | None = None
) -> list[Cell]:
    first_goal = Goal.objects.filter(plan=OuterRef("pk")).order_by("created_at")
    qs = plans_in(network, service).annotate(
        first_goal=Subquery(first_goal.values("created_at")[:1])
    )
    return per_month(
        qs, months, within=in_use, meets=lambda b: Q(first_goal__isnull=False, first_goal__lt=b[3])
    )


def consent_digital(
    network: Network | None, months: Sequence[dt.date], service: Service | None = None
) -> list[Cell]:
    return grouped_by_month(
        plans_in(network, service),
        months,
        "consent_given_at",
        meets=Q(consent_method=Plan.ConsentMethod.DIGITAL),
    )


def past_revision(
    network: Network | None, months: Sequence[dt.date], service: Service | None = None
) -> list[Cell]:
    """Plans in use at the month's end whose revision date (as recorded now) lay before it."""
    return per_month(
        plans_in(network, service),
        months,
        within=lambda b: in_use(b) & (Q(closed_at__isnull=True) | Q(closed_at__gte=b[3])),
        meets=lambda b: Q(next_revision__lt=min(b[1], timezone.localdate())),
    )


def overdue_tasks(
    network: Network | None, months: Sequence[dt.date], service: Service | None = None
) -> list[Cell]:
    """Tasks due in the month, and of them those still open after their due date."""
    today = timezone.localdate()
    qs = Task.objects.filter(plan__in=plans_in(network).values("pk"))
    if service is not None:
        qs = qs.filter(assignee_service=service)
    return grouped_by_month(qs, months, "due", until=today, meets=Q(status=Task.Status.OPEN))


def emergency_reviewed(
    network: Network | None, months: Sequence[dt.date], service: Service | None = None
) -> list[Cell]:
    """Emergency accesses that ended in the month (and whose week for review is over),
    and of them those reviewed within a week of their end."""
    now = timezone.now()
    qs = EmergencyAccess.objects.filter(plan__in=plans_in(network).values("pk"))
    if service is not None:
        qs = qs.filter(service=service)
    return grouped_by_month(
        qs,
        months,
        "ends_at",
        until=now - REVIEW_WITHIN,
        meets=Q(reviewed_at__isnull=False, reviewed_at__lte=F("ends_at") + REVIEW_WITHIN),
    )


def consents_lapsed_with_open_measures(
    network: Network | None, months: Sequence[dt.date], service: Service | None = None
) -> list[Cell]:
    """Consents to a service that ran out in the month (not withdrawn, not renewed by a
    later one to the same service), and of them those that left the service with an open
    measure in the person's plan: help going on without a consent to share."""
    today = timezone.localdate()
    plans = plans_in(network)
    qs = Consent.objects.filter(
        to_service__isnull=False,
        withdrawn_at__isnull=True,
        person_id__in=plans.values("person_id"),
    )
    if service is not None:
        qs = qs.filter(to_service=service)
    renewed = Consent.objects.filter(
        person_id=OuterRef("person_id"),
        to_service_id=OuterRef("to_service_id"),
        withdrawn_at__isnull=True,
        valid_to__gt=OuterRef("valid_to"),
        valid_from__lte=OuterRef("valid_to"),
    )
    open_measure = Measure.objects.filter(
        plan__person_id=OuterRef("person_id"),
        plan__status=Plan.Status.ACTIVE,
        responsible_service_id=OuterRef("to_service_id"),
        status__in=OPEN_MEASURE,
    )
    qs = qs.annotate(renewed=Exists(renewed), open_measure=Exists(open_measure)).filter(
        renewed=False
    )
    return grouped_by_month(qs, months, "valid_to", until=today, meets=Q(open_measure=True))
