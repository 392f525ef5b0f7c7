"""Closed plans past the retention period, as one JSON object: ids and owners, no names.

A closed plan is read-only and kept in full. After LAGET_CLOSED_PLAN_RETENTION_YEARS the
municipality's archive decides what happens to it (handed over to the archive, or deleted
by its archive plan); this command lists what waits for that decision. It deletes nothing.
"""

from __future__ import annotations

import json
from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand

from laget.plans.lifecycle import plans_past_retention


class Command(BaseCommand):
    help = "List closed plans kept longer than the retention period (ids and owners only)."

    def handle(self, *args: Any, **options: Any) -> None:
        plans = plans_past_retention()
        by_owner: dict[str, int] = {}
        for plan in plans:
            by_owner[plan.owner.name] = by_owner.get(plan.owner.name, 0) + 1
        self.stdout.write(
            json.dumps(
                {
                    "retention_years": settings.LAGET_CLOSED_PLAN_RETENTION_YEARS,
                    "past_retention": len(plans),
                    "by_owner": by_owner,
                    "plans": [
                        {
                            "id": p.pk,
                            "owner": p.owner.name,
                            "closed": p.closed_at.date().isoformat(),
                        }
                        for p in plans
                        if p.closed_at is not None
                    ],
                },
                ensure_ascii=False,
            )
        )
