"""A plan and every kind of actor security.md names, on the real database."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

import pytest
from django.test import Client
from django.utils import timezone

from laget.accounts.models import User
from laget.accounts.totp import ensure_totp
from laget.conftest import TEST_TOTP_SECRET, make_professional
from laget.directory.models import Membership, Organisation, Service
from laget.directory.services import profession_codes_ensure
from laget.directory.tests.factories import OrganisationFactory, ServiceFactory, UserFactory
from laget.plans import services
from laget.plans.demo import synthetic_national_id
from laget.plans.models import Category, Person, Plan

PERSON_NATIONAL_ID = synthetic_national_id(dt.date(1990, 5, 17))

PLAN_ACTORS = [
    "coordinator",
    "team_professional",
    "colleague",
    "other_org",
    "person",
    "relative_with_consent",
    "relative_without",
    "child_welfare",
    "operator",
    "anonymous",
]


@dataclass
class PlanWorld:
    plan: Plan
    person_record: Person
    municipal: Service
    dps: Service
    child_welfare_service: Service
    coordinator: User
    team_professional: User
    colleague: User
    other_org: User
    person: User
    relative_with_consent: User
    relative_without: User
    child_welfare: User
    operator: User

    def actor(self, name: str) -> User | None:
        return None if name == "anonymous" else getattr(self, name)


@pytest.fixture(autouse=True)
def _media_in_tmp(settings, tmp_path):
    # Attachments written by tests go to a throwaway folder.
    settings.MEDIA_ROOT = tmp_path / "media"


@pytest.fixture
def plan_world(db) -> PlanWorld:
    kommune = OrganisationFactory(name="Testvik kommune", kind=Organisation.Kind.MUNICIPALITY)
    dps_org = OrganisationFactory(name="Testvik DPS", kind=Organisation.Kind.DPS)
    municipal = ServiceFactory(name="Psykisk helse Testvik", organisation=kommune)
    dps = ServiceFactory(name="DPS poliklinikk", organisation=dps_org, level="specialist")
    child_welfare_service = ServiceFactory(
        name="Barnevernet Testvik", organisation=kommune, sector="child_welfare"
    )
    elsewhere = ServiceFactory(name="Annet sted")
    coordinator = make_professional(municipal, Membership.Role.MEMBER)
    team_professional = make_professional(dps, Membership.Role.MEMBER)
    colleague = make_professional(dps, Membership.Role.MEMBER)
    other_org = make_professional(elsewhere, Membership.Role.MEMBER)
    child_welfare = make_professional(child_welfare_service, Membership.Role.MEMBER)
    child_welfare.professional.profession = profession_codes_ensure()["child-welfare-worker"]
    child_welfare.professional.save()
    person_user = UserFactory(kind=User.Kind.PERSON, first_name="Lise", last_name="Testesen")
    relative_with = UserFactory(kind=User.Kind.RELATIVE, first_name="Mor")
    relative_without = UserFactory(kind=User.Kind.RELATIVE, first_name="Bror")
    operator = User.objects.create_superuser("drift-plan@test.invalid", "drift-passord-123")
    ensure_totp(operator, TEST_TOTP_SECRET)

    person = services.person_create(
        actor=coordinator,
        first_name="Lise",
        last_name="Testesen",
        birth_date=dt.date(1990, 5, 17),
        national_id=PERSON_NATIONAL_ID,
        user=person_user,
    )
    plan = services.plan_create(
        actor=coordinator,
        person=person,
        owner=kommune,
        coordinator=coordinator,
        coordinator_service=municipal,
        reason="Koordinator etter vedtak",
    )
    for user, role, service in [
        (team_professional, "group", dps),
        (colleague, None, None),
        (relative_with, "relative", None),
        (relative_without, "relative", None),
        (child_welfare, "member", child_welfare_service),
    ]:
        if role:
            services.team_member_add(
                actor=coordinator,
                plan=plan,
                user=user,
                role=role,
                service=service,
                reason="Avtalt i ansvarsgruppemøte",
            )
    today = timezone.localdate()
    for kwargs in [
        {"to_service": dps, "categories": [Category.PLAN, Category.TASKS, Category.MESSAGES]},
        {"to_relative": relative_with, "categories": [Category.PLAN, Category.MESSAGES]},
    ]:
        services.consent_record(
            actor=person_user,
            plan=plan,
            valid_from=today - dt.timedelta(days=1),
            valid_to=today + dt.timedelta(days=365),
            method="digital",
            **kwargs,
        )
    return PlanWorld(
        plan=plan,
        person_record=person,
        municipal=municipal,
        dps=dps,
        child_welfare_service=child_welfare_service,
        coordinator=coordinator,
        team_professional=team_professional,
        colleague=colleague,
        other_org=other_org,
        person=person_user,
        relative_with_consent=relative_with,
        relative_without=relative_without,
        child_welfare=child_welfare,
        operator=operator,
    )


@pytest.fixture
def plan_client(plan_world):
    def make(actor: str) -> Client:
        client = Client()
        user = plan_world.actor(actor)
        if user is not None:
            client.force_login(user)
        return client

    return make
