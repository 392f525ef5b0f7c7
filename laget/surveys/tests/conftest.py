"""A network with four groups, a round in it, and every kind of actor for surveys."""

from __future__ import annotations

import datetime as dt
import random
from dataclasses import dataclass

import pytest
from django.test import Client
from django.utils import timezone

from laget.accounts.models import User
from laget.accounts.totp import ensure_totp
from laget.conftest import TEST_TOTP_SECRET, make_professional
from laget.directory.models import Membership, Network, Service
from laget.directory.tests.factories import NetworkFactory, ServiceFactory, UserFactory
from laget.surveys import services
from laget.surveys.analysis import ITEMS
from laget.surveys.models import Round

SURVEY_ACTORS = [
    "organiser",
    "reader",
    "respondent",
    "colleague",
    "outsider",
    "person",
    "operator",
    "anonymous",
]
GROUPS = ["Kommunen", "DPS", "Fastleger", "NAV"]


@dataclass
class SurveyWorld:
    network: Network
    round: Round  # open now
    organiser: User
    reader: User
    respondent: User
    colleague: User  # works in the network, not invited
    outsider: User
    person: User
    operator: User
    kommune: Service  # the network's two services
    dps: Service

    def actor(self, name: str) -> User | None:
        return None if name == "anonymous" else getattr(self, name)

    def token(self, user: User | None = None) -> str:
        invitation = self.round.invitations.get(user=user or self.respondent)
        return services.invitation_token(invitation)


@pytest.fixture
def survey_world(db) -> SurveyWorld:
    kommune = ServiceFactory(name="Psykisk helse Målvik")
    dps = ServiceFactory(name="Målvik DPS", level="specialist")
    elsewhere = ServiceFactory(name="Et annet sted")
    network = NetworkFactory(name="Målvik nettverk", slug="malvik")
    network.organisations.set([kommune.organisation, dps.organisation])
    organiser = make_professional(kommune, Membership.Role.LEADER)
    reader = make_professional(dps, Membership.Role.LEADER)
    respondent = make_professional(dps, Membership.Role.MEMBER)
    colleague = make_professional(kommune, Membership.Role.MEMBER)
    outsider = make_professional(elsewhere, Membership.Role.LEADER)
    operator = User.objects.create_superuser("drift-rk@test.invalid", "drift-passord-123")
    ensure_totp(operator, TEST_TOTP_SECRET)
    today = timezone.localdate()
    round_ = services.round_create(
        actor=organiser,
        network=network,
        title="Samhandling i Målvik 2026",
        opens=today - dt.timedelta(days=3),
        closes=today + dt.timedelta(days=10),
        groups=[services.GroupSpec(name) for name in GROUPS],
        invitees=[respondent, reader, organiser],
        readers=[reader],
    )
    return SurveyWorld(
        network=network,
        round=round_,
        organiser=organiser,
        reader=reader,
        respondent=respondent,
        colleague=colleague,
        outsider=outsider,
        person=UserFactory(kind=User.Kind.PERSON),
        operator=operator,
        kommune=kommune,
        dps=dps,
    )


@pytest.fixture
def survey_client(survey_world):
    def make(actor: str) -> Client:
        client = Client()
        user = survey_world.actor(actor)
        if user is not None:
            client.force_login(user)
        return client

    return make


def fill_and_close(world: SurveyWorld, per_group: dict[str, int], seed: int = 1) -> None:
    """Answers from elsewhere (n per rating group), then the round closes."""
    from laget.surveys.analysis import Answer

    rng = random.Random(seed)
    answers = []
    for group, count in per_group.items():
        for i in range(count):
            for target in GROUPS:
                for item in ITEMS:
                    base = 4.5 if target == group else (2.5 if target == "Fastleger" else 3.5)
                    answers.append(
                        Answer(
                            f"{group}-{i}",
                            group,
                            target,
                            item,
                            float(min(5, max(1, round(base + rng.choice([-1, 0, 0, 1]))))),
                        )
                    )
    services.responses_import(actor=world.organiser, round_=world.round, answers=answers)
    close(world.round)


def close(round_: Round) -> None:
    today = timezone.localdate()
    Round.objects.filter(pk=round_.pk).update(
        opens=today - dt.timedelta(days=30), closes=today - dt.timedelta(days=1)
    )
    round_.refresh_from_db()


# The user survey of the services has its own world (persons with plans).
from laget.surveys.tests.user_survey_world import user_client, user_world  # noqa: E402, F401
