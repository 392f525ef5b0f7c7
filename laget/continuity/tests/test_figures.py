"""The monthly figures: counts that match hand-made situations, and no names."""

from __future__ import annotations

import datetime as dt
import json

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from laget.continuity import services
from laget.continuity.models import Handoff
from laget.plans.models import Plan

pytestmark = pytest.mark.django_db
TODAY = dt.date.today()


def test_report_counts_gaps_handoffs_and_revisions(plan_world, capsys):
    w = plan_world
    Plan.objects.filter(pk=w.plan.pk).update(
        status="active", next_revision=TODAY - dt.timedelta(days=1)
    )
    ended = services.episode_start(
        actor=w.coordinator,
        plan=w.plan,
        service=w.dps,
        responsibility="responsible",
        starts=TODAY - dt.timedelta(days=40),
        ends=TODAY - dt.timedelta(days=10),
    )
    services.handoff_request(
        actor=w.coordinator,
        episode=ended,
        to_service=w.municipal,
        summary="Oppfølging",
        wanted_from=TODAY,
        answer_by=TODAY,
    )
    late = services.handoff_request(
        actor=w.coordinator,
        episode=ended,
        to_service=w.child_welfare_service,
        summary="x",
        wanted_from=TODAY,
        answer_by=TODAY,
    )
    Handoff.objects.filter(pk=late.pk).update(answer_by=TODAY - dt.timedelta(days=2))
    call_command("continuity_report")
    figures = json.loads(capsys.readouterr().out)
    assert figures == {
        "persons_with_gap_now": 1,
        "gap_days_total": 10,  # the last ten of the 30 days
        "open_handoffs": 2,
        "overdue_handoffs": 1,
        "declined_handoffs": 0,
        "plans_past_revision": 1,
    }
    assert "Testesen" not in json.dumps(figures)
    with pytest.raises(CommandError):
        call_command("continuity_report", "--network", "finnes-ikke")


@pytest.mark.parametrize("episodes", [1, 10])
def test_figures_take_a_fixed_number_of_queries(plan_world, django_assert_num_queries, episodes):
    from laget.continuity.figures import continuity_figures

    Plan.objects.filter(pk=plan_world.plan.pk).update(status="active")
    for i in range(episodes):
        services.episode_start(
            actor=plan_world.coordinator,
            plan=plan_world.plan,
            service=plan_world.dps,
            responsibility="responsible",
            starts=TODAY - dt.timedelta(days=100 - 5 * i),
            ends=TODAY - dt.timedelta(days=98 - 5 * i),
        )
    # Expect 6: the active plans' ids; their episodes; four counts (open, overdue and
    # declined hand-offs, plans past revision).
    with django_assert_num_queries(6):
        figures = continuity_figures()
    assert figures.persons_with_gap_now == 1
