"""Counts of the Samhandlingsteam's work for the quality indicators (issue 19): numbers
only, never a name, an id or a row. Per month, one query each (laget.core.months).

Scope: the teams of the network; a service means the team's own service (the team as a
service in the directory) or, for guidance, the service guided or guiding."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence

from django.db.models import DurationField, ExpressionWrapper, F, OuterRef, Q, Subquery, Sum

from laget.core.months import Bounds, Cell, grouped_by_month, per_month
from laget.directory.models import Network, Service
from laget.teams.models import Case, Consultation, Decision, PerceivedChange

# Age groups for fair distribution: (lowest age, highest age) both included; None: the
# referral names no registered person yet, so the age is not known.
AGE_GROUPS: dict[str, tuple[int, int] | None] = {
    "0-17": (0, 17),
    "18-25": (18, 25),
    "26-44": (26, 44),
    "45-66": (45, 66),
    "67+": (67, 150),
    "unknown": None,
}


def _years_before(day: dt.date, years: int) -> dt.date:
    try:
        return day.replace(year=day.year - years)
    except ValueError:  # 29 February
        return day.replace(year=day.year - years, day=28)


def _age(prefix: str, group: str | None, b: Bounds) -> Q:
    """Persons in the age group on the month's first day."""
    if group is None:
        return Q()
    span = AGE_GROUPS[group]
    if span is None:
        return Q(**{f"{prefix}person__isnull": True})
    lo, hi = span
    return Q(
        **{
            f"{prefix}person__birth_date__lte": _years_before(b[0], lo),
            f"{prefix}person__birth_date__gt": _years_before(b[0], hi + 1),
        }
    )


# A district breakdown names a District's id, or DISTRICT_UNKNOWN: no district recorded
# (the referral names no registered person yet, or the person's district is not set).
DISTRICT_UNKNOWN = "unknown"


def _district(prefix: str, district: int | str | None) -> Q:
    """Persons in the municipality district (as recorded today: no history is kept)."""
    if district is None:
        return Q()
    if district == DISTRICT_UNKNOWN:
        # LEFT JOIN: no person and a person without a district alike.
        return Q(**{f"{prefix}person__district__isnull": True})
    return Q(**{f"{prefix}person__district_id": int(district)})


def referral_to_decision(
    network: Network | None,
    months: Sequence[dt.date],
    service: Service | None = None,
    age_group: str | None = None,
    district: int | str | None = None,
) -> list[Cell]:
    """Intake decisions made in the month; the numerator sums the time from the referral
    to the decision (seconds)."""
    qs = Decision.objects.all()
    if network is not None:
        qs = qs.filter(referral__team__network=network)
    if service is not None:
        qs = qs.filter(referral__team__service=service)
    wait = ExpressionWrapper(
        F("decided_at") - F("referral__received_at"), output_field=DurationField()
    )

    def within(b: Bounds) -> Q:
        return (
            Q(decided_at__gte=b[2], decided_at__lt=b[3])
            & _age("referral__", age_group, b)
            & _district("referral__", district)
        )

    return per_month(qs, months, within=within, value=lambda b: Sum(wait, filter=within(b)))


def referral_to_first_contact(
    network: Network | None,
    months: Sequence[dt.date],
    service: Service | None = None,
    age_group: str | None = None,
    district: int | str | None = None,
) -> list[Cell]:
    """Cases whose first contact fell in the month; the numerator sums the time from the
    referral to that contact (seconds)."""
    qs = Case.objects.filter(first_contact_at__isnull=False)
    if network is not None:
        qs = qs.filter(team__network=network)
    if service is not None:
        qs = qs.filter(team__service=service)
    wait = ExpressionWrapper(
        F("first_contact_at") - F("referral__received_at"), output_field=DurationField()
    )

    def within(b: Bounds) -> Q:
        return (
            Q(first_contact_at__gte=b[2], first_contact_at__lt=b[3])
            & _age("referral__", age_group, b)
            & _district("referral__", district)
        )

    return per_month(qs, months, within=within, value=lambda b: Sum(wait, filter=within(b)))


def _guidance(direction: str):
    def count(
        network: Network | None, months: Sequence[dt.date], service: Service | None = None
    ) -> list[Cell]:
        qs = Consultation.objects.filter(direction=direction)
        if network is not None:
            qs = qs.filter(team__network=network)
        if service is not None:
            qs = qs.filter(Q(service=service) | Q(team__service=service))

        return grouped_by_month(qs, months, "on", value=Sum("minutes"))

    return count


guidance_given = _guidance(Consultation.Direction.GIVEN)
guidance_received = _guidance(Consultation.Direction.RECEIVED)


def perceived_change(
    network: Network | None, months: Sequence[dt.date], service: Service | None = None
) -> list[Cell]:
    """Cases closed in the month with the person's perceived change recorded at least twice
    (at intake and later), and of them those where the latest life situation is better than
    the first. One query: the first and latest ratings are subqueries per case."""
    ratings = PerceivedChange.objects.filter(case=OuterRef("pk"))
    first = ratings.order_by("on", "pk")
    latest = ratings.order_by("-on", "-pk")
    qs = Case.objects.filter(status=Case.Status.CLOSED, closed_at__isnull=False)
    if network is not None:
        qs = qs.filter(team__network=network)
    if service is not None:
        qs = qs.filter(team__service=service)
    qs = (
        qs.annotate(
            first_pk=Subquery(first.values("pk")[:1]),
            latest_pk=Subquery(latest.values("pk")[:1]),
            first_life=Subquery(first.values("life_situation")[:1]),
            latest_life=Subquery(latest.values("life_situation")[:1]),
        )
        .filter(first_pk__isnull=False)
        .exclude(first_pk=F("latest_pk"))
    )

    def within(b: Bounds) -> Q:
        return Q(closed_at__gte=b[2], closed_at__lt=b[3])

    return per_month(qs, months, within=within, meets=lambda b: Q(latest_life__gt=F("first_life")))
