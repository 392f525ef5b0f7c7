"""core.prepared: a statement compiled once gives, for any values, what the queryset built
afresh gives (rows, joined objects, annotations), and refuses what it cannot prepare."""

from __future__ import annotations

import pytest
from django.db.models import Count, Window

from laget.core.prepared import known, prepared
from laget.plans import services
from laget.plans.models import Person, Plan, TeamMember

pytestmark = pytest.mark.django_db


def _team(plan_id: int):
    return (
        TeamMember.objects.active()
        .filter(plan_id=plan_id)
        .select_related("user", "service__organisation")
        .annotate(size=Window(Count("pk")))
        .order_by("role", "joined_at", "pk")
    )


def test_a_prepared_statement_reads_what_the_queryset_reads_for_every_plan(plan_world):
    w = plan_world
    other_person = Person.objects.create(
        first_name="Ola", last_name="Nordmann", birth_date=w.person_record.birth_date
    )
    other = services.plan_create(
        actor=w.coordinator,
        person=other_person,
        owner=w.plan.owner,
        coordinator=w.coordinator,
        coordinator_service=w.municipal,
        reason="Koordinator etter vedtak",
    )
    for plan in [w.plan, other, w.plan]:  # the second and third reuse the compiled SQL
        expected = list(_team(plan.pk))
        got = list(prepared("test.team", _team, plan_id=plan.pk))
        assert [m.pk for m in got] == [m.pk for m in expected] and got
        assert [(m.user.email, m.size) for m in got] == [(m.user.email, m.size) for m in expected]
        assert [m.service and m.service.organisation.name for m in got] == [
            m.service and m.service.organisation.name for m in expected
        ]
    assert list(prepared("test.team", _team, plan_id=987654)) == []
    rows = known(list(prepared("test.team", _team, plan_id=w.plan.pk)), "plan", w.plan)
    assert all(m.plan is w.plan for m in rows)  # no query for the plan


def test_a_value_the_statement_does_not_use_is_refused(plan_world):
    with pytest.raises(ValueError):
        prepared("test.unused", lambda plan_id: Plan.objects.all(), plan_id=1)
