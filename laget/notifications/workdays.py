"""Working days (Monday to Friday), pure functions. Public holidays are not counted out:
a question asked before Easter is flagged a little early, never late."""

from __future__ import annotations

import datetime as dt


def is_working_day(day: dt.date) -> bool:
    return day.weekday() < 5


def add_working_days(day: dt.date, n: int) -> dt.date:
    """The working day `n` working days after `day` (a weekend day counts from Monday)."""
    while not is_working_day(day):
        day += dt.timedelta(days=1)
    while n > 0:
        day += dt.timedelta(days=1)
        if is_working_day(day):
            n -= 1
    return day


def next_working_day(day: dt.date) -> dt.date:
    return add_working_days(day, 1)
