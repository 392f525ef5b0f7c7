"""The team's two rules as pure functions (no queries), shared by the services that refuse
to break them, the selectors that flag cases, the report and the property tests.

1. Every open case has a worker from the municipal and one from the specialist level.
2. In "shoulder to shoulder" the worker beside the treatment contact is from the
   opposite level to that contact (seed 004 §1.3).

A case's flags are computed from who is on it *today* (a member whose fraction has ended
no longer counts), so a membership ended in the directory or edited in the admin flags the
case at once and the flag stays until someone from that level takes over.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

MUNICIPAL = "municipal"
SPECIALIST = "specialist"
LEVELS = (MUNICIPAL, SPECIALIST)

MISSING_MUNICIPAL = "missing_municipal"
MISSING_SPECIALIST = "missing_specialist"
NO_SHOULDER = "no_shoulder"
SHOULDER_SAME_LEVEL = "shoulder_same_level"


@dataclass(frozen=True)
class Worker:
    """A worker's place on a case as the rules see it."""

    level: str
    shoulder: bool
    starts: dt.date  # the member's membership in the team's service
    ends: dt.date | None
    in_team: bool = True  # False when the membership no longer belongs to the team's service

    def counts_on(self, day: dt.date) -> bool:
        return self.in_team and self.starts <= day and (self.ends is None or self.ends >= day)


def opposite(level: str) -> str | None:
    return {MUNICIPAL: SPECIALIST, SPECIALIST: MUNICIPAL}.get(level)


def case_flags(
    *, mode: str, treatment_level: str | None, workers: list[Worker], day: dt.date
) -> list[str]:
    """What is wrong with a case on `day`; empty when both rules hold."""
    counting = [w for w in workers if w.counts_on(day)]
    levels = {w.level for w in counting}
    flags = []
    if MUNICIPAL not in levels:
        flags.append(MISSING_MUNICIPAL)
    if SPECIALIST not in levels:
        flags.append(MISSING_SPECIALIST)
    if mode == "shoulder":
        shoulders = [w for w in counting if w.shoulder]
        if not shoulders:
            flags.append(NO_SHOULDER)
        elif any(w.level != opposite(treatment_level or "") for w in shoulders):
            flags.append(SHOULDER_SAME_LEVEL)
    return flags
