"""Ratings for tests, written through the service (so the rules hold)."""

from __future__ import annotations

import datetime as dt
import uuid

from laget.outcomes import services
from laget.outcomes.instruments import INSTRUMENTS


def lines(total: float) -> dict[str, float]:
    """Four equal lines summing to `total` (to a tenth)."""
    each = round(total / 4, 1)
    return {
        "individual": each,
        "interpersonal": each,
        "social": each,
        "overall": round(total - 3 * each, 1),
    }


def rate(w, instrument: str, total: float, *, actor=None, service=None, date=None, answers=None):
    spec = INSTRUMENTS[instrument]
    if answers is None:
        if spec.lines:
            answers = dict(zip(spec.items, lines(total).values(), strict=True))
        else:
            left, answers = int(total), {}
            for item in spec.items:
                top = max(spec.values[item])
                give = min(top, left)
                while give not in spec.values[item]:
                    give -= 1
                answers[item] = give
                left -= give
    return services.rating_record(
        actor=actor or w.coordinator,
        plan=w.plan,
        service=service or w.municipal,
        instrument=instrument,
        answers=answers,
        client_key=uuid.uuid4(),
        date=date or dt.date(2026, 1, 1),
    )
