"""Meeting writes: what they do, and the bad input they refuse with a Norwegian message
while leaving nothing half-written."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core import mail
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone, translation

from laget.audit.models import ChangeRecord
from laget.audit.services import EditConflict
from laget.core.tests.test_identifiers import nin
from laget.meetings import services
from laget.meetings.models import AgendaItem, Case, Decision, Evaluation, Meeting, Participant
from laget.meetings.tests.conftest import hours_from_now
from laget.plans.models import Task

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _norwegian():
    with translation.override("nb"):
        yield


def messages_of(exc: ValidationError) -> str:
    return " ".join(exc.messages)


def test_a_group_meeting_invites_the_whole_team_with_the_default_agenda(plan_world, meeting_world):
    meeting = meeting_world.group_meeting
    invited = set(Participant.objects.filter(meeting=meeting).values_list("user_id", flat=True))
    assert plan_world.person.pk in invited and plan_world.relative_with_consent.pk in invited
    assert plan_world.coordinator.pk in invited and plan_world.team_professional.pk in invited
    titles = list(AgendaItem.objects.filter(meeting=meeting).values_list("title", flat=True))
    assert titles[0] == "Personens eget syn først"
    assert ChangeRecord.objects.filter(
        action="meeting_schedule", object_id=str(meeting.pk)
    ).exists()


def test_a_meeting_that_ends_before_it_starts_is_refused_and_nothing_is_saved(plan_world):
    before = Meeting.objects.count()
    with pytest.raises(ValidationError) as exc:
        services.group_meeting_schedule(
            actor=plan_world.coordinator,
            plan=plan_world.plan,
            starts_at=hours_from_now(5),
            ends_at=hours_from_now(4),
            place="Rådhuset",
        )
    assert "må slutte etter at det begynner" in messages_of(exc.value)
    assert Meeting.objects.count() == before and Participant.objects.count() == 0


def test_a_meeting_needs_a_place_or_a_video_link(plan_world):
    with pytest.raises(ValidationError) as exc:
        services.group_meeting_schedule(
            actor=plan_world.coordinator,
            plan=plan_world.plan,
            starts_at=hours_from_now(4),
            ends_at=hours_from_now(5),
        )
    assert "videolenke" in messages_of(exc.value)


def test_relatives_and_outsiders_cannot_schedule(plan_world):
    for actor in (plan_world.relative_with_consent, plan_world.colleague, plan_world.person):
        with pytest.raises(PermissionDenied):
            services.group_meeting_schedule(
                actor=actor,
                plan=plan_world.plan,
                starts_at=hours_from_now(4),
                ends_at=hours_from_now(5),
                place="Rådhuset",
            )


def test_an_invitation_to_someone_outside_the_network_is_refused(plan_world, meeting_world):
    with pytest.raises(ValidationError) as exc:
        services.participant_invite(
            actor=plan_world.coordinator,
            meeting=meeting_world.forum_meeting,
            user=plan_world.other_org,
        )
    assert "jobber ikke i dette nettverket" in messages_of(exc.value)
    # A person's meeting invites the team only.
    with pytest.raises(ValidationError) as exc:
        services.participant_invite(
            actor=plan_world.coordinator,
            meeting=meeting_world.group_meeting,
            user=plan_world.colleague,
        )
    assert "ikke med i teamet" in messages_of(exc.value)
    # A service outside the network.
    other_service = plan_world.other_org.professional.memberships.first().service
    with pytest.raises(ValidationError) as exc:
        services.participant_invite(
            actor=plan_world.coordinator, meeting=meeting_world.forum_meeting, service=other_service
        )
    assert "utenfor nettverket" in messages_of(exc.value)


def test_a_colleague_in_the_network_can_be_invited_to_a_forum_once(plan_world, meeting_world):
    meeting = meeting_world.forum_meeting
    p = services.participant_invite(
        actor=plan_world.coordinator, meeting=meeting, user=plan_world.colleague
    )
    assert p.service == plan_world.dps and p.level == "specialist"
    with pytest.raises(ValidationError) as exc:
        services.participant_invite(
            actor=plan_world.coordinator, meeting=meeting, user=plan_world.colleague
        )
    assert "allerede invitert" in messages_of(exc.value)


def test_attendance_per_person_and_service(plan_world, meeting_world):
    meeting = meeting_world.forum_meeting
    dps = Participant.objects.get(meeting=meeting, service=plan_world.dps, user=None)
    anchor = Participant.objects.get(meeting=meeting, user=plan_world.team_professional)
    came = services.attendance_record(
        actor=plan_world.coordinator, meeting=meeting, present=[dps.pk, anchor.pk]
    )
    assert came == 2
    attended = dict(Participant.objects.filter(meeting=meeting).values_list("pk", "attended"))
    assert attended[dps.pk] is True and attended[anchor.pk] is True
    assert sum(1 for v in attended.values() if v is False) == len(attended) - 2
    assert anchor.is_anchor


def test_attendance_waits_until_the_meeting_is_held(plan_world):
    meeting = services.group_meeting_schedule(
        actor=plan_world.coordinator,
        plan=plan_world.plan,
        starts_at=hours_from_now(48),
        ends_at=hours_from_now(49),
        place="Rådhuset",
    )
    with pytest.raises(ValidationError):
        services.attendance_record(actor=plan_world.coordinator, meeting=meeting, present=[])


def test_the_person_adds_a_point_to_their_own_meeting(plan_world, meeting_world):
    item = services.agenda_item_add(
        actor=plan_world.person, meeting=meeting_world.group_meeting, title="Jeg vil snakke om jobb"
    )
    assert item.added_by_name == "Lise Testesen"
    assert item.position == AgendaItem.objects.filter(meeting=meeting_world.group_meeting).count()


def test_a_case_with_a_valid_national_id_is_blocked_and_nothing_is_saved(plan_world, meeting_world):
    number = nin("010190")
    with pytest.raises(services.IdentifiersFound) as exc:
        services.case_add(
            actor=plan_world.coordinator,
            meeting=meeting_world.forum_meeting,
            title="Ung mann",
            situation=f"Han (fnr {number}) har vært innlagt.",
            question="Hva gjør vi?",
        )
    finding = exc.value.by_field["situation"][0]
    assert finding.kind == "national_id" and finding.text == number
    assert "identifisere" in messages_of(exc.value)
    assert Case.objects.count() == 1  # the fixture's own case only


def test_a_case_naming_a_known_person_is_blocked(plan_world, meeting_world):
    with pytest.raises(services.IdentifiersFound) as exc:
        services.case_add(
            actor=plan_world.coordinator,
            meeting=meeting_world.forum_meeting,
            title="Sak",
            situation="Lise Testesen trenger bolig.",
            question="Hvem tar ansvar?",
        )
    assert [f.kind for f in exc.value.by_field["situation"]] == ["name"]


def test_the_organiser_overrides_a_false_alarm_only_with_a_real_reason(plan_world, meeting_world):
    text = "Ring legevakten på 116 117 eller 11 61 17 00 ved behov."
    kwargs = {
        "actor": plan_world.coordinator,
        "meeting": meeting_world.forum_meeting,
        "title": "Legevakt",
        "situation": text,
        "question": "Hvem ringer?",
    }
    with pytest.raises(services.IdentifiersFound):
        services.case_add(**kwargs)
    with pytest.raises(ValidationError) as exc:
        services.case_add(**kwargs, override_reason="ok")
    assert "hel setning" in messages_of(exc.value)
    case = services.case_add(**kwargs, override_reason="Dette er legevaktens offentlige nummer.")
    assert case.override_reason.startswith("Dette er")
    assert case.overridden_findings[0]["kind"] == "phone"
    record = ChangeRecord.objects.get(action="case_add", object_id=str(case.pk))
    assert record.after["override_reason"] == case.override_reason
    assert "situation" not in record.after  # the text stays in the case, not in the log


def test_only_organisers_write_cases(plan_world, meeting_world):
    with pytest.raises(PermissionDenied):
        services.case_add(
            actor=plan_world.colleague,
            meeting=meeting_world.forum_meeting,
            title="Sak",
            situation="Situasjon",
            question="Spørsmål",
        )


def test_an_action_in_a_persons_meeting_becomes_a_task_in_their_plan(plan_world, meeting_world):
    due = timezone.localdate() + dt.timedelta(days=14)
    decision = services.decision_add(
        actor=plan_world.coordinator,
        meeting=meeting_world.group_meeting,
        text="Søke om bostøtte",
        responsible_service=plan_world.municipal,
        due=due,
    )
    task = Task.objects.get(pk=decision.task_id)
    assert task.plan == plan_world.plan and task.assignee_service == plan_world.municipal
    assert task.title == "Søke om bostøtte" and task.due == due
    # At the next meeting it comes up as open.
    later = services.group_meeting_schedule(
        actor=plan_world.coordinator,
        plan=plan_world.plan,
        starts_at=hours_from_now(24 * 30),
        ends_at=hours_from_now(24 * 30 + 1),
        place="Rådhuset",
    )
    from laget.meetings.selectors import meeting_page

    page = meeting_page(actor=plan_world.coordinator, meeting_id=later.pk)
    assert [d.text for d in page.open_actions] == ["Søke om bostøtte"]


def test_an_action_needs_both_a_service_and_a_due_date(plan_world, meeting_world):
    before = (Decision.objects.count(), Task.objects.count())
    with pytest.raises(ValidationError) as exc:
        services.decision_add(
            actor=plan_world.coordinator,
            meeting=meeting_world.group_meeting,
            text="Søke",
            responsible_service=plan_world.municipal,
        )
    assert "både en ansvarlig tjeneste og en frist" in messages_of(exc.value)
    assert (Decision.objects.count(), Task.objects.count()) == before


def test_a_forum_action_is_ticked_off_once(plan_world, meeting_world):
    action = meeting_world.forum_action
    done = services.action_complete(
        actor=plan_world.coordinator, decision=action, based_on_version=1
    )
    assert done.status == "done" and done.version == 2
    with pytest.raises(EditConflict):
        services.action_complete(
            actor=plan_world.team_professional, decision=action, based_on_version=1
        )


def test_minutes_never_overwrite_each_other(plan_world, meeting_world):
    meeting = meeting_world.group_meeting
    services.minutes_save(
        actor=plan_world.coordinator,
        meeting=meeting,
        minutes="A",
        minutes_plain="",
        based_on_version=1,
    )
    with pytest.raises(EditConflict) as exc:
        services.minutes_save(
            actor=plan_world.coordinator,
            meeting=meeting,
            minutes="B",
            minutes_plain="",
            based_on_version=1,
        )
    assert exc.value.current.minutes == "A"


def test_minutes_are_approved_once_by_the_chair_and_sent(plan_world, meeting_world, settings):
    meeting = meeting_world.group_meeting
    services.minutes_save(
        actor=plan_world.coordinator,
        meeting=meeting,
        minutes="Vi gikk gjennom målene.",
        minutes_plain="",
        based_on_version=1,
    )
    with pytest.raises(ValidationError) as exc:
        services.minutes_approve(actor=plan_world.coordinator, meeting=meeting, confirmed=True)
    assert "klart språk" in messages_of(exc.value)
    services.minutes_save(
        actor=plan_world.coordinator,
        meeting=meeting,
        minutes="Vi gikk gjennom målene.",
        minutes_plain="Vi snakket om målene dine.",
        based_on_version=2,
    )
    with pytest.raises(PermissionDenied):
        services.minutes_approve(
            actor=plan_world.team_professional, meeting=meeting, confirmed=True
        )
    Participant.objects.filter(meeting=meeting, user=plan_world.person).update(attended=True)
    mail.outbox.clear()
    with pytest.raises(ValidationError) as exc:
        # approving twice: the second is refused
        services.minutes_approve(actor=plan_world.coordinator, meeting=meeting, confirmed=True)
        services.minutes_approve(actor=plan_world.coordinator, meeting=meeting, confirmed=True)
    assert "allerede godkjent" in messages_of(exc.value)
    assert Meeting.objects.get(pk=meeting.pk).minutes_approved
    with pytest.raises(ValidationError):
        services.minutes_save(
            actor=plan_world.coordinator,
            meeting=meeting,
            minutes="Endret",
            minutes_plain="",
            based_on_version=3,
        )


def test_minutes_about_a_person_go_out_as_a_link_only(
    plan_world, meeting_world, django_capture_on_commit_callbacks
):
    meeting = meeting_world.group_meeting
    services.minutes_save(
        actor=plan_world.coordinator,
        meeting=meeting,
        minutes="Lise har fått ny medisin.",
        minutes_plain="Du har fått ny medisin.",
        based_on_version=1,
    )
    Participant.objects.filter(meeting=meeting, user=plan_world.person).update(attended=True)
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        services.minutes_approve(actor=plan_world.coordinator, meeting=meeting, confirmed=True)
    assert [m.to for m in mail.outbox] == [[plan_world.person.email]]
    assert "medisin" not in mail.outbox[0].body and "/moter/" in mail.outbox[0].body


def test_forum_minutes_reach_the_staff_of_each_service_that_came(
    plan_world, meeting_world, django_capture_on_commit_callbacks
):
    meeting = meeting_world.forum_meeting
    dps = Participant.objects.get(meeting=meeting, service=plan_world.dps, user=None)
    services.attendance_record(actor=plan_world.coordinator, meeting=meeting, present=[dps.pk])
    services.minutes_save(
        actor=plan_world.coordinator,
        meeting=meeting,
        minutes="Vi ble enige om å ringe før utskrivning.",
        minutes_plain="",
        based_on_version=1,
    )
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        services.minutes_approve(actor=plan_world.coordinator, meeting=meeting, confirmed=True)
    recipients = {m.to[0] for m in mail.outbox}
    assert recipients == {plan_world.team_professional.email, plan_world.colleague.email}
    assert "ringe før utskrivning" in mail.outbox[0].body


def test_evaluation_once_per_person_and_not_linked_to_them(plan_world, meeting_world):
    meeting = meeting_world.group_meeting
    services.evaluation_submit(actor=plan_world.person, meeting=meeting, useful=4, heard=5, clear=3)
    with pytest.raises(ValidationError) as exc:
        services.evaluation_submit(
            actor=plan_world.person, meeting=meeting, useful=1, heard=1, clear=1
        )
    assert "allerede evaluert" in messages_of(exc.value)
    assert Evaluation.objects.filter(meeting=meeting).count() == 1
    assert not [f.name for f in Evaluation._meta.get_fields() if f.name in ("user", "author")]
    with pytest.raises(ValidationError):
        services.evaluation_submit(
            actor=plan_world.coordinator, meeting=meeting, useful=6, heard=1, clear=1
        )
    assert Evaluation.objects.filter(meeting=meeting).count() == 1


def test_rescheduling_and_cancelling_raise_the_calendar_sequence(plan_world, meeting_world):
    meeting = services.group_meeting_schedule(
        actor=plan_world.coordinator,
        plan=plan_world.plan,
        starts_at=hours_from_now(24),
        ends_at=hours_from_now(25),
        place="Rådhuset",
    )
    moved = services.meeting_reschedule(
        actor=plan_world.coordinator,
        meeting=meeting,
        based_on_version=1,
        data={
            "starts_at": hours_from_now(3),
            "ends_at": hours_from_now(4),
            "place": "DPS",
            "video_link": "",
        },
    )
    assert (moved.sequence, moved.version) == (1, 2)
    with pytest.raises(EditConflict):
        services.meeting_cancel(actor=plan_world.coordinator, meeting=moved, based_on_version=1)
    with pytest.raises(ValidationError):
        services.meeting_reschedule(
            actor=plan_world.coordinator,
            meeting=moved,
            based_on_version=2,
            data={"starts_at": hours_from_now(4), "ends_at": hours_from_now(3)},
        )
    assert Meeting.objects.get(pk=meeting.pk).sequence == 1  # the refused change left nothing
    cancelled = services.meeting_cancel(
        actor=plan_world.coordinator, meeting=moved, based_on_version=2
    )
    assert cancelled.is_cancelled and cancelled.sequence == 2 and cancelled.uid == meeting.uid


def test_reminders_go_once_and_name_no_person(plan_world, django_capture_on_commit_callbacks):
    from laget.meetings.tasks import send_meeting_reminders

    services.group_meeting_schedule(
        actor=plan_world.coordinator,
        plan=plan_world.plan,
        starts_at=hours_from_now(20),
        ends_at=hours_from_now(21),
        place="Rådhuset",
    )
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        sent = send_meeting_reminders.call()
    invited = Participant.objects.filter(user__isnull=False).count()
    assert sent == invited == len(mail.outbox)
    assert all("Testesen" not in m.body and "Rådhuset" in m.body for m in mail.outbox)
    with django_capture_on_commit_callbacks(execute=True):
        assert send_meeting_reminders.call() == 0


def test_a_generic_meeting_in_the_network_for_later_uses(plan_world, meeting_world):
    meeting = services.generic_meeting_schedule(
        actor=plan_world.team_professional,
        title="Inntaksmøte",
        network=meeting_world.network,
        starts_at=hours_from_now(24),
        ends_at=hours_from_now(25),
        place="DPS",
    )
    assert meeting.kind == "generic" and meeting.chair == plan_world.team_professional
    assert meeting.agenda.values_list("title", flat=True).first() == "Velkommen og hensikt"
    services.participant_invite(
        actor=plan_world.team_professional, meeting=meeting, user=plan_world.colleague
    )
    with pytest.raises(PermissionDenied):
        services.generic_meeting_schedule(
            actor=plan_world.other_org,
            title="Utenfor",
            network=meeting_world.network,
            starts_at=hours_from_now(24),
            ends_at=hours_from_now(25),
            place="DPS",
        )
