"""Every write of notifications. The one path is notify(): other apps' services call it
inside the transaction of their event, with one line:

    notify(event=Kind.MESSAGE_NEW, plan=plan, actor=actor, target=message)

It decides who is told (notifications.access: the reading rules of plans.access), writes
one Notification per recipient and one Delivery per outside channel they chose, in the
caller's transaction, and hands the deliveries to django-tasks after commit. If the event
rolls back, nobody is told; if the event is repeated, nobody is told twice (event_key).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Count, Model, OuterRef, Subquery
from django.db.models.functions import Coalesce
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from laget.accounts.models import User
from laget.audit.services import create_recorded
from laget.core.types import Actor
from laget.meetings.models import Meeting, Participant
from laget.notifications import access
from laget.notifications.access import MESSAGE_KINDS, waiting_messages
from laget.notifications.delivery import (  # noqa: F401 (re-exported: one door)
    MEETING_KINDS,
    RETRY_MINUTES,
    deliver_due,
    digests_send,
    render_outside,
    settings_for,
)
from laget.notifications.models import (
    CallRequest,
    Channel,
    Delivery,
    Kind,
    Notification,
    NotificationSettings,
    Preference,
)
from laget.notifications.workdays import add_working_days, next_working_day
from laget.plans.access import plan_access
from laget.plans.models import Message, Plan, Task, TeamMember, refuse_if_closed

OUTSIDE = [Channel.EMAIL, Channel.SMS]
DEFAULT_ON = {Channel.EMAIL: True, Channel.SMS: False}


# --- The one path ----------------------------------------------------------------------


def notify(
    *,
    event: str,
    plan: Plan | None = None,
    actor: Actor | None = None,
    target: Model | None = None,
    key: str = "",
) -> list[Notification]:
    """Tell everyone who should know of `event` (a Kind), and only them.

    `plan` is the plan the event is about (None for a forum meeting); `actor` caused it
    and is never told; `target` is what happened (a Message, Task, Handoff, Meeting,
    Participant, Consent, EmergencyAccess, CallRequest or a request row). `key` makes an
    event repeatable where the target alone is not (defaults to the target). Call it inside
    the event's own transaction: what is told is written with the event or not at all.
    """
    kind = Kind(event)
    with transaction.atomic():
        if plan is not None:
            plan = Plan.objects.select_related("person__user").get(pk=plan.pk)
        circle = access.PlanCircle.load(plan) if plan is not None else None
        told = access.told(event=kind, circle=circle, actor=actor, target=target)
        if not told:
            return []
        target_type = (target._meta.model_name or "") if target is not None else ""
        target_id = target.pk if target is not None else None
        key = key or _default_key(target) or f"by{getattr(actor, 'pk', '')}"
        event_key = f"{kind}:{target_type}:{target_id}:{key}"[:120]
        already = set(
            Notification.objects.filter(
                recipient__in=[t.user.pk for t in told], event_key=event_key
            ).values_list("recipient_id", flat=True)
        )
        now = timezone.now()
        rows = [
            Notification(
                recipient=t.user,
                kind=t.kind,
                plan=plan if access.CATEGORY[Kind(t.kind)] is not None else None,
                target_type=target_type,
                target_id=target_id,
                link=_link(Kind(t.kind), plan, target),
                event_key=event_key,
                created_at=now,
            )
            for t in told
            if t.user.pk not in already
        ]
        if not rows:
            return []
        Notification.objects.bulk_create(rows)
        if any(r.pk is None for r in rows):  # backends that cannot return ids
            rows = list(Notification.objects.filter(event_key=event_key, created_at=now))
        deliveries = _deliveries(rows, now)
        Delivery.objects.bulk_create(deliveries)
        _recount([r.recipient_id for r in rows])
        if any(d.status == Delivery.Status.PENDING for d in deliveries):
            keys = [d.idempotency_key for d in deliveries if d.status == Delivery.Status.PENDING]
            transaction.on_commit(lambda: _enqueue(keys))
    return rows


def retract(*, event: str, target: Model) -> int:
    """An event undone the same day (a consent withdrawal undone): who has not yet seen
    its notification, and has not had it by e-mail or SMS, is not told after all. What was
    read or sent stays (the change log shows the undo). Call it inside the undo's own
    transaction. Returns how many notifications were taken back."""
    kind = Kind(event)
    with transaction.atomic():
        unseen = Notification.objects.filter(
            kind=kind,
            target_type=target._meta.model_name or "",
            target_id=target.pk,
            read_at__isnull=True,
        ).exclude(deliveries__status=Delivery.Status.SENT)
        rows = list(unseen.values_list("pk", "recipient_id"))
        if not rows:
            return 0
        Notification.objects.filter(pk__in=[pk for pk, _user in rows]).delete()
        _recount([user for _pk, user in rows])
    return len(rows)


def _default_key(target: Model | None) -> str:
    # A changed meeting is a new event each time it changes (its SEQUENCE), as calendars see it.
    if isinstance(target, Meeting):
        return f"seq{target.sequence}"
    if isinstance(target, Task):
        return f"due{target.due.isoformat()}"
    return ""


def _link(kind: Kind, plan: Plan | None, target: Model | None) -> str:
    meeting = target.meeting if isinstance(target, Participant) else target
    if kind in MEETING_KINDS and isinstance(meeting, Meeting):
        return reverse("meetings:meeting", kwargs={"meeting_id": meeting.pk})
    if kind == Kind.HANDOFF_REQUESTED:
        return reverse("continuity:incoming")
    if kind in (Kind.QUESTION_UNANSWERED, Kind.CALL_REQUESTED):
        return reverse("continuity:dashboard")
    if kind in (
        Kind.JOIN_REQUESTED,
        Kind.COORDINATOR_OFFERED,
        Kind.COORDINATOR_REQUESTED,
        Kind.PLAN_REQUESTED,
        Kind.PLAN_REQUEST_ANSWERED,
        Kind.INVITATION_RENEWAL,
    ):
        return reverse("plans:requests")  # where requests are answered, and answers read
    if kind == Kind.USER_SURVEY:
        return reverse("surveys:user_answer", kwargs={"invitation_id": getattr(target, "pk", 0)})
    if kind == Kind.OUTCOME_LINK:
        # The personal rating link itself (outcomes.services passes the token along once).
        return reverse("outcomes:rate_by_link", kwargs={"token": getattr(target, "token", "")})
    if kind in access.TEAM_KINDS:
        return access.team_link(kind, target)
    if plan is None:
        raise ValueError(f"{kind} is about a plan: pass plan=")
    by_kind = {
        Kind.MESSAGE_NEW: ("plans:messages", ""),
        Kind.MESSAGE_REPLY: ("plans:messages", ""),
        Kind.TASK_ASSIGNED: ("plans:plan", "#tasks"),
        Kind.TASK_OVERDUE: ("plans:plan", "#tasks"),
        Kind.HANDOFF_ANSWERED: ("continuity:timeline", ""),
        Kind.CONSENT_WITHDRAWN: ("plans:consents", ""),
        Kind.CONSENT_REQUESTED: ("plans:consents", ""),
        Kind.OUTCOME_ALERT: ("outcomes:chart", ""),
    }
    name, anchor = by_kind.get(kind, ("plans:plan", ""))
    return reverse(name, kwargs={"plan_id": plan.pk}) + anchor


def _deliveries(rows: list[Notification], now: dt.datetime) -> list[Delivery]:
    """One delivery per outside channel each recipient wants for this kind, after their
    quiet hours; e-mail to a professional who chose the daily digest waits for it."""
    users = {r.recipient_id for r in rows}
    choices = {
        (p.user_id, p.kind, p.channel): p.enabled
        for p in Preference.objects.filter(user_id__in=users)
    }
    prefs = {s.user_id: s for s in NotificationSettings.objects.filter(user_id__in=users)}
    result = []
    for row in rows:
        mine = prefs.get(row.recipient_id)
        for channel in OUTSIDE:
            if not choices.get((row.recipient_id, row.kind, channel), DEFAULT_ON[channel]):
                continue
            if channel == Channel.SMS and not (mine and mine.phone):
                continue
            status = Delivery.Status.PENDING
            if (
                channel == Channel.EMAIL
                and mine is not None
                and mine.daily_digest
                and row.recipient.kind == User.Kind.PROFESSIONAL
            ):
                status = Delivery.Status.DIGEST
            quiet_end = mine.quiet_until(now) if mine else None
            result.append(
                Delivery(
                    notification=row,
                    channel=channel,
                    idempotency_key=f"n{row.pk}-{channel}",
                    status=status,
                    not_before=quiet_end or now,
                )
            )
    return result


def _recount(user_ids: Iterable[int]) -> None:
    """Set each user's unread count from their unread notifications (one statement)."""
    unread = (
        Notification.objects.filter(recipient_id=OuterRef("pk"), read_at__isnull=True)
        .order_by()
        .values("recipient_id")
        .annotate(n=Count("pk"))
        .values("n")
    )
    User.objects.filter(pk__in=set(user_ids)).update(
        unread_notifications=Coalesce(Subquery(unread), 0)
    )


def _enqueue(keys: list[str]) -> None:
    from laget.notifications import tasks  # the task module imports this one

    tasks.deliver.enqueue(keys)


# --- Reading them ------------------------------------------------------------------------


def mark_read(*, actor: Actor, ids: list[int] | None = None) -> int:
    """Mark the actor's own notifications read: those in `ids`, or all. Someone else's
    ids are ignored (never an error that tells they exist). Returns how many changed."""
    if not actor.is_authenticated:
        raise PermissionDenied
    with transaction.atomic():
        mine = Notification.objects.filter(recipient=actor, read_at__isnull=True)
        if ids is not None:
            mine = mine.filter(pk__in=ids)
        changed = mine.update(read_at=timezone.now())
        if changed:
            _recount([actor.pk])
            actor.unread_notifications = max(actor.unread_notifications - changed, 0)
    return changed


def wall_visited(*, actor: Actor, plan_id: int) -> set[int]:
    """The actor opens a plan's wall: which messages are new to them (their unread message
    notifications there), now marked read. Costs nothing when they have nothing unread."""
    if not actor.is_authenticated or not actor.unread_notifications:
        return set()
    with transaction.atomic():
        unread = Notification.objects.filter(
            recipient=actor, plan_id=plan_id, kind__in=MESSAGE_KINDS, read_at__isnull=True
        )
        new = {n.target_id for n in unread.only("target_id") if n.target_id}
        if new:
            mark_read(actor=actor, ids=list(unread.values_list("pk", flat=True)))
    return new


def notification_open(*, actor: Actor, notification_id: int) -> str | None:
    """The actor follows one of their own notifications: it is read now (a message when
    the wall opens). Returns where it leads, or None if it is not theirs."""
    mine = Notification.objects.filter(pk=notification_id, recipient=actor).first()
    if mine is None:
        return None
    # A message is marked read by the wall itself when it opens, so it can show it as new.
    if mine.read_at is None and not (mine.kind in MESSAGE_KINDS and mine.plan_id):
        mark_read(actor=actor, ids=[mine.pk])
    return mine.link


# --- Choices ----------------------------------------------------------------------------


PERSON_SIDE_KINDS = [
    Kind.MESSAGE_NEW,
    Kind.MESSAGE_REPLY,
    Kind.TASK_ASSIGNED,
    Kind.MEETING_INVITED,
    Kind.MEETING_CHANGED,
    Kind.MEETING_CANCELLED,
    Kind.MINUTES_APPROVED,
    Kind.EMERGENCY_ACCESS,
    Kind.CONSENT_REQUESTED,
    Kind.PLAN_CLOSED,
    Kind.PLAN_REOPENED,
    Kind.OUTCOME_LINK,
    Kind.USER_SURVEY,
]


def kinds_for(user: User) -> list[str]:
    """The kinds of event a user can be told of, for their choices page."""
    if user.kind == User.Kind.PROFESSIONAL:
        return list(Kind.values)
    return [str(k) for k in PERSON_SIDE_KINDS]


def preferences_save(
    *,
    actor: Actor,
    enabled: dict[tuple[str, str], bool],
    phone: str = "",
    quiet_from: dt.time | None = None,
    quiet_to: dt.time | None = None,
    daily_digest: bool = False,
) -> NotificationSettings:
    """The actor's own choices: per kind and outside channel, the SMS number, quiet hours
    and (professionals) the daily digest. Not part of anyone's plan: no change record."""
    if not actor.is_authenticated:
        raise PermissionDenied
    errors: dict[str, str] = {}
    if (quiet_from is None) != (quiet_to is None):
        errors["quiet_to"] = _(
            "Give both when the quiet hours start and when they end, or neither."
        )
    wants_sms = any(on for (_kind, channel), on in enabled.items() if channel == Channel.SMS)
    digits = "".join(c for c in phone if c.isdigit() or c == "+")
    if wants_sms and len(digits.lstrip("+")) < 8:
        errors["phone"] = _("Write your mobile number (8 digits) to get SMS, or turn SMS off.")
    if daily_digest and actor.kind != User.Kind.PROFESSIONAL:
        errors["daily_digest"] = _("The daily digest is for professionals.")
    if errors:
        raise ValidationError(errors)
    with transaction.atomic():
        mine, _created = NotificationSettings.objects.select_for_update().get_or_create(user=actor)
        mine.phone = digits
        mine.quiet_from, mine.quiet_to = quiet_from, quiet_to
        mine.daily_digest = daily_digest
        mine.version += 1
        mine.save()
        for (kind, channel), on in enabled.items():
            Kind(kind), Channel(channel)  # refuses anything else
            Preference.objects.update_or_create(
                user=actor, kind=kind, channel=channel, defaults={"enabled": on}
            )
    return mine


# --- Events nobody causes: overdue tasks and questions left unanswered ---------------------


def scheduled_events_raise(*, today: dt.date | None = None) -> int:
    """Tell of tasks that became overdue and of questions from the person or a relative
    that have waited two working days for a professional's answer. Run daily; each is told
    once (the event key). Returns how many notifications were written."""
    today = today or timezone.localdate()
    written = 0
    for task in Task.objects.filter(
        status=Task.Status.OPEN, due__lt=today, plan__status=Plan.Status.ACTIVE
    ).select_related("plan", "assignee_user")[:5000]:
        written += len(notify(event=Kind.TASK_OVERDUE, plan=task.plan, target=task))
    for message in waiting_questions(today=today):
        written += len(notify(event=Kind.QUESTION_UNANSWERED, plan=message.plan, target=message))
    return written


def waiting_questions(*, today: dt.date, plan_ids: Iterable[int] | None = None) -> list[Message]:
    """On each open plan, the person's or a relative's latest message when no professional
    has written on the wall since, and it has waited two working days by `today`."""
    return [
        m
        for m in waiting_messages(plan_ids=plan_ids)
        if add_working_days(timezone.localdate(m.created_at), 2) <= today
    ]


# --- "I want to be called" -------------------------------------------------------------------


def call_request(*, actor: Actor, plan: Plan, time_of_day: str) -> CallRequest:
    """The person (or a relative on the team) asks to be called: a task for the
    coordinator, due the next working day, with the time that suits, and the coordinator
    and the stand-in are told."""
    pa = plan_access(actor, plan)
    if pa is None or not (pa.is_person or pa.purpose == "relative"):
        raise PermissionDenied
    refuse_if_closed(plan)  # a closed plan takes no new tasks; its coordinator is off duty
    if time_of_day not in CallRequest.TimeOfDay.values:
        raise ValidationError({"time_of_day": _("Choose when it suits you to be called.")})
    with transaction.atomic():
        Plan.objects.select_for_update().filter(pk=plan.pk).first()  # one request at a time
        waiting = CallRequest.objects.filter(
            plan=plan, requested_by=actor, task__status=Task.Status.OPEN
        ).exists()
        if waiting:
            raise ValidationError(
                _("You have already asked to be called. The coordinator will call you.")
            )
        coordinator = (
            TeamMember.objects.active()
            .filter(plan=plan, role=TeamMember.Role.COORDINATOR)
            .select_related("user")
            .first()
        )
        if coordinator is None:
            raise ValidationError(
                _("The plan has no coordinator yet. Call your contact in the service instead.")
            )
        label = CallRequest.TimeOfDay(time_of_day).label
        with translation.override("nb"):
            title = _("Call %(name)s (%(phone)s), %(when)s") % {
                "name": pa.actor_name,
                "phone": _phone_of(actor, plan) or _("number in the plan"),
                "when": str(label),
            }
        task = create_recorded(
            actor=actor,
            action="task_add",
            obj=Task(
                plan=plan,
                title=title[:200],
                due=next_working_day(timezone.localdate()),
                assignee_user=coordinator.user,
                created_by=actor,
            ),
            fields=["title", "due", "assignee_user_id"],
        )
        request = create_recorded(
            actor=actor,
            action="call_request",
            obj=CallRequest(plan=plan, requested_by=actor, task=task, time_of_day=time_of_day),
            fields=["plan_id", "task_id", "time_of_day"],
        )
        notify(event=Kind.CALL_REQUESTED, plan=plan, actor=actor, target=request)
    return request


def _phone_of(actor: Actor, plan: Plan) -> str:
    if plan.person.user_id == actor.pk and plan.person.phone:
        return plan.person.phone
    mine = NotificationSettings.objects.filter(user=actor).values_list("phone", flat=True).first()
    return mine or ""
