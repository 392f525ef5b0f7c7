"""Who is told about an event: the only place these decisions live.

The rule is the reading rule: nobody is told about a plan they cannot read, and each kind
of event needs the category its content belongs to (a message needs `messages`, a task
`tasks`, minutes `minutes`). The decision is plans.access.access_from itself, fed with the
plan's active team and the consents in force, so a withdrawn consent or an ended place on
the team stops notifications on the next event, as it stops reading. Nobody is told about
their own event. The person is told where the event concerns them: their wall, their
meetings, an emergency access to their plan, a task given to them.

Two kinds reach people because of their service rather than their place on a team: a
hand-off asks a service that may not yet be on the team to take over, so its staff are told
that a hand-off waits for their service, without the plan (no plan, no name, no link to
it); what they may see then follows the hand-off page's own consent rule.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from django.db.models import Model, OuterRef, Subquery
from django.urls import reverse

from laget.accounts.models import User
from laget.continuity.models import Handoff
from laget.core.types import Actor
from laget.directory.models import Membership
from laget.meetings.access import sits_on_council, works_in_network
from laget.meetings.models import Meeting, Participant
from laget.notifications.models import Kind
from laget.plans.access import access_from
from laget.plans.lifecycle_models import PlanRequest
from laget.plans.models import Category, Consent, Message, Plan, Task, TeamMember
from laget.teams import access as team_access
from laget.teams.models import BoardEntry, Case, Decision, Referral

MESSAGE_KINDS = [Kind.MESSAGE_NEW, Kind.MESSAGE_REPLY, Kind.QUESTION_UNANSWERED]

# What a recipient must be able to read to be told of each kind of event.
CATEGORY = {
    Kind.MESSAGE_NEW: Category.MESSAGES,
    Kind.MESSAGE_REPLY: Category.MESSAGES,
    Kind.TASK_ASSIGNED: Category.TASKS,
    Kind.TASK_OVERDUE: Category.TASKS,
    Kind.HANDOFF_REQUESTED: None,  # told for their service, without the plan (see above)
    Kind.HANDOFF_ANSWERED: Category.PLAN,
    Kind.MEETING_INVITED: Category.PLAN,
    Kind.MEETING_CHANGED: Category.PLAN,
    Kind.MEETING_CANCELLED: Category.PLAN,
    Kind.MINUTES_APPROVED: Category.MINUTES,
    Kind.CONSENT_WITHDRAWN: Category.PLAN,
    Kind.EMERGENCY_ACCESS: Category.PLAN,
    Kind.JOIN_REQUESTED: Category.PLAN,
    # The one asked may not be on the team yet: told without the plan, linking to the
    # request queue where they answer.
    Kind.COORDINATOR_REQUESTED: None,
    Kind.QUESTION_UNANSWERED: Category.MESSAGES,
    Kind.CALL_REQUESTED: Category.PLAN,
    # Added for the life cycle, the Samhandlingsteam and outcome ratings; each is narrowed
    # where its candidates are written (None: told without the plan, as a hand-off is).
    # A coordinator offer reaches a professional not yet on the team, a request for a plan
    # a service that has no plan yet, and an answer goes to whoever asked, who may not be
    # on the team (declined): all told without the plan, linking to the request queue.
    Kind.COORDINATOR_OFFERED: None,
    Kind.PLAN_REQUESTED: None,
    Kind.PLAN_REQUEST_ANSWERED: None,
    Kind.PLAN_CLOSED: Category.PLAN,
    Kind.PLAN_REOPENED: Category.PLAN,
    Kind.INVITATION_RENEWAL: Category.PLAN,
    Kind.CONSENT_REQUESTED: Category.PLAN,
    Kind.REFERRAL_RECEIVED: None,
    Kind.REFERRAL_DECIDED: None,
    Kind.CASE_FLAGGED: None,
    Kind.CASE_HANDOFF: None,
    Kind.BOARD_ON: None,
    Kind.OUTCOME_ALERT: Category.OUTCOMES,  # the team's helpers who may read the ratings
    Kind.OUTCOME_LINK: None,  # the person, with the link only (no plan, no health content)
    Kind.USER_SURVEY: None,  # the invited person only, no plan (surveys.service_survey)
}


@dataclass(frozen=True)
class Told:
    user: User
    kind: str


@dataclass
class PlanCircle:
    """A plan's active team and the consents in force: all that access_from needs."""

    plan: Plan
    team: list[TeamMember]
    consents: list[Consent]

    @classmethod
    def load(cls, plan: Plan) -> PlanCircle:
        team = list(
            TeamMember.objects.active()
            .filter(plan=plan)
            .select_related("user", "service__organisation")
        )
        consents = list(Consent.objects.in_force().filter(person_id=plan.person_id))
        return cls(plan, team, consents)

    def person_user(self) -> User | None:
        return self.plan.person.user

    def coordinators(self) -> list[User]:
        """The coordinator, and the stand-in while they cover."""
        return [
            m.user
            for m in self.team
            if m.role == TeamMember.Role.COORDINATOR
            or (m.is_professional and self.plan.stand_in_covers(m.user_id))
        ]

    def everyone(self) -> list[User]:
        users: list[User] = [m.user for m in self.team]
        person = self.person_user()
        return [*users, person] if person is not None else users

    def may_read(self, user: User, category: str) -> bool:
        if not user.is_active:
            return False
        member = next((m for m in self.team if m.user_id == user.pk), None)
        if member is None and self.plan.person.user_id != user.pk:
            return False  # emergency access and ended places are not told
        access = access_from(user, self.plan, member, self.consents)
        return access is not None and access.may_read(category)


def _meeting_users(meeting: Meeting, target: Any) -> list[User]:
    if isinstance(target, Participant):
        return [target.user] if target.user is not None else []
    return [
        p.user
        for p in Participant.objects.filter(meeting=meeting, user__isnull=False).select_related(
            "user"
        )
        if p.user is not None
    ]


def _needs(circle: PlanCircle | None, event: str) -> PlanCircle:
    if circle is None:
        raise ValueError(f"{event} is about a plan: pass plan=")
    return circle


def candidates(event: str, circle: PlanCircle | None, target: Model | None) -> list[Told]:
    """Who an event is about, before the reading rule: each with the kind they get."""
    if event in TEAM_KINDS:
        return team_candidates(event, target)
    if event == Kind.USER_SURVEY:
        # The target is the survey Invitation: the one invited, and nobody else.
        user = getattr(target, "user", None)
        return [Told(user, event)] if isinstance(user, User) else []
    if event == Kind.MESSAGE_NEW and isinstance(target, Message):
        circle = _needs(circle, event)
        replied = target.reply_to.author_id if target.reply_to_id else None  # type: ignore[union-attr]
        return [
            Told(u, Kind.MESSAGE_REPLY if u.pk == replied else Kind.MESSAGE_NEW)
            for u in circle.everyone()
        ]
    if event in (Kind.TASK_ASSIGNED, Kind.TASK_OVERDUE) and isinstance(target, Task):
        circle = _needs(circle, event)
        users = [
            m.user
            for m in circle.team
            if m.service_id and m.service_id == target.assignee_service_id
        ]
        if target.assignee_user is not None:
            users.append(target.assignee_user)
        return [Told(u, event) for u in users]
    if event == Kind.HANDOFF_REQUESTED and isinstance(target, Handoff):
        return [Told(u, event) for u in _service_staff(target.to_service_id)]
    if event == Kind.HANDOFF_ANSWERED and isinstance(target, Handoff):
        return [Told(target.requested_by, event)]
    lifecycle = _lifecycle_candidates(event, circle, target)
    if lifecycle is not None:
        return lifecycle
    if event in (
        Kind.MEETING_INVITED,
        Kind.MEETING_CHANGED,
        Kind.MEETING_CANCELLED,
        Kind.MINUTES_APPROVED,
    ):
        meeting = target.meeting if isinstance(target, Participant) else target
        if not isinstance(meeting, Meeting):
            raise ValueError(f"{event} needs a Meeting or Participant as target")
        return [Told(u, event) for u in _meeting_users(meeting, target)]
    if event == Kind.EMERGENCY_ACCESS:
        circle = _needs(circle, event)
        person = circle.person_user()
        return [Told(u, event) for u in [*circle.coordinators(), *([person] if person else [])]]
    if event == Kind.OUTCOME_ALERT:
        # The helpers on the team; the reading rule keeps those who may read the ratings
        # (the coordinator, and a service with the "outcome ratings" consent). Not the person.
        circle = _needs(circle, event)
        return [Told(m.user, event) for m in circle.team if m.is_professional]
    if event == Kind.OUTCOME_LINK:
        # The person gets their own rating link; nobody else.
        circle = _needs(circle, event)
        person = circle.person_user()
        return [Told(person, event)] if person is not None else []
    circle = _needs(circle, event)
    # Consent withdrawn, join requests, invitation renewals, unanswered questions, call
    # requests: the coordinator and the stand-in who covers.
    return [Told(u, event) for u in circle.coordinators()]


def _service_staff(service_id: int | None) -> list[User]:
    if service_id is None:
        return []
    return list(
        User.objects.filter(
            pk__in=Membership.objects.active()
            .filter(service_id=service_id)
            .values("professional__user_id"),
            kind=User.Kind.PROFESSIONAL,
            is_active=True,
        )
    )


def _lifecycle_candidates(
    event: str, circle: PlanCircle | None, target: Model | None
) -> list[Told] | None:
    """The plan's life cycle (plans.lifecycle, requests, invitations; the consent a
    hand-off asks for). None: not one of these events."""
    if event == Kind.COORDINATOR_OFFERED and isinstance(target, PlanRequest):
        return [Told(target.to_user, event)] if target.to_user is not None else []
    if event == Kind.COORDINATOR_REQUESTED and isinstance(target, PlanRequest):
        # The one asked to take over; and the coordinator (and stand-in) when someone else,
        # the person, asks for the change.
        asked = [target.to_user] if target.to_user is not None else []
        others = circle.coordinators() if circle is not None else []
        return [Told(u, event) for u in [*asked, *others]]
    if event == Kind.PLAN_REQUESTED and isinstance(target, PlanRequest):
        return [Told(u, event) for u in _service_staff(target.to_service_id)]
    if event == Kind.PLAN_REQUEST_ANSWERED and isinstance(target, PlanRequest):
        return [Told(target.from_user, event)]
    if event in (Kind.PLAN_CLOSED, Kind.PLAN_REOPENED):
        # The person and everyone on the team who may read the plan.
        return [Told(u, event) for u in _needs(circle, event).everyone()]
    if event == Kind.CONSENT_REQUESTED and isinstance(target, Task):
        # The one the consent task is for: the person, or the coordinator who asks them.
        return [Told(target.assignee_user, event)] if target.assignee_user is not None else []
    return None


def told(
    *, event: str, circle: PlanCircle | None, actor: Actor | None, target: Model | None
) -> list[Told]:
    """Exactly who is told of `event`: the candidates who may read what it is about, once
    each, never the one who caused it."""
    actor_id = getattr(actor, "pk", None)
    seen: set[int] = set()
    result = []
    for t in candidates(event, circle, target):
        if t.user.pk == actor_id or t.user.pk in seen or not t.user.is_active:
            continue
        if not _may_be_told(t, circle, target):
            continue
        seen.add(t.user.pk)
        result.append(t)
    return result


def _may_be_told(t: Told, circle: PlanCircle | None, target: Model | None) -> bool:
    category = CATEGORY[Kind(t.kind)]
    if category is None:
        return True  # told for their service, without the plan
    if circle is not None:
        return circle.may_read(t.user, category)
    # A meeting without a plan (a forum): for those who work in its network.
    meeting = target.meeting if isinstance(target, Participant) else target
    return (
        isinstance(meeting, Meeting)
        and meeting.network_id is not None
        and (
            works_in_network(t.user, meeting.network_id)
            # A user council's members (user representatives) are told of its meetings.
            or (meeting.forum_id is not None and sits_on_council(t.user, meeting.forum_id))
        )
    )


# --- The Samhandlingsteam (laget.teams) ----------------------------------------------------
# A referral, a case and the board are not a plan: before consent there may be none. Their
# events are told by the team's own access rules (laget.teams.access), without the plan and
# with no name in the notice: a referral waiting to the team's members, a decision to the
# referrer (who sees the decision, never the case), a flagged case to the team's leaders
# and the case's remaining workers, a hand-off back and the board to the case's workers.

TEAM_KINDS = {
    Kind.REFERRAL_RECEIVED,
    Kind.REFERRAL_DECIDED,
    Kind.CASE_FLAGGED,
    Kind.CASE_HANDOFF,
    Kind.BOARD_ON,
}


def team_candidates(event: str, target: Model | None) -> list[Told]:
    users: list[User] = []
    if event == Kind.REFERRAL_RECEIVED and isinstance(target, Referral):
        users = team_access.team_staff(target.team)
    elif event == Kind.REFERRAL_DECIDED and isinstance(target, Decision):
        referrer = target.referral.referred_by
        if referrer is not None and team_access.may_refer(referrer):
            users = [referrer]
    elif event == Kind.CASE_FLAGGED and isinstance(target, Case):
        users = [
            *team_access.team_staff(target.team, leaders_only=True),
            *team_access.case_staff(target),
        ]
    elif event == Kind.CASE_HANDOFF and isinstance(target, Case):
        users = team_access.case_staff(target)
    elif event == Kind.BOARD_ON and isinstance(target, BoardEntry):
        users = [
            *team_access.case_staff(target.case),
            target.next_step_by.membership.professional.user,
        ]
    else:
        raise ValueError(f"{event} needs its team object as target")
    return [Told(u, event) for u in users]


def team_link(kind: str, target: Model | None) -> str:
    if kind == Kind.REFERRAL_RECEIVED and isinstance(target, Referral):
        return reverse("teams:intake", kwargs={"slug": target.team.slug})
    if kind == Kind.REFERRAL_DECIDED:
        return reverse("teams:my_referrals")
    if kind == Kind.BOARD_ON and isinstance(target, BoardEntry):
        return reverse("teams:board", kwargs={"slug": target.case.team.slug})
    if isinstance(target, Case):
        return reverse("teams:case", kwargs={"case_id": target.pk})
    raise ValueError(f"{kind} needs its team object as target")


def waiting_messages(*, plan_ids: Iterable[int] | None = None) -> list[Message]:
    """The latest message on each plan's wall, where it is from the person or a relative:
    they wait for an answer. One query: each open plan's newest message is one step down the
    (plan, time) index, where asking of every message whether it is its plan's newest read
    all the messages of all the plans."""
    latest = Message.objects.filter(plan=OuterRef("pk")).order_by("-created_at", "-pk")
    plans = Plan.objects.exclude(status=Plan.Status.CLOSED)
    if plan_ids is not None:
        plans = plans.filter(pk__in=list(plan_ids))
    newest = plans.annotate(newest=Subquery(latest.values("pk")[:1])).values("newest")
    qs = (
        Message.objects.filter(pk__in=newest)
        .filter(author__kind__in=[User.Kind.PERSON, User.Kind.RELATIVE])
        .select_related("plan__person")
    )
    return list(qs.order_by("created_at")[:1000])
