"""Every read of notifications. The bell and the list name nobody (notifications.wording),
so they are the actor's own data and need no access-log entry; "Trenger deg" names persons
and logs one entry per plan shown, through the plans app's door."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from django.core.paginator import Page, Paginator
from django.utils import timezone

from laget.core.types import Actor
from laget.notifications.access import MESSAGE_KINDS, waiting_messages
from laget.notifications.models import CallRequest, Notification, NotificationSettings, Preference
from laget.notifications.workdays import add_working_days
from laget.plans.access import PlanAccess, team_accesses
from laget.plans.models import Category, Task
from laget.plans.selectors import log_list

PER_PAGE = 20


def notifications_page(*, actor: Actor, page_number: int | str = 1) -> Page:
    """The actor's own notifications, newest first, paged (two queries: count and page)."""
    return Paginator(Notification.objects.filter(recipient=actor), PER_PAGE).get_page(page_number)


def my_settings(*, actor: Actor) -> tuple[NotificationSettings, dict[tuple[str, str], bool]]:
    mine = NotificationSettings.objects.filter(user=actor).first() or NotificationSettings(
        user=actor
    )
    choices = {(p.kind, p.channel): p.enabled for p in Preference.objects.filter(user=actor)}
    return mine, choices


@dataclass
class Unread:
    """Unread state for one user: per plan, and which messages are new to them."""

    by_plan: dict[int, int] = field(default_factory=dict)
    messages: set[int] = field(default_factory=set)


def unread(*, actor: Actor) -> Unread:
    """One query, none when the user has nothing unread (the count rides on their row)."""
    state = Unread()
    if not actor.is_authenticated or not actor.unread_notifications:
        return state
    rows = Notification.objects.filter(recipient=actor, read_at__isnull=True).values_list(
        "plan_id", "kind", "target_id"
    )[:2000]
    for plan_id, kind, target_id in rows:
        if plan_id is not None:
            state.by_plan[plan_id] = state.by_plan.get(plan_id, 0) + 1
        if kind in MESSAGE_KINDS and target_id is not None:
            state.messages.add(target_id)
    return state


@dataclass
class Waiting:
    plan_id: int
    person: str
    since: dt.datetime
    by_relative: bool
    overdue: bool  # two working days or more


@dataclass
class CallWaiting:
    plan_id: int
    person: str
    task: Task
    time_of_day: str
    asked_at: dt.datetime


@dataclass
class NeedsYou:
    waiting: list[Waiting]
    calls: list[CallWaiting]


def needs_you(
    *,
    actor: Actor,
    request_id: str = "",
    team: list[PlanAccess] | None = None,
    logged: set[int] | frozenset[int] = frozenset(),
) -> NeedsYou:
    """For the coordinator (and the stand-in who covers): plans where the person or a
    relative waits for an answer, and open requests to be called. Four queries (two when
    the page has read the actor's `team` places) and one log entry per plan shown, but for
    the plans the page has `logged` already for the same reading."""
    if team is None:
        team = team_accesses(actor)
    mine: dict[int, PlanAccess] = {
        a.plan.pk: a for a in team if a.is_coordinator and a.member is not None
    }
    if not mine:
        return NeedsYou([], [])
    today = timezone.localdate()
    waiting = [
        Waiting(
            m.plan_id,
            str(mine[m.plan_id].plan.person),
            m.created_at,
            m.author_id != mine[m.plan_id].plan.person.user_id,
            add_working_days(timezone.localdate(m.created_at), 2) <= today,
        )
        for m in waiting_messages(plan_ids=mine)
        if mine[m.plan_id].may_read(Category.MESSAGES)
    ]
    calls = [
        CallWaiting(
            c.plan_id, str(mine[c.plan_id].plan.person), c.task, c.time_of_day, c.created_at
        )
        for c in CallRequest.objects.filter(plan_id__in=mine, task__status=Task.Status.OPEN)
        .select_related("task")
        .order_by("created_at")
    ]
    shown = sorted(({w.plan_id for w in waiting} | {c.plan_id for c in calls}) - set(logged))
    log_list([(mine[pid], ["attention"]) for pid in shown], request_id=request_id)
    return NeedsYou(waiting, calls)
