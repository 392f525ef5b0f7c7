"""Counts for the team's leaders, the network's leaders and `manage.py team_report`:
never names. A fixed number of queries per team whatever its size."""

from __future__ import annotations

import statistics
from collections import Counter
from dataclasses import dataclass
from typing import Any

from django.db.models import Count, Sum
from django.utils import timezone

from laget.directory.models import Service
from laget.teams import pairing
from laget.teams.models import (
    CHANGE_SCALES,
    BoardEntry,
    Case,
    Consultation,
    CrossLevelTeam,
    Decision,
    PerceivedChange,
    Referral,
)
from laget.teams.selectors import (
    SCALE_LABELS,
    active_members,
    contact_lost,
    flags_of,
    positions_by_level,
    workers_by_case,
)


def _median_days(pairs: list[tuple[Any, Any]]) -> float | None:
    days = [(b - a).total_seconds() / 86400 for a, b in pairs if a and b]
    return round(statistics.median(days), 1) if days else None


# A count below this is not shown (it could point to someone in a small team).
MIN_CELL = 5


def _cell(n: int) -> int | str:
    return n if n == 0 or n >= MIN_CELL else f"<{MIN_CELL}"


def perceived_change(team: CrossLevelTeam) -> dict[str, Any]:
    """Across the team's cases (open or closed) with a rating at intake and at least one
    follow-up: per scale, how many rate better, the same or worse now, and the mean change
    (steps on the five-step scale). A scale with fewer than MIN_CELL cases shows nothing;
    any count from 1 to MIN_CELL - 1 is shown as "<5". One query."""
    first: dict[int, tuple[int, ...]] = {}
    last: dict[int, tuple[int, ...]] = {}
    count: Counter[int] = Counter()
    for case_id, *values in (
        PerceivedChange.objects.filter(case__team=team)
        .order_by("case_id", "on", "pk")
        .values_list("case_id", *CHANGE_SCALES)
    ):
        first.setdefault(case_id, tuple(values))
        last[case_id] = tuple(values)
        count[case_id] += 1
    followed = [c for c in first if count[c] > 1]
    result: dict[str, Any] = {"cases": _cell(len(followed)), "scales": {}}
    for i, name in enumerate(CHANGE_SCALES):
        deltas = [last[c][i] - first[c][i] for c in followed]
        if len(deltas) < MIN_CELL:
            result["scales"][name] = None
            continue
        result["scales"][name] = {
            "better": _cell(sum(1 for d in deltas if d > 0)),
            "same": _cell(sum(1 for d in deltas if d == 0)),
            "worse": _cell(sum(1 for d in deltas if d < 0)),
            "mean_change": round(statistics.fmean(deltas), 2),
        }
    return result


def team_figures(team: CrossLevelTeam) -> dict[str, Any]:
    today = timezone.localdate()
    now = timezone.now()
    cases = list(
        Case.objects.filter(team=team, status=Case.Status.OPEN).select_related(
            "treatment_service", "team__service"
        )
    )
    workers = workers_by_case([c.pk for c in cases])
    flags = {c.pk: flags_of(c, workers[c.pk], today) for c in cases}
    missing = {pairing.MISSING_MUNICIPAL, pairing.MISSING_SPECIALIST}
    referrals = list(
        Referral.objects.filter(team=team).values_list(
            "source",
            "status",
            "decision__outcome",
            "received_at",
            "decision__decided_at",
            "case__first_contact_at",
        )
    )
    by_decision = Counter(outcome or status for _, status, outcome, *_rest in referrals)
    consult = (
        Consultation.objects.filter(team=team)
        .values("service__name", "service__level", "direction")
        .annotate(n=Count("pk"), minutes=Sum("minutes"))
        .order_by("service__name", "direction")
    )
    return {
        "team": team.slug,
        "open_cases": len(cases),
        "cases_by_mode": dict(sorted(Counter(c.mode for c in cases).items())),
        "shoulder_cases_by_treatment_level": dict(
            sorted(
                Counter(
                    c.treatment_service.level for c in cases if c.treatment_service is not None
                ).items()
            )
        ),
        "cases_missing_level": sum(1 for f in flags.values() if missing & set(f)),
        "flagged_cases": sum(1 for f in flags.values() if f),
        "lost_contact": sum(1 for c in cases if contact_lost(c, now)),
        "referrals_by_source": dict(sorted(Counter(r[0] for r in referrals).items())),
        "referrals_by_decision": dict(sorted(by_decision.items())),
        "median_days_referral_to_decision": _median_days([(r[3], r[4]) for r in referrals]),
        "median_days_referral_to_first_contact": _median_days([(r[3], r[5]) for r in referrals]),
        "on_board": BoardEntry.objects.filter(case__team=team, came_off__isnull=True).count(),
        "positions_by_level": positions_by_level(active_members(team, today)),
        "perceived_change": perceived_change(team),
        "consultations": [
            {
                "service": c["service__name"],
                "level": c["service__level"],
                "direction": c["direction"],
                "count": c["n"],
                "minutes": c["minutes"],
            }
            for c in consult
        ],
    }


@dataclass
class FiguresPage:
    """The figures in words, for the page (the report keeps the codes)."""

    f: dict[str, Any]
    cases_by_mode: list[tuple[str, int]]
    shoulder_by_level: list[tuple[str, int]]
    referrals_by_source: list[tuple[str, int]]
    referrals_by_decision: list[tuple[str, int]]
    positions_by_level: list[tuple[str, float]]
    consultations: list[dict[str, Any]]
    change: list[tuple[str, dict[str, Any] | None]]


def _words(counts: dict[str, Any], labels: dict[str, Any]) -> list[tuple[str, Any]]:
    return [(str(labels.get(k, k)), n) for k, n in counts.items()]


def figures_page(team: CrossLevelTeam) -> FiguresPage:
    f = team_figures(team)
    levels = dict(Service.Level.choices)
    outcomes = dict(Decision.Outcome.choices) | dict(Referral.Status.choices)
    directions = dict(Consultation.Direction.choices)
    return FiguresPage(
        f=f,
        cases_by_mode=_words(f["cases_by_mode"], dict(Case.Mode.choices)),
        shoulder_by_level=_words(f["shoulder_cases_by_treatment_level"], levels),
        referrals_by_source=_words(f["referrals_by_source"], dict(Referral.Source.choices)),
        referrals_by_decision=_words(f["referrals_by_decision"], outcomes),
        positions_by_level=_words(f["positions_by_level"], levels),
        consultations=[
            c
            | {
                "level": str(levels.get(c["level"], c["level"])),
                "direction": str(directions.get(c["direction"], c["direction"])),
            }
            for c in f["consultations"]
        ],
        change=change_rows(f["perceived_change"]),
    )


def change_rows(change: dict[str, Any]) -> list[tuple[str, dict[str, Any] | None]]:
    return [(str(SCALE_LABELS[name]), change["scales"][name]) for name in CHANGE_SCALES]
