"""Every meeting route × every kind of actor in security.md.

A meeting about a person follows the plan's door (404 for those who may not read the
plan, so the meeting's existence does not leak); its minutes need a consent covering
minutes. A forum is for the professionals of its network; its anchor persons organise it.
"""

from __future__ import annotations

import datetime as dt

import pytest
from django.urls import reverse
from django.utils import timezone

from laget.audit.models import AccessLogEntry
from laget.meetings import services
from laget.meetings.models import Meeting
from laget.plans.tests.conftest import PLAN_ACTORS
from laget.plans.tests.test_access_matrix import READ_PLAN
from laget.tests.sweep import sweep

pytestmark = pytest.mark.django_db

ANYONE_LOGGED_IN = dict.fromkeys(PLAN_ACTORS, 200) | {"anonymous": 302}
# Writes to a person's meeting by those who organise it (professionals on the team).
ORGANISE = READ_PLAN | {
    "coordinator": 302,
    "team_professional": 302,
    "person": 403,
    "relative_with_consent": 403,
}
CONTRIBUTE = READ_PLAN | {
    "coordinator": 302,
    "team_professional": 302,
    "person": 302,
    "relative_with_consent": 302,
}
# The minutes: the person and the coordinator; the DPS and the relative have consents for
# the plan but not for minutes.
MINUTES = READ_PLAN | {
    "coordinator": 302,
    "team_professional": 403,
    "person": 302,
    "relative_with_consent": 403,
}
NETWORK_NOBODY = dict.fromkeys(PLAN_ACTORS, 404) | {"anonymous": 302}
IN_NETWORK = NETWORK_NOBODY | {
    "coordinator": 200,
    "team_professional": 200,
    "colleague": 200,
    "child_welfare": 200,
}
# The forum's anchor persons (the coordinator and the DPS professional) organise.
ANCHORS = IN_NETWORK | {
    "coordinator": 302,
    "team_professional": 302,
    "colleague": 403,
    "child_welfare": 403,
}
PROFESSIONALS = dict.fromkeys(PLAN_ACTORS, 200) | {
    "person": 403,
    "relative_with_consent": 403,
    "relative_without": 403,
    "operator": 403,
    "anonymous": 302,
}


def nothing(w, mw):
    return {}


def when(w, mw, meeting=None):
    meeting = Meeting.objects.get(pk=(meeting or mw.group_meeting).pk)
    start = timezone.localtime(meeting.starts_at) + dt.timedelta(minutes=30)
    return {
        "date": start.date().isoformat(),
        "start": start.strftime("%H:%M"),
        "end": (start + dt.timedelta(hours=1)).strftime("%H:%M"),
        "place": "Legekontoret",
        "version": meeting.version,
    }


def next_forum(w, mw):
    start = timezone.localtime() + dt.timedelta(days=28)
    return {"date": start.date().isoformat(), "start": "13:00", "end": "15:00", "place": "DPS"}


def minutes(w, mw):
    meeting = Meeting.objects.get(pk=mw.group_meeting.pk)
    return {"minutes": "Referat", "minutes_plain": "Kort", "version": meeting.minutes_version}


def case(w, mw):
    return {
        "title": "Ung mann med rus og angst",
        "situation": "En mann i tjueårene har vært innlagt flere ganger.",
        "question": "Hvordan sikrer vi en god overgang hjem?",
    }


def version_of_action(w, mw):
    return {"version": 1}


# route -> (method, meeting the url points at, data builder, expected, logs a read)
MEETING_MATRIX = {
    "meetings:list": ("get", None, None, ANYONE_LOGGED_IN, False),
    "meetings:meeting": ("get", "group", None, READ_PLAN, True),
    "meetings:ics": ("get", "group", None, READ_PLAN, True),
    "meetings:plan_meetings": ("get", "plan", None, READ_PLAN, True),
    "api-v1:list_meetings": ("get", None, None, ANYONE_LOGGED_IN | {"anonymous": 401}, False),
    "api-v1:get_meeting": ("get", "group", None, READ_PLAN | {"anonymous": 401}, True),
    "meetings:reschedule": (
        "post",
        "upcoming",
        lambda w, mw: when(w, mw, mw.upcoming_meeting),
        ORGANISE,
        False,
    ),
    "meetings:cancel": ("post", "upcoming", lambda w, mw: {"version": 1}, ORGANISE, False),
    # A wrong version: the write is refused with a message, so each actor meets the rule.
    "meetings:not_held": (
        "post",
        "group",
        lambda w, mw: {"not_held_reason": "Ingen kom", "version": 99},
        ORGANISE,
        False,
    ),
    "meetings:invite": ("post", "group", nothing, ORGANISE, False),
    "meetings:attendance": ("post", "group", nothing, ORGANISE, False),
    "meetings:agenda_add": ("post", "group", lambda w, mw: {"title": "Bolig"}, CONTRIBUTE, False),
    "meetings:decision_add": ("post", "group", lambda w, mw: {"text": "Ny time"}, ORGANISE, False),
    "meetings:minutes_save": ("post", "group", minutes, MINUTES | {"person": 403}, False),
    "meetings:minutes_approve": (
        "post",
        "group",
        nothing,
        ORGANISE | {"team_professional": 403},  # only the chair (the coordinator)
        False,
    ),
    "meetings:comment_add": ("post", "approved", lambda w, mw: {"text": "Enig"}, MINUTES, False),
    "meetings:evaluate": (
        "post",
        "group",
        lambda w, mw: {"useful": 4, "heard": 5, "clear": 3},
        CONTRIBUTE,
        False,
    ),
    "meetings:case_add": ("post", "forum_meeting", case, ANCHORS, False),
    "meetings:case_edit": (
        "get",
        "case",
        None,
        ANCHORS | {"coordinator": 200, "team_professional": 200},
        False,
    ),
    "meetings:case_delete": ("post", "case", lambda w, mw: {"version": 99}, ANCHORS, False),
    "meetings:action_done": ("post", "action", version_of_action, ANCHORS, False),
    "meetings:forum": ("get", "forum", None, IN_NETWORK, False),
    "meetings:forum_schedule": ("post", "forum", next_forum, ANCHORS, False),
    "meetings:forum_create": ("get", "network", None, IN_NETWORK, False),
    "meetings:generic_create": ("get", "network", None, IN_NETWORK, False),
    "meetings:calendar": ("get", None, None, ANYONE_LOGGED_IN, False),
    # The feed is reached by its secret address alone (calendar apps cannot log in).
    "meetings:feed": ("get", "feed", None, dict.fromkeys(PLAN_ACTORS, 200), False),
    "meetings:templates": ("get", None, None, PROFESSIONALS, False),
    "meetings:template_edit": ("get", "template", None, PROFESSIONALS, False),
}


def url_for(route: str, target: str | None, w, mw) -> str:

    kwargs: dict = {}
    if target == "group":
        kwargs = {"meeting_id": mw.group_meeting.pk}
    elif target == "upcoming":
        kwargs = {"meeting_id": mw.upcoming_meeting.pk}
    elif target == "case":
        kwargs = {"case_id": mw.forum_case.pk}
    elif target == "approved":
        kwargs = {"meeting_id": mw.approved_meeting.pk}
    elif target == "forum_meeting":
        kwargs = {"meeting_id": mw.forum_meeting.pk}
    elif target == "plan":
        kwargs = {"plan_id": w.plan.pk}
    elif target == "forum":
        kwargs = {"forum_id": mw.forum.pk}
    elif target == "network":
        kwargs = {"slug": mw.network.slug}
    elif target == "action":
        kwargs = {"decision_id": mw.forum_action.pk}
    elif target == "feed":
        kwargs = {"token": services.calendar_feed_renew(actor=w.coordinator).token}
    elif target == "template":
        kwargs = {"template_id": services.agenda_templates_ensure()["forum"].pk}
    return reverse(route, kwargs=kwargs)


@pytest.mark.parametrize("route", sorted(MEETING_MATRIX))
def test_meeting_route_for_every_actor(route, plan_world, meeting_world, plan_client):
    method, target, data_for, expected, logs = MEETING_MATRIX[route]
    assert set(expected) == set(PLAN_ACTORS)
    url = url_for(route, target, plan_world, meeting_world)
    for actor in PLAN_ACTORS:
        before = AccessLogEntry.objects.count()
        client = plan_client(actor)
        if method == "post":
            response = client.post(url, data_for(plan_world, meeting_world))
        else:
            response = client.get(url)
        status = response.status_code
        assert status == expected[actor], (route, actor, status)
        written = AccessLogEntry.objects.count() - before
        if status in (302, 401, 403, 404) and method == "get":
            assert written == 0, (route, actor)
        if status in (401, 403, 404):
            assert b"Testesen" not in response.content, (route, actor)
        if logs and status == 200:
            assert written == 1, (route, actor, written)


def test_a_forum_meeting_is_for_the_network_only(plan_world, meeting_world, plan_client):
    url = reverse("meetings:meeting", kwargs={"meeting_id": meeting_world.forum_meeting.pk})
    for actor in PLAN_ACTORS:
        before = AccessLogEntry.objects.count()
        response = plan_client(actor).get(url)
        assert response.status_code == IN_NETWORK[actor], actor
        # No personal data in a forum: nothing to log.
        assert AccessLogEntry.objects.count() == before


@pytest.mark.parametrize("route", sorted(MEETING_MATRIX))
def test_every_method_for_every_actor(route, plan_world, meeting_world, plan_client):
    # Issue 14: GET, HEAD, POST, PUT, PATCH, DELETE and OPTIONS (laget/tests/sweep.py).
    _, target, _, expected, _ = MEETING_MATRIX[route]
    sweep(
        route=route,
        url=url_for(route, target, plan_world, meeting_world),
        expected=expected,
        client_for=plan_client,
        secret=b"Testesen",
    )
