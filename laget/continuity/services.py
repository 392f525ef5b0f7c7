"""Writes to episodes and hand-offs. Every change to a plan's episodes locks the plan row
first, so two people ending and accepting at the same moment take turns, and the check
"does this leave a day with nobody responsible?" always sees the latest state."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from laget.accounts.models import User
from laget.audit.services import change_record, create_recorded, snapshot
from laget.continuity.access import may_manage_episodes, works_in
from laget.continuity.models import (
    AgreedPicture,
    Handoff,
    Perspective,
    ReminderState,
    ServiceEpisode,
)
from laget.continuity.reminders import Tally, reminder_due
from laget.continuity.timeline import Episode, responsible_on
from laget.core.types import Actor
from laget.directory.models import Service
from laget.notifications.services import notify
from laget.plans.access import plan_access
from laget.plans.models import Category, Measure, Plan, Task, TeamMember
from laget.plans.services import refuse_if_closed

ONE_DAY = dt.timedelta(days=1)


def _lock_plan(plan: Plan) -> Plan:
    """The plan, locked for this write; a closed plan is read-only here too (a clear
    Norwegian message, nothing written)."""
    locked = Plan.objects.select_for_update().select_related("person").get(pk=plan.pk)
    refuse_if_closed(locked)
    return locked


def _episodes(plan: Plan, *, except_id: int) -> list[Episode]:
    return [
        Episode(e.service_id, e.starts, e.ends, e.responsible)
        for e in ServiceEpisode.objects.filter(plan=plan).exclude(pk=except_id)
    ]


def episode_start(
    *,
    actor: Actor,
    plan: Plan,
    service: Service,
    responsibility: str,
    starts: dt.date,
    ends: dt.date | None = None,
    measures: list[Measure] | None = None,
) -> ServiceEpisode:
    """An episode of a service's involvement, linked to the plan's measures it carries out."""
    access = plan_access(actor, plan)
    if access is None or not may_manage_episodes(access, service):
        raise PermissionDenied
    if ends is not None and ends < starts:
        raise ValidationError({"ends": _("The episode cannot end before it starts.")})
    if any(m.plan_id != plan.pk for m in measures or []):
        raise PermissionDenied
    with transaction.atomic():
        _lock_plan(plan)
        episode = create_recorded(
            actor=actor,
            action="episode_start",
            obj=ServiceEpisode(
                plan=plan,
                service=service,
                responsibility=responsibility,
                starts=starts,
                ends=ends,
                created_by=actor,
            ),
            fields=["service_id", "responsibility", "starts", "ends"],
        )
        episode.measures.set(measures or [])
    return episode


def episode_end(
    *, actor: Actor, episode: ServiceEpisode, ends: dt.date, override_reason: str = ""
) -> ServiceEpisode:
    """End an episode. A responsible service may not let go before another responsible
    service has taken over the day after, unless the reason is recorded."""
    access = plan_access(actor, episode.plan)
    if access is None or not may_manage_episodes(access, episode.service):
        raise PermissionDenied
    with transaction.atomic():
        plan = _lock_plan(episode.plan)
        current = ServiceEpisode.objects.get(pk=episode.pk)
        if ends < current.starts:
            raise ValidationError({"ends": _("The episode cannot end before it starts.")})
        if (
            current.responsible
            and not responsible_on(_episodes(plan, except_id=current.pk), ends + ONE_DAY)
            and not override_reason.strip()
        ):
            raise ValidationError(
                {
                    "ends": _(
                        "No other service is responsible from %(day)s. Ask another service "
                        "to take over (a hand-off), or write why responsibility ends anyway."
                    )
                    % {"day": (ends + ONE_DAY).strftime("%d.%m.%Y")}
                },
                code="would_leave_gap",
            )
        before = snapshot(current, ["ends", "end_override_reason"])
        current.ends = ends
        current.end_override_reason = override_reason.strip()
        current.save(update_fields=["ends", "end_override_reason"])
        change_record(
            actor=actor,
            action="episode_end",
            obj=current,
            before=before,
            after=snapshot(current, ["ends", "end_override_reason"]),
        )
    return current


def handoff_request(
    *,
    actor: Actor,
    episode: ServiceEpisode,
    to_service: Service,
    summary: str,
    wanted_from: dt.date,
    answer_by: dt.date,
    ask_consent: bool = False,
) -> Handoff:
    """Ask another service to take over. With `ask_consent` (the sender was warned that no
    consent lets the receiver see the plan), the person is asked in the same step: a task
    for them (or, without an account, for the coordinator) to answer by the answer date."""
    access = plan_access(actor, episode.plan)
    if access is None or not may_manage_episodes(access, episode.service):
        raise PermissionDenied
    errors = {}
    if not summary.strip():
        errors["summary"] = _("Write what the receiving service needs to know.")
    if to_service.pk == episode.service_id:
        errors["to_service"] = _("Choose another service than the one handing over.")
    if answer_by < timezone.localdate():
        errors["answer_by"] = _("The answer date cannot be in the past.")
    if errors:
        raise ValidationError(errors)
    with transaction.atomic():
        _lock_plan(episode.plan)
        if ask_consent:
            _ask_for_consent(actor, episode.plan, to_service, answer_by)
        handoff = create_recorded(
            actor=actor,
            action="handoff_request",
            obj=Handoff(
                plan=episode.plan,
                from_episode=episode,
                to_service=to_service,
                summary=summary.strip(),
                wanted_from=wanted_from,
                answer_by=answer_by,
                requested_by=actor,
            ),
            fields=["from_episode_id", "to_service_id", "wanted_from", "answer_by"],
        )
        notify(event="handoff_requested", plan=episode.plan, actor=actor, target=handoff)
    return handoff


def _ask_for_consent(actor: Actor, plan: Plan, service: Service, answer_by: dt.date) -> Task:
    """A task asking the person whether `service` may see the plan; the person answers on
    their consents page. Without an account of their own, the coordinator asks them."""
    person_user_id = plan.person.user_id
    if person_user_id is not None:
        assignee_id = person_user_id
        title = _("Answer whether %(service)s may see your plan (under «Who may see what»)")
    else:
        coordinator = TeamMember.objects.active().filter(plan=plan, role="coordinator").first()
        if coordinator is None:
            raise ValidationError(_("The plan has no coordinator to ask the person for consent."))
        assignee_id = coordinator.user_id
        title = _("Ask the person whether %(service)s may see the plan")
    task = create_recorded(
        actor=actor,
        action="consent_request",
        obj=Task(
            plan=plan,
            title=(title % {"service": service.name})[:200],
            due=answer_by,
            assignee_user_id=assignee_id,
            created_by=actor,
        ),
        fields=["title", "due", "assignee_user_id"],
    )
    # The person (or the coordinator who asks them) is told a consent is asked for.
    notify(event="consent_requested", plan=plan, actor=actor, target=task)
    return task


def handoff_accept(*, actor: Actor, handoff: Handoff) -> Handoff:
    """The receiving service takes over: its responsible episode begins on the wanted day,
    and the accepting professional joins the team for that service."""
    if not works_in(actor, handoff.to_service):
        raise PermissionDenied
    with transaction.atomic():
        plan = _lock_plan(handoff.plan)
        current = Handoff.objects.select_for_update().get(pk=handoff.pk)
        if current.status != Handoff.Status.REQUESTED:
            raise ValidationError(_("This hand-off has already been answered."))
        episode = create_recorded(
            actor=actor,
            action="episode_start",
            obj=ServiceEpisode(
                plan=plan,
                service=current.to_service,
                responsibility=ServiceEpisode.Responsibility.RESPONSIBLE,
                starts=current.wanted_from,
                created_by=actor,
            ),
            fields=["service_id", "responsibility", "starts"],
        )
        if not TeamMember.objects.active().filter(plan=plan, user=actor).exists():
            create_recorded(
                actor=actor,
                action="team_join",
                obj=TeamMember(
                    plan=plan,
                    user=actor,
                    role=TeamMember.Role.MEMBER,
                    service=current.to_service,
                    joined_reason=_("Took over after a hand-off"),
                    added_by=actor,
                ),
                fields=["user_id", "role", "service_id", "joined_reason"],
            )
        current.status = Handoff.Status.ACCEPTED
        current.to_episode = episode
        current.decided_by = actor
        current.decided_at = timezone.now()
        current.save()
        change_record(
            actor=actor,
            action="handoff_accept",
            obj=current,
            before=None,
            after={"episode": episode.pk},
        )
        notify(event="handoff_answered", plan=plan, actor=actor, target=current)
    return current


def handoff_decline(*, actor: Actor, handoff: Handoff, reason: str) -> Handoff:
    if not works_in(actor, handoff.to_service):
        raise PermissionDenied
    if not reason.strip():
        raise ValidationError(
            {
                "decline_reason": _(
                    "Write why you decline, so the sending service can find another way."
                )
            }
        )
    with transaction.atomic():
        _lock_plan(handoff.plan)
        current = Handoff.objects.select_for_update().get(pk=handoff.pk)
        if current.status != Handoff.Status.REQUESTED:
            raise ValidationError(_("This hand-off has already been answered."))
        current.status = Handoff.Status.DECLINED
        current.decline_reason = reason.strip()
        current.decided_by = actor
        current.decided_at = timezone.now()
        current.save()
        change_record(
            actor=actor,
            action="handoff_decline",
            obj=current,
            before=None,
            after={"decline_reason": current.decline_reason},
        )
        notify(event="handoff_answered", plan=current.plan, actor=actor, target=current)
    return current


# --- The shared challenge picture -----------------------------------------------------


def perspective_add(
    *, actor: Actor, plan: Plan, situation: str, what_matters: str = "", contribution: str = ""
) -> Perspective:
    """Anyone who may read the plan and write messages adds their view: the person first,
    relatives, each service."""
    access = plan_access(actor, plan)
    if access is None or not access.may_read(Category.PLAN) or not access.may_write_messages:
        raise PermissionDenied
    if not situation.strip():
        raise ValidationError({"situation": _("Write how you see the situation.")})
    with transaction.atomic():
        _lock_plan(plan)
        return create_recorded(
            actor=actor,
            action="perspective_add",
            obj=Perspective(
                plan=plan,
                author=actor,
                author_name=access.actor_name,
                author_role=access.actor_role,
                author_service=access.actor_service,
                is_person=access.is_person,
                situation=situation.strip(),
                what_matters=what_matters.strip(),
                contribution=contribution.strip(),
            ),
            fields=["author_id"],  # the words stay in the perspective itself
        )


def agreed_picture_record(
    *, actor: Actor, plan: Plan, text: str, agreed_on: dt.date
) -> AgreedPicture:
    """The coordinator (or the person) records what the team agreed on, dated."""
    access = plan_access(actor, plan)
    if access is None or not access.may_manage_team:
        raise PermissionDenied
    if not text.strip():
        raise ValidationError({"text": _("Write the picture the team agreed on.")})
    with transaction.atomic():
        _lock_plan(plan)
        return create_recorded(
            actor=actor,
            action="agreed_picture_record",
            obj=AgreedPicture(plan=plan, text=text.strip(), agreed_on=agreed_on, recorded_by=actor),
            fields=["agreed_on"],
        )


@transaction.atomic
def reminder_send_if_due(
    *, user: User, tally: Tally, at: dt.datetime, send: Callable[[], None]
) -> bool:
    """Remind `user` with `send()` if continuity.reminders says one is due, and keep what
    was seen. The user's row is locked, so two runs at once send once (before the first
    reminder there is no row yet: the slower run then fails on the unique user and keeps
    nothing). If sending fails, nothing is kept and the next run tries again. No change
    record: these are counts for the reminders themselves, not a change to anyone's plan."""
    state = ReminderState.objects.select_for_update().filter(user=user).first()
    if state is None:
        if not tally:
            return False  # nothing to say, and nothing said before
        state = ReminderState(user=user)
    due = reminder_due(
        now=tally, before=state.tally if state.last_sent else None, last_sent=state.last_sent, at=at
    )
    if due:
        send()
        state.last_sent = at
    if due or state.tally != tally:
        state.tally = tally
        state.save()
    return due
