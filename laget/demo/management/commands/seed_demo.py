"""Load the fictional Fjordvik demo: the directory, the persons with their plans, their
timelines, their meetings and the survey rounds. Idempotent: a second run changes nothing.
It lives in the continuity app, near the top of the house, because it loads the apps
below it."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db import transaction
from django.test.utils import override_settings

from laget.accounts.totp import demo_allowed
from laget.continuity.demo import load_continuity
from laget.directory import demo
from laget.directory.demo_load import load_directory
from laget.directory.models import Network, Organisation
from laget.meetings.demo import load_meetings
from laget.notifications.demo import load_notifications
from laget.outcomes.demo import load_outcomes
from laget.plans.demo import load_plans
from laget.quality.demo import load_learning
from laget.surveys.demo import load_surveys
from laget.teams.demo import load_teams

DUMMY_MAIL = "django.core.mail.backends.dummy.EmailBackend"


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
        # The people are fictional: the minutes and reminders the demo produces go nowhere.
        with override_settings(EMAIL_BACKEND=DUMMY_MAIL), transaction.atomic():
            directory = load_directory()
            plans = load_plans(directory)
            load_continuity(directory, plans)
            load_meetings(directory, plans)
            load_surveys(directory)
            load_outcomes(directory, plans)
            load_teams(directory)
            load_learning(directory)
            load_notifications(plans)
        self.stdout.write(
            self.style.SUCCESS(f"Loaded the Fjordvik demo network with {len(plans)} plans.")
        )
