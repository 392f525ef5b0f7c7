"""Count and keep the closed months of the quality indicators (quality.figures): the last
`--months` closed months again (default 3, for entries made late), older ones up to three
years back once. Idempotent; schedule it nightly (for example with cron). With
`--current --months 0` every few minutes it keeps the current month too. A worker
(`manage.py db_worker`) runs it; with the immediate backend it runs at once."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from laget.directory.models import Network
from laget.quality.figures import LATE_MONTHS, MAX_MONTHS
from laget.quality.tasks import refresh_figures


class Command(BaseCommand):
    help = "Count and keep the quality indicators' closed months (run nightly)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--network", help="only this network (its short name, slug)")
        parser.add_argument(
            "--months",
            type=int,
            default=LATE_MONTHS,
            help=f"closed months to count again even if kept (0-{MAX_MONTHS}, default "
            f"{LATE_MONTHS})",
        )
        parser.add_argument(
            "--current",
            action="store_true",
            help="count the current month too; run it more often than "
            "LAGET_QUALITY_LIVE_SECONDS and no page counts the month live",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        months = options["months"]
        if not 0 <= months <= MAX_MONTHS:
            raise CommandError(f"--months must be between 0 and {MAX_MONTHS}.")
        slug = options["network"]
        if slug and not Network.objects.filter(slug=slug).exists():
            raise CommandError(f"No network is called '{slug}'.")
        result = refresh_figures.enqueue(
            network_slug=slug or None, late_months=months, current=options["current"]
        )
        if result.is_finished:
            self.stdout.write(f"Kept {result.return_value} monthly figures ({result.status}).")
        else:
            self.stdout.write(f"Queued the refresh ({result.status}).")
