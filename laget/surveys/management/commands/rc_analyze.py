"""Analyse relational coordination answers collected outside Laget.

    python manage.py rc_analyze FILE.csv [--min-n N]

Prints the whole analysis as one JSON object (cells, within, between, icc1, icc2, alpha).
Cells with fewer than N respondents (default 5, never below 3) show only their n.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from laget.surveys.analysis import DEFAULT_MIN_N, analyse
from laget.surveys.csv_import import CsvProblem, read_answers


class Command(BaseCommand):
    help = "Analyse relational coordination answers from a long-format CSV file."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("file")
        parser.add_argument("--min-n", type=int, default=DEFAULT_MIN_N)

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            answers = read_answers(Path(options["file"]))
        except CsvProblem as exc:
            raise CommandError(str(exc)) from exc
        self.stdout.write(json.dumps(analyse(answers, min_n=options["min_n"])))
