"""Calendar months for figures counted per month (quality indicators and the apps'
aggregate modules that feed them). Pure helpers: no domain app is known here.

A month is named by its first day. Counting over several months happens in ONE query:
one conditional aggregate per month (`Count(..., filter=...)`), so the cost in queries
does not depend on the amount of data, and the database does the counting.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Sequence
from typing import Any

from django.db.models import Count, Q, QuerySet
from django.db.models.functions import TruncMonth
from django.utils import timezone

# (numerator, denominator) for one month. For a rate the numerator counts the units that
# meet the condition; for a mean it is the sum of the values (days, hours).
Cell = tuple[float, int]


def last_months(n: int, today: dt.date | None = None) -> list[dt.date]:
    """The first days of the last `n` months, oldest first; the last is this month."""
    today = today or timezone.localdate()
    year, month = today.year, today.month
    out: list[dt.date] = []
    for _ in range(max(n, 1)):
        out.append(dt.date(year, month, 1))
        month -= 1
        if month == 0:
            year, month = year - 1, 12
    return out[::-1]


def month_end(first: dt.date) -> dt.date:
    """The first day of the next month (exclusive end)."""
    return dt.date(first.year + first.month // 12, first.month % 12 + 1, 1)


def midnight(day: dt.date) -> dt.datetime:
    """Local midnight at the start of `day`, time-zone aware."""
    return timezone.make_aware(dt.datetime.combine(day, dt.time.min))


Bounds = tuple[dt.date, dt.date, dt.datetime, dt.datetime]


def bounds(first: dt.date) -> Bounds:
    """(first day, next month's first day, and the same as aware datetimes)."""
    end = month_end(first)
    return first, end, midnight(first), midnight(end)


def per_month(
    qs: QuerySet[Any],
    months: Sequence[dt.date],
    *,
    within: Callable[[Bounds], Q],
    meets: Callable[[Bounds], Q] | None = None,
    value: Callable[[Bounds], Any] | None = None,
    denominator: Callable[[Bounds], Any] | None = None,
) -> list[Cell]:
    """One query: per month, the rows `within` it (the denominator) and either how many of
    them `meet` a condition or the sum of `value` over them (the numerator).

    `denominator` replaces the plain row count (e.g. distinct plans)."""
    aggregates: dict[str, Any] = {}
    for i, month in enumerate(months):
        b = bounds(month)
        w = within(b)
        aggregates[f"d{i}"] = denominator(b) if denominator else Count("pk", filter=w)
        if meets is not None:
            aggregates[f"n{i}"] = Count("pk", filter=w & meets(b))
        elif value is not None:
            aggregates[f"n{i}"] = value(b)
        else:
            raise ValueError("per_month needs `meets` or `value`")
    row = qs.aggregate(**aggregates)
    return [(_number(row[f"n{i}"]), int(row[f"d{i}"] or 0)) for i in range(len(months))]


def _number(v: Any) -> float:
    if v is None:
        return 0.0
    if isinstance(v, dt.timedelta):
        return v.total_seconds()
    return float(v)


def grouped_by_month(
    qs: QuerySet[Any],
    months: Sequence[dt.date],
    field: str,
    *,
    meets: Q | None = None,
    value: Any = None,
    denominator: Any = None,
    until: dt.date | dt.datetime | None = None,
) -> list[Cell]:
    """As `per_month`, for rows that fall in one month by one date or time `field` (an
    event: a decision, a due date): ONE query grouped by calendar month (local time),
    cheap to build whatever the number of months. `until` cuts the last month short
    (e.g. "due before today")."""
    if not months:
        return []
    first, end = months[0], month_end(months[-1])
    is_datetime = qs.model._meta.get_field(field).get_internal_type() == "DateTimeField"
    start_v: Any = midnight(first) if is_datetime else first
    end_v: Any = midnight(end) if is_datetime else end
    qs = qs.filter(**{f"{field}__gte": start_v, f"{field}__lt": end_v})
    if until is not None:
        qs = qs.filter(**{f"{field}__lt": until})
    if meets is not None:
        numerator: Any = Count("pk", filter=meets)
    elif value is not None:
        numerator = value
    else:
        raise ValueError("grouped_by_month needs `meets` or `value`")
    rows = (
        qs.annotate(_month=TruncMonth(field))
        .values("_month")
        .annotate(_d=denominator if denominator is not None else Count("pk"), _n=numerator)
        .order_by()
    )
    found: dict[dt.date, Cell] = {}
    for row in rows:
        m = row["_month"]
        if isinstance(m, dt.datetime):
            m = timezone.localtime(m).date() if timezone.is_aware(m) else m.date()
        found[m.replace(day=1)] = (_number(row["_n"]), int(row["_d"] or 0))
    return [found.get(m, (0.0, 0)) for m in months]
