"""A plan with its actors (shared with the plan tests), a network around it, a forum with
two anchor persons (one from each level) and meetings in several states."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

import pytest
from django.utils import timezone

from laget.directory.models import Network
from laget.directory.tests.factories import NetworkFactory
from laget.meetings import services
from laget.meetings.models import Case, Decision, Forum, Meeting
from laget.plans.tests.conftest import (  # noqa: F401
    PlanWorld,
    _media_in_tmp,
    plan_client,
    plan_world,
)


@dataclass
class MeetingWorld:
    network: Network
    forum: Forum
    group_meeting: Meeting  # about the person, held two hours ago, chaired by the coordinator
    approved_meeting: Meeting  # about the person, minutes approved
    forum_meeting: Meeting  # held yesterday
    forum_action: Decision
    upcoming_meeting: Meeting  # about the person, in five days
    forum_case: Case  # an anonymised case in the forum meeting


def hours_from_now(hours: float) -> dt.datetime:
    return timezone.now().replace(microsecond=0) + dt.timedelta(hours=hours)


@pytest.fixture
def meeting_world(plan_world: PlanWorld) -> MeetingWorld:  # noqa: F811
    w = plan_world
    network = NetworkFactory(slug="testvik-nett", name="Testvik helsenettverk")
    network.organisations.set([w.municipal.organisation, w.dps.organisation])
    forum = services.forum_create(
        actor=w.coordinator,
        network=network,
        name="Samhandlingsforum Testvik",
        anchors=[w.team_professional],
    )
    group = services.group_meeting_schedule(
        actor=w.coordinator,
        plan=w.plan,
        starts_at=hours_from_now(-2),
        ends_at=hours_from_now(-1),
        place="Rådhuset, møterom 2",
    )
    approved = services.group_meeting_schedule(
        actor=w.coordinator,
        plan=w.plan,
        starts_at=hours_from_now(-50),
        ends_at=hours_from_now(-49),
        place="Rådhuset, møterom 2",
    )
    services.minutes_save(
        actor=w.coordinator,
        meeting=approved,
        minutes="Gjennomgang av mål og tiltak.",
        minutes_plain="Vi snakket om boligen din.",
        based_on_version=1,
    )
    services.attendance_record(
        actor=w.coordinator,
        meeting=approved,
        present=approved.participants.values_list("pk", flat=True),
    )
    approved = services.minutes_approve(actor=w.coordinator, meeting=approved, confirmed=True)
    forum_meeting = services.forum_meeting_schedule(
        actor=w.coordinator,
        forum=forum,
        starts_at=hours_from_now(-26),
        ends_at=hours_from_now(-24),
        place="DPS, store møterom",
    )
    action = services.decision_add(
        actor=w.coordinator,
        meeting=forum_meeting,
        text="Invitere fastlegene til neste forum",
        responsible_service=w.municipal,
        due=timezone.localdate() + dt.timedelta(days=20),
    )
    upcoming = services.group_meeting_schedule(
        actor=w.coordinator,
        plan=w.plan,
        starts_at=hours_from_now(120),
        ends_at=hours_from_now(121),
        place="Rådhuset, møterom 2",
    )
    case = services.case_add(
        actor=w.coordinator,
        meeting=forum_meeting,
        title="Utskrivning uten bolig",
        situation="En mann i trettiårene skrives ut uten et sted å bo.",
        question="Hvordan får vi varsel tidlig nok?",
    )
    return MeetingWorld(network, forum, group, approved, forum_meeting, action, upcoming, case)
