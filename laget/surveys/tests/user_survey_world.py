"""A network with two services, persons with plans on them, and every kind of actor for
the user survey of the services (brukerundersøkelse)."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

import pytest
from django.test import Client
from django.utils import timezone

from laget.accounts.models import User
from laget.accounts.totp import ensure_totp
from laget.conftest import TEST_TOTP_SECRET, make_professional
from laget.directory.models import Membership, Network, Service
from laget.directory.tests.factories import NetworkFactory, ServiceFactory, UserFactory
from laget.plans.models import Person, Plan, TeamMember
from laget.surveys import service_survey
from laget.surveys.models import Invitation, Round

USER_SURVEY_ACTORS = [
    "organiser",  # a leader in the network who started the survey
    "leader",  # another leader in the network: reads results
    "member",  # works in the network, not a leader
    "outsider",  # a leader in another network
    "person",  # invited: has an active plan with the municipal service on it
    "other_person",  # a person without a plan in the network: not invited
    "operator",
    "anonymous",
]


@dataclass
class UserSurveyWorld:
    network: Network
    kommune: Service
    dps: Service
    organiser: User
    leader: User
    member: User
    outsider: User
    person: User
    other_person: User
    operator: User
    persons: list[User]  # everyone invited, `person` first
    round: Round  # open now

    def actor(self, name: str) -> User | None:
        return None if name == "anonymous" else getattr(self, name)

    def invitation(self, user: User | None = None) -> Invitation:
        return Invitation.objects.get(round=self.round, user=user or self.person)


def add_person(n: int, services: list[Service], status: str = Plan.Status.ACTIVE) -> User:
    user = UserFactory(kind=User.Kind.PERSON, first_name=f"Bruker{n}", last_name="Testesen")
    person = Person.objects.create(
        user=user, first_name=user.first_name, last_name="Testesen", birth_date=dt.date(1980, 1, 1)
    )
    plan = Plan.objects.create(person=person, owner=services[0].organisation, status=status)
    TeamMember.objects.create(plan=plan, user=user, role=TeamMember.Role.PERSON)
    for service in services:
        helper = Membership.objects.filter(service=service).first()
        assert helper is not None
        TeamMember.objects.create(
            plan=plan, user=helper.professional.user, role=TeamMember.Role.MEMBER, service=service
        )
    return user


def make_world(served_by_both: int = 2, served_by_kommune: int = 5) -> UserSurveyWorld:
    kommune = ServiceFactory(name="Psykisk helse Sjøvik")
    dps = ServiceFactory(name="Sjøvik DPS", level="specialist")
    elsewhere = ServiceFactory(name="Et helt annet sted")
    network = NetworkFactory(name="Sjøvik nettverk", slug="sjovik")
    network.organisations.set([kommune.organisation, dps.organisation])
    organiser = make_professional(kommune, Membership.Role.LEADER)
    leader = make_professional(dps, Membership.Role.LEADER)
    member = make_professional(kommune, Membership.Role.MEMBER)
    outsider = make_professional(elsewhere, Membership.Role.LEADER)
    operator = User.objects.create_superuser("drift-bu@test.invalid", "drift-passord-123")
    ensure_totp(operator, TEST_TOTP_SECRET)
    persons = [add_person(i, [kommune, dps]) for i in range(served_by_both)]
    persons += [add_person(100 + i, [kommune]) for i in range(served_by_kommune)]
    add_person(900, [kommune], status=Plan.Status.CLOSED)  # not asked: plan closed
    add_person(901, [elsewhere])  # not asked: another service
    other_person = UserFactory(kind=User.Kind.PERSON)
    today = timezone.localdate()
    round_ = service_survey.user_round_create(
        actor=organiser,
        network=network,
        title="Brukerundersøkelse Sjøvik",
        opens=today - dt.timedelta(days=2),
        closes=today + dt.timedelta(days=10),
        services=[kommune, dps],
    )
    return UserSurveyWorld(
        network=network,
        kommune=kommune,
        dps=dps,
        organiser=organiser,
        leader=leader,
        member=member,
        outsider=outsider,
        person=persons[0],
        other_person=other_person,
        operator=operator,
        persons=persons,
        round=round_,
    )


@pytest.fixture
def user_world(db) -> UserSurveyWorld:
    return make_world()


@pytest.fixture
def user_client(user_world):
    def make(actor: str) -> Client:
        client = Client()
        user = user_world.actor(actor)
        if user is not None:
            client.force_login(user)
        return client

    return make


def close(round_: Round) -> None:
    today = timezone.localdate()
    Round.objects.filter(pk=round_.pk).update(
        opens=today - dt.timedelta(days=30), closes=today - dt.timedelta(days=1)
    )
    round_.refresh_from_db()
