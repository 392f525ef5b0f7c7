"""Monthly continuity figures as one JSON object: counts only, no names."""

from __future__ import annotations

import json
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from laget.continuity.figures import continuity_figures
from laget.directory.models import Network


class Command(BaseCommand):
    help = "Print continuity figures (counts only) for all plans or one network."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--network", help="the network's short name (slug)")

    def handle(self, *args: Any, **options: Any) -> None:
        network = None
        if options["network"]:
            network = Network.objects.filter(slug=options["network"]).first()
            if network is None:
                raise CommandError(f"No network is called '{options['network']}'.")
        self.stdout.write(json.dumps(continuity_figures(network=network).as_dict()))
