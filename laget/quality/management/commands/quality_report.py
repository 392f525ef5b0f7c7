"""The quality indicators as one JSON object: per dimension its indicators, each with its
definition, a value (or `suppressed`, or null when there was nothing to count) per month,
and whether its source exists in Laget yet. Counts and rates only, never a name or an id."""

from __future__ import annotations

import json
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from laget.core.months import last_months
from laget.directory.models import Network
from laget.quality.figures import report
from laget.quality.selectors import MAX_MONTHS


class Command(BaseCommand):
    help = "Print the quality indicators (counts and rates only) for all plans or one network."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--network", help="the network's short name (slug)")
        parser.add_argument(
            "--months", type=int, default=12, help=f"how many months back (1-{MAX_MONTHS})"
        )

    def handle(self, *args: Any, **options: Any) -> None:
        months = options["months"]
        if not 1 <= months <= MAX_MONTHS:
            raise CommandError(f"--months must be between 1 and {MAX_MONTHS}.")
        network = None
        if options["network"]:
            network = Network.objects.filter(slug=options["network"]).first()
            if network is None:
                raise CommandError(f"No network is called '{options['network']}'.")
        self.stdout.write(json.dumps(report(network, last_months(months)), ensure_ascii=False))
