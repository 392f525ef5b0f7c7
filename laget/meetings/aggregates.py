"""Counts of plan meetings for the quality indicators (issue 19): numbers only, never a
name, an id or a row. Per month, one query each (laget.core.months)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence

from django.db.models import Count, DurationField, Exists, ExpressionWrapper, F, OuterRef, Q, Sum
from django.utils import timezone

from laget.core.months import Cell, grouped_by_month
from laget.directory.models import Network, Service
from laget.meetings.models import Kind, Meeting, Participant
from laget.plans.aggregates import plans_in
from laget.plans.models import TeamMember

COORDINATORS = [TeamMember.Role.COORDINATOR, TeamMember.Role.SPECIALIST_COORDINATOR]


def _held(network: Network | None, service: Service | None):
    """Responsibility-group meetings of plans in scope that were not cancelled."""
    return Meeting.objects.filter(
        kind=Kind.GROUP,
        plan__in=plans_in(network, service).values("pk"),
        status=Meeting.Status.PLANNED,
    )


def person_attended(
    network: Network | None, months: Sequence[dt.date], service: Service | None = None
) -> list[Cell]:
    """Meetings held in the month where the person was invited and attendance recorded,
    and of them those the person attended."""
    person_here = Participant.objects.filter(
        meeting=OuterRef("pk"), user=OuterRef("plan__person__user"), attended__isnull=False
    )
    qs = _held(network, service).annotate(
        recorded=Exists(person_here), came=Exists(person_here.filter(attended=True))
    )
    return grouped_by_month(
        qs.filter(recorded=True), months, "starts_at", until=timezone.now(), meets=Q(came=True)
    )


def coordinator_present(
    network: Network | None, months: Sequence[dt.date], service: Service | None = None
) -> list[Cell]:
    """Meetings held in the month with attendance recorded, and of them those a
    coordinator of the plan attended."""
    coordinators = TeamMember.objects.filter(
        plan=OuterRef(OuterRef("plan")), role__in=COORDINATORS
    ).values("user")
    recorded = Participant.objects.filter(meeting=OuterRef("pk"), attended__isnull=False)
    came = Participant.objects.filter(meeting=OuterRef("pk"), attended=True, user__in=coordinators)
    qs = _held(network, service).annotate(recorded=Exists(recorded), came=Exists(came))
    return grouped_by_month(
        qs.filter(recorded=True), months, "starts_at", until=timezone.now(), meets=Q(came=True)
    )


def meeting_hours(
    network: Network | None, months: Sequence[dt.date], service: Service | None = None
) -> list[Cell]:
    """Persons with a meeting held in the month (distinct plans), and the meetings' hours
    summed (in seconds)."""
    length = ExpressionWrapper(F("ends_at") - F("starts_at"), output_field=DurationField())
    return grouped_by_month(
        _held(network, service),
        months,
        "starts_at",
        until=timezone.now(),
        value=Sum(length),
        denominator=Count("plan", distinct=True),
    )
