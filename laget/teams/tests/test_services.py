"""The team's services on the real database: the rules, the Norwegian refusals, and that
a refusal leaves nothing half-written."""

from __future__ import annotations

import datetime as dt
import io
import json

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.management import call_command
from django.urls import reverse
from django.utils import timezone

from laget.audit.models import ChangeRecord
from laget.directory.models import Membership
from laget.directory.tests.factories import ProfessionalFactory
from laget.plans.models import Person
from laget.teams import pairing, services
from laget.teams.models import Case, CaseWorker, Decision, Referral
from laget.teams.selectors import flags_of, workers_by_case

pytestmark = pytest.mark.django_db


def refer(tw, actor, **extra):
    data = {"source": "gp", "referrer_contact": "77 00 00 01", "subject_name": "Kari Test"} | extra
    return services.referral_create(actor=actor, team=tw.team, data=services.ReferralInput(**data))


def counts():
    return (
        Case.objects.count(),
        CaseWorker.objects.count(),
        Decision.objects.count(),
        ChangeRecord.objects.count(),
    )


def test_an_incomplete_referral_is_taken_in(world, team_world):
    # Nothing but a name and a way to call back: the open door takes it.
    referral = refer(team_world, world.person, source="person")
    assert referral.status == Referral.Status.WAITING
    assert referral.serious_mental_health is None


def test_a_referral_needs_someone_to_find_and_someone_to_call(world, team_world):
    with pytest.raises(ValidationError, match="navnet"):
        refer(team_world, world.person, subject_name="")
    with pytest.raises(ValidationError, match="telefonnummer"):
        refer(team_world, world.person, referrer_contact=" ")
    assert Referral.objects.count() == 0


def test_a_referral_for_a_person_in_an_open_case_is_refused(world, team_world):
    person = Person.objects.create(
        first_name="Ola", last_name="Test", birth_date=dt.date(1980, 1, 1)
    )
    first = refer(team_world, world.member, person=person, subject_name="")
    services.decide(
        actor=world.member,
        referral=first,
        outcome="direct",
        reason="Ingen kontakt med tjenester",
        worker=team_world.lead,
        partner=team_world.worker,
    )
    with pytest.raises(ValidationError, match="følger allerede"):
        refer(team_world, world.person, person=person, subject_name="")
    assert Referral.objects.count() == 1


def test_a_decision_without_a_reason_saves_nothing(world, team_world):
    referral = refer(team_world, world.person)
    before = counts()
    with pytest.raises(ValidationError, match="begrunnelsen"):
        services.decide(
            actor=world.member,
            referral=referral,
            outcome="direct",
            reason=" ",
            worker=team_world.lead,
            partner=team_world.worker,
        )
    assert counts() == before
    referral.refresh_from_db()
    assert referral.status == Referral.Status.WAITING


def test_not_now_needs_advice_the_referrer_sees(world, team_world):
    referral = refer(team_world, world.person)
    with pytest.raises(ValidationError, match="råd"):
        services.decide(actor=world.member, referral=referral, outcome="not_now", reason="Stabil")
    decision = services.decide(
        actor=world.member,
        referral=referral,
        outcome="not_now",
        reason="Har stabil kontakt",
        advice="Vi gir veiledning til fastlegen",
    )
    assert decision.advice and not Case.objects.exists()


def test_a_case_with_one_level_only_is_refused(world, team_world):
    referral = refer(team_world, world.person)
    before = counts()
    with pytest.raises(ValidationError, match="én fra spesialisthelsetjenesten"):
        services.decide(
            actor=world.member,
            referral=referral,
            outcome="direct",
            reason="Oppfyller kriteriene",
            worker=team_world.lead,
            partner=team_world.muni2,
        )
    assert counts() == before


def test_shoulder_to_shoulder_takes_the_opposite_level(world, team_world):
    referral = refer(team_world, world.person, treatment_service=team_world.specialist)
    with pytest.raises(ValidationError, match="motsatt nivå"):
        services.decide(
            actor=world.member,
            referral=referral,
            outcome="shoulder",
            reason="Har behandler ved DPS",
            worker=team_world.worker,  # specialist, like the treatment contact
            partner=team_world.lead,
        )
    assert not Case.objects.exists()
    services.decide(
        actor=world.member,
        referral=referral,
        outcome="shoulder",
        reason="Har behandler ved DPS",
        worker=team_world.lead,  # municipal: the opposite level
        partner=team_world.worker,
    )
    case = Case.objects.get()
    assert case.workers.get(shoulder=True).member == team_world.lead


def open_direct(world, tw):
    referral = refer(tw, world.person)
    services.decide(
        actor=world.member,
        referral=referral,
        outcome="direct",
        reason="Oppfyller kriteriene",
        worker=tw.lead,
        partner=tw.worker,
    )
    return Case.objects.get(referral=referral)


def test_a_member_leaving_flags_their_cases_until_someone_takes_over(world, team_world):
    case = open_direct(world, team_world)
    today = timezone.localdate()
    Membership.objects.filter(service=world.service).update(starts=today - dt.timedelta(days=10))
    services.member_end(
        actor=world.owner,
        member=team_world.worker,
        ends=today - dt.timedelta(days=1),
        reason="Tilbake i DPS",
    )
    case = Case.objects.select_related("team", "treatment_service").get(pk=case.pk)
    assert flags_of(case, workers_by_case([case.pk])[case.pk], today) == [
        pairing.MISSING_SPECIALIST
    ]
    services.case_worker_add(
        actor=world.owner, case=case, member=team_world.spec2, shoulder=False, reason="Tar over"
    )
    assert flags_of(case, workers_by_case([case.pk])[case.pk], today) == []


def test_releasing_the_last_worker_of_a_level_is_refused(world, team_world):
    case = open_direct(world, team_world)
    worker = case.workers.get(member=team_world.worker)
    with pytest.raises(ValidationError, match="nivået som mangler"):
        services.case_worker_end(actor=world.member, worker=worker, reason="Bytter")
    assert CaseWorker.objects.current().count() == 2


def test_a_new_member_joins_in_a_fraction(world, team_world):
    professional = ProfessionalFactory()
    member = services.member_add(
        actor=world.owner,
        team=team_world.team,
        professional=professional,
        home_service=team_world.specialist,
        position_percent=20,
        competence=["psychiatry"],
    )
    assert member.membership.service == world.service
    with pytest.raises(ValidationError, match="100"):
        services.member_update(
            actor=world.owner,
            member=member,
            based_on_version=member.version,
            position_percent=101,
            home_service=team_world.specialist,
            competence=[],
        )


def test_team_report_prints_counts_without_names(world, team_world):
    case = open_direct(world, team_world)
    services.contact_record(actor=world.member, case=case, on=timezone.localdate())
    refer(team_world, world.person, subject_name="Venter Vent")
    out = io.StringIO()
    call_command("team_report", "--team", team_world.team.slug, stdout=out)
    lines = out.getvalue().strip().splitlines()
    assert len(lines) == 1
    report = json.loads(lines[0])
    assert report["open_cases"] == 1
    assert report["cases_by_mode"] == {"direct": 1}
    assert report["cases_missing_level"] == 0 == report["flagged_cases"]
    assert report["referrals_by_decision"] == {"direct": 1, "waiting": 1}
    assert report["median_days_referral_to_decision"] is not None
    assert report["median_days_referral_to_first_contact"] is not None
    assert report["on_board"] == 0
    assert report["positions_by_level"][pairing.SPECIALIST] > 0
    assert "Kari" not in out.getvalue() and "Venter" not in out.getvalue()


def test_ending_a_case_hands_back_through_an_accepted_hand_off(world, team_world):
    from laget.continuity import services as continuity
    from laget.continuity.models import Handoff
    from laget.plans import services as plans
    from laget.plans.models import TeamMember

    person = Person.objects.create(
        first_name="Siv", last_name="Test", birth_date=dt.date(1975, 3, 3)
    )
    # The person has consented and has a plan; the team's worker is its coordinator.
    plan = plans.plan_create(
        actor=world.member,
        person=person,
        owner=world.service.organisation,
        coordinator=world.member,
        coordinator_service=world.service,
        reason="Samtykke gitt",
    )
    referral = refer(team_world, world.person, person=person, subject_name="")
    services.decide(
        actor=world.member,
        referral=referral,
        outcome="direct",
        reason="Oppfyller kriteriene",
        worker=team_world.lead,
        partner=team_world.worker,
    )
    case = Case.objects.get(referral=referral)
    # The assigned worker joined the plan's team through the plan's path, with the reason.
    joined = TeamMember.objects.get(plan=plan, user=world.owner)
    assert joined.joined_reason == "Oppfyller kriteriene" and joined.service == world.service

    with pytest.raises(ValidationError, match="tidslinje"):
        services.case_handoff(
            actor=world.member,
            case=case,
            to_service=team_world.municipal,
            summary="Stabil",
            follow_up="Fastlegen følger opp",
            wanted_from=timezone.localdate(),
            answer_by=timezone.localdate(),
        )
    continuity.episode_start(
        actor=world.member,
        plan=plan,
        service=world.service,
        responsibility="responsible",
        starts=timezone.localdate() - dt.timedelta(days=30),
    )
    with pytest.raises(ValidationError, match="oppfølgingsavtalen"):
        services.case_handoff(
            actor=world.member,
            case=case,
            to_service=team_world.municipal,
            summary="Stabil",
            follow_up=" ",
            wanted_from=timezone.localdate(),
            answer_by=timezone.localdate(),
        )
    handoff = services.case_handoff(
        actor=world.member,
        case=case,
        to_service=team_world.municipal,
        summary="Stabil bolig og kontakt",
        follow_up="Teamet ringer om en måned",
        wanted_from=timezone.localdate(),
        answer_by=timezone.localdate(),
    )
    with pytest.raises(ValidationError, match="godtatt"):
        services.case_close(actor=world.member, case=case)
    receiver = ProfessionalFactory()
    Membership.objects.create(
        professional=receiver, service=team_world.municipal, position_percent=100
    )
    continuity.handoff_accept(actor=receiver.user, handoff=Handoff.objects.get(pk=handoff.pk))
    closed = services.case_close(actor=world.member, case=case)
    assert closed.status == Case.Status.CLOSED
    assert not CaseWorker.objects.current().filter(case=case).exists()


# --- Perceived change (item 9) -------------------------------------------------------------


def _answers(world, case, score, **extra):
    data = {
        "actor": world.member,
        "case": case,
        "on": timezone.localdate(),
        "life_situation": score,
        "daily_functioning": score,
        "mental_health": score,
        "own_words": "",
        "person_agreed": True,
    } | extra
    return services.perceived_change_add(**data)


def _direct_case(world, team_world, name="Kari Test"):
    referral = refer(team_world, world.person, subject_name=name)
    services.decide(
        actor=world.member,
        referral=referral,
        outcome="direct",
        reason="Oppfyller kriteriene",
        worker=team_world.lead,
        partner=team_world.worker,
    )
    return Case.objects.get(referral=referral)


def test_perceived_change_needs_the_persons_agreement_and_the_scale(world, team_world):
    from laget.teams.models import PerceivedChange

    case = _direct_case(world, team_world)
    before = ChangeRecord.objects.count()
    with pytest.raises(ValidationError, match="Spør personen"):
        _answers(world, case, 3, person_agreed=False)
    with pytest.raises(ValidationError, match="svært dårlig"):
        _answers(world, case, 6)
    with pytest.raises(ValidationError, match="fram i tid"):
        _answers(world, case, 3, on=timezone.localdate() + dt.timedelta(days=1))
    with pytest.raises(PermissionDenied):
        _answers(world, case, 3, actor=world.outsider)
    assert not PerceivedChange.objects.exists()
    assert ChangeRecord.objects.count() == before


def test_the_case_shows_the_change_since_intake(world, team_world):
    from laget.teams.selectors import case_page

    case = _direct_case(world, team_world)
    _answers(world, case, 2, own_words="Alt er kaos")
    page = case_page(actor=world.member, case_id=case.pk)
    assert len(page.ratings) == 1 and page.change == []  # intake only: no change yet
    _answers(world, case, 4, mental_health=1, own_words="Har fått bolig")
    page = case_page(actor=world.member, case_id=case.pk)
    assert [(first, last, delta) for _label, first, last, delta in page.change] == [
        (2, 4, 2),
        (2, 4, 2),
        (2, 1, -1),
    ]


def test_the_team_sees_change_across_cases_with_small_cells_hidden(world, team_world):
    from laget.teams.figures import perceived_change

    cases = [_direct_case(world, team_world, f"Person {i} Test") for i in range(6)]
    # Intake only for the sixth: it does not count.
    for i, case in enumerate(cases):
        _answers(world, case, 2)
        if i < 5:
            # Four better, one worse on every scale.
            _answers(world, case, 4 if i < 4 else 1)
    result = perceived_change(team_world.team)
    assert result["cases"] == 5
    assert result["scales"]["life_situation"] == {
        "better": "<5",
        "same": 0,
        "worse": "<5",
        "mean_change": round((4 * 2 - 1) / 5, 2),
    }
    # Fewer than five followed cases: nothing is shown per scale.
    from laget.teams.models import PerceivedChange

    PerceivedChange.objects.filter(case=cases[0]).delete()
    result = perceived_change(team_world.team)
    assert result["cases"] == "<5"
    assert set(result["scales"].values()) == {None}


# --- The guidance log names no one (item 5) -------------------------------------------------


@pytest.mark.parametrize(
    "topic",
    [
        "Veiledning om Kari Test",  # a name referred to the team
        "Samtale om Ola Nordmann",  # a first name and a surname
        "Oppfølging av 12107812345",  # a national id
        "Ring 912 34 567 om boligen",  # a phone number
        "Pasient født 12.10.1978",  # a birth date
    ],
)
def test_a_consultation_topic_that_points_to_a_person_is_refused(world, team_world, topic):
    from laget.teams.models import Consultation

    refer(team_world, world.person, subject_name="Kari Test")
    with pytest.raises(ValidationError, match="ikke peke på en person"):
        services.consultation_add(
            actor=world.member,
            team=team_world.team,
            direction="given",
            service=team_world.municipal,
            topic=topic,
            minutes=30,
            on=timezone.localdate(),
        )
    assert not Consultation.objects.exists()


def test_a_consultation_about_a_subject_is_logged(world, team_world):
    c = services.consultation_add(
        actor=world.member,
        team=team_world.team,
        direction="received",
        service=team_world.specialist,
        topic="Veiledning om ROP-lidelser og samarbeid ved utskriving",
        minutes=45,
        on=timezone.localdate(),
    )
    assert c.pk and c.direction == "received"


# --- After consent: the case is linked to the person's plan ---------------------------------


def test_a_case_is_linked_to_the_persons_plan_after_consent(world, team_world):
    from laget.plans import services as plans
    from laget.plans.models import TeamMember

    case = _direct_case(world, team_world, "Siv Samtykke")
    person = Person.objects.create(
        first_name="Siv", last_name="Samtykke", birth_date=dt.date(1975, 3, 3)
    )
    plan = plans.plan_create(
        actor=world.member,
        person=person,
        owner=world.service.organisation,
        coordinator=world.member,
        coordinator_service=world.service,
        reason="Samtykke gitt",
    )
    # Someone who cannot read the plan cannot link it; nothing is written.
    before = ChangeRecord.objects.count()
    with pytest.raises(ValidationError, match="koordinator"):
        services.case_link_person(actor=world.owner, case=case, plan=plan)
    assert ChangeRecord.objects.count() == before
    assert Referral.objects.get(pk=case.referral_id).person_id is None
    linked = services.case_link_person(actor=world.member, case=case, plan=plan)
    assert linked.referral.person_id == person.pk
    # The other worker (the owner) joined the plan's team through the plan's path.
    assert TeamMember.objects.active().filter(plan=plan, user=world.owner).exists()
    with pytest.raises(ValidationError, match="allerede"):
        services.case_link_person(actor=world.member, case=case, plan=plan)


# --- From an empty database: a service's administrator makes the team -----------------------


def test_a_service_administrator_makes_a_team_and_it_is_refused_twice(world, client_for):
    from laget.teams.models import CrossLevelTeam

    with pytest.raises(PermissionDenied):
        services.team_create(actor=world.member, service=world.other_service, network=world.network)
    client = client_for("outsider")
    page = client.get(reverse("teams:team_create"))
    assert page.status_code == 200
    response = client.post(
        reverse("teams:team_create"),
        {"service": world.other_service.pk, "network": world.network.pk, "contact_alert_days": 10},
    )
    assert response.status_code == 302
    team = CrossLevelTeam.objects.get(service=world.other_service)
    assert team.contact_alert_days == 10 and team.network == world.network
    # Once a team, the service is no longer offered: the page refuses.
    assert client.get(reverse("teams:team_create")).status_code == 403
    with pytest.raises(ValidationError, match="allerede"):
        services.team_create(
            actor=world.outsider, service=world.other_service, network=world.network
        )
