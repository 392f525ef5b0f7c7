"""Geometry for the network map: groups on a circle, ties as curved arrows whose width
grows with their strength. Pure functions; the template draws the SVG.

Readable at twelve groups (issue 12): a long group name is wrapped onto at most three
short lines; each label sits outside its node, on the node's side of the circle; the
circle grows until no two labels overlap, and the picture's frame (viewBox) is the box
around everything drawn, so no label is ever cut off. Each tie bends to its own right,
so A→B and B→A are two separate curves. With a focus group only its ties are drawn, each
with its number beside it.

The layout is a circle on purpose: with every group tied to every other, a force layout
(networkx's spring layout, say) only moves the tangle around, while a circle keeps every
group at the same place from round to round, so two maps can be compared by eye.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

from laget.surveys.report import band

NODE = 14  # node radius
FONT = 13  # label font size, in the picture's units (CSS keeps the two in step)
LINE = 16  # label line height
CHAR = 0.62 * FONT  # a generous average character width, so estimates err wide
WRAP = 16  # characters per label line
GAP = 10  # from a node's edge to its label
MARGIN = 12
MIN_RADIUS = 190


@dataclass(frozen=True)
class Node:
    name: str
    x: float
    y: float
    label_x: float
    label_y: float  # the first line's baseline
    anchor: str  # text-anchor
    lines: tuple[str, ...]
    box: tuple[float, float, float, float]  # the label's estimated (x0, y0, x1, y1)
    focused: bool = False


@dataclass(frozen=True)
class Edge:
    rater: str
    target: str
    rc: float
    path: str  # an SVG path: a quadratic curve from rater to target
    width: float
    band: str
    label_x: float  # where the number goes (focus only)
    label_y: float


@dataclass(frozen=True)
class NetworkMap:
    nodes: list[Node]
    edges: list[Edge]
    view_box: str  # "x y width height"
    width: float
    height: float
    focus: str | None


def wrap(name: str, width: int = WRAP, max_lines: int = 3) -> tuple[str, ...]:
    """A name on short lines, broken at spaces and hyphens; a last line that would
    still be too long ends in an ellipsis (the full name is in the tooltip and table)."""
    words: list[str] = []
    for part in name.split():
        pieces = part.split("-")
        words += [p + "-" for p in pieces[:-1]] + [pieces[-1]]
    lines: list[str] = []
    current = ""
    for word in words:
        joiner = "" if current.endswith("-") or not current else " "
        if current and len(current) + len(joiner) + len(word) > width:
            lines.append(current)
            current = word
        else:
            current += joiner + word
    if current:
        lines.append(current)
    lines = [line if len(line) <= width + 6 else line[: width + 5] + "…" for line in lines]
    if len(lines) > max_lines:
        lines = [*lines[: max_lines - 1], lines[max_lines - 1][: width - 1] + "…"]
    return tuple(lines)


def _label(name: str, angle: float, radius: float) -> tuple[float, float, str, tuple, tuple]:
    """Where a node's label goes: beside the node, on the outside of the circle (above
    or below it at the top and bottom, to the side elsewhere), a fixed gap away."""
    lines = wrap(name)
    cos, sin = math.cos(angle), math.sin(angle)
    x, y = radius * cos, radius * sin
    width = max(len(line) for line in lines) * CHAR
    height = len(lines) * LINE
    if abs(cos) < 0.35:  # top or bottom: centred above or below the node
        anchor, lx, x0 = "middle", x, x - width / 2
        y0 = y - NODE - GAP - height if sin < 0 else y + NODE + GAP
    else:  # the sides: reading away from the circle, centred on the node's height
        anchor = "start" if cos > 0 else "end"
        lx = x + NODE + GAP if cos > 0 else x - NODE - GAP
        x0 = lx if cos > 0 else lx - width
        y0 = y - height / 2
    baseline = y0 + FONT
    return lx, baseline, anchor, lines, (x0, y0, x0 + width, y0 + height)


def _overlap(a: tuple, b: tuple, pad: float = 4) -> bool:
    return a[0] < b[2] + pad and b[0] < a[2] + pad and a[1] < b[3] + pad and b[1] < a[3] + pad


def _node_box(x: float, y: float) -> tuple[float, float, float, float]:
    return (x - NODE, y - NODE, x + NODE, y + NODE)


def place(groups: list[str]) -> tuple[float, dict[str, tuple]]:
    """The smallest circle (from MIN_RADIUS up) on which no label overlaps another label
    or a node. Centre at (0, 0); angle 0 points up."""
    count = max(len(groups), 1)
    radius = MIN_RADIUS
    while True:
        placed = {}
        for i, name in enumerate(groups):
            angle = 2 * math.pi * i / count - math.pi / 2
            x, y = radius * math.cos(angle), radius * math.sin(angle)
            placed[name] = (x, y, *_label(name, angle, radius))
        boxes = [p[6] for p in placed.values()]
        nodes = [_node_box(p[0], p[1]) for p in placed.values()]
        clash = any(
            _overlap(boxes[i], boxes[j])
            for i in range(len(boxes))
            for j in range(i + 1, len(boxes))
        ) or any(_overlap(b, n) for b in boxes for n in nodes)
        if not clash or radius > 2000:
            return radius, placed
        radius += 10


def _curve(ax: float, ay: float, bx: float, by: float, bend: float = 0.12) -> tuple:
    """A quadratic curve from a to b bending to its right, stopped short of both nodes
    so the arrowhead shows; and the point on the curve halfway."""
    dx, dy = bx - ax, by - ay
    length = math.hypot(dx, dy) or 1
    nx, ny = -dy / length, dx / length  # the left-hand normal; bend the other way
    cx, cy = (ax + bx) / 2 - nx * bend * length, (ay + by) / 2 - ny * bend * length

    # Start and end a node's radius (and a little) away from the centres, towards the
    # control point.
    def towards(px: float, py: float, qx: float, qy: float, d: float) -> tuple[float, float]:
        ln = math.hypot(qx - px, qy - py) or 1
        return px + (qx - px) * d / ln, py + (qy - py) * d / ln

    sx, sy = towards(ax, ay, cx, cy, NODE + 2)
    ex, ey = towards(bx, by, cx, cy, NODE + 5)
    mx, my = 0.25 * sx + 0.5 * cx + 0.25 * ex, 0.25 * sy + 0.5 * cy + 0.25 * ey
    path = f"M {sx:.1f} {sy:.1f} Q {cx:.1f} {cy:.1f} {ex:.1f} {ey:.1f}"
    return path, mx, my


def layout(groups: list[str], cells: list[dict], focus: str | None = None) -> NetworkMap:
    if focus not in groups:
        focus = None
    _radius, placed = place(groups)
    nodes = [
        Node(
            name,
            round(x, 1),
            round(y, 1),
            round(lx, 1),
            round(ly, 1),
            anchor,
            lines,
            tuple(round(v, 1) for v in box),
            focused=name == focus,
        )
        for name, (x, y, lx, ly, anchor, lines, box) in placed.items()
    ]
    by_name = {n.name: n for n in nodes}
    edges = []
    for c in cells:
        if c.get("suppressed") or c["rater"] == c["target"]:
            continue
        if focus is not None and focus not in (c["rater"], c["target"]):
            continue
        a, b = by_name.get(c["rater"]), by_name.get(c["target"])
        if a is None or b is None:
            continue
        path, mx, my = _curve(a.x, a.y, b.x, b.y, bend=0.2 if focus else 0.12)
        edges.append(
            Edge(
                c["rater"],
                c["target"],
                c["rc"],
                path,
                round((c["rc"] - 1) * 1.5 if focus else 0.5 + max(0.0, c["rc"] - 1) * 0.4, 2),
                band(c["rc"]),
                round(mx, 1),
                round(my + 4, 1),
            )
        )
    boxes = [n.box for n in nodes] + [_node_box(n.x, n.y) for n in nodes]
    x0 = min(b[0] for b in boxes) - MARGIN if boxes else -100
    y0 = min(b[1] for b in boxes) - MARGIN if boxes else -100
    x1 = max(b[2] for b in boxes) + MARGIN if boxes else 100
    y1 = max(b[3] for b in boxes) + MARGIN if boxes else 100
    width, height = round(x1 - x0, 1), round(y1 - y0, 1)
    return NetworkMap(
        nodes,
        sorted(edges, key=lambda e: e.rc),
        f"{x0:.1f} {y0:.1f} {width:.1f} {height:.1f}",
        width,
        height,
        focus,
    )
