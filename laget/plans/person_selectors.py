"""Reads for the person's own pages: who has read my plan (grouped from a bounded window of
the newest reads), my consents as cards, and what a comment on a measure or task is about.

The same door as plans.selectors: access is checked first, every read of personal data
writes one access-log entry, and a page makes a fixed number of queries however long the
log grows (a page groups at most WINDOW reads, and the groups are paged by day).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Any

from django.http import Http404
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from laget.accounts.models import User
from laget.audit.models import AccessLogEntry, ChangeRecord
from laget.audit.services import access_log_write
from laget.core.types import Actor
from laget.directory.models import Service
from laget.plans.access import PlanAccess
from laget.plans.models import (
    Category,
    Consent,
    EmergencyAccess,
    ItemBlock,
    Person,
    Plan,
    TeamMember,
)

GROUPS_PER_PAGE = 20
ENTRIES_PER_GROUP = 20  # an opened group lists its newest reads; the count says how many in all


@dataclass
class ReadGroup:
    """One reader, as role and service, on one day: how many reads, the newest first."""

    key: str
    actor_name: str
    actor_role: str
    actor_service: str
    day: dt.date
    count: int
    last_at: dt.datetime
    emergency: bool
    entries: list[ReadEntry]
    at_least: bool = False  # a day with more reads than a page groups: "at least" count


@dataclass
class ReadEntry:
    at: dt.datetime
    what: str  # in words: "the plan, tasks", "printed or downloaded"
    emergency: bool


# What an entry's category says was read, in the person's words.
WHAT_WAS_READ = {
    Category.PLAN: gettext_lazy("the plan"),
    Category.TASKS: gettext_lazy("tasks"),
    Category.MESSAGES: gettext_lazy("messages"),
    Category.MINUTES: gettext_lazy("meeting minutes"),
    Category.HEALTH: gettext_lazy("health details and crisis plan"),
    Category.OUTCOMES: gettext_lazy("outcome ratings"),
    Category.DOCUMENTS: gettext_lazy("documents"),
    "plan_list": gettext_lazy("your name in a list of plans"),
    "attention": gettext_lazy("your name in a list of plans"),
    "attachment": gettext_lazy("an attachment"),
}


def _in_words(at: dt.datetime, purpose: str, category: str) -> ReadEntry:
    words = []
    for code in category.split(","):
        word = str(WHAT_WAS_READ.get(code, "")) or _("your plan")
        if word not in words:
            words.append(word)
    what = ", ".join(words)
    if purpose == "export":
        what = _("printed or downloaded: %(what)s") % {"what": what}
    return ReadEntry(at, what, purpose == "emergency")


@dataclass
class PlanChange:
    """A change in who is responsible for the person's plan, in their words."""

    at: dt.datetime
    text: str


@dataclass
class ReadLog:
    groups: list[ReadGroup]  # whole days, newest first
    older: dt.date | None  # the cursor of the next page (days before this one), if any
    paged: bool  # this is not the newest page (a link back to the newest)
    services: list[str]  # the services that have read, for the filter
    service: str  # the service filtered on, or ""
    emergencies: list[EmergencyAccess]  # not yet reviewed by the coordinator: shown on top
    today: dt.date
    changes: list[PlanChange] = field(default_factory=list)  # newest first


CHANGES_SHOWN = 10
RESPONSIBILITY_ACTIONS = ["coordinator_change", "plan_close", "plan_reopen"]


def responsibility_changes(person: Person) -> list[PlanChange]:
    """The coordinator changes, closings and reopenings of the person's plans, from the
    change log, newest first. Two queries, and two for the names when a coordinator
    changed: constant however long the log."""
    plan_ids = [str(pk) for pk in Plan.objects.filter(person=person).values_list("pk", flat=True)]
    records = list(
        ChangeRecord.objects.filter(
            object_type=Plan._meta.label_lower,
            object_id__in=plan_ids,
            action__in=RESPONSIBILITY_ACTIONS,
        ).order_by("-at", "-pk")[:CHANGES_SHOWN]
    )
    moves = [r for r in records if r.action == "coordinator_change"]
    user_ids = {(r.before or {}).get("user_id") for r in moves} | {
        (r.after or {}).get("user_id") for r in moves
    }
    names: dict[Any, str] = (
        {u.pk: u.get_full_name() for u in User.objects.filter(pk__in=user_ids - {None})}
        if moves
        else {}
    )
    service_names: dict[Any, str] = (
        dict(
            Service.objects.filter(
                pk__in={(r.after or {}).get("service_id") for r in moves} - {None}
            ).values_list("pk", "name")
        )
        if moves
        else {}
    )
    changes = []
    for record in records:
        before, after = record.before or {}, record.after or {}
        if record.action == "plan_close":
            text = _("Your plan was closed. Reason: «%(reason)s»") % {
                "reason": after.get("reason", "")
            }
        elif record.action == "plan_reopen":
            text = _("Your plan was opened again. Reason: «%(reason)s»") % {
                "reason": after.get("reason", "")
            }
        else:
            specialist = after.get("role") == TeamMember.Role.SPECIALIST_COORDINATOR
            values = {
                "new": names.get(after.get("user_id"), _("someone")),
                "service": service_names.get(after.get("service_id"), ""),
                "old": names.get(before.get("user_id"), _("nobody")),
            }
            if specialist:
                text = (
                    _(
                        "%(new)s (%(service)s) became your coordinator in the specialist "
                        "service, after %(old)s."
                    )
                    % values
                )
            else:
                text = _("%(new)s (%(service)s) became your coordinator, after %(old)s.") % values
        changes.append(PlanChange(record.at, text))
    return changes


# A page groups at most the newest WINDOW reads before its cursor: the cost of a page does
# not grow with the log (keyset by day: a page is whole days, the next one starts before).
WINDOW = 1000


def _day_start(day: dt.date) -> dt.datetime:
    return timezone.make_aware(dt.datetime.combine(day, dt.time.min))


def _cursor(value: str) -> dt.date | None:
    try:
        return dt.date.fromisoformat(value) if value else None
    except ValueError:
        return None


def person_read_log(
    *, actor: Actor, older_than: str = "", service: str = "", request_id: str = ""
) -> ReadLog:
    """Who has read the actor's plan, grouped by who (name, role, service) and day, newest
    group first, optionally for one service. Paged by keyset: a page is whole days, at most
    GROUPS_PER_PAGE groups (or one day, however many), grouped from the newest WINDOW reads
    before `older_than` (a date); the next page starts before its oldest day. Four queries
    and the log entry however many reads there are: the person, the services for the
    filter, the window's reads (grouped here, with each group's newest entries), the
    unreviewed emergencies. A day with more than WINDOW reads shows "at least" its count."""
    person = Person.objects.filter(user=actor).first() if actor.is_authenticated else None
    if person is None:
        raise Http404
    reads = AccessLogEntry.objects.filter(person_id=person.pk).exclude(purpose="self")
    before = _cursor(older_than)
    if before is not None:
        reads = reads.filter(at__lt=_day_start(before))
    # Who has read: the services on the person's teams, now or before, and emergency
    # accesses (every reader comes through one or the other), besides any in the window.
    services_qs = (
        TeamMember.objects.filter(plan__person=person, service__isnull=False)
        .values_list("service__name", flat=True)
        .union(
            EmergencyAccess.objects.filter(plan__person=person).values_list(
                "service__name", flat=True
            )
        )
    )
    services = sorted({s for s in services_qs if s})
    service = service if service in services else ""
    if service:
        reads = reads.filter(actor_service=service)
    # The window's reads, newest first, only the columns a group needs, grouped here: one
    # index-ordered read of at most WINDOW small rows, where grouping and ranking them in
    # SQL took two queries that each fetched every row of the window again by id.
    window = list(
        reads.order_by("-at", "-pk").values_list(*GROUP_BY, "at", "purpose", "category")[:WINDOW]
    )
    rows, newest = _group_window(window)
    rows, older, partial_day = _whole_days(rows)
    groups = [
        ReadGroup(
            key=f"{row['actor_id']}-{row['day']:%Y%m%d}",
            actor_name=row["actor_name"],
            actor_role=row["actor_role"],
            actor_service=row["actor_service"],
            day=row["day"],
            count=row["count"],
            last_at=row["last_at"],
            emergency=row["emergencies"] > 0,
            entries=newest.get(tuple(row[k] for k in [*GROUP_BY, "day"]), []),
            at_least=row["day"] == partial_day,
        )
        for row in rows
    ]
    emergencies = list(
        EmergencyAccess.objects.filter(plan__person=person, reviewed_at__isnull=True)
        .select_related("user", "service")
        .order_by("-starts_at")
    )
    access_log_write(
        actor=actor,
        actor_name=actor.get_full_name(),
        actor_role="",
        actor_service="",
        person_id=person.pk,
        category="access_log",
        purpose="self",
        request_id=request_id,
    )
    # Changes in who is responsible are shown on the newest page, unfiltered.
    changes = responsibility_changes(person) if before is None and not service else []
    return ReadLog(
        groups,
        older,
        before is not None,
        services,
        service,
        emergencies,
        timezone.localdate(),
        changes,
    )


def _whole_days(rows: list[dict]) -> tuple[list[dict], dt.date | None, dt.date | None]:
    """The groups of the window (newest first) cut to whole days: (the page's groups, the
    cursor of the next page or None, the day whose count is only "at least" or None).

    If the window is full, its oldest day may go on before it: that day is left to the next
    page, unless it is the only day (then it is shown with "at least" its count). Whole days
    are kept while they fit in GROUPS_PER_PAGE groups (at least one day)."""
    if not rows:
        return [], None, None
    days = sorted({row["day"] for row in rows}, reverse=True)
    full = sum(row["count"] for row in rows) >= WINDOW
    partial_day = None
    if full and len(days) > 1:
        days = days[:-1]  # complete on the next page
    elif full:
        partial_day = days[0]
    per_day: dict[dt.date, int] = {}
    for row in rows:
        per_day[row["day"]] = per_day.get(row["day"], 0) + 1
    kept: list[dt.date] = []
    shown = 0
    for day in days:
        if kept and shown + per_day[day] > GROUPS_PER_PAGE:
            break
        kept.append(day)
        shown += per_day[day]
    more = full or len(kept) < len({row["day"] for row in rows})
    keep = set(kept)
    return [row for row in rows if row["day"] in keep], (kept[-1] if more else None), partial_day


GROUP_BY = ["actor_id", "actor_name", "actor_role", "actor_service"]


def _group_window(window: list[tuple]) -> tuple[list[dict], dict[tuple, list[ReadEntry]]]:
    """The window's reads (newest first) grouped by who and day: the groups, by newest read
    then name, each with how many reads, the newest and whether any was an emergency
    access; and each group's newest ENTRIES_PER_GROUP reads in words."""
    groups: dict[tuple, dict] = {}
    newest: dict[tuple, list[ReadEntry]] = {}
    zone = timezone.get_current_timezone()  # once: looking it up per read cost more than SQL
    for *who, at, purpose, category in window:
        key = (*who, at.astimezone(zone).date())
        row = groups.get(key)
        if row is None:
            row = groups[key] = dict(zip([*GROUP_BY, "day"], key, strict=True))
            row.update(count=0, last_at=at, emergencies=0)
            newest[key] = []
        row["count"] += 1
        row["emergencies"] += purpose == "emergency"
        if len(newest[key]) < ENTRIES_PER_GROUP:
            newest[key].append(_in_words(at, purpose, category))
    rows = sorted(groups.values(), key=lambda r: (-r["last_at"].timestamp(), r["actor_name"]))
    return rows, newest


# --- Consents as cards ------------------------------------------------------------------


@dataclass
class ConsentCard:
    consent: Consent
    receiver: str
    categories: list[str]  # in words, never codes
    state: str  # in_force, withdrawn, expired, future
    may_withdraw: bool
    may_undo: bool  # withdrawn today: can be undone until midnight


def consent_cards(consents: list[Consent], *, today: dt.date) -> list[ConsentCard]:
    """The consents already read for the page (plan_page), as one card each, in force
    first. No queries."""
    labels = dict(Category.choices)
    cards = []
    for c in consents:
        if c.withdrawn_at:
            state = "withdrawn"
        elif c.valid_to < today:
            state = "expired"
        elif c.valid_from > today:
            state = "future"
        else:
            state = "in_force"
        cards.append(
            ConsentCard(
                consent=c,
                receiver=consent_receiver_name(c),
                # In the order the plan is built (the plan first), not by code.
                categories=[str(labels[code]) for code in labels if code in c.categories],
                state=state,
                may_withdraw=state in ("in_force", "future"),
                may_undo=bool(
                    c.withdrawn_at
                    and timezone.localdate(c.withdrawn_at) == today
                    and c.valid_to >= today
                ),
            )
        )
    order = {"in_force": 0, "future": 1, "withdrawn": 2, "expired": 3}
    return sorted(cards, key=lambda card: order[card.state])


@dataclass
class ConsentSummary:
    current: list[ConsentCard]  # in force or still to come: what the plan page lists
    earlier: int  # withdrawn or run out: their history is on the consents page


def consent_summary(cards: list[ConsentCard]) -> ConsentSummary:
    """The plan page's consents section: the cards in force or still to come, and how
    many earlier ones (withdrawn or run out) the consents page keeps. No queries."""
    current = [card for card in cards if card.state in ("in_force", "future")]
    return ConsentSummary(current=current, earlier=len(cards) - len(current))


def current_and_past(cards: list[ConsentCard]) -> tuple[list[ConsentCard], list[ConsentCard]]:
    """The cards that matter now (in force, coming, or withdrawn today and still undoable),
    and the history (run out, withdrawn earlier), which the page folds away."""
    current = [c for c in cards if c.may_withdraw or c.may_undo]
    return current, [c for c in cards if not (c.may_withdraw or c.may_undo)]


def consent_receiver_name(consent: Consent) -> str:
    if consent.to_service_id:
        return consent.to_service.name  # type: ignore[union-attr]
    if consent.to_organisation_id:
        return consent.to_organisation.name  # type: ignore[union-attr]
    return consent.to_relative.get_full_name() if consent.to_relative else ""


# --- Comments on measures and tasks -----------------------------------------------------


def comment_opening(*, access: PlanAccess, about: str) -> str:
    """The first words of a message that comments on a measure or a task the actor can
    see ("tiltak-12", "oppgave-7"), or "" when there is no such thing for them. One or two
    queries; the message page logs its read as always."""
    kind, _sep, number = about.partition("-")
    if not number.isdigit():
        return ""
    plan = access.plan
    if kind == "tiltak":
        measure = plan.measures.filter(pk=int(number)).first()
        blocks = list(plan.blocks.filter(kind=ItemBlock.Kind.MEASURE, object_id=int(number)))
        if measure is None or not access.visible([measure], ItemBlock.Kind.MEASURE, blocks):
            return ""
        return _("About the measure «%(title)s»: ") % {"title": measure.title}
    if kind == "oppgave" and access.may_read(Category.TASKS):
        task = plan.tasks.filter(pk=int(number)).first()
        if task is None:
            return ""
        return _("About the task «%(title)s»: ") % {"title": task.title}
    return ""
