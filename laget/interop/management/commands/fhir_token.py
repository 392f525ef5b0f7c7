"""Make a bearer token for the FHIR read API: `manage.py fhir_token EMAIL --scope
"user/CarePlan.read" [--patient PERSON_ID] [--days 90] [--label NAME]`. The token is printed
once; Laget keeps only its hash."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError, CommandParser

from laget.accounts.models import User
from laget.interop import services
from laget.plans.models import Person


class Command(BaseCommand):
    help = "Make a bearer token with SMART-style scopes for the FHIR read API."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("email")
        parser.add_argument("--scope", required=True)
        parser.add_argument("--patient", type=int)
        parser.add_argument("--days", type=int, default=services.TOKEN_DAYS)
        parser.add_argument("--label", default="FHIR")

    def handle(self, *args: Any, **options: Any) -> None:
        user = User.objects.filter(email=options["email"], is_active=True).first()
        if user is None:
            raise CommandError(f"Fant ingen aktiv bruker med e-post {options['email']}.")
        patient = None
        if options["patient"] is not None:
            patient = Person.objects.filter(pk=options["patient"]).first()
            if patient is None:
                raise CommandError(f"Fant ingen person med id {options['patient']}.")
        try:
            _token, raw = services.token_create(
                user=user,
                label=options["label"],
                scopes=options["scope"],
                patient=patient,
                days=options["days"],
            )
        except ValidationError as exc:
            raise CommandError(" ".join(exc.messages)) from exc
        self.stdout.write(raw)
