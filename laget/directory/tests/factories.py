"""Factories for directory data. Fictional names only; organisation numbers are valid."""

from __future__ import annotations

import factory

from laget.accounts.models import User
from laget.core.identifiers import ORG_NUMBER_WEIGHTS, mod11_check_digit
from laget.directory.models import (
    CatalogueEntry,
    Membership,
    Network,
    Organisation,
    Professional,
    Service,
)
from laget.directory.services import profession_codes_ensure


def valid_org_number(n: int) -> str:
    """The n-th valid organisation number in a fictional 8xxxxxxxx series."""
    base = 80_000_000 + n * 3
    while True:
        digits = [int(c) for c in str(base)]
        check = mod11_check_digit(digits, ORG_NUMBER_WEIGHTS)
        if check is not None:
            return f"{base}{check}"
        base += 1


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = User
        django_get_or_create = ("email",)

    email = factory.Sequence(lambda n: f"bruker{n}@test.invalid")
    first_name = factory.Faker("first_name", locale="no_NO")
    last_name = factory.Faker("last_name", locale="no_NO")
    kind = User.Kind.PERSON
    password = factory.django.Password("riktig-passord-123")


class OrganisationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Organisation

    name = factory.Sequence(lambda n: f"Testorganisasjon {n}")
    kind = Organisation.Kind.MUNICIPALITY
    org_number = factory.Sequence(valid_org_number)


class ServiceFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Service
        skip_postgeneration_save = True

    organisation = factory.SubFactory(OrganisationFactory)
    name = factory.Sequence(lambda n: f"Testtjeneste {n}")
    slug = factory.Sequence(lambda n: f"testtjeneste-{n}")
    level = Service.Level.MUNICIPAL
    sector = Service.Sector.HEALTH
    entry = factory.RelatedFactory(
        "laget.directory.tests.factories.CatalogueEntryFactory", factory_related_name="service"
    )


class CatalogueEntryFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = CatalogueEntry

    summary = "Vi hjelper voksne med psykisk helse."
    offer = "Samtaler og oppfølging."
    phone = "77 00 00 00"


class NetworkFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Network

    name = factory.Sequence(lambda n: f"Nettverk {n}")
    slug = factory.Sequence(lambda n: f"nettverk-{n}")


class ProfessionalFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Professional

    user = factory.SubFactory(UserFactory, kind=User.Kind.PROFESSIONAL)
    profession = factory.LazyFunction(lambda: profession_codes_ensure()["nurse"])


class MembershipFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Membership

    professional = factory.SubFactory(ProfessionalFactory)
    service = factory.SubFactory(ServiceFactory)
    role = Membership.Role.MEMBER
    position_percent = 100
