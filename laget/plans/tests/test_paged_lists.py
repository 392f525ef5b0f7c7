"""Lists whose length grows with a caseload are paged: "my tasks" by keyset on (due, id),
the coordinator's dashboard by page; each page logs only the persons it shows."""

from __future__ import annotations

import pytest
from django.urls import reverse

from laget.audit.models import AccessLogEntry
from laget.notifications.selectors import needs_you
from laget.plans.models import Plan, Task
from laget.plans.tests.test_query_counts import grow

pytestmark = pytest.mark.django_db


def _new_entries(before: int) -> list[AccessLogEntry]:
    return list(AccessLogEntry.objects.filter(pk__gt=before).order_by("pk"))


def _last_pk() -> int:
    return AccessLogEntry.objects.order_by("-pk").values_list("pk", flat=True).first() or 0


def test_my_tasks_pages_by_keyset_and_logs_the_persons_on_each_page(
    plan_world, plan_client, monkeypatch
):
    from laget.plans import selectors

    monkeypatch.setattr(selectors, "TASKS_PER_PAGE", 2)
    grow(plan_world, 3)  # four plans, each with an overdue task for the coordinator
    client = plan_client("coordinator")
    url = reverse("plans:my_tasks")
    seen: list[int] = []
    after, pages = "", 0
    while True:
        before = _last_pk()
        response = client.get(url, {"etter": after} if after else {})
        assert response.status_code == 200
        page = response.context["tasks"]
        shown = [t.pk for t in [*page.overdue, *page.upcoming]]
        assert len(shown) <= 2 and not set(shown) & set(seen)
        seen += shown
        persons = {t.plan.person_id for t in [*page.overdue, *page.upcoming]}
        persons |= {m.plan.person_id for m in page.measures}
        assert {e.person_id for e in _new_entries(before)} == persons
        pages += 1
        if not page.next_after:
            break
        assert f'href="?etter={page.next_after}"' in response.content.decode()
        after = page.next_after
    expected = Task.objects.filter(assignee_user=plan_world.coordinator, status="open")
    assert sorted(seen) == sorted(expected.values_list("pk", flat=True))
    assert len(seen) == 6 and pages == 3  # three on the plan, one on each of three others
    assert client.get(url, {"etter": "ikke-en-markør"}).status_code == 200


def test_the_dashboard_is_paged_and_logs_only_the_plans_shown(plan_world, plan_client, monkeypatch):
    from laget.continuity import selectors

    monkeypatch.setattr(selectors, "ATTENTION_PER_PAGE", 2)
    grow(plan_world, 3)
    client = plan_client("coordinator")
    url = reverse("continuity:dashboard")
    everyone = selectors.attention(actor=plan_world.coordinator, log=False)
    assert len(everyone) >= 3
    # The "needs you" section above (notifications) logs the plans it shows on its own.
    waiting = needs_you(actor=plan_world.coordinator)
    also = {w.plan_id for w in waiting.waiting} | {c.plan_id for c in waiting.calls}
    shown: list[int] = []
    for number in (1, 2):
        before = _last_pk()
        response = client.get(url, {"side": number})
        items = list(response.context["items"])
        assert 1 <= len(items) <= 2
        logged = {e.person_id for e in _new_entries(before)}
        plans = {i.plan_id for i in items} | also
        assert {i.plan_id for i in everyone} - plans  # some plans are not on this page
        assert logged == set(Plan.objects.filter(pk__in=plans).values_list("person_id", flat=True))
        shown += [i.plan_id for i in items]
    assert shown == [i.plan_id for i in everyone][: len(shown)]
    assert "Side 1 av" in client.get(url).content.decode()


def test_the_inbox_pages_by_keyset_and_logs_the_persons_on_each_page(
    plan_world, plan_client, monkeypatch
):
    from laget.plans import message_selectors as selectors

    monkeypatch.setattr(selectors, "INBOX_PER_PAGE", 2)
    grow(plan_world, 3)  # a message from the person on the plan for each round
    client = plan_client("coordinator")
    url = reverse("plans:inbox")
    seen: list[int] = []
    after, pages = "", 0
    while True:
        before = _last_pk()
        response = client.get(url, {"eldre": after} if after else {})
        assert response.status_code == 200
        inbox = response.context["inbox"]
        shown = [item.message.pk for item in inbox.items]
        assert 1 <= len(shown) <= 2 and not set(shown) & set(seen)
        seen += shown
        persons = {item.message.plan.person_id for item in inbox.items}
        assert {e.person_id for e in _new_entries(before)} == persons
        pages += 1
        if not inbox.next_before:
            break
        assert f'href="?eldre={inbox.next_before}"' in response.content.decode()
        after = inbox.next_before
    expected = selectors.Message.objects.filter(plan=plan_world.plan).exclude(
        author=plan_world.coordinator
    )
    assert seen == list(expected.order_by("-created_at", "-pk").values_list("pk", flat=True))
    assert len(seen) == 3 and pages == 2
    assert "Nyeste meldinger" in response.content.decode()  # back to the first page
    # A cursor that is not one shows the newest page, not an error.
    first = client.get(url, {"eldre": "ikke-en-markør"})
    assert first.status_code == 200 and first.context["inbox"].before == ""
