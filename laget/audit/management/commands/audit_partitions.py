"""Make the access log's monthly partitions ahead of time (PostgreSQL; schedule nightly)."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand

from laget.audit.partitions import MONTHS_AHEAD, ensure_ahead


class Command(BaseCommand):
    help = (
        "Make this month's and the next months' access-log partitions, and move rows that "
        "went to the DEFAULT partition into their month (PostgreSQL only)."
    )

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("--months-ahead", type=int, default=MONTHS_AHEAD)

    def handle(self, *args: Any, **options: Any) -> None:
        made = ensure_ahead(options["months_ahead"])
        self.stdout.write(f"{len(made)} partitions made" + (f": {', '.join(made)}" if made else ""))
