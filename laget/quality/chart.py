"""A trend chart's geometry, drawn on the server (no script, no inline style; pure: no
database). Months across, the value up; a suppressed or empty month breaks the line, so
nothing is drawn where nothing may be shown. The numbers always stand beside it."""

from __future__ import annotations

import math
from dataclasses import dataclass

from laget.quality.indicators import Series

WIDTH, HEIGHT = 480, 200
LEFT, RIGHT, TOP, BOTTOM = 44, 12, 12, 28
SPARK_W, SPARK_H = 120, 28


@dataclass(frozen=True)
class Point:
    x: float
    y: float
    label: str  # the month, e.g. "03.26"
    value: float


@dataclass(frozen=True)
class Chart:
    width: int
    height: int
    lines: list[str]  # polyline point lists, one per unbroken run
    points: list[Point]
    ticks: list[tuple[float, float]]  # (y, value)
    months: list[tuple[float, str]]  # (x, label) under the axis
    plot_left: int
    plot_right: int
    plot_bottom: int


def _nice_top(v: float) -> float:
    if v <= 0:
        return 1.0
    magnitude = 10 ** math.floor(math.log10(v))
    for step in (1, 2, 2.5, 5, 10):
        if v <= step * magnitude:
            return step * magnitude
    return 10 * magnitude  # pragma: no cover


def draw(series: Series, *, spark: bool = False) -> Chart:
    width, height = (SPARK_W, SPARK_H) if spark else (WIDTH, HEIGHT)
    left, right, top, bottom = (2, 2, 2, 2) if spark else (LEFT, RIGHT, TOP, BOTTOM)
    values = [f.number for f in series.months]
    shown = [v for v in values if v is not None]
    ceiling = 100.0 if series.indicator.kind == "percent" else _nice_top(max(shown, default=0))
    plot_w, plot_h = width - left - right, height - top - bottom
    n = len(series.months)

    def x(i: int) -> float:
        return round(left + (plot_w * i / (n - 1) if n > 1 else plot_w / 2), 1)

    def y(v: float) -> float:
        return round(top + plot_h * (1 - min(v, ceiling) / ceiling), 1)

    lines: list[str] = []
    run: list[str] = []
    points: list[Point] = []
    for i, (f, v) in enumerate(zip(series.months, values, strict=True)):
        if v is None:
            if run:
                lines.append(" ".join(run))
            run = []
            continue
        run.append(f"{x(i)},{y(v)}")
        points.append(Point(x(i), y(v), f"{f.month:%m.%y}", v))
    if run:
        lines.append(" ".join(run))
    ticks = [] if spark else [(y(ceiling * k / 4), round(ceiling * k / 4, 1)) for k in range(5)]
    step = max(1, math.ceil(n / 6))
    months = (
        []
        if spark
        else [(x(i), f"{f.month:%m.%y}") for i, f in enumerate(series.months) if i % step == 0]
    )
    return Chart(width, height, lines, points, ticks, months, left, width - right, height - bottom)
