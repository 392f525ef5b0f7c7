"""Load the fictional Fjordvik network. Idempotent: a second run changes nothing."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db import transaction

from laget.accounts.models import User
from laget.accounts.totp import DEMO_TOTP_SECRET, demo_allowed, ensure_totp
from laget.directory import demo
from laget.directory.models import Network, Organisation
from laget.directory.services import (
    membership_add,
    network_create,
    organisation_create,
    profession_codes_ensure,
    professional_create,
    service_create,
)


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
            self._load()
        self.stdout.write(self.style.SUCCESS("Loaded the Fjordvik demo network."))

    def _load(self) -> None:
        operator = User.objects.create_superuser(
            demo.OPERATOR_EMAIL, demo.DEMO_PASSWORD, first_name="Drift", last_name="Laget"
        )
        ensure_totp(operator, DEMO_TOTP_SECRET)
        organisations = {
            key: organisation_create(actor=operator, name=name, kind=kind, org_number=number)
            for key, (name, kind, number) in demo.ORGANISATIONS.items()
        }
        network_create(
            actor=operator,
            name=demo.NETWORK["name"],
            slug=demo.NETWORK["slug"],
            description=demo.NETWORK["description"],
            organisations=list(organisations.values()),
        )
        services = {
            slug: service_create(
                actor=operator,
                organisation=organisations[org_key],
                name=name,
                slug=slug,
                level=level,
                sector=sector,
                area_served=demo.AREA,
                entry=entry,
            )
            for slug, (org_key, name, level, sector, entry) in demo.SERVICES.items()
        }
        professions = profession_codes_ensure()
        for first, last, domain, code, hpr, title, memberships in demo.PROFESSIONALS:
            professional = professional_create(
                actor=operator,
                email=demo.demo_email(first, last, domain),
                first_name=first,
                last_name=last,
                profession=professions[code],
                hpr_number=hpr,
                title=title,
                password=demo.DEMO_PASSWORD,
            )
            ensure_totp(professional.user, DEMO_TOTP_SECRET)
            for slug, percent, role in memberships:
                membership_add(
                    actor=operator,
                    professional=professional,
                    service=services[slug],
                    position_percent=percent,
                    role=role,
                )
