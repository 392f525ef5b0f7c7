"""Who may do what with a meeting: the one place these decisions live.

- A meeting about a person (it has a plan) goes through the plan's door: whoever may
  read the plan sees the meeting, its agenda and its decisions; the minutes need the
  `minutes` category (the person and the coordinator always have it; others only with a
  consent that covers minutes). Professionals on the team organise; the person and
  relatives with access add agenda points, comment on approved minutes and evaluate.
- A forum (or a network meeting) holds no personal data, but only professionals working
  in one of the network's organisations see it. Its organiser, chair and anchor persons
  organise it.
- A user council is a forum of its own kind: its members (user representatives, who
  need not work anywhere) see its meetings too, add agenda points, comment and evaluate;
  leaders and service administrators in the network set it up and add members.
- Only the chair approves minutes.
"""

from __future__ import annotations

from dataclasses import dataclass

from laget.core.types import Actor
from laget.directory.models import Membership, Network
from laget.meetings.models import CouncilMember, Forum, Meeting
from laget.plans.access import PlanAccess, plan_access
from laget.plans.models import Category


@dataclass(frozen=True)
class MeetingAccess:
    user: Actor
    meeting: Meeting
    plan_access: PlanAccess | None  # for a meeting about a person
    may_organise: bool  # agenda, invitations, attendance, cases, decisions, minutes

    @property
    def may_read_minutes(self) -> bool:
        if self.plan_access is None:
            return True
        return self.plan_access.may_read(Category.MINUTES)

    @property
    def may_chair(self) -> bool:
        return self.user.pk == self.meeting.chair_id

    @property
    def is_person_side(self) -> bool:
        """The person or a relative: they get plain-language minutes."""
        pa = self.plan_access
        return pa is not None and (pa.is_person or pa.purpose == "relative")


def works_in_network(user: Actor, network: Network | int) -> bool:
    if not user.is_authenticated or user.kind != "professional" or not user.is_active:
        return False
    return (
        Membership.objects.active()
        .filter(professional__user=user, service__organisation__networks=network)
        .exists()
    )


def meeting_access(user: Actor, meeting: Meeting) -> MeetingAccess | None:
    """What `user` may do with `meeting` now; None when nothing. `meeting` must come with
    its plan's person loaded (when it has a plan). Three queries at most."""
    if not user.is_authenticated or not user.is_active:
        return None
    if meeting.plan is not None:
        pa = plan_access(user, meeting.plan)
        if pa is None or not pa.may_read(Category.PLAN):
            return None
        return MeetingAccess(user, meeting, pa, pa.is_coordinator or pa.is_professional)
    if meeting.network_id is None:
        return None
    if not works_in_network(user, meeting.network_id) and not (
        meeting.forum_id is not None and sits_on_council(user, meeting.forum_id)
    ):
        return None
    organisers = {meeting.organiser_id, meeting.chair_id}
    if meeting.forum is not None:
        organisers |= set(meeting.forum.anchors.values_list("pk", flat=True))
    return MeetingAccess(user, meeting, None, user.pk in organisers)


def sits_on_council(user: Actor, forum_id: int) -> bool:
    """A current member of the user council `forum_id` (False for any other forum)."""
    if not user.is_authenticated or not user.is_active:
        return False
    return (
        CouncilMember.objects.active()
        .filter(user=user, forum_id=forum_id, forum__kind=Forum.Kind.COUNCIL)
        .exists()
    )


def may_see_forum(user: Actor, forum: Forum) -> bool:
    """Everyone working in the network sees its forums and councils; a council's
    members see their council."""
    return works_in_network(user, forum.network_id) or (
        forum.kind == Forum.Kind.COUNCIL and sits_on_council(user, forum.pk)
    )


def may_run_council(user: Actor, network: Network | int) -> bool:
    """Leaders and service administrators in the network set up its user council and
    choose its members."""
    if not user.is_authenticated or user.kind != "professional" or not user.is_active:
        return False
    return (
        Membership.objects.active()
        .filter(
            professional__user=user,
            role__in=[Membership.Role.LEADER, Membership.Role.ADMIN],
            service__organisation__networks=network,
        )
        .exists()
    )
