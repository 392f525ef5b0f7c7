"""The demo persons: plans in every state, and consent limits that show."""

from __future__ import annotations

import pytest
from django.core.management import call_command
from django.db import transaction
from django.test import override_settings

from laget.accounts.models import User
from laget.plans.access import plan_access
from laget.plans.models import Plan

pytestmark = pytest.mark.django_db


@pytest.fixture(scope="module")
def demo(django_db_setup, django_db_blocker):
    # The demo is loaded once for the module inside a transaction rolled back at its end;
    # each test runs in a savepoint within it (pytest-django nests its atomic blocks), so
    # the tests stay independent without loading the whole network seven times. (A
    # module fixture runs before the per-test fast hashing, so it asks for it itself.)
    with (
        django_db_blocker.unblock(),
        transaction.atomic(),
        override_settings(
            LAGET_DEMO=True, PASSWORD_HASHERS=["django.contrib.auth.hashers.MD5PasswordHasher"]
        ),
    ):
        call_command("seed_demo")
        yield
        transaction.set_rollback(True)


def plan_of(first: str) -> Plan:
    return Plan.objects.select_related("person").get(person__first_name=first)


def user(email: str) -> User:
    return User.objects.get(email=email)


def test_twelve_plans_in_every_state(demo):
    states = list(Plan.objects.values_list("status", flat=True))
    assert len(states) == 12
    assert {"draft", "active", "closed"} == set(states)


def test_rop_case_spans_dps_municipality_nav_and_gp(demo):
    plan = plan_of("Jonas")
    levels = set(plan.team.active().exclude(service=None).values_list("service__level", flat=True))
    assert {"municipal", "specialist", "state"} <= levels
    nav = plan_access(user("thomas.ruud@nav-fjordvik.test"), plan)
    assert nav is not None
    assert nav.categories == {"plan", "tasks"}  # not messages, not health details


def test_child_welfare_on_the_team_sees_nothing_without_consent(demo):
    plan = plan_of("Emma")
    child_welfare = plan_access(user("ole.brekke@fjordvik-kommune.test"), plan)
    assert child_welfare is not None and child_welfare.categories == frozenset()
    school = plan_access(user("siri.nygard@fjordvik-ungdomsskole.test"), plan)
    assert school is not None and school.categories == {"plan", "tasks"}


def test_the_draft_with_an_unowned_measure_cannot_be_activated(demo):
    plan = plan_of("Rune")
    assert plan.status == "draft"
    assert plan.measures.filter(responsible_service=None).exists()


def test_the_audit_chains_are_intact_after_loading(demo, capsys):
    call_command("verify_audit")
    assert "change:" in capsys.readouterr().out


def test_demo_timelines_show_a_gap_a_declined_and_an_overdue_hand_off(demo):
    from laget.continuity.figures import continuity_figures
    from laget.continuity.models import Perspective

    figures = continuity_figures()
    assert figures.gap_days_total == 14  # Mathias, between the ambulant team and the team
    assert figures.declined_handoffs == 1 and figures.overdue_handoffs == 1
    assert figures.plans_past_revision >= 1
    jonas = plan_of("Jonas")
    views = Perspective.objects.filter(plan=jonas)
    assert {v.is_person for v in views} == {True, False}  # the person's and the DPS's differ


def test_a_request_for_a_plan_waits_in_the_municipality(demo):
    from laget.plans import requests

    ahmed = user("ahmed.rahimi@fjordvik-kommune.test")
    queue = requests.request_queue(actor=ahmed)
    assert [str(r.person) for r in queue.to_answer] == ["Amir Haddad"]
    assert requests.waiting_count(actor=ahmed) == 1
