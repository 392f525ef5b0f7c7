"""A hand-built network with known answers for every indicator (tests), and a bulk
builder for the bench. Rows are made directly (no services): these tests check counting,
the apps' own tests check how rows come to be."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from laget.accounts.models import User
from laget.conftest import make_professional
from laget.continuity.models import Handoff, ServiceEpisode
from laget.core.months import last_months, midnight
from laget.directory.models import District, Membership, Network, Service
from laget.directory.tests.factories import NetworkFactory, ServiceFactory, UserFactory
from laget.meetings.models import Kind, Meeting, Participant
from laget.outcomes.models import Rating
from laget.plans.models import (
    Consent,
    EmergencyAccess,
    Goal,
    Measure,
    Person,
    Plan,
    Task,
    TeamMember,
)
from laget.surveys.models import Invitation
from laget.surveys.models import Round as SurveyRound
from laget.teams.models import (
    Case,
    Consultation,
    CrossLevelTeam,
    Decision,
    PerceivedChange,
    Referral,
)

SECRET_NAME = "Hemmeligsen"  # every person's last name: must never show on a quality page


@dataclass
class QualityWorld:
    network: Network
    kommune: Service
    dps: Service
    team_service: Service
    leader: User
    member: User
    coordinator: User
    a: dt.date  # two months ago (complete)
    b: dt.date  # last month (complete)
    plans: list[Plan]

    @property
    def months(self) -> list[dt.date]:
        return [self.a, self.b]


def at(day: dt.date, d: int = 0, hour: int = 10) -> dt.datetime:
    return midnight(day + dt.timedelta(days=d)) + dt.timedelta(hours=hour)


def build(n_plans: int = 6) -> QualityWorld:
    kommune = ServiceFactory(name="Psykisk helse Lundvik", slug="ph-lundvik")
    dps = ServiceFactory(name="Lundvik DPS", slug="lundvik-dps", level="specialist")
    team_service = ServiceFactory(name="Samhandlingsteamet Lundvik", slug="st-lundvik")
    network = NetworkFactory(name="Lundvik nettverk", slug="lundvik")
    network.organisations.set([kommune.organisation, dps.organisation, team_service.organisation])
    leader = make_professional(kommune, Membership.Role.LEADER)
    member = make_professional(kommune, Membership.Role.MEMBER)
    coordinator = make_professional(kommune, Membership.Role.MEMBER)
    a, b, _ = last_months(3)
    long_ago = at(a, -60)
    plans = []
    for k in range(n_plans):
        user = UserFactory(kind=User.Kind.PERSON, last_name=SECRET_NAME)
        person = Person.objects.create(
            user=user,
            first_name=f"Person{k}",
            last_name=SECRET_NAME,
            birth_date=dt.date(1980 + k, 1, 1),
        )
        plan = Plan.objects.create(person=person, owner=kommune.organisation, status="active")
        Plan.objects.filter(pk=plan.pk).update(created_at=long_ago)
        TeamMember.objects.create(
            plan=plan,
            user=coordinator,
            service=kommune,
            role=TeamMember.Role.COORDINATOR,
            joined_reason="x",
        )
        TeamMember.objects.create(
            plan=plan, user=user, role=TeamMember.Role.PERSON, joined_reason="x"
        )
        plans.append(plan)
    return QualityWorld(
        network, kommune, dps, team_service, leader, member, coordinator, a, b, plans
    )


def fill(w: QualityWorld) -> None:
    """The known answers (month a / month b) are in test_indicators.py."""
    a, b = w.a, w.b
    c = w.coordinator
    # User survey of the services: 5 persons told in a, 3 have answered; none told in b.
    survey = SurveyRound.objects.create(
        kind=SurveyRound.Kind.USERS,
        network=w.network,
        title="Brukerundersøkelse",
        opens=a,
        closes=a + dt.timedelta(days=20),
        created_by=w.leader,
    )
    for k, plan in enumerate(w.plans[:5]):
        Invitation.objects.create(
            round=survey,
            user=plan.person.user,
            nonce=f"n{k}",
            token_hash=f"h{k}",
            sent_on=a + dt.timedelta(days=1),
            answered_on=a + dt.timedelta(days=2) if k < 3 else None,
        )
    # Goals: 4 of 6 plans have one, recorded before a.
    for plan in w.plans[:4]:
        g = Goal.objects.create(
            plan=plan, text="Bo i egen leilighet", life_area="housing", created_by=c
        )
        Goal.objects.filter(pk=g.pk).update(created_at=at(a, -5))
    # Consent to the plan: in a, 5 recorded, 3 digitally.
    for k, plan in enumerate(w.plans[:5]):
        Plan.objects.filter(pk=plan.pk).update(
            consent_given_at=at(a, k), consent_method="digital" if k < 3 else "in_person"
        )
    # Revision: 2 plans past their date before a's end.
    Plan.objects.filter(pk__in=[p.pk for p in w.plans[:2]]).update(next_revision=a)
    # Tasks: 5 due in a, 2 still open.
    for k, plan in enumerate(w.plans[:5]):
        Task.objects.create(
            plan=plan,
            title="Ring",
            assignee_service=w.kommune,
            due=a + dt.timedelta(days=k),
            status="open" if k < 2 else "done",
            created_by=c,
        )
    # Hand-offs: 5 answered in a, after 1..5 days; 2 declined.
    for k, plan in enumerate(w.plans[:5]):
        ep = ServiceEpisode.objects.create(
            plan=plan,
            service=w.dps,
            responsibility="responsible",
            starts=a - dt.timedelta(days=90),
            created_by=c,
        )
        Handoff.objects.create(
            plan=plan,
            from_episode=ep,
            to_service=w.kommune,
            summary="x",
            wanted_from=a,
            answer_by=a,
            requested_by=c,
            requested_at=at(a, 10),
            decided_at=at(a, 10 + k + 1),
            status="declined" if k < 2 else "accepted",
        )
    # Episodes: 5 plans followed since 90 days before a; the first 3 with no responsible
    # service after a + 9 (their episode ends), so in a: 3 × (days in a − 10) gap days.
    ServiceEpisode.objects.filter(plan__in=w.plans[:3]).update(ends=a + dt.timedelta(days=9))
    # Meetings in a: 5 held; the person came to 3, the coordinator to 4.
    for k, plan in enumerate(w.plans[:5]):
        m = Meeting.objects.create(
            kind=Kind.GROUP,
            title="Ansvarsgruppemøte",
            plan=plan,
            starts_at=at(a, k),
            ends_at=at(a, k) + dt.timedelta(minutes=90),
            organiser=c,
            chair=c,
        )
        Participant.objects.create(
            meeting=m, user=plan.person.user, name="Personen", attended=k < 3
        )
        Participant.objects.create(meeting=m, user=c, name="Koordinator", attended=k < 4)
    # Ratings: first ratings before a; follow-ups in a for 5 plans, 3 improved by ≥ 5.
    for k, plan in enumerate(w.plans[:5]):
        for session, day, total in (
            (1, a - dt.timedelta(days=20), 20),
            (2, a + dt.timedelta(days=3), 26 if k < 3 else 22),
        ):
            Rating.objects.create(
                plan=plan,
                service=w.kommune,
                instrument="outcome",
                session=session,
                date=day,
                answers={},
                total=total,
            )
    # Emergency accesses ended in a: 5, 4 reviewed within a week.
    for k, plan in enumerate(w.plans[:5]):
        ends = at(a, k + 1)
        EmergencyAccess.objects.create(
            plan=plan,
            user=w.member,
            service=w.kommune,
            reason="akutt",
            starts_at=ends - dt.timedelta(hours=24),
            ends_at=ends,
            reviewed_at=ends + dt.timedelta(days=2 if k < 4 else 10),
        )
    # Consents to the DPS that ran out in a: 5; 2 with an open measure at the DPS; and one
    # more that ran out but was renewed (not counted).
    for k, plan in enumerate(w.plans[:5]):
        Consent.objects.create(
            person=plan.person,
            to_service=w.dps,
            categories=["plan"],
            valid_from=a - dt.timedelta(days=300),
            valid_to=a + dt.timedelta(days=k),
            method="digital",
            recorded_by=c,
        )
        if k < 2:
            Measure.objects.create(
                plan=plan, title="Samtaler", responsible_service=w.dps, status="ongoing"
            )
    renewed = w.plans[5]
    for valid_to in (a + dt.timedelta(days=3), b + dt.timedelta(days=200)):
        Consent.objects.create(
            person=renewed.person,
            to_service=w.dps,
            categories=["plan"],
            valid_from=a - dt.timedelta(days=300),
            valid_to=valid_to,
            method="digital",
            recorded_by=c,
        )
    # The Samhandlingsteam: 5 decisions in a, 2, 4, 6, 8, 10 days after the referral; the
    # first two persons aged 18-25 at a and living in Sentrum, the rest no registered
    # person (district not recorded). Nordsida and Øyane: nobody (Øyane gets five in b in
    # test_indicators' district test).
    sentrum, *_empty = (
        District.objects.create(network=w.network, name=name)
        for name in ("Sentrum", "Nordsida", "Øyane")
    )
    team = CrossLevelTeam.objects.create(network=w.network, service=w.team_service)
    for k in range(5):
        person = None
        if k < 2:
            person = Person.objects.create(
                first_name="Ung",
                last_name=SECRET_NAME,
                birth_date=dt.date(a.year - 20, 1, 1),
                district=sentrum,
            )
        r = Referral.objects.create(
            team=team,
            source="gp",
            referrer_contact="Legekontoret",
            person=person,
            subject_name="" if person else f"{SECRET_NAME} {k}",
            received_at=at(a, 0),
            status="decided",
        )
        Decision.objects.create(
            referral=r,
            outcome="direct",
            reason="ok",
            decided_by=w.member,
            decided_at=at(a, 2 * (k + 1)),
        )
        case = Case.objects.create(
            team=team, referral=r, mode="direct", first_contact_at=at(a, 3 * (k + 1))
        )
        # Perceived change: each case closes in a, rated at intake and on day 15; the life
        # situation is better for the first three (3 of 5), the same for the fourth, worse
        # for the fifth. A sixth case closed with one rating only is not counted.
        for day, life in ((1, 2), (15, (4, 4, 3, 2, 1)[k])):
            PerceivedChange.objects.create(
                case=case,
                on=a + dt.timedelta(days=day - 1),
                life_situation=life,
                daily_functioning=3,
                mental_health=3,
                recorded_by=w.member,
            )
        Case.objects.filter(pk=case.pk).update(status="closed", closed_at=at(a, 20))
    lone = Referral.objects.create(
        team=team,
        source="gp",
        referrer_contact="Legekontoret",
        subject_name=f"{SECRET_NAME} alene",
        received_at=at(a, 0),
        status="decided",
    )
    lone_case = Case.objects.create(team=team, referral=lone, mode="direct")
    PerceivedChange.objects.create(
        case=lone_case,
        on=a,
        life_situation=1,
        daily_functioning=1,
        mental_health=1,
        recorded_by=w.member,
    )
    Case.objects.filter(pk=lone_case.pk).update(status="closed", closed_at=at(a, 21))
    # Guidance: 90 minutes given, 30 received in b.
    Consultation.objects.create(
        team=team,
        direction="given",
        service=w.kommune,
        topic="Rus",
        minutes=90,
        on=b,
        recorded_by=w.member,
    )
    Consultation.objects.create(
        team=team,
        direction="received",
        service=w.dps,
        topic="Medisin",
        minutes=30,
        on=b,
        recorded_by=w.member,
    )


def grow(w: QualityWorld, n: int) -> None:
    """`n` more persons, each with a plan, a goal, a task, a rating and a meeting in month a
    (for the query-count and bench checks: the figures' cost must not follow the rows)."""
    a = w.a
    c = w.coordinator
    start = Plan.objects.count()
    persons = Person.objects.bulk_create(
        Person(
            first_name=f"Vekst{start + k}", last_name=SECRET_NAME, birth_date=dt.date(1990, 1, 1)
        )
        for k in range(n)
    )
    plans = Plan.objects.bulk_create(
        Plan(person=p, owner=w.kommune.organisation, status="active") for p in persons
    )
    Plan.objects.filter(pk__in=[p.pk for p in plans]).update(created_at=at(a, -60))
    TeamMember.objects.bulk_create(
        TeamMember(plan=p, user=c, service=w.kommune, role="coordinator", joined_reason="x")
        for p in plans
    )
    Goal.objects.bulk_create(
        Goal(plan=p, text="Jobb", life_area="work", created_by=c) for p in plans
    )
    Task.objects.bulk_create(
        Task(plan=p, title="Ring", assignee_service=w.kommune, due=a, created_by=c) for p in plans
    )
    Rating.objects.bulk_create(
        Rating(
            plan=p,
            service=w.kommune,
            instrument="outcome",
            session=s,
            date=a + dt.timedelta(days=s),
            answers={},
            total=20 + 3 * s,
        )
        for p in plans
        for s in (1, 2)
    )
    meetings = Meeting.objects.bulk_create(
        Meeting(
            kind=Kind.GROUP,
            title="Møte",
            plan=p,
            starts_at=at(a, 1),
            ends_at=at(a, 1, 11),
            organiser=c,
            chair=c,
        )
        for p in plans
    )
    Participant.objects.bulk_create(
        Participant(meeting=m, user=c, name="Koordinator", attended=True) for m in meetings
    )
    ServiceEpisode.objects.bulk_create(
        ServiceEpisode(
            plan=p, service=w.kommune, responsibility="responsible", starts=a, created_by=c
        )
        for p in plans
    )
