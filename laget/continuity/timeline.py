"""Gaps and overlaps in who is responsible for a person: pure functions on dates.

An episode covers whole days from `start` to `end`, both included; `end` None means still
going. Only responsible episodes close a gap; supporting ones never do. A hand-off on the
same day (A ends the day B starts) leaves no gap, and neither do touching episodes (A ends
the 10th, B starts the 11th).
"""

from __future__ import annotations

import datetime as dt
import itertools
from collections.abc import Iterable
from dataclasses import dataclass

ONE_DAY = dt.timedelta(days=1)


@dataclass(frozen=True)
class Span:
    start: dt.date
    end: dt.date  # included

    @property
    def days(self) -> int:
        return (self.end - self.start).days + 1


@dataclass(frozen=True)
class Episode:
    service_id: int
    start: dt.date
    end: dt.date | None
    responsible: bool


def _clip(episode: Episode, period: Span) -> Span | None:
    start = max(episode.start, period.start)
    end = min(episode.end or period.end, period.end)
    return Span(start, end) if start <= end else None


def covered(episodes: Iterable[Episode], period: Span) -> list[Span]:
    """The days of `period` some responsible episode covers, as merged spans in order."""
    spans = sorted(
        (s for e in episodes if e.responsible and (s := _clip(e, period)) is not None),
        key=lambda s: s.start,
    )
    merged: list[Span] = []
    for span in spans:
        if merged and span.start <= merged[-1].end + ONE_DAY:  # overlapping or touching
            last = merged[-1]
            merged[-1] = Span(last.start, max(last.end, span.end))
        else:
            merged.append(span)
    return merged


def gaps(episodes: Iterable[Episode], period: Span) -> list[Span]:
    """Every run of days in `period` with no responsible service."""
    result, cursor = [], period.start
    for span in covered(episodes, period):
        if span.start > cursor:
            result.append(Span(cursor, span.start - ONE_DAY))
        cursor = max(cursor, span.end + ONE_DAY)
    if cursor <= period.end:
        result.append(Span(cursor, period.end))
    return result


def overlaps(episodes: Iterable[Episode], period: Span) -> list[tuple[Span, frozenset[int]]]:
    """Runs of days where two or more services are responsible at once, with which ones.

    A one-day overlap at a same-day hand-off is reported too: it is the safe kind.
    """
    clipped = [
        (s, e.service_id) for e in episodes if e.responsible and (s := _clip(e, period)) is not None
    ]
    # Sweep over the days where the set of responsible services changes.
    points = sorted({s.start for s, _ in clipped} | {s.end + ONE_DAY for s, _ in clipped})
    result: list[tuple[Span, frozenset[int]]] = []
    for start, next_start in itertools.pairwise(points):
        services = frozenset(sid for s, sid in clipped if s.start <= start <= s.end)
        if len(services) < 2:
            continue
        span = Span(start, next_start - ONE_DAY)
        if result and result[-1][1] == services and result[-1][0].end + ONE_DAY == span.start:
            result[-1] = (Span(result[-1][0].start, span.end), services)
        else:
            result.append((span, services))
    return result


def responsible_on(episodes: Iterable[Episode], day: dt.date) -> set[int]:
    """The services responsible on `day`."""
    return {
        e.service_id
        for e in episodes
        if e.responsible and e.start <= day and (e.end is None or day <= e.end)
    }
