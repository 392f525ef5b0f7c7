"""Who is told of the team's events (named in notifications' OTHER_SCENARIOS): exactly the
people the team's access rules name, never the one who caused it, never with the plan, and
the notice names nobody."""

from __future__ import annotations

import datetime as dt

import pytest
from django.urls import reverse
from django.utils import timezone

from laget.directory.models import Membership
from laget.notifications.models import Kind, Notification
from laget.notifications.wording import headline
from laget.plans.models import Person
from laget.teams import services
from laget.teams.models import Case, Referral

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def places_began_earlier(team_world):
    # The places began two months ago, so one can end yesterday.
    Membership.objects.filter(service_id=team_world.team.service_id).update(
        starts=timezone.localdate() - dt.timedelta(days=60)
    )


def refer(tw, actor, **extra) -> Referral:
    data = {"source": "gp", "referrer_contact": "77 00 00 01", "subject_name": "Kari Test"} | extra
    return services.referral_create(actor=actor, team=tw.team, data=services.ReferralInput(**data))


def open_case(world, tw) -> Case:
    """A direct case carried by muni2 and spec2, decided by the member."""
    referral = refer(tw, world.person, source="person")
    services.decide(
        actor=world.member,
        referral=referral,
        outcome="direct",
        reason="Oppfyller kriteriene",
        worker=tw.muni2,
        partner=tw.spec2,
    )
    return Case.objects.get(referral=referral)


def told(kind: str) -> dict[int, Notification]:
    rows = list(Notification.objects.filter(kind=kind))
    by_user = {n.recipient_id: n for n in rows}
    assert len(by_user) == len(rows), "someone was told twice"
    for n in rows:
        assert n.plan_id is None  # a referral, a case and the board are not a plan
    return by_user


def user(secondment):
    return secondment.membership.professional.user


def test_a_referral_tells_the_teams_members_and_nobody_else(world, team_world):
    tw = team_world
    referral = refer(tw, world.person, source="person")
    got = told(Kind.REFERRAL_RECEIVED)
    assert set(got) == {world.owner.pk, world.member.pk, user(tw.muni2).pk, user(tw.spec2).pk}
    assert {n.link for n in got.values()} == {reverse("teams:intake", args=[tw.team.slug])}
    # The notice names nobody.
    assert referral.subject_name not in headline(Kind.REFERRAL_RECEIVED)
    # A member who refers is not told of their own referral; a member who has left is not told.
    Notification.objects.all().delete()
    Membership.objects.filter(pk=tw.spec2.membership_id).update(
        ends=timezone.localdate() - dt.timedelta(days=1)
    )
    refer(tw, world.member, subject_name="Per Test")
    assert set(told(Kind.REFERRAL_RECEIVED)) == {world.owner.pk, user(tw.muni2).pk}


def test_a_decision_tells_the_referrer_only(world, team_world):
    tw = team_world
    referral = refer(tw, world.person, source="person")
    Notification.objects.all().delete()
    services.decide(
        actor=world.member,
        referral=referral,
        outcome="not_now",
        reason="Har stabil kontakt",
        advice="Teamet gir veiledning til fastlegen",
    )
    got = told(Kind.REFERRAL_DECIDED)
    assert set(got) == {world.person.pk}
    assert got[world.person.pk].link == reverse("teams:my_referrals")
    assert not Notification.objects.exclude(kind=Kind.REFERRAL_DECIDED).exists()


def test_a_member_leaving_tells_the_leaders_and_the_cases_remaining_workers(world, team_world):
    tw = team_world
    case = open_case(world, tw)
    # A second case where another municipal worker stays: not flagged, nobody told about it.
    covered = open_case(world, tw)
    services.case_worker_add(
        actor=world.member, case=covered, member=tw.lead, shoulder=False, reason="Dekker opp"
    )
    Notification.objects.all().delete()
    # The member (not a leader) cannot end places; the owner (admin) ends muni2's.
    services.member_end(
        actor=world.owner,
        member=tw.muni2,
        ends=timezone.localdate() - dt.timedelta(days=1),
        reason="Sluttet",
    )
    got = told(Kind.CASE_FLAGGED)
    # The owner leads but caused it; muni2 has left; spec2 still carries the case.
    assert set(got) == {user(tw.spec2).pk}
    assert got[user(tw.spec2).pk].target_id == case.pk
    assert got[user(tw.spec2).pk].link == reverse("teams:case", args=[case.pk])


def test_a_member_moving_level_tells_about_each_case_left_without_a_level(world, team_world):
    tw = team_world
    case = open_case(world, tw)
    Notification.objects.all().delete()
    # spec2 is moved to a municipal service: the case has no specialist worker any more.
    services.member_update(
        actor=world.owner,
        member=tw.spec2,
        based_on_version=tw.spec2.version,
        position_percent=20,
        home_service=tw.municipal,
        competence=[],
    )
    got = told(Kind.CASE_FLAGGED)
    assert set(got) == {user(tw.muni2).pk, user(tw.spec2).pk}
    assert {n.target_id for n in got.values()} == {case.pk}
    # A change that keeps the level tells nobody.
    Notification.objects.all().delete()
    services.member_update(
        actor=world.owner,
        member=tw.muni2,
        based_on_version=tw.muni2.version,
        position_percent=30,
        home_service=tw.municipal,
        competence=[],
    )
    assert not Notification.objects.exists()


def test_the_board_tells_the_cases_workers_and_who_does_the_next_step(world, team_world):
    tw = team_world
    case = open_case(world, tw)
    Notification.objects.all().delete()
    services.board_add(
        actor=world.member,
        case=case,
        reason="Mistet boligen",
        next_step="Besøk hver dag",
        next_step_by=tw.lead,
    )
    got = told(Kind.BOARD_ON)
    assert set(got) == {user(tw.muni2).pk, user(tw.spec2).pk, world.owner.pk}
    assert {n.link for n in got.values()} == {reverse("teams:board", args=[tw.team.slug])}


def test_a_hand_off_back_tells_the_cases_other_workers(world, team_world):
    from laget.continuity import services as continuity
    from laget.plans import services as plans

    tw = team_world
    person = Person.objects.create(
        first_name="Siv", last_name="Test", birth_date=dt.date(1975, 3, 3)
    )
    plan = plans.plan_create(
        actor=world.member,
        person=person,
        owner=world.service.organisation,
        coordinator=world.member,
        coordinator_service=world.service,
        reason="Samtykke gitt",
    )
    referral = refer(tw, world.person, person=person, subject_name="")
    services.decide(
        actor=world.member,
        referral=referral,
        outcome="direct",
        reason="Oppfyller kriteriene",
        worker=tw.lead,
        partner=tw.worker,
    )
    case = Case.objects.get(referral=referral)
    continuity.episode_start(
        actor=world.member,
        plan=plan,
        service=world.service,
        responsibility="responsible",
        starts=timezone.localdate() - dt.timedelta(days=30),
    )
    Notification.objects.all().delete()
    services.case_handoff(
        actor=world.member,
        case=case,
        to_service=tw.municipal,
        summary="Stabil",
        follow_up="Teamet ringer om en måned",
        wanted_from=timezone.localdate(),
        answer_by=timezone.localdate(),
    )
    got = told(Kind.CASE_HANDOFF)
    # The member (a worker on the case) sent it; the owner is the other worker.
    assert set(got) == {world.owner.pk}
    assert got[world.owner.pk].link == reverse("teams:case", args=[case.pk])
