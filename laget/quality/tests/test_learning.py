"""The learning network: groups mixed across services and levels, sessions with
attendance, organisers only (every route × every actor × every method), pinned queries."""

from __future__ import annotations

import datetime as dt

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from laget.accounts.models import User
from laget.conftest import make_professional
from laget.directory.models import Membership
from laget.directory.tests.factories import NetworkFactory, ServiceFactory, UserFactory
from laget.quality import services
from laget.quality.models import Participant
from laget.tests.sweep import sweep

pytestmark = pytest.mark.django_db

ACTORS = ["organiser", "leader", "member", "outsider", "person", "anonymous"]


class W:
    pass


@pytest.fixture
def w():
    world = W()
    network = NetworkFactory(name="Lundvik nettverk", slug="lundvik")
    services_ = [
        ServiceFactory(name=f"Tjeneste {k}", level="specialist" if k % 3 == 0 else "municipal")
        for k in range(6)
    ]
    network.organisations.set([s.organisation for s in services_])
    world.network = network
    world.services = services_
    world.organiser = make_professional(services_[0], Membership.Role.LEADER)
    world.leader = make_professional(services_[1], Membership.Role.LEADER)  # not an organiser
    world.member = make_professional(services_[2], Membership.Role.MEMBER)
    world.outsider = make_professional(ServiceFactory(), Membership.Role.LEADER)
    world.person = UserFactory(kind=User.Kind.PERSON)
    world.anonymous = None
    # Five people from each of the six services: thirty.
    world.people = [
        make_professional(s, Membership.Role.MEMBER) for s in services_ for _ in range(5)
    ]
    world.cohort = services.cohort_create(
        actor=world.organiser, network=network, name="Samhandlingsutdanningen", year=2027
    )
    memberships = Membership.objects.filter(professional__user__in=world.people)
    services.participants_add(
        actor=world.organiser,
        cohort=world.cohort,
        memberships=memberships,
        peer_workers={memberships[0].pk},
    )
    return world


@pytest.fixture
def client_for(w):
    def make(actor: str) -> Client:
        client = Client()
        user = getattr(w, actor)
        if user is not None:
            client.force_login(user)
        return client

    return make


def test_groups_spread_over_services_and_levels(w):
    assert services.groups_mix(actor=w.organiser, cohort=w.cohort) == 5
    for group in w.cohort.groups.all():
        members = list(Participant.objects.filter(group=group))
        assert len(members) == 6
        # Five groups, five people per service: each group has every service once.
        assert len({m.service_name for m in members}) == 6
        assert {m.level for m in members} == {"municipal", "specialist"}


def test_only_organisers_mix_and_record(w):
    from django.core.exceptions import PermissionDenied

    with pytest.raises(PermissionDenied):
        services.groups_mix(actor=w.leader, cohort=w.cohort)
    with pytest.raises(PermissionDenied):
        services.session_record(
            actor=w.member, cohort=w.cohort, on=dt.date(2027, 1, 15), topic="x", present=[]
        )


LEADERS = {
    "organiser": 200,
    "leader": 200,
    "member": 403,
    "outsider": 403,
    "person": 403,
    "anonymous": 302,
}
ORGANISERS = dict.fromkeys(ACTORS, 404) | {"organiser": 200, "anonymous": 302}
ORGANISERS_WRITE = dict.fromkeys(ACTORS, 404) | {"organiser": 302, "anonymous": 302}

LEARNING_MATRIX = {
    "quality:cohorts": ("get", LEADERS),
    "quality:cohort": ("get", ORGANISERS),
    "quality:cohort_mix": ("post", ORGANISERS_WRITE),
    "quality:cohort_participants": ("post", ORGANISERS_WRITE),
    "quality:cohort_session": ("post", ORGANISERS_WRITE),
}


def url_for(route, w):
    if route == "quality:cohorts":
        return reverse(route, kwargs={"slug": w.network.slug})
    return reverse(route, kwargs={"cohort_id": w.cohort.pk})


@pytest.mark.parametrize("route", sorted(LEARNING_MATRIX))
def test_learning_route_for_every_actor(route, w, client_for):
    method, expected = LEARNING_MATRIX[route]
    url = url_for(route, w)
    for actor in ACTORS:
        client = client_for(actor)
        response = client.post(url, {}) if method == "post" else client.get(url)
        assert response.status_code == expected[actor], (route, actor, response.status_code)


@pytest.mark.parametrize("route", sorted(LEARNING_MATRIX))
def test_every_method_for_every_actor(route, w, client_for):
    sweep(
        route=route,
        url=url_for(route, w),
        expected=LEARNING_MATRIX[route][1],
        client_for=client_for,
        secret=w.people[0].last_name.encode(),
    )


def test_an_organiser_creates_mixes_and_records(w, client_for):
    client = client_for("organiser")
    response = client.post(
        url_for("quality:cohorts", w), {"name": "Kull to", "year": "2028"}, follow=True
    )
    assert response.status_code == 200
    cohort_url = response.redirect_chain[-1][0]
    assert "Kull to" in response.content.decode()
    cohort_id = int(cohort_url.rstrip("/").split("/")[-1])
    m = Membership.objects.filter(professional__user__in=w.people[:8])
    client.post(
        reverse("quality:cohort_participants", kwargs={"cohort_id": cohort_id}),
        {"people": [str(x.pk) for x in m]},
    )
    client.post(reverse("quality:cohort_mix", kwargs={"cohort_id": cohort_id}))
    page = client.get(cohort_url).content.decode()
    assert "Gruppe 2" in page
    present = Participant.objects.filter(cohort_id=cohort_id)[:5]
    client.post(
        reverse("quality:cohort_session", kwargs={"cohort_id": cohort_id}),
        {"on": "2028-01-15", "topic": "Rus og psykisk helse", "present": [p.pk for p in present]},
    )
    page = client.get(cohort_url).content.decode()
    assert "Rus og psykisk helse" in page and "5 / 8" in page


def test_bad_input_is_refused_in_norwegian_and_nothing_is_written(w, client_for):
    client = client_for("organiser")
    before = w.cohort.sessions.count()
    response = client.post(
        url_for("quality:cohort_session", w), {"on": "i morgen", "topic": ""}, follow=True
    )
    assert "Gi samlingen en dato og et tema" in response.content.decode()
    assert w.cohort.sessions.count() == before
    response = client.post(url_for("quality:cohorts", w), {"name": "", "year": "tjue"}, follow=True)
    assert response.status_code == 200
    assert "Skriv årstallet med fire sifre" in response.content.decode()


def test_cohort_page_queries_are_pinned_and_flat(w, client_for):
    services.groups_mix(actor=w.organiser, cohort=w.cohort)
    client = client_for("organiser")
    url = url_for("quality:cohort", w)
    client.get(url)
    with CaptureQueriesContext(connection) as ctx:
        client.get(url)
    first = len(ctx.captured_queries)
    more = [make_professional(w.services[1], Membership.Role.MEMBER) for _ in range(10)]
    services.participants_add(
        actor=w.organiser,
        cohort=w.cohort,
        memberships=Membership.objects.filter(professional__user__in=more),
        peer_workers=set(),
    )
    services.groups_mix(actor=w.organiser, cohort=w.cohort)
    services.session_record(
        actor=w.organiser,
        cohort=w.cohort,
        on=dt.date(2027, 2, 1),
        topic="Samtykke",
        present=list(w.cohort.participants.all()),
    )
    client.get(url)
    with CaptureQueriesContext(connection) as ctx:
        client.get(url)
    assert len(ctx.captured_queries) == first == COHORT_QUERIES


# Session, user, MFA; the cohort, is the user an organiser; participants (with their
# accounts and groups); sessions with attendance; the network's staff for the form.
COHORT_QUERIES = 8
