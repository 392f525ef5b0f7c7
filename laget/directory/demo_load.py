"""Loading the Fjordvik demo directory (demo.py holds the data). Used by `seed_demo`."""

from __future__ import annotations

from dataclasses import dataclass

from laget.accounts.models import User
from laget.accounts.totp import DEMO_TOTP_SECRET, ensure_totp
from laget.directory import demo
from laget.directory.access import can_manage_districts
from laget.directory.models import Organisation, Service
from laget.directory.services import (
    district_create,
    membership_add,
    network_create,
    organisation_create,
    profession_codes_ensure,
    professional_create,
    service_create,
)


@dataclass
class DemoDirectory:
    operator: User
    organisations: dict[str, Organisation]
    services: dict[str, Service]
    professionals: dict[str, User]  # by e-mail


def load_directory() -> DemoDirectory:
    """The network, its organisations, services with catalogue texts, and 40 professionals
    with TOTP set up. Call inside a transaction."""
    operator = User.objects.create_superuser(
        demo.OPERATOR_EMAIL, demo.DEMO_PASSWORD, first_name="Drift", last_name="Laget"
    )
    ensure_totp(operator, DEMO_TOTP_SECRET)
    organisations = {
        key: organisation_create(actor=operator, name=name, kind=kind, org_number=number)
        for key, (name, kind, number) in demo.ORGANISATIONS.items()
    }
    network = network_create(
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
    professionals = {}
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
        professionals[professional.user.email] = professional.user
        for slug, percent, role in memberships:
            membership_add(
                actor=operator,
                professional=professional,
                service=services[slug],
                position_percent=percent,
                role=role,
            )
    # The network's districts, as its leader would add them on the districts page.
    leader = next(user for user in professionals.values() if can_manage_districts(user, network))
    for name in demo.DISTRICTS:
        district_create(actor=leader, network=network, name=name)
    return DemoDirectory(operator, organisations, services, professionals)
