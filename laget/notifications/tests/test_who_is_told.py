"""Every event × every kind of actor: exactly who is told, and as what.

Never someone who cannot read what the event is about, never the one who caused it, and
the person only where it concerns them. Each scenario causes its event through the app's
own service (the hooks other apps call), then compares the notifications written with the
expected set of actors; every actor not in the set is asserted not told.
"""

from __future__ import annotations

import datetime as dt
import re

import pytest
from django.core import mail
from django.utils import timezone

from laget.continuity import services as continuity_services
from laget.meetings import services as meeting_services
from laget.notifications import services
from laget.notifications.access import CATEGORY
from laget.notifications.models import Kind, Notification
from laget.notifications.tests.conftest import ACTORS
from laget.plans import invitations, lifecycle, registration, requests
from laget.plans import services as plan_services
from laget.plans.access import plan_access
from laget.plans.demo import synthetic_national_id
from laget.plans.lifecycle_models import Invitation, PlanRequest
from laget.plans.models import Category, Consent, Message
from laget.plans.tests.conftest import PERSON_NATIONAL_ID

pytestmark = pytest.mark.django_db

NEW, REPLY = Kind.MESSAGE_NEW, Kind.MESSAGE_REPLY
# Who reads messages here: the coordinator and the stand-in (everything), the DPS
# professional and the consenting relative (by consent), the person (their own wall).
MESSAGE_READERS = {
    "coordinator",
    "stand_in",
    "team_professional",
    "relative_with_consent",
    "person",
}
# Who reads the plan: the same five. The relative without consent, child welfare (on the
# team without consent), the DPS colleague off the team, other services and the operator
# read nothing.
PLAN_READERS = MESSAGE_READERS


def soon(hours: int) -> dt.datetime:
    return timezone.now().replace(microsecond=0) + dt.timedelta(hours=hours)


def _person_message(w) -> Message:
    return plan_services.message_post(actor=w.person, plan=w.plan, body="Kan noen ringe meg?")


def _episode(w, service):
    return continuity_services.episode_start(
        actor=w.coordinator,
        plan=w.plan,
        service=service,
        responsibility="responsible",
        starts=dt.date.today() - dt.timedelta(days=30),
    )


def _group_meeting(w):
    return meeting_services.group_meeting_schedule(
        actor=w.coordinator, plan=w.plan, starts_at=soon(48), ends_at=soon(49), place="Rådhuset"
    )


# scenario name -> (function causing the event, returning the actor; {actor: kind})
def message_by_person(w):
    _person_message(w)
    return "person"


def message_by_coordinator(w):
    plan_services.message_post(actor=w.coordinator, plan=w.plan, body="Møtet er flyttet.")
    return "coordinator"


def reply_to_person(w):
    first = _person_message(w)
    Notification.objects.all().delete()
    plan_services.message_post(
        actor=w.team_professional, plan=w.plan, body="Jeg ringer i dag.", reply_to=first
    )
    return "team_professional"


def task_to_service(w):
    plan_services.task_add(
        actor=w.coordinator,
        plan=w.plan,
        title="Søke bolig",
        due=dt.date.today(),
        assignee_service=w.dps,
    )
    return "coordinator"


def task_to_person(w):
    plan_services.task_add(
        actor=w.coordinator,
        plan=w.plan,
        title="Ta med legeerklæring",
        due=dt.date.today(),
        assignee_user=w.person,
    )
    return "coordinator"


def task_to_service_without_consent(w):
    plan_services.task_add(
        actor=w.coordinator,
        plan=w.plan,
        title="Skolemøte",
        due=dt.date.today(),
        assignee_service=w.child_welfare_service,
    )
    return "coordinator"


def task_overdue(w):
    plan_services.task_add(
        actor=w.coordinator,
        plan=w.plan,
        title="Søke bolig",
        due=dt.date.today() - dt.timedelta(days=3),
        assignee_service=w.dps,
    )
    w.plan.status = "active"
    w.plan.save()
    Notification.objects.all().delete()
    services.scheduled_events_raise()
    return None


def handoff_to_dps(w):
    continuity_services.handoff_request(
        actor=w.coordinator,
        episode=_episode(w, w.municipal),
        to_service=w.dps,
        summary="Trenger oppfølging fra DPS",
        wanted_from=dt.date.today(),
        answer_by=dt.date.today(),
    )
    return "coordinator"


def handoff_answered(w):
    handoff = continuity_services.handoff_request(
        actor=w.coordinator,
        episode=_episode(w, w.municipal),
        to_service=w.dps,
        summary="Trenger oppfølging fra DPS",
        wanted_from=dt.date.today(),
        answer_by=dt.date.today(),
    )
    Notification.objects.all().delete()
    continuity_services.handoff_accept(actor=w.team_professional, handoff=handoff)
    return "team_professional"


def meeting_invited(w):
    _group_meeting(w)
    return "coordinator"


def meeting_changed(w):
    meeting = _group_meeting(w)
    Notification.objects.all().delete()
    meeting_services.meeting_reschedule(
        actor=w.coordinator,
        meeting=meeting,
        based_on_version=meeting.version,
        data={"place": "Legekontoret"},
    )
    return "coordinator"


def meeting_cancelled(w):
    meeting = _group_meeting(w)
    Notification.objects.all().delete()
    meeting_services.meeting_cancel(
        actor=w.coordinator, meeting=meeting, based_on_version=meeting.version
    )
    return "coordinator"


def minutes_approved(w):
    meeting = meeting_services.group_meeting_schedule(
        actor=w.coordinator, plan=w.plan, starts_at=soon(-3), ends_at=soon(-2), place="Rådhuset"
    )
    meeting_services.minutes_save(
        actor=w.coordinator,
        meeting=meeting,
        minutes="Gjennomgang.",
        minutes_plain="Vi snakket om boligen.",
        based_on_version=1,
    )
    # Minutes are approved after the meeting, with attendance recorded (everyone came).
    meeting_services.attendance_record(
        actor=w.coordinator,
        meeting=meeting,
        present=list(meeting.participants.values_list("pk", flat=True)),
    )
    Notification.objects.all().delete()
    meeting_services.minutes_approve(actor=w.coordinator, meeting=meeting, confirmed=True)
    return "coordinator"


def consent_withdrawn(w):
    consent = Consent.objects.get(to_relative=w.relative_with_consent)
    plan_services.consent_withdraw(actor=w.person, plan=w.plan, consent=consent)
    return "person"


def emergency_access(w):
    plan_services.emergency_access_open(
        actor=w.other_org,
        national_id=PERSON_NATIONAL_ID,
        reason="Innlagt akutt på legevakten, trenger kriseplanen nå.",
    )
    return "other_org"


def question_unanswered(w):
    message = _person_message(w)
    Message.objects.filter(pk=message.pk).update(created_at=timezone.now() - dt.timedelta(days=5))
    Notification.objects.all().delete()
    services.scheduled_events_raise()
    return None


def question_answered_in_time(w):
    message = _person_message(w)
    Message.objects.filter(pk=message.pk).update(created_at=timezone.now() - dt.timedelta(days=5))
    plan_services.message_post(actor=w.team_professional, plan=w.plan, body="Jeg ringer deg.")
    Notification.objects.all().delete()
    services.scheduled_events_raise()
    return None


def call_requested(w):
    services.call_request(actor=w.person, plan=w.plan, time_of_day="afternoon")
    return "person"


def join_requested(w):
    # A colleague at DPS registers the person again and asks to join (plans.registration).
    registration.join_request_create(
        actor=w.colleague,
        service=w.dps,
        national_id=PERSON_NATIONAL_ID,
        reason="Jeg er ny behandler for Lise ved DPS.",
    )
    return "colleague"


def join_request_accepted(w):
    registration.join_request_create(
        actor=w.colleague,
        service=w.dps,
        national_id=PERSON_NATIONAL_ID,
        reason="Jeg er ny behandler for Lise ved DPS.",
    )
    Notification.objects.all().delete()
    request = PlanRequest.objects.get(kind="join")
    requests.request_accept(actor=w.coordinator, request_id=request.pk)
    return "coordinator"


def coordinator_offered(w):
    # A new person's plan opened with the stand-in named coordinator: they are not on that
    # plan's team yet, so they are told without the plan (plans.lifecycle).
    person = registration.person_register(
        actor=w.coordinator,
        service=w.municipal,
        national_id=synthetic_national_id(dt.date(1984, 2, 3)),
        first_name="Kari",
        last_name="Nyregistrert",
        birth_date=dt.date(1984, 2, 3),
    )
    lifecycle.plan_open(
        actor=w.coordinator,
        person=person,
        service=w.municipal,
        consent_method="in_person",
        coordinator=w.stand_in,
        coordinator_service=w.municipal,
    )
    return "coordinator"


def coordinator_requested(w):
    # The coordinator asks the stand-in to take over (plans.requests).
    requests.coordinator_request(
        actor=w.coordinator,
        plan=w.plan,
        to_user=w.stand_in,
        service=w.municipal,
        reason="Jeg går ut i permisjon.",
    )
    return "coordinator"


def coordinator_requested_by_person(w):
    # The person asks for another coordinator: the one asked and the coordinator are told.
    requests.coordinator_request(
        actor=w.person,
        plan=w.plan,
        to_user=w.stand_in,
        service=w.municipal,
        reason="Jeg vil gjerne ha en annen koordinator.",
    )
    return "person"


def coordinator_request_declined(w):
    offer = requests.coordinator_request(
        actor=w.coordinator,
        plan=w.plan,
        to_user=w.stand_in,
        service=w.municipal,
        reason="Jeg går ut i permisjon.",
    )
    Notification.objects.all().delete()
    requests.request_decline(actor=w.stand_in, request_id=offer.pk, reason="Har ikke kapasitet.")
    return "stand_in"


def _plan_request(w):
    person = registration.person_register(
        actor=w.team_professional,
        service=w.dps,
        national_id=synthetic_national_id(dt.date(1979, 8, 9)),
        first_name="Per",
        last_name="Henvist",
        birth_date=dt.date(1979, 8, 9),
    )
    return requests.plan_request_create(
        actor=w.team_professional,
        service=w.dps,
        person=person,
        to_service=w.municipal,
        reason="Trenger tjenester fra flere nivåer over tid.",
        consent_method="in_person",
    )


def plan_requested(w):
    # DPS asks the municipality for an individual plan: its service's staff are told.
    _plan_request(w)
    return "team_professional"


def plan_request_accepted(w):
    request = _plan_request(w)
    Notification.objects.all().delete()
    requests.request_accept(actor=w.stand_in, request_id=request.pk)
    return "stand_in"


def plan_request_declined(w):
    request = _plan_request(w)
    Notification.objects.all().delete()
    requests.request_decline(
        actor=w.coordinator, request_id=request.pk, reason="Fastlegen følger opp."
    )
    return "coordinator"


def plan_closed(w):
    lifecycle.plan_close(actor=w.coordinator, plan=w.plan, reason="Lise klarer seg selv nå.")
    return "coordinator"


def plan_reopened(w):
    lifecycle.plan_close(actor=w.coordinator, plan=w.plan, reason="Lise klarer seg selv nå.")
    Notification.objects.all().delete()
    lifecycle.plan_reopen(actor=w.coordinator, plan=w.plan, reason="Lise trenger hjelp igjen.")
    return "coordinator"


def invitation_renewal(w):
    # Someone with an expired link asks for a new one (nobody is logged in: no actor).
    invitations.invitation_create(
        actor=w.coordinator,
        plan=w.plan,
        role="relative",
        email="far.ny@test.invalid",
        first_name="Far",
        last_name="Nyinvitert",
        relation="far",
        agreement="in_person",
        link_base="http://testserver",
    )
    token = re.search(r"/invitasjon/([^/\s]+)/", mail.outbox[-1].body).group(1)  # type: ignore[union-attr]
    Invitation.objects.update(expires_at=timezone.now() - dt.timedelta(minutes=1))
    Notification.objects.all().delete()
    invitations.invitation_renewal_request(token=token)
    return None


def consent_requested(w):
    # A hand-off to child welfare, which no consent covers, asks the person in the same
    # step (continuity): the person is asked for consent; child welfare's staff are told a
    # hand-off waits for their service (without the plan).
    continuity_services.handoff_request(
        actor=w.coordinator,
        episode=_episode(w, w.municipal),
        to_service=w.child_welfare_service,
        summary="Trenger oppfølging fra barnevernet",
        wanted_from=dt.date.today(),
        answer_by=dt.date.today() + dt.timedelta(days=7),
        ask_consent=True,
    )
    return "coordinator"


COORDINATOR_SIDE = {"coordinator", "stand_in"}
SCENARIOS = {
    message_by_person: dict.fromkeys(MESSAGE_READERS - {"person"}, NEW),
    message_by_coordinator: dict.fromkeys(MESSAGE_READERS - {"coordinator"}, NEW),
    reply_to_person: dict.fromkeys({"coordinator", "stand_in", "relative_with_consent"}, NEW)
    | {"person": REPLY},
    task_to_service: {"team_professional": Kind.TASK_ASSIGNED},
    task_to_person: {"person": Kind.TASK_ASSIGNED},
    # Child welfare is on the team but the person has not consented: nobody there is told.
    task_to_service_without_consent: {},
    task_overdue: {"team_professional": Kind.TASK_OVERDUE},
    # The receiving service's staff, on the team or not (the DPS colleague), told without
    # the plan: see notifications.access.
    handoff_to_dps: dict.fromkeys({"team_professional", "colleague"}, Kind.HANDOFF_REQUESTED),
    handoff_answered: {"coordinator": Kind.HANDOFF_ANSWERED},
    # The whole team is invited; the relative without consent and child welfare cannot
    # read the plan and are not told.
    meeting_invited: dict.fromkeys(PLAN_READERS - {"coordinator"}, Kind.MEETING_INVITED),
    meeting_changed: dict.fromkeys(PLAN_READERS - {"coordinator"}, Kind.MEETING_CHANGED),
    meeting_cancelled: dict.fromkeys(PLAN_READERS - {"coordinator"}, Kind.MEETING_CANCELLED),
    # Minutes need the minutes category: the person and the stand-in, not DPS or the relative.
    minutes_approved: dict.fromkeys({"person", "stand_in"}, Kind.MINUTES_APPROVED),
    consent_withdrawn: dict.fromkeys(COORDINATOR_SIDE, Kind.CONSENT_WITHDRAWN),
    emergency_access: dict.fromkeys(COORDINATOR_SIDE | {"person"}, Kind.EMERGENCY_ACCESS),
    question_unanswered: dict.fromkeys(COORDINATOR_SIDE, Kind.QUESTION_UNANSWERED),
    question_answered_in_time: {},
    call_requested: dict.fromkeys(COORDINATOR_SIDE, Kind.CALL_REQUESTED),
    join_requested: dict.fromkeys(COORDINATOR_SIDE, Kind.JOIN_REQUESTED),
    join_request_accepted: {"colleague": Kind.PLAN_REQUEST_ANSWERED},
    coordinator_offered: {"stand_in": Kind.COORDINATOR_OFFERED},
    coordinator_requested: {"stand_in": Kind.COORDINATOR_REQUESTED},
    coordinator_requested_by_person: dict.fromkeys(COORDINATOR_SIDE, Kind.COORDINATOR_REQUESTED),
    coordinator_request_declined: {"coordinator": Kind.PLAN_REQUEST_ANSWERED},
    # The municipal service's staff: the coordinator and the stand-in work there.
    plan_requested: dict.fromkeys(COORDINATOR_SIDE, Kind.PLAN_REQUESTED),
    plan_request_accepted: {"team_professional": Kind.PLAN_REQUEST_ANSWERED},
    plan_request_declined: {"team_professional": Kind.PLAN_REQUEST_ANSWERED},
    # Everyone who reads the plan, the person too; not child welfare or the relative
    # without consent.
    plan_closed: dict.fromkeys(PLAN_READERS - {"coordinator"}, Kind.PLAN_CLOSED),
    plan_reopened: dict.fromkeys(PLAN_READERS - {"coordinator"}, Kind.PLAN_REOPENED),
    invitation_renewal: dict.fromkeys(COORDINATOR_SIDE, Kind.INVITATION_RENEWAL),
    consent_requested: {
        "person": Kind.CONSENT_REQUESTED,
        "child_welfare": Kind.HANDOFF_REQUESTED,
    },
}


@pytest.mark.parametrize("scenario", list(SCENARIOS), ids=lambda f: f.__name__)
def test_exactly_who_is_told(scenario, told_world):
    w = told_world
    Notification.objects.all().delete()
    actor = scenario(w)
    expected = SCENARIOS[scenario]
    got = {}
    by_user = {getattr(w, name).pk: name for name in ACTORS}
    for n in Notification.objects.select_related("plan__person"):
        name = by_user.get(n.recipient_id, f"user {n.recipient_id}")
        assert name not in got, f"{name} told twice"
        got[name] = n.kind
        # Never the one who caused it.
        assert name != actor
        if n.plan is not None:
            # Never someone who cannot read the plan.
            access = plan_access(n.recipient, n.plan)
            assert access is not None and access.may_read(Category.PLAN), name
        else:
            # Only the kinds told without the plan (for a service, or to someone asked).
            assert CATEGORY[Kind(n.kind)] is None, n.kind
    for name in ACTORS:
        assert got.get(name) == expected.get(name), (scenario.__name__, name, got)
    assert set(got) == set(expected)


# Kinds whose who-is-told scenario lives in the owning app's tests (named there).
OTHER_SCENARIOS: set[str] = {
    Kind.OUTCOME_ALERT,  # laget/outcomes/tests/test_notify.py
    Kind.OUTCOME_LINK,
    Kind.USER_SURVEY,  # laget/surveys/tests/test_service_survey.py
    # laget/teams/tests/test_who_is_told.py
    Kind.REFERRAL_RECEIVED,
    Kind.REFERRAL_DECIDED,
    Kind.CASE_FLAGGED,
    Kind.CASE_HANDOFF,
    Kind.BOARD_ON,
}


def test_every_event_kind_has_a_scenario():
    told = {kind for expected in SCENARIOS.values() for kind in expected.values()}
    assert told | {REPLY} | OTHER_SCENARIOS == set(Kind.values)


def test_a_repeated_event_is_told_once(told_world):
    w = told_world
    message = _person_message(w)
    before = Notification.objects.count()
    services.notify(event=Kind.MESSAGE_NEW, plan=w.plan, actor=w.person, target=message)
    assert Notification.objects.count() == before


def test_an_event_that_rolls_back_tells_nobody(told_world):
    from django.db import transaction

    w = told_world
    with pytest.raises(RuntimeError), transaction.atomic():
        _person_message(w)
        raise RuntimeError
    assert not Notification.objects.exists()


def test_the_unread_count_rides_on_the_user_row(told_world):
    w = told_world
    _person_message(w)
    plan_services.message_post(actor=w.team_professional, plan=w.plan, body="Hei")
    w.coordinator.refresh_from_db()
    assert w.coordinator.unread_notifications == 2
    assert services.mark_read(actor=w.coordinator, ids=None) == 2
    w.coordinator.refresh_from_db()
    assert w.coordinator.unread_notifications == 0


def test_a_withdrawal_undone_the_same_day_is_taken_back_and_a_new_one_told_again(told_world):
    """No kind of its own: the coordinator's unseen, unsent notice is taken back; a
    second withdrawal after the undo is a new event and is told again."""
    w = told_world
    consent = Consent.objects.get(to_relative=w.relative_with_consent)
    plan_services.consent_withdraw(actor=w.person, plan=w.plan, consent=consent)
    assert Notification.objects.filter(kind=Kind.CONSENT_WITHDRAWN).count() == 2
    plan_services.consent_withdrawal_undo(actor=w.person, plan=w.plan, consent=consent)
    assert not Notification.objects.filter(kind=Kind.CONSENT_WITHDRAWN).exists()
    w.coordinator.refresh_from_db()
    assert w.coordinator.unread_notifications == 0
    plan_services.consent_withdraw(actor=w.person, plan=w.plan, consent=consent)
    told = Notification.objects.filter(kind=Kind.CONSENT_WITHDRAWN)
    assert {n.recipient_id for n in told} == {w.coordinator.pk, w.stand_in.pk}
