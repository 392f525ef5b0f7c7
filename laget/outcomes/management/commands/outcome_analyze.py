"""Analyse outcome and alliance scores collected outside Laget.

    python manage.py outcome_analyze FILE.csv [--min-n N]

The file: `person,service,instrument,session,date,total` (see outcomes/csv_import.py).
Prints one JSON object: `persons`, `instruments` (the values used) and `services`
(figures per service and instrument, only n where fewer than N persons: default 5,
never below 3). A file with problems prints the line and exits non-zero.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from laget.outcomes.csv_import import CsvProblem, read_scores
from laget.outcomes.stats import DEFAULT_MIN_N, analyse


class Command(BaseCommand):
    help = "Analyse outcome scores from a long-format CSV file; prints one JSON object."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("file")
        parser.add_argument("--min-n", type=int, default=DEFAULT_MIN_N)

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            scores = read_scores(Path(options["file"]))
        except CsvProblem as exc:
            raise CommandError(str(exc)) from exc
        self.stdout.write(json.dumps(analyse(scores, min_n=options["min_n"]), ensure_ascii=False))
