"""Log what was shown, no more (issue 15, item 2): every page and API call built on the
plan loader writes one access-log entry naming exactly the categories it returns, and reads
nothing else. The front page writes one entry per person, not one per list."""

from __future__ import annotations

import datetime as dt

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from laget.audit.models import AccessLogEntry
from laget.plans import services
from laget.plans.models import Category, CrisisPlan

pytestmark = pytest.mark.django_db


def _with_everything(w) -> None:  # type: ignore[no-untyped-def]
    """A goal, a measure, a task, a message and health details in consent for the DPS."""
    services.goal_add(actor=w.person, plan=w.plan, text="Bo for meg selv", life_area="housing")
    services.measure_add(
        actor=w.coordinator, plan=w.plan, title="Samtaler", responsible_service=w.dps
    )
    services.task_add(
        actor=w.coordinator,
        plan=w.plan,
        title="Ringe NAV",
        due=timezone.localdate() + dt.timedelta(days=3),
        assignee_user=w.coordinator,
    )
    services.message_post(actor=w.person, plan=w.plan, body="Hemmelig melding om helse")


def _logged(client, url: str) -> list[str]:  # type: ignore[no-untyped-def]
    before = AccessLogEntry.objects.order_by("-pk").values_list("pk", flat=True).first() or 0
    response = client.get(url)
    assert response.status_code == 200, url
    entries = list(AccessLogEntry.objects.filter(pk__gt=before).order_by("pk"))
    assert len(entries) == 1, (url, [e.category for e in entries])
    return entries[0].category.split(",")


def test_the_plan_api_logs_and_reads_only_what_it_returns(plan_world, plan_client):
    w = plan_world
    _with_everything(w)
    url = reverse("api-v1:get_plan", kwargs={"plan_id": w.plan.pk})
    client = plan_client("coordinator")
    client.get(url)  # warm: the chain head exists from here on
    with CaptureQueriesContext(connection) as captured:
        logged = _logged(client, url)
    assert logged == [Category.PLAN, Category.TASKS]
    sql = " ".join(q["sql"] for q in captured.captured_queries)
    for table in ("plans_message", "plans_crisisplan", "plans_consent", "plans_emergencyaccess"):
        assert table not in sql, table  # never read, so never returned or logged
    body = client.get(url).json()
    assert body["tasks"][0]["title"] == "Ringe NAV"
    assert "Hemmelig" not in str(body)
    assert set(body) == {
        *("id", "person", "status", "owner", "period_start", "period_end", "next_revision"),
        *("resources", "needs", "person_contribution", "relatives_contribution"),
        *("cooperation", "consent_given", "goals", "measures", "team", "tasks"),
    }


def test_the_plan_api_without_consent_for_tasks_logs_the_plan_alone(plan_world, plan_client):
    w = plan_world
    _with_everything(w)
    url = reverse("api-v1:get_plan", kwargs={"plan_id": w.plan.pk})
    client = plan_client("relative_with_consent")  # consent: plan and messages, not tasks
    assert _logged(client, url) == [Category.PLAN]
    assert client.get(url).json()["tasks"] is None


@pytest.mark.parametrize(
    ("actor", "name", "shown"),
    [
        ("coordinator", "plans:plan", ["plan", "tasks", "messages", "health"]),
        ("coordinator", "plans:team", ["plan"]),
        ("coordinator", "plans:roles", ["plan"]),
        ("coordinator", "plans:invite", ["plan"]),
        ("coordinator", "plans:consents", ["plan"]),
        ("coordinator", "plans:crisis_plan", ["health"]),
        ("coordinator", "plans:print", ["plan", "health"]),
        ("team_professional", "plans:plan", ["plan", "tasks", "messages"]),
        ("relative_with_consent", "plans:plan", ["plan", "messages"]),
        ("relative_with_consent", "plans:messages", ["messages"]),
    ],
)
def test_each_page_logs_the_categories_it_shows(plan_world, plan_client, actor, name, shown):
    w = plan_world
    _with_everything(w)
    url = reverse(name, kwargs={"plan_id": w.plan.pk})
    assert _logged(plan_client(actor), url) == shown


def test_the_crisis_plan_page_shows_health_details_and_not_the_tasks(plan_world, plan_client):
    w = plan_world
    _with_everything(w)
    CrisisPlan.objects.filter(plan=w.plan).update(warning_signs="Sover dårlig")
    body = (
        plan_client("coordinator")
        .get(reverse("plans:crisis_plan", kwargs={"plan_id": w.plan.pk}))
        .content.decode()
    )
    assert "Ringe NAV" not in body and "Hemmelig melding" not in body


def test_the_front_page_logs_one_entry_per_person_shown(plan_world, plan_client):
    """A professional's front page lists their plans and their services' tasks and
    measures: the person behind both gets one entry naming both, not two."""
    w = plan_world
    _with_everything(w)
    services.task_add(
        actor=w.coordinator,
        plan=w.plan,
        title="Svare DPS",
        due=timezone.localdate() + dt.timedelta(days=2),
        assignee_service=w.dps,
    )
    client = plan_client("team_professional")
    before = AccessLogEntry.objects.order_by("-pk").values_list("pk", flat=True).first() or 0
    body = client.get(reverse("home")).content.decode()
    assert "Samtaler" in body  # the DPS's measure; the tasks are counted
    entries = list(AccessLogEntry.objects.filter(pk__gt=before))
    assert [(e.person_id, e.category) for e in entries] == [
        (w.person_record.pk, "plan_list,tasks,plan")
    ]
