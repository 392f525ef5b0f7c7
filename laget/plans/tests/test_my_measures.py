"""A GP finds the measures and tasks the GP office is responsible for (issue 12): on the
front page and in "my tasks", across the plans they may read, with consent and the
person's blocks deciding, in a fixed number of queries however many plans there are."""

from __future__ import annotations

import datetime as dt

import pytest
from django.urls import reverse

from laget.audit.models import AccessLogEntry
from laget.conftest import make_professional
from laget.directory.models import Membership
from laget.directory.tests.factories import OrganisationFactory, ServiceFactory
from laget.plans import services
from laget.plans.models import Category

pytestmark = pytest.mark.django_db

TODAY = dt.date.today()


def _consent(w, plan, service, categories) -> None:
    services.consent_record(
        actor=w.person if plan == w.plan else w.coordinator,
        plan=plan,
        to_service=service,
        categories=categories,
        valid_from=TODAY - dt.timedelta(days=1),
        valid_to=TODAY + dt.timedelta(days=100),
        method="digital" if plan == w.plan else "in_person",
    )


@pytest.fixture
def gp_world(plan_world):
    w = plan_world
    office = ServiceFactory(
        name="Testvik legesenter",
        organisation=OrganisationFactory(name="Testvik legesenter AS", kind="gp_office"),
    )
    gp = make_professional(office, Membership.Role.MEMBER)
    services.team_member_add(
        actor=w.coordinator, plan=w.plan, user=gp, role="member", service=office, reason="Fastlege"
    )
    _consent(w, w.plan, office, [Category.PLAN, Category.TASKS])
    measure = services.measure_add(
        actor=w.coordinator,
        plan=w.plan,
        title="Legetime og medisinoppfølging",
        responsible_service=office,
        scope="hver 6. uke",
    )
    return w, office, gp, measure


def _add_plan(w, office, gp, i: int) -> None:
    """Another person's plan with the GP on the team, a consent, a measure and a task."""
    person = services.person_create(
        actor=w.coordinator,
        first_name="Annen",
        last_name=f"Person {i}",
        birth_date=dt.date(1970, 1, 1),
    )
    plan = services.plan_create(
        actor=w.coordinator,
        person=person,
        owner=w.municipal.organisation,
        coordinator=w.coordinator,
        coordinator_service=w.municipal,
        reason="Vedtak",
    )
    services.team_member_add(
        actor=w.coordinator, plan=plan, user=gp, role="member", service=office, reason="Fastlege"
    )
    _consent(w, plan, office, [Category.PLAN, Category.TASKS])
    services.measure_add(
        actor=w.coordinator, plan=plan, title=f"Medisinoppfølging {i}", responsible_service=office
    )
    services.task_add(
        actor=w.coordinator,
        plan=plan,
        title=f"Blodprøver {i}",
        due=TODAY + dt.timedelta(days=3),
        assignee_service=office,
    )


def test_the_gp_sees_the_measure_given_to_the_gp_office(gp_world, client):
    _w, _office, gp, _measure = gp_world
    client.force_login(gp)
    body = client.get(reverse("plans:my_tasks")).content.decode()
    assert "Legetime og medisinoppfølging" in body and "Lise Testesen" in body
    front = client.get(reverse("home")).content.decode()
    assert "Legetime og medisinoppfølging" in front
    # Each person shown is in the access log, with what was read.
    entry = AccessLogEntry.objects.filter(actor=gp).order_by("-pk").first()
    assert entry is not None and "plan" in entry.category


def test_consent_and_the_persons_blocks_decide(gp_world, client):
    w, office, gp, measure = gp_world
    # Child welfare is on the team without consent: its measure stays hidden from it.
    services.measure_add(
        actor=w.coordinator,
        plan=w.plan,
        title="Oppfølging i hjemmet",
        responsible_service=w.child_welfare_service,
    )
    client.force_login(w.child_welfare)
    assert "Oppfølging i hjemmet" not in client.get(reverse("plans:my_tasks")).content.decode()
    # The person blocks the GP office's measure from the GP office.
    services.item_block_add(
        actor=w.person, plan=w.plan, kind="measure", object_id=measure.pk, hidden_from=office
    )
    client.force_login(gp)
    assert "Legetime og medisinoppfølging" not in (
        client.get(reverse("plans:my_tasks")).content.decode()
    )
    # A measure that is done is no longer work to do.
    services.item_block_remove(actor=w.person, block=w.plan.blocks.get())
    measure.status = "done"
    measure.save()
    assert "Legetime og medisinoppfølging" not in (
        client.get(reverse("plans:my_tasks")).content.decode()
    )


def test_a_colleague_in_the_gp_office_not_on_the_team_sees_nothing(gp_world, client):
    _w, office, _gp, _measure = gp_world
    colleague = make_professional(office, Membership.Role.MEMBER)
    client.force_login(colleague)
    assert "Legetime" not in client.get(reverse("plans:my_tasks")).content.decode()


def test_my_tasks_and_the_front_page_queries_stay_the_same_with_ten_times_the_plans(
    gp_world, client, django_assert_num_queries
):
    w, office, gp, _measure = gp_world
    client.force_login(gp)
    _add_plan(w, office, gp, 0)
    my_tasks, home = reverse("plans:my_tasks"), reverse("home")
    client.get(my_tasks)  # warm: session and chain head exist from here on
    client.get(home)
    # my tasks: 1 session, 2 user, 3 the user's second factor (MFA middleware), 4 the
    # user's places on teams (with plans and persons), 5 the consents in force for those
    # persons, 6 the user's active memberships, 7 the open tasks, 8 the open measures,
    # 9 the persons' blocks on them; then the access-log entries for the persons shown,
    # written together on either engine: 10 lock the chain's head, 11 one INSERT for all,
    # 12 move the head.
    with django_assert_num_queries(12):
        assert client.get(my_tasks).status_code == 200
    small = _count(client, home)
    for i in range(1, 10):
        _add_plan(w, office, gp, i)
    with django_assert_num_queries(12):
        response = client.get(my_tasks)
    body = response.content.decode()
    assert "Medisinoppfølging 9" in body and "Blodprøver 9" in body
    assert _count(client, home) == small


def _count(client, url) -> int:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as captured:
        assert client.get(url).status_code == 200
    return len(captured)
