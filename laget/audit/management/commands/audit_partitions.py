"""Make the access log's yearly partitions ahead of time (PostgreSQL; schedule nightly)."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand

from laget.audit.partitions import YEARS_AHEAD, ensure_ahead


class Command(BaseCommand):
    help = (
        "Make this year's and the next year's access-log partitions, and move rows that "
        "went to the DEFAULT partition into their year (PostgreSQL only)."
    )

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("--years-ahead", type=int, default=YEARS_AHEAD)

    def handle(self, *args: Any, **options: Any) -> None:
        made = ensure_ahead(options["years_ahead"])
        self.stdout.write(f"{len(made)} partitions made" + (f": {', '.join(made)}" if made else ""))
