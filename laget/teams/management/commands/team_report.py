"""`manage.py team_report [--team SLUG]`: one JSON object per cross-level team, counts
only (no names of persons or workers)."""

from __future__ import annotations

import json

from django.core.management.base import BaseCommand, CommandError

from laget.teams.figures import team_figures
from laget.teams.models import CrossLevelTeam


class Command(BaseCommand):
    help = "Print one JSON object per cross-level team: cases, flags, referrals, waiting times."

    def add_arguments(self, parser):
        parser.add_argument("--team", help="the team's short name (its service's slug)")

    def handle(self, *args, **options):
        teams = CrossLevelTeam.objects.select_related("service").order_by("service__slug")
        if options["team"]:
            teams = teams.filter(service__slug=options["team"])
            if not teams.exists():
                raise CommandError(f"Fant ikke noe team med kortnavnet {options['team']!r}.")
        for team in teams:
            self.stdout.write(json.dumps(team_figures(team), ensure_ascii=False, sort_keys=True))
