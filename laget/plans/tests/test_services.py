"""Writes to the plan: rules, Norwegian refusals, nothing half-written, no lost updates."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone
from django.utils.translation import override

from laget.audit.models import ChangeRecord
from laget.audit.services import EditConflict
from laget.core.tests.test_identifiers import nin
from laget.plans import services
from laget.plans.models import Consent, Measure, Message, Person, Plan
from laget.plans.selectors import measure_flags

pytestmark = pytest.mark.django_db

TODAY = dt.date.today()


def messages_of(exc: ValidationError) -> str:
    return " ".join(exc.messages)


class TestPerson:
    @pytest.mark.parametrize(
        "national_id",
        [
            nin("010190")[:10] + str((int(nin("010190")[10]) + 1) % 10),  # wrong check digit
            nin("320190"),  # right check digits, impossible date (32 January)
            "0101901234",  # too short
            "0101901234x",
        ],
    )
    def test_invalid_national_ids_are_refused_in_norwegian(self, plan_world, national_id):
        with override("nb"), pytest.raises(ValidationError) as exc:
            services.person_create(
                actor=plan_world.coordinator,
                first_name="Ola",
                last_name="Feil",
                birth_date=dt.date(1990, 1, 1),
                national_id=national_id,
            )
        assert "ikke et gyldig fødselsnummer" in messages_of(exc.value)
        assert not Person.objects.filter(last_name="Feil").exists()

    def test_national_id_is_not_written_to_the_change_log(self, plan_world):
        person = services.person_create(
            actor=plan_world.coordinator,
            first_name="Ola",
            last_name="Riktig",
            birth_date=dt.date(1990, 1, 1),
            national_id=nin("150585"),
        )
        assert person.masked_national_id == "150585*****"
        record = ChangeRecord.objects.get(action="person_create", object_id=str(person.pk))
        assert "national_id" not in record.after

    def test_only_professionals_register_persons(self, plan_world):
        with pytest.raises(PermissionDenied):
            services.person_create(
                actor=plan_world.person,
                first_name="X",
                last_name="Y",
                birth_date=dt.date(1990, 1, 1),
            )


class TestConsent:
    def test_consent_ending_before_it_starts_is_refused(self, plan_world):
        with override("nb"), pytest.raises(ValidationError) as exc:
            services.consent_record(
                actor=plan_world.person,
                plan=plan_world.plan,
                to_service=plan_world.municipal,
                categories=["plan"],
                valid_from=TODAY,
                valid_to=TODAY - dt.timedelta(days=1),
                method="digital",
            )
        assert "Samtykket kan ikke slutte før det begynner" in messages_of(exc.value)

    def test_verbal_consent_needs_a_witness(self, plan_world):
        with override("nb"), pytest.raises(ValidationError) as exc:
            services.consent_record(
                actor=plan_world.coordinator,
                plan=plan_world.plan,
                to_service=plan_world.municipal,
                categories=["plan"],
                valid_from=TODAY,
                valid_to=TODAY,
                method="verbal",
            )
        assert "vitne" in messages_of(exc.value)

    def test_exactly_one_receiver(self, plan_world):
        with pytest.raises(ValidationError):
            services.consent_record(
                actor=plan_world.person,
                plan=plan_world.plan,
                to_service=plan_world.municipal,
                to_relative=plan_world.relative_without,
                categories=["plan"],
                valid_from=TODAY,
                valid_to=TODAY,
                method="digital",
            )

    def test_only_the_person_and_the_coordinator_record_consent(self, plan_world):
        for actor in [plan_world.team_professional, plan_world.relative_with_consent]:
            with pytest.raises(PermissionDenied):
                services.consent_record(
                    actor=actor,
                    plan=plan_world.plan,
                    to_service=plan_world.municipal,
                    categories=["plan"],
                    valid_from=TODAY,
                    valid_to=TODAY,
                    method="digital",
                )

    def test_withdrawal_is_recorded_once(self, plan_world):
        consent = Consent.objects.get(to_service=plan_world.dps)
        services.consent_withdraw(actor=plan_world.person, plan=plan_world.plan, consent=consent)
        services.consent_withdraw(actor=plan_world.person, plan=plan_world.plan, consent=consent)
        assert ChangeRecord.objects.filter(action="consent_withdraw").count() == 1
        assert not Consent.objects.in_force().filter(pk=consent.pk).exists()


class TestActivation:
    def test_refused_with_everything_that_is_missing(self, plan_world):
        services.measure_add(
            actor=plan_world.coordinator,
            plan=plan_world.plan,
            title="Boveiledning",
            responsible_service=None,
        )
        with override("nb"), pytest.raises(ValidationError) as exc:
            services.plan_activate(actor=plan_world.coordinator, plan=plan_world.plan)
        text = messages_of(exc.value)
        assert "ikke samtykket til planen" in text
        assert "Hvert tiltak må ha en ansvarlig tjeneste. Mangler for: Boveiledning" in text
        assert Plan.objects.get(pk=plan_world.plan.pk).status == Plan.Status.DRAFT

    def test_activates_when_consented_and_every_measure_is_owned(self, plan_world):
        services.measure_add(
            actor=plan_world.coordinator,
            plan=plan_world.plan,
            title="Samtaler",
            responsible_service=plan_world.dps,
        )
        services.plan_consent_record(
            actor=plan_world.person, plan=plan_world.plan, method="digital"
        )
        plan = services.plan_activate(actor=plan_world.person, plan=plan_world.plan)
        assert plan.status == Plan.Status.ACTIVE
        assert plan.period_start == timezone.localdate()

    def test_municipality_must_own_a_plan_with_both_levels(self, plan_world):
        dps_org = plan_world.dps.organisation
        Plan.objects.filter(pk=plan_world.plan.pk).update(owner=dps_org)
        plan_world.plan.refresh_from_db()
        services.plan_consent_record(
            actor=plan_world.person, plan=plan_world.plan, method="digital"
        )
        with override("nb"), pytest.raises(ValidationError) as exc:
            services.plan_activate(actor=plan_world.coordinator, plan=plan_world.plan)
        assert "er det kommunen som eier planen" in messages_of(exc.value)

    def test_an_active_plan_takes_no_measure_without_a_responsible_service(self, plan_world):
        Plan.objects.filter(pk=plan_world.plan.pk).update(status=Plan.Status.ACTIVE)
        plan_world.plan.refresh_from_db()
        with pytest.raises(ValidationError):
            services.measure_add(
                actor=plan_world.coordinator,
                plan=plan_world.plan,
                title="Uten eier",
                responsible_service=None,
            )


class TestTeam:
    def test_joining_needs_a_reason(self, plan_world):
        with override("nb"), pytest.raises(ValidationError) as exc:
            services.team_member_add(
                actor=plan_world.coordinator,
                plan=plan_world.plan,
                user=plan_world.colleague,
                role="member",
                service=plan_world.dps,
                reason="  ",
            )
        assert "Skriv hvorfor" in messages_of(exc.value)

    def test_only_coordinator_or_person_adds_members(self, plan_world):
        with pytest.raises(PermissionDenied):
            services.team_member_add(
                actor=plan_world.team_professional,
                plan=plan_world.plan,
                user=plan_world.colleague,
                role="member",
                service=plan_world.dps,
                reason="Vil være med",
            )

    def test_leaving_keeps_the_history_and_ends_access(self, plan_world):
        from laget.plans.access import plan_access
        from laget.plans.models import MessageDraft, TeamMember

        w = plan_world
        services.message_draft_save(actor=w.team_professional, plan=w.plan, body="Halvskrevet")
        services.message_draft_save(actor=w.coordinator, plan=w.plan, body="Koordinatorens")
        place = TeamMember.objects.get(plan=w.plan, user=w.team_professional)
        services.team_member_leave(actor=w.coordinator, member=place, reason="Avsluttet")
        place.refresh_from_db()
        assert place.left_at is not None
        assert plan_access(w.team_professional, w.plan) is None
        # Their unsent draft goes with them; nobody else's does.
        assert list(MessageDraft.objects.values_list("author_id", flat=True)) == [w.coordinator.pk]


class TestGoalsMeasuresTasks:
    def test_goal_in_own_words_and_life_area(self, plan_world):
        goal = services.goal_add(
            actor=plan_world.person,
            plan=plan_world.plan,
            text="Jeg vil ha en jobb å gå til",
            life_area="work",
        )
        assert goal.created_by == plan_world.person

    def test_relative_cannot_change_the_plan(self, plan_world):
        with pytest.raises(PermissionDenied):
            services.goal_add(
                actor=plan_world.relative_with_consent,
                plan=plan_world.plan,
                text="x",
                life_area="other",
            )

    def test_measure_ending_before_it_starts(self, plan_world):
        with pytest.raises(ValidationError):
            services.measure_add(
                actor=plan_world.coordinator,
                plan=plan_world.plan,
                title="Samtaler",
                responsible_service=plan_world.dps,
                starts=TODAY,
                ends=TODAY - dt.timedelta(days=1),
            )
        assert not Measure.objects.exists()

    def test_task_completion_refuses_a_stale_version(self, plan_world):
        task = services.task_add(
            actor=plan_world.coordinator,
            plan=plan_world.plan,
            title="Søke bostøtte",
            due=TODAY,
            assignee_user=plan_world.person,
        )
        services.task_complete(actor=plan_world.coordinator, task=task, based_on_version=1)
        with pytest.raises(EditConflict):
            services.task_complete(actor=plan_world.person, task=task, based_on_version=1)

    def test_plan_update_refuses_a_stale_version(self, plan_world):
        services.plan_update(
            actor=plan_world.coordinator,
            plan=plan_world.plan,
            based_on_version=1,
            data={"needs": "Trygg bolig"},
        )
        with pytest.raises(EditConflict) as exc:
            services.plan_update(
                actor=plan_world.person,
                plan=plan_world.plan,
                based_on_version=1,
                data={"needs": "Noe annet"},
            )
        assert exc.value.current.needs == "Trygg bolig"
        assert Plan.objects.get(pk=plan_world.plan.pk).needs == "Trygg bolig"


class TestMessages:
    def test_sender_name_role_and_service_are_kept(self, plan_world):
        message = services.message_post(
            actor=plan_world.team_professional, plan=plan_world.plan, body="Hei"
        )
        assert message.author_name == plan_world.team_professional.get_full_name()
        assert message.author_service == "DPS poliklinikk"

    def test_correction_is_a_new_message_by_the_same_author(self, plan_world):
        original = services.message_post(
            actor=plan_world.person, plan=plan_world.plan, body="Møtet er tirsdag"
        )
        correction = services.message_post(
            actor=plan_world.person,
            plan=plan_world.plan,
            body="Rettelse: onsdag",
            corrects=original,
        )
        assert Message.objects.get(pk=original.pk).body == "Møtet er tirsdag"
        assert correction.corrects == original
        with pytest.raises(ValidationError):
            services.message_post(
                actor=plan_world.coordinator, plan=plan_world.plan, body="x", corrects=original
            )

    def test_empty_message_is_refused(self, plan_world):
        with pytest.raises(ValidationError):
            services.message_post(actor=plan_world.person, plan=plan_world.plan, body="   ")

    def test_child_welfare_without_consent_cannot_write(self, plan_world):
        with pytest.raises(PermissionDenied):
            services.message_post(actor=plan_world.child_welfare, plan=plan_world.plan, body="x")


def test_measure_flags_find_grey_zones(plan_world):
    def measure(title, service, starts=None, ends=None):
        return Measure(
            title=title, responsible_service=service, starts=starts, ends=ends, status="ongoing"
        )

    a = measure("Samtaler", plan_world.dps, TODAY, TODAY + dt.timedelta(days=30))
    b = measure(" samtaler ", plan_world.municipal, TODAY + dt.timedelta(days=10))
    c = measure("Samtaler", plan_world.municipal, TODAY + dt.timedelta(days=60))  # later
    nobody = measure("Boveiledning", None)
    a.responsible_service_id, b.responsible_service_id = plan_world.dps.pk, plan_world.municipal.pk
    c.responsible_service_id = plan_world.municipal.pk
    flags = measure_flags([a, b, c, nobody])
    assert flags.without_responsible == [nobody]
    assert flags.duplicated == [(a, b)]
