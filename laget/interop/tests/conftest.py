from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone

from laget.conftest import make_professional
from laget.directory.models import Membership
from laget.plans import services
from laget.plans.tests import conftest as plans_conftest

# The plan and every kind of actor, as the plan's own tests have them.
plan_world = plans_conftest.plan_world
plan_client = plans_conftest.plan_client
_media_in_tmp = plans_conftest._media_in_tmp


def fill_plan(world, n: int = 1) -> None:
    """n goals, each with a measure, and n tasks, written as the coordinator would."""
    plan = world.plan
    for i in range(n):
        goal = services.goal_add(
            actor=world.coordinator,
            plan=plan,
            text=f"Mål {i}: bo i egen leilighet",
            life_area="housing",
        )
        services.measure_add(
            actor=world.coordinator,
            plan=plan,
            title=f"Tiltak {i}: bolig med oppfølging",
            responsible_service=world.municipal if i % 2 else world.dps,
            goal=goal,
            starts=timezone.localdate(),
        )
        services.task_add(
            actor=world.coordinator,
            plan=plan,
            title=f"Oppgave {i}: søke kommunal bolig",
            due=timezone.localdate() + dt.timedelta(days=7),
            assignee_service=world.dps,
        )


@pytest.fixture
def filled(plan_world):
    fill_plan(plan_world)
    return plan_world


@pytest.fixture
def leader(plan_world):
    """A leader in the municipality that owns the plan: may bulk-export its plans."""
    return make_professional(plan_world.municipal, Membership.Role.LEADER)
