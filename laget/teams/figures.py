"""Counts for the team's leaders, the network's leaders and `manage.py team_report`:
never names. A fixed number of queries per team whatever its size."""

from __future__ import annotations

import statistics
from collections import Counter
from typing import Any

from django.db.models import Count, Sum
from django.utils import timezone

from laget.teams import pairing
from laget.teams.models import BoardEntry, Case, Consultation, CrossLevelTeam, Referral
from laget.teams.selectors import (
    active_members,
    contact_lost,
    flags_of,
    positions_by_level,
    workers_by_case,
)


def _median_days(pairs: list[tuple[Any, Any]]) -> float | None:
    days = [(b - a).total_seconds() / 86400 for a, b in pairs if a and b]
    return round(statistics.median(days), 1) if days else None


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
