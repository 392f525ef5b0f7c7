"""Who knows whom across services, before and after the year: the counts, the densities
and the picture. Pure: no database.

A tie from service A to service B is there when at least one participant from A says they
know someone in B and would call them. Its strength is how many from A say so. Density is
the share of the possible directed ties (n services: n × (n − 1)) that are there.

The picture reuses the surveys app's network map (groups on a circle, curved ties, labels
that never overlap), so the before and after maps put every service at the same place and
can be compared by eye; the table beside it has the same numbers and is the accessible
version."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass

from laget.surveys.network_map import NetworkMap, layout

MAX_STRENGTH = 8  # wider than this, a tie would hide its neighbours


@dataclass(frozen=True)
class PairRow:
    source: str
    target: str
    before: int
    after: int


@dataclass(frozen=True)
class Graph:
    services: list[str]
    rows: list[PairRow]  # every pair with a tie before or after
    ties_before: int
    ties_after: int
    density_before: float | None  # None with fewer than two services
    density_after: float | None
    answered_before: int  # participants who told us, at the start and at the end
    answered_after: int
    map_before: NetworkMap
    map_after: NetworkMap


def density(ties: int, services: int) -> float | None:
    possible = services * (services - 1)
    return round(100 * ties / possible, 1) if possible else None


def _map(services: list[str], counts: Counter) -> NetworkMap:
    # The map's `rc` is its tie strength (the width grows with it); here: how many say so.
    cells = [
        {"rater": a, "target": b, "rc": 1.0 + min(n, MAX_STRENGTH)}
        for (a, b), n in sorted(counts.items())
    ]
    return layout(services, cells)


def build(services: list[str], ties: list[tuple[int, str, str, str]]) -> Graph:
    """`ties`: (participant id, own service, phase, the service they know someone in).
    A tie to one's own service, or to a service not in the cohort, is not counted."""
    known = set(services)
    counts: dict[str, Counter[tuple[str, str]]] = {"start": Counter(), "end": Counter()}
    answered: dict[str, set[int]] = {"start": set(), "end": set()}
    for participant, own, phase, other in ties:
        if phase not in counts or own == other or own not in known or other not in known:
            continue
        counts[phase][(own, other)] += 1
        answered[phase].add(participant)
    before, after = counts["start"], counts["end"]
    pairs = sorted(set(before) | set(after))
    rows = [PairRow(a, b, before[(a, b)], after[(a, b)]) for a, b in pairs]
    n = len(services)
    return Graph(
        services=services,
        rows=rows,
        ties_before=len(before),
        ties_after=len(after),
        density_before=density(len(before), n),
        density_after=density(len(after), n),
        answered_before=len(answered["start"]),
        answered_after=len(answered["end"]),
        map_before=_map(services, before),
        map_after=_map(services, after),
    )
