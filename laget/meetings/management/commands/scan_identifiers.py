"""Check a text for identifiers before importing it as an anonymised case.

    python manage.py scan_identifiers FILE

Reads plain UTF-8 text; prints one JSON object: {"findings": [{kind, start, end, text}]}
with character offsets. Exits 1 when it finds something and 0 when the text is clean, so
scripts can stop on it (`scan_identifiers case.txt && import ...`).
"""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from laget.meetings.guard import scan
from laget.meetings.known_names import known_person_names


class Command(BaseCommand):
    help = "Find national ids, phone numbers, e-mails, addresses and known names in a text file."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("file")

    def handle(self, *args: Any, **options: Any) -> None:
        path = Path(options["file"])
        try:
            text = path.read_text(encoding="utf-8")
        except FileNotFoundError as exc:
            raise CommandError(f"No file at {path}.") from exc
        except UnicodeDecodeError as exc:
            raise CommandError(f"{path} is not UTF-8 text.") from exc
        findings = scan(text, known_person_names())
        self.stdout.write(
            json.dumps({"findings": [f.as_dict() for f in findings]}, ensure_ascii=False)
        )
        if findings:
            self.stdout.flush()
            sys.exit(1)
