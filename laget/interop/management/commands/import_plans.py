"""Move plans in from CSV files (laget/interop/csv_import.py; template in
docs/import-template.md).

    manage.py import_plans FOLDER --organisation 952601814 --as leder@kommune.no --dry-run
    manage.py import_plans FOLDER --organisation 952601814 --as leder@kommune.no
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.core.exceptions import PermissionDenied
from django.core.management.base import BaseCommand, CommandError, CommandParser

from laget.accounts.models import User
from laget.directory.models import Organisation
from laget.interop.csv_import import COLUMNS, import_plans


class Command(BaseCommand):
    help = "Import persons, plans, goals, measures and team members from CSV files."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("folder", type=Path)
        parser.add_argument("--organisation", required=True, help="organisation number")
        parser.add_argument("--as", dest="actor", required=True, help="the importer's e-mail")
        parser.add_argument("--dry-run", action="store_true")

    def handle(self, *args: Any, **options: Any) -> None:
        folder: Path = options["folder"]
        organisation = Organisation.objects.filter(org_number=options["organisation"]).first()
        actor = User.objects.filter(email=options["actor"].lower()).first()
        if organisation is None or actor is None:
            raise CommandError("Fant ikke organisasjonen eller brukeren.")
        files = {
            name: (folder / name).read_text(encoding="utf-8")
            for name in COLUMNS
            if (folder / name).exists()
        }
        try:
            report = import_plans(
                actor=actor, organisation=organisation, files=files, dry_run=options["dry_run"]
            )
        except PermissionDenied:
            raise CommandError(
                "Bare en leder i organisasjonen som eier planene kan flytte dem inn."
            ) from None
        for problem in report.problems:
            self.stdout.write(str(problem))
        counts = ", ".join(f"{n}: {c}" for n, c in report.counts.items())
        if report.problems:
            raise CommandError(f"{len(report.problems)} problem(er); ingenting er skrevet.")
        self.stdout.write(("Skrevet: " if report.written else "Prøvekjøring uten feil: ") + counts)
