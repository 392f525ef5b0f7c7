"""When reminders go out: on something new, otherwise weekly; never for nothing."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone
from hypothesis import given
from hypothesis import strategies as st

from laget.continuity.reminders import KINDS, REPEAT_AFTER, reminder_due, something_new, tally
from laget.continuity.selectors import Attention

MONDAY = dt.datetime(2026, 11, 30, 7, 0, tzinfo=dt.UTC)


def item(plan_id: int, **counts: int | bool) -> Attention:
    """What needs doing on one plan, as the dashboard's selector returns it."""
    return Attention(plan_id, "", **counts)


def due(now, before=None, last_sent=None, at=MONDAY):
    return reminder_due(now=now, before=before, last_sent=last_sent, at=at)


def test_the_first_reminder_goes_out_and_nothing_never_does():
    assert due(tally([item(1, overdue_tasks=1)]))
    assert not due(tally([]))
    assert not due(tally([item(1)]))


def test_the_same_state_is_not_repeated_within_a_week():
    state = tally([item(1, overdue_tasks=2), item(2, revision_overdue=True)])
    yesterday = MONDAY - dt.timedelta(days=1)
    assert not due(state, before=state, last_sent=yesterday)
    assert not due(state, before=state, last_sent=MONDAY - REPEAT_AFTER + dt.timedelta(hours=1))
    assert due(state, before=state, last_sent=MONDAY - REPEAT_AFTER)


def test_fewer_things_to_do_is_not_news():
    before = tally([item(1, overdue_tasks=3), item(2, gap_now=True)])
    after = tally([item(1, overdue_tasks=1)])
    assert not due(after, before=before, last_sent=MONDAY - dt.timedelta(days=1))


def test_a_new_plan_or_a_new_kind_of_work_is_news_at_once():
    before = tally([item(1, overdue_tasks=1)])
    yesterday = MONDAY - dt.timedelta(days=1)
    assert due(tally([item(1, overdue_tasks=1), item(2, consents_expiring=1)]), before, yesterday)
    assert due(tally([item(1, overdue_tasks=1, gap_now=True)]), before, yesterday)
    assert due(tally([item(1, overdue_tasks=2)]), before, yesterday)


def test_the_tally_holds_numbers_only():
    assert tally([item(7, revision_overdue=True, stale_measures=2)]) == {"7": [1, 2, 0, 0, 0, 0, 0]}
    assert len(KINDS) == 7


counts = st.lists(st.integers(0, 5), min_size=len(KINDS), max_size=len(KINDS))
tallies = st.dictionaries(st.sampled_from(["1", "2", "3"]), counts, max_size=3)


@given(tallies, tallies)
def test_news_means_some_count_went_up(before, now):
    went_up = any(
        c > (before.get(plan, [0] * len(KINDS))[i])
        for plan, cs in now.items()
        for i, c in enumerate(cs)
    )
    assert something_new(before, now) == went_up
    assert not something_new(now, now)


@pytest.mark.django_db
def test_the_task_reminds_on_news_and_weekly_never_daily_the_same(plan_world, mailoutbox):
    from laget.continuity.models import ReminderState
    from laget.continuity.tasks import send_reminders
    from laget.plans import services as plan_services

    w, today = plan_world, dt.date.today()

    def overdue_task(title):
        plan_services.task_add(
            actor=w.coordinator,
            plan=w.plan,
            title=title,
            due=today - dt.timedelta(days=1),
            assignee_user=w.coordinator,
        )

    send_reminders.enqueue()
    assert mailoutbox == []  # nothing needs attention: no mail, nothing kept
    assert not ReminderState.objects.exists()

    overdue_task("Ringe legen")
    send_reminders.enqueue()
    assert [m.to for m in mailoutbox] == [[w.coordinator.email]]
    assert "Ringe legen" not in mailoutbox[0].body and "Testesen" not in mailoutbox[0].body

    send_reminders.enqueue()  # the next day, the same state: no second mail
    assert len(mailoutbox) == 1

    overdue_task("Søke bolig")  # something new: a reminder at once
    send_reminders.enqueue()
    assert len(mailoutbox) == 2
    assert "- 2 " in mailoutbox[1].body

    ReminderState.objects.update(last_sent=timezone.now() - REPEAT_AFTER)
    send_reminders.enqueue()  # a week later, still undone: the weekly reminder
    assert len(mailoutbox) == 3
    send_reminders.enqueue()
    assert len(mailoutbox) == 3


@pytest.mark.django_db
def test_a_failed_send_keeps_nothing_so_the_next_run_tries_again(plan_world, mailoutbox):
    from laget.continuity import services
    from laget.continuity.models import ReminderState

    def broken() -> None:
        raise ConnectionError("the mail server is down")

    state = {"1": [1, 0, 0, 0, 0, 0, 0]}
    with pytest.raises(ConnectionError):
        services.reminder_send_if_due(
            user=plan_world.coordinator, tally=state, at=timezone.now(), send=broken
        )
    assert not ReminderState.objects.exists()
    sent = []
    assert services.reminder_send_if_due(
        user=plan_world.coordinator, tally=state, at=timezone.now(), send=lambda: sent.append(1)
    )
    assert sent == [1]
