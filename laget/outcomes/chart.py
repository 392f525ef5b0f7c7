"""The chart's geometry and its reading in plain words (pure: no database).

The SVG is drawn on the server (no script, no inline style): the scores over sessions,
the cut-off as a line, and the reliable-change band around the first score; whatever lies
inside the band could be chance.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.utils.translation import gettext as _

from laget.outcomes.instruments import HIGHER, Instrument, reliable_change_index

WIDTH, HEIGHT = 480, 270
LEFT, RIGHT, TOP, BOTTOM = 48, 12, 14, 20


@dataclass(frozen=True)
class ChartPoint:
    x: float
    y: float
    total: float
    session: int
    date: dt.date
    service: str


@dataclass(frozen=True)
class Chart:
    width: int
    height: int
    points: list[ChartPoint]
    polyline: str
    cutoff_y: float
    band_top: float | None
    band_height: float | None
    ticks: list[tuple[float, int]]
    plot_left: int
    plot_right: int
    plot_bottom: float

    @property
    def plot_width(self) -> int:
        return self.plot_right - self.plot_left


def _fmt(v: float) -> float:
    return round(v, 1)


def draw(instrument: Instrument, rows: list[tuple[float, int, dt.date, str]]) -> Chart:
    """`rows`: (total, session, date, service name) in order."""
    top = instrument.maximum
    plot_h = HEIGHT - TOP - BOTTOM
    plot_w = WIDTH - LEFT - RIGHT

    def y(value: float) -> float:
        return _fmt(TOP + plot_h * (1 - value / top))

    step = plot_w / max(len(rows) - 1, 1)
    points = [
        ChartPoint(
            _fmt(LEFT + i * step if len(rows) > 1 else LEFT + plot_w / 2), y(t), t, s, d, svc
        )
        for i, (t, s, d, svc) in enumerate(rows)
    ]
    band_top = band_height = None
    if rows:
        first = rows[0][0]
        low = max(first - instrument.reliable_change, 0.0)
        high = min(first + instrument.reliable_change, top)
        band_top, band_height = y(high), _fmt(y(low) - y(high))
    tick_step = 10 if top >= 30 else 5 if top >= 15 else 2
    ticks = [(y(v), v) for v in range(0, int(top) + 1, tick_step)]
    return Chart(
        WIDTH,
        HEIGHT,
        points,
        " ".join(f"{p.x},{p.y}" for p in points),
        y(instrument.cutoff),
        band_top,
        band_height,
        ticks,
        LEFT,
        WIDTH - RIGHT,
        _fmt(TOP + plot_h),
    )


def reading(instrument: Instrument, totals: list[float], *, own: bool = True) -> str:
    """What the curve says, in words a tired person understands."""
    if not totals:
        return _("No ratings yet.")
    if len(totals) == 1:
        return _("This is the first rating. Next time you can see whether it goes up or down.")
    verdict = reliable_change_index(instrument, totals[0], totals[-1])
    if instrument.key == "alliance":
        if verdict == "improved":
            return _("The help is working clearly better for you than at the start.")
        if verdict == "deteriorated":
            return _(
                "The help is working clearly worse for you "
                "than at the start: say what should change."
            )
        if instrument.in_clinical_range(totals[-1]):
            return _(
                "Something about the help does not quite "
                "suit you: look at the lowest line together."
            )
        return _("The help seems to suit you. Say so if something should change.")
    now_outside = not instrument.in_clinical_range(totals[-1])
    if verdict == "improved":
        text = _("You have got noticeably better since the start.")
        if instrument.in_clinical_range(totals[0]) and now_outside:
            text += " " + _(
                "You are now on the same side of the line as most people who do not seek help."
            )
        return text
    if verdict == "deteriorated":
        return _(
            "You have got noticeably worse since the start. "
            "Talk with your helper about what to change."
        )
    direction = "up" if totals[-1] > totals[0] else "down" if totals[-1] < totals[0] else "flat"
    if (
        direction == "flat"
        or (instrument.direction == HIGHER and direction == "up")
        or (instrument.direction != HIGHER and direction == "down")
    ):
        return _(
            "Things are about the same as at the start, or a "
            "little better; the change is not yet big enough to be sure."
        )
    return _(
        "Things are about the same as at the start, or a "
        "little worse; the change is not yet big enough to be sure."
    )
