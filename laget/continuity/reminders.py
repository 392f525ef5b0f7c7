"""When a coordinator gets a reminder: pure functions, no database.

A coordinator with forty plans nearly always has something overdue. An e-mail every day
that says the same thing teaches them to ignore it, and then the one that matters is lost.
So a reminder goes out when something is new since the last one (a plan, or a kind of work
on a plan, whose count went up) and otherwise once a week while things stay undone.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping
from typing import Protocol

REPEAT_AFTER = dt.timedelta(days=7)

# What is counted on each plan, in this order (the fields of selectors.Attention).
KINDS = (
    "revision_overdue",
    "stale_measures",
    "consents_expiring",
    "overdue_tasks",
    "open_handoffs",
    "declined_handoffs",
    "gap_now",
)

Tally = dict[str, list[int]]  # plan id (as text, for JSON) -> a count per kind


class Counted(Protocol):
    plan_id: int


def tally(items: Iterable[Counted]) -> Tally:
    """What needs doing, per plan and kind, as plain numbers (no names)."""
    return {str(item.plan_id): [int(getattr(item, kind)) for kind in KINDS] for item in items}


def something_new(before: Mapping[str, list[int]], now: Tally) -> bool:
    """Has any plan got more of any kind of work than at the last reminder?"""
    return any(
        count > previous
        for plan_id, counts in now.items()
        for count, previous in zip(counts, before.get(plan_id, [0] * len(KINDS)), strict=False)
    )


def reminder_due(
    *,
    now: Tally,
    before: Mapping[str, list[int]] | None,
    last_sent: dt.datetime | None,
    at: dt.datetime,
) -> bool:
    """Send a reminder now? Never for nothing; always the first time and when something is
    new; otherwise when a week has passed since the last one."""
    if not any(any(counts) for counts in now.values()):
        return False
    if before is None or last_sent is None or something_new(before, now):
        return True
    return at - last_sent >= REPEAT_AFTER
