"""Import licensed wording for an instrument from a JSON text pack (see textpacks.py).

    python manage.py import_text_pack FILE.json

The scoring stays Laget's; only the words change. Rounds created afterwards can choose
the pack. Every problem with the file is named in Norwegian."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from laget.outcomes import services as outcome_services
from laget.outcomes import textpacks as outcome_packs
from laget.outcomes.instruments import INSTRUMENTS as OUTCOME_INSTRUMENTS
from laget.surveys.services import text_pack_import
from laget.surveys.textpacks import TextPackProblem, parse_pack


class Command(BaseCommand):
    help = "Import licensed instrument wording from a JSON text pack."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("file")

    def handle(self, *args: Any, **options: Any) -> None:
        path = Path(options["file"])
        try:
            data = json.loads(path.read_text(encoding="utf-8"))
            if isinstance(data, dict) and data.get("instrument") in OUTCOME_INSTRUMENTS:
                # The outcome instruments (outcomes/textpacks.py) share this import path.
                outcome = outcome_services.text_pack_import(pack=outcome_packs.parse_pack(data))
                self.stdout.write(
                    self.style.SUCCESS(f"Importerte «{outcome.name}» ({outcome.instrument}).")
                )
                return
            pack = parse_pack(data)
        except FileNotFoundError as exc:
            raise CommandError(f"Fant ikke filen {path}.") from exc
        except json.JSONDecodeError as exc:
            raise CommandError(f"{path} er ikke gyldig JSON (linje {exc.lineno}).") from exc
        except (TextPackProblem, outcome_packs.TextPackProblem) as exc:
            raise CommandError(str(exc)) from exc
        saved = text_pack_import(pack=pack)
        self.stdout.write(self.style.SUCCESS(f"Importerte «{saved.name}» ({saved.instrument})."))
