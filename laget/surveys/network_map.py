"""Geometry for the network map: groups on a circle, ties as arrows whose width grows
with their strength. Pure functions; the template draws the SVG."""

from __future__ import annotations

import math
from dataclasses import dataclass

from laget.surveys.report import band

SIZE = 640
RADIUS = 230
NODE = 14


@dataclass(frozen=True)
class Node:
    name: str
    x: float
    y: float
    label_x: float
    label_y: float
    anchor: str  # text-anchor


@dataclass(frozen=True)
class Edge:
    rater: str
    target: str
    rc: float
    x1: float
    y1: float
    x2: float
    y2: float
    width: float
    band: str


def layout(groups: list[str], cells: list[dict]) -> tuple[list[Node], list[Edge]]:
    centre = SIZE / 2
    nodes: dict[str, Node] = {}
    count = max(len(groups), 1)
    for i, name in enumerate(groups):
        angle = 2 * math.pi * i / count - math.pi / 2
        x, y = centre + RADIUS * math.cos(angle), centre + RADIUS * math.sin(angle)
        lx, ly = centre + (RADIUS + 24) * math.cos(angle), centre + (RADIUS + 24) * math.sin(angle)
        anchor = (
            "middle" if abs(math.cos(angle)) < 0.3 else ("start" if math.cos(angle) > 0 else "end")
        )
        nodes[name] = Node(name, round(x, 1), round(y, 1), round(lx, 1), round(ly + 4, 1), anchor)
    edges = []
    for c in cells:
        if c.get("suppressed") or c["rater"] == c["target"]:
            continue
        a, b = nodes.get(c["rater"]), nodes.get(c["target"])
        if a is None or b is None:
            continue
        # Shift each direction a little to its own side, so A→B and B→A do not overlap,
        # and stop short of the target's circle so the arrowhead shows.
        dx, dy = b.x - a.x, b.y - a.y
        length = math.hypot(dx, dy) or 1
        ox, oy = -dy / length * 4, dx / length * 4
        shorten = (NODE + 6) / length
        edges.append(
            Edge(
                c["rater"],
                c["target"],
                c["rc"],
                round(a.x + ox + dx * shorten, 1),
                round(a.y + oy + dy * shorten, 1),
                round(b.x + ox - dx * shorten, 1),
                round(b.y + oy - dy * shorten, 1),
                round(max(0.5, (c["rc"] - 1) * 1.2), 2),
                band(c["rc"]),
            )
        )
    return list(nodes.values()), sorted(edges, key=lambda e: e.rc)
