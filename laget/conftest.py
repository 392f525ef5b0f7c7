"""Shared fixtures: the kinds of actor every access test walks through (the healthchecks
pattern of owner / member / outsider), on the real database."""

from __future__ import annotations

from dataclasses import dataclass

import pytest
from django.db import connection
from django.test import Client
from hypothesis import settings as hypothesis_settings

from laget.accounts.models import User
from laget.accounts.totp import ensure_totp
from laget.directory.models import Membership, Network, Service
from laget.directory.tests.factories import (
    MembershipFactory,
    NetworkFactory,
    ProfessionalFactory,
    ServiceFactory,
    UserFactory,
)

TEST_TOTP_SECRET = "JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP"  # noqa: S105

# Tests never assert on wall-clock time. Hypothesis's per-example deadline (200 ms) would,
# and on a busy two-core CI machine running Chromium beside the workers it fails at random.
hypothesis_settings.register_profile("laget", deadline=None)
hypothesis_settings.load_profile("laget")


@pytest.fixture(autouse=True)
def _fast_hashing(settings):
    # Argon2 is the production hasher (asserted in core tests); tests need speed instead.
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture
def log_write_queries() -> int:
    """The statements one access-log entry takes inside a request, for query pins. On
    PostgreSQL the append is one statement; on SQLite three (lock the chain head, INSERT,
    UPDATE head). See audit.services._append."""
    return 1 if connection.vendor == "postgresql" else 3


@pytest.fixture(autouse=True)
def _database_breaker_closed():
    # A test that shows a dead database must not leave the next test's requests refused.
    from laget.core.resilience import reset_breaker

    reset_breaker()
    yield
    reset_breaker()


@pytest.fixture(autouse=True)
def _clear_cache(request, django_db_blocker):
    # allauth's login throttling and the used TOTP codes live in the cache: every test
    # starts from zero. The database cache (the default) lives in the test database; a
    # test's rollback empties it, but a transactional test's flush does not (the cache table
    # is no model), so what such a test left (a code "already used" by an authenticator id
    # the next test reuses) is deleted before each test that uses the database. Another
    # cache (Redis, local memory) is cleared around each test.
    from django.core.cache import caches
    from django.core.cache.backends.db import DatabaseCache

    cache = caches["default"]
    if isinstance(cache, DatabaseCache):
        uses_db = request.node.get_closest_marker("django_db") is not None or any(
            name in request.fixturenames for name in ("db", "transactional_db", "live_server")
        )
        if uses_db:
            request.getfixturevalue("django_db_setup")
            with django_db_blocker.unblock():
                cache.clear()
        yield
        return
    cache.clear()
    yield
    cache.clear()


@dataclass
class World:
    """A small network: the owner administers `service`, the member works there, the
    outsider works in `other_service`; a person, a professional without MFA, an operator."""

    network: Network
    service: Service
    other_service: Service
    owner: User
    member: User
    outsider: User
    no_mfa: User
    person: User
    operator: User

    def actor(self, name: str) -> User | None:
        return None if name == "anonymous" else getattr(self, name)


def make_professional(service: Service, role: str, *, mfa: bool = True, percent: int = 100) -> User:
    membership = MembershipFactory(service=service, role=role, position_percent=percent)
    user = membership.professional.user
    if mfa:
        ensure_totp(user, TEST_TOTP_SECRET)
    return user


@pytest.fixture
def world(db) -> World:
    service = ServiceFactory(name="Psykisk helse Testvik", slug="psykisk-helse-testvik")
    other = ServiceFactory(name="Rusteam Testvik", slug="rusteam-testvik")
    network = NetworkFactory(name="Testvik", slug="testvik")
    network.organisations.set([service.organisation, other.organisation])
    operator = User.objects.create_superuser("drift@test.invalid", "drift-passord-123")
    ensure_totp(operator, TEST_TOTP_SECRET)
    no_mfa = ProfessionalFactory().user
    return World(
        network=network,
        service=service,
        other_service=other,
        owner=make_professional(service, Membership.Role.ADMIN),
        member=make_professional(service, Membership.Role.MEMBER),
        outsider=make_professional(other, Membership.Role.ADMIN),
        no_mfa=no_mfa,
        person=UserFactory(kind=User.Kind.PERSON),
        operator=operator,
    )


ACTORS = ["anonymous", "person", "no_mfa", "outsider", "member", "owner", "operator"]


@pytest.fixture
def client_for(world):
    def make(actor: str) -> Client:
        client = Client()
        user = world.actor(actor)
        if user is not None:
            client.force_login(user)
        return client

    return make
