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
