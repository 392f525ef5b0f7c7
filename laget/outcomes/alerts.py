"""The alert rules, on one person's ratings (pure: no database).

- not on track: this many outcome sessions (the service sets it) without a reliable
  improvement since the first;
- reliable deterioration on any instrument since the first score;
- alliance below its cut-off (36), or falling by a point or more since the last session;
- PHQ-9 item 9 above zero in the latest PHQ-9: urgent, with the crisis routine.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from laget.outcomes.instruments import (
    ALLIANCE,
    INSTRUMENTS,
    OUTCOME,
    PHQ9_RISK_ITEM,
    reliable_change_index,
)

NOT_ON_TRACK, DETERIORATION, ALLIANCE_LOW, ALLIANCE_FALL, RISK = (
    "not_on_track",
    "deterioration",
    "alliance_low",
    "alliance_fall",
    "risk",
)
ALLIANCE_DROP = 1.0
# "Not on track" after this many outcome sessions unless the service sets another number.
DEFAULT_SESSIONS_BEFORE_ALERT = 4


@dataclass(frozen=True)
class Point:
    instrument: str
    total: float
    answers: dict
    rater: str = "person"


@dataclass(frozen=True)
class Alert:
    kind: str
    instrument: str
    urgent: bool = False
    first: float | None = None
    last: float | None = None


def alerts(points: Iterable[Point], *, sessions_before_alert: int) -> list[Alert]:
    """`points` in session order (date, then session number); the person's own ratings."""
    series: dict[str, list[Point]] = {}
    for p in points:
        if p.rater == "person":
            series.setdefault(p.instrument, []).append(p)
    found: list[Alert] = []
    phq9 = series.get("phq9")
    if phq9 and float(phq9[-1].answers.get(PHQ9_RISK_ITEM) or 0) > 0:
        found.append(Alert(RISK, "phq9", urgent=True, last=phq9[-1].total))
    for key, ps in series.items():
        first, last = ps[0].total, ps[-1].total
        if len(ps) >= 2 and reliable_change_index(INSTRUMENTS[key], first, last) == "deteriorated":
            found.append(Alert(DETERIORATION, key, first=first, last=last))
    outcome = series.get(OUTCOME.key, [])
    if (
        len(outcome) >= max(sessions_before_alert, 2)
        and reliable_change_index(OUTCOME, outcome[0].total, outcome[-1].total) == "none"
    ):
        found.append(
            Alert(NOT_ON_TRACK, OUTCOME.key, first=outcome[0].total, last=outcome[-1].total)
        )
    alliance = series.get(ALLIANCE.key, [])
    if alliance:
        last = alliance[-1].total
        if ALLIANCE.in_clinical_range(last):
            found.append(Alert(ALLIANCE_LOW, ALLIANCE.key, last=last))
        elif len(alliance) >= 2 and alliance[-2].total - last >= ALLIANCE_DROP - 1e-9:
            found.append(Alert(ALLIANCE_FALL, ALLIANCE.key, first=alliance[-2].total, last=last))
    return found
