"""Every plan page makes the same number of queries whatever the data size (no N+1).

For each page the count is measured with a small plan, then again after the data grows
tenfold (more plans for the same coordinator, more team members, consents, goals, measures,
tasks and messages), and must not change. The key pages also have literal pins with a
comment per query in test_views.py.
"""

from __future__ import annotations

import datetime as dt

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from laget.conftest import make_professional
from laget.plans import services

pytestmark = pytest.mark.django_db

TODAY = dt.date.today()


def grow(w, factor: int) -> None:
    """More of everything a page could list."""
    for i in range(factor):
        helper = make_professional(w.dps, "member", percent=10)
        services.team_member_add(
            actor=w.coordinator,
            plan=w.plan,
            user=helper,
            role="member",
            service=w.dps,
            reason="Vokser",
        )
        services.goal_add(actor=w.person, plan=w.plan, text=f"Mål {i}", life_area="other")
        services.measure_add(
            actor=w.coordinator, plan=w.plan, title=f"Tiltak {i}", responsible_service=w.dps
        )
        services.task_add(
            actor=w.coordinator,
            plan=w.plan,
            title=f"Oppgave {i}",
            due=TODAY - dt.timedelta(days=1),
            assignee_user=w.coordinator,
        )
        services.message_post(actor=w.person, plan=w.plan, body=f"Melding {i}")
        services.consent_record(
            actor=w.person,
            plan=w.plan,
            to_service=w.municipal,
            categories=["plan"],
            valid_from=TODAY,
            valid_to=TODAY + dt.timedelta(days=20),
            method="digital",
        )
        person = services.person_create(
            actor=w.coordinator,
            first_name="Annen",
            last_name=f"Person {i}",
            birth_date=dt.date(1970, 1, 1),
        )
        other = services.plan_create(
            actor=w.coordinator,
            person=person,
            owner=w.municipal.organisation,
            coordinator=w.coordinator,
            coordinator_service=w.municipal,
            reason="Vedtak",
        )
        services.task_add(
            actor=w.coordinator,
            plan=other,
            title="Ringe",
            due=TODAY - dt.timedelta(days=1),
            assignee_user=w.coordinator,
        )
        services.message_post(actor=w.coordinator, plan=other, body="Hei")


PAGES = [
    ("coordinator", "home", None),
    ("coordinator", "plans:my_plans", None),
    ("coordinator", "plans:my_tasks", None),
    ("coordinator", "plans:inbox", None),
    ("coordinator", "plans:consents", "plan"),
    ("coordinator", "plans:team", "plan"),
    ("coordinator", "plans:crisis_plan", "plan"),
    ("coordinator", "plans:print", "plan"),
    ("coordinator", "plans:edit", "plan"),
    ("coordinator", "continuity:challenge_picture", "plan"),
    ("coordinator", "continuity:incoming", None),
    ("person", "plans:plan", "plan"),
    ("person", "plans:my_access_log", None),
    ("relative_with_consent", "plans:messages", "plan"),
]


def count(client, url) -> int:  # type: ignore[no-untyped-def]
    client.get(url)  # warm: the chain head and the session exist from here on
    with CaptureQueriesContext(connection) as captured:
        assert client.get(url).status_code == 200, url
    return len(captured)


def test_page_queries_do_not_grow_with_the_data(plan_world, plan_client):
    def urls():  # type: ignore[no-untyped-def]
        for actor, name, arg in PAGES:
            kwargs = {"plan_id": plan_world.plan.pk} if arg else {}
            yield actor, reverse(name, kwargs=kwargs)

    grow(plan_world, 1)
    small = {url: count(plan_client(actor), url) for actor, url in urls()}
    grow(plan_world, 9)
    large = {url: count(plan_client(actor), url) for actor, url in urls()}
    assert large == small
