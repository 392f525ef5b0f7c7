"""The plan world of the plan tests, with a stand-in who covers for the coordinator, and
an outbox for SMS."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone

from laget.conftest import make_professional
from laget.directory.models import Membership
from laget.notifications.gateway import LocmemSmsBackend
from laget.plans import services as plan_services
from laget.plans.tests.conftest import (  # noqa: F401
    PLAN_ACTORS,
    PlanWorld,
    _media_in_tmp,
    plan_client,
    plan_world,
)

# Everyone the matrix asks about: the plan's actors and the stand-in.
ACTORS = [a for a in PLAN_ACTORS if a != "anonymous"] + ["stand_in"]


@pytest.fixture(autouse=True)
def _sms_outbox(settings):
    settings.LAGET_SMS_BACKEND = "laget.notifications.gateway.LocmemSmsBackend"
    LocmemSmsBackend.outbox = []
    yield
    LocmemSmsBackend.outbox = []


@pytest.fixture
def told_world(plan_world: PlanWorld) -> PlanWorld:  # noqa: F811
    """plan_world with a stand-in (municipal professional on the team, covering)."""
    w = plan_world
    stand_in = make_professional(w.municipal, Membership.Role.MEMBER)
    plan_services.team_member_add(
        actor=w.coordinator,
        plan=w.plan,
        user=stand_in,
        role="member",
        service=w.municipal,
        reason="Stedfortreder i ferien",
    )
    plan_services.stand_in_set(
        actor=w.coordinator,
        plan=w.plan,
        user=stand_in,
        until=timezone.localdate() + dt.timedelta(days=14),
    )
    w.stand_in = stand_in  # type: ignore[attr-defined]
    w.plan.refresh_from_db()
    return w
