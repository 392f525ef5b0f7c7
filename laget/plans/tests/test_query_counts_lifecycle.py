"""The life cycle's pages make the same number of queries whatever the data size, and the
key ones have literal pins with a comment per query."""

from __future__ import annotations

import datetime as dt

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from laget.conftest import make_professional
from laget.plans import invitations, registration, requests
from laget.plans.demo import synthetic_national_id

pytestmark = pytest.mark.django_db


def grow(w, start: int, factor: int) -> None:
    """More registered persons, join requests, requests for a plan and invitations."""
    for i in range(start, start + factor):
        born = dt.date(1960, 1, 1) + dt.timedelta(days=37 * i)
        person = registration.person_register(
            actor=w.coordinator,
            service=w.municipal,
            national_id=synthetic_national_id(born),
            first_name="Vekst",
            last_name=f"Person {i}",
            birth_date=born,
        )
        asker = make_professional(w.dps, "member", percent=10)
        registration.join_request_create(
            actor=asker,
            service=w.dps,
            national_id=w.person_record.national_id,
            reason="Behandler ved DPS for personen",
        )
        dps_person = registration.person_register(
            actor=asker,
            service=w.dps,
            national_id=synthetic_national_id(born + dt.timedelta(days=3)),
            first_name="Henvist",
            last_name=f"Person {i}",
            birth_date=born,
        )
        requests.plan_request_create(
            actor=asker,
            service=w.dps,
            person=dps_person,
            to_service=w.municipal,
            reason="Trenger koordinerte tjenester over tid",
            consent_method="in_person",
        )
        invitations.invitation_create(
            actor=w.person,
            plan=w.plan,
            role="relative",
            email=f"slekt{i}@test.invalid",
            first_name="Slekt",
            last_name=f"Nummer {i}",
            link_base="http://testserver",
        )
    w.registered = person


def urls(w):
    plan = {"plan_id": w.plan.pk}
    return [
        ("coordinator", reverse("plans:register")),
        ("coordinator", reverse("plans:requests")),
        ("coordinator", reverse("plans:roles", kwargs=plan)),
        ("coordinator", reverse("plans:invite", kwargs=plan)),
        ("coordinator", reverse("plans:plan_open", kwargs={"person_id": w.registered.pk})),
        ("coordinator", reverse("home")),
        ("anonymous", reverse("plans:invitation", kwargs={"token": "ukjent" * 8})),
    ]


def count(client, url) -> int:  # type: ignore[no-untyped-def]
    client.get(url)  # warm: the chain head and the session exist from here on
    with CaptureQueriesContext(connection) as captured:
        assert client.get(url).status_code in (200, 404), url
    return len(captured)


def test_lifecycle_pages_do_not_grow_with_the_data(plan_world, plan_client):
    grow(plan_world, 0, 1)
    small = [count(plan_client(actor), url) for actor, url in urls(plan_world)]
    grow(plan_world, 1, 9)
    large = [count(plan_client(actor), url) for actor, url in urls(plan_world)]
    assert large == small


@pytest.mark.parametrize("n", [1, 10])
def test_request_queue_pinned(plan_world, plan_client, django_assert_num_queries, n):
    grow(plan_world, 0, n)
    client = plan_client("coordinator")
    url = reverse("plans:requests")
    client.get(url)
    # Expect 11 queries, on SQLite and PostgreSQL alike:
    #   1-3   session, user, TOTP authenticator (the MFA rule)
    #   4     the user's services (the view lets only professionals with a service in)
    #   5     the persons whose plans the user coordinates (who answers join requests)
    #   6     the user's services again (the requests to them: the queue asks on its own)
    #   7     the requests the user answers or sent, with persons, people and services
    #   8     invitations someone asked to renew, on plans the user coordinates
    #   9-11  one batch of access-log rows, one per person named: lock the chain head,
    #         INSERT them all, move the head (audit.services.chain_append_many)
    with django_assert_num_queries(11):
        assert client.get(url).status_code == 200


@pytest.mark.parametrize("n", [1, 10])
def test_register_page_pinned(plan_world, plan_client, django_assert_num_queries, n):
    grow(plan_world, 0, n)
    client = plan_client("coordinator")
    url = reverse("plans:register")
    client.get(url)
    # Expect 7 queries, no personal data read:
    #   1-3  session, user, TOTP authenticator
    #   4    the user's services today
    #   5-6  those services with their organisations for the drop-down, and the form's
    #        own look-up of the same choices
    #   7    whether those services' networks have municipality districts (h19-district;
    #        none here, so no district field; with districts, +1 for its choices)
    with django_assert_num_queries(7):
        assert client.get(url).status_code == 200
