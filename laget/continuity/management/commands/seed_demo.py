"""Load the fictional Fjordvik demo: the directory, the persons with their plans, and
their timelines. Idempotent: a second run changes nothing. It lives in the continuity app,
the top of the house, because it loads every app below it."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db import transaction

from laget.accounts.totp import demo_allowed
from laget.continuity.demo import load_continuity
from laget.directory import demo
from laget.directory.demo_load import load_directory
from laget.directory.models import Network, Organisation
from laget.plans.demo import load_plans


class Command(BaseCommand):
    help = "Load the fictional Fjordvik demo network (refused under production settings)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--if-empty",
            action="store_true",
            help="Do nothing when the database already has organisations.",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        if not demo_allowed():
            raise CommandError("seed_demo needs LAGET_DEMO=1 (never in production).")
        if options["if_empty"] and Organisation.objects.exists():
            self.stdout.write("The database already has data; the demo was not loaded.")
            return
        if Network.objects.filter(slug=demo.NETWORK["slug"]).exists():
            self.stdout.write("The Fjordvik demo network is already loaded.")
            return
        with transaction.atomic():
            directory = load_directory()
            plans = load_plans(directory)
            load_continuity(directory, plans)
        self.stdout.write(
            self.style.SUCCESS(f"Loaded the Fjordvik demo network with {len(plans)} plans.")
        )
