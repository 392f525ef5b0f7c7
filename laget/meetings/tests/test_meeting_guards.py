"""Guards a real user ran into (issue 12): minutes approved only after the meeting, with
attendance recorded and a confirmation; past meetings neither moved nor cancelled but
marked as not held; invitations when a meeting is planned; saved cases edited and
deleted by the organisers, every change in the change log."""

from __future__ import annotations

import pytest
from django.core import mail
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse
from django.utils import translation

from laget.audit.models import ChangeRecord
from laget.core.tests.test_identifiers import nin
from laget.meetings import services
from laget.meetings.models import Case, Meeting, Participant
from laget.meetings.tests.conftest import hours_from_now

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _norwegian():
    with translation.override("nb"):
        yield


def _messages(exc: ValidationError) -> str:
    return " ".join(exc.messages)


def _write_minutes(w, meeting: Meeting) -> None:
    services.minutes_save(
        actor=w.coordinator,
        meeting=meeting,
        minutes="Vi gikk gjennom målene.",
        minutes_plain="Vi snakket om målene dine.",
        based_on_version=meeting.minutes_version,
    )


# --- Approving minutes ----------------------------------------------------------------


def test_minutes_of_a_meeting_ahead_cannot_be_approved(plan_world, meeting_world):
    meeting = meeting_world.upcoming_meeting
    _write_minutes(plan_world, meeting)
    with pytest.raises(ValidationError) as exc:
        services.minutes_approve(actor=plan_world.coordinator, meeting=meeting, confirmed=True)
    assert "ikke vært ennå" in _messages(exc.value)
    assert not Meeting.objects.get(pk=meeting.pk).minutes_approved


def test_minutes_need_attendance_and_a_confirmation(
    plan_world, meeting_world, django_capture_on_commit_callbacks
):
    meeting = meeting_world.group_meeting  # held two hours ago, nobody recorded
    _write_minutes(plan_world, meeting)
    with pytest.raises(ValidationError) as exc:
        services.minutes_approve(actor=plan_world.coordinator, meeting=meeting, confirmed=True)
    assert "hvem som kom" in _messages(exc.value)
    person = Participant.objects.get(meeting=meeting, user=plan_world.person)
    services.attendance_record(actor=plan_world.coordinator, meeting=meeting, present=[person.pk])
    with pytest.raises(ValidationError) as exc:
        services.minutes_approve(actor=plan_world.coordinator, meeting=meeting, confirmed=False)
    assert "Kryss av" in _messages(exc.value)
    assert not Meeting.objects.get(pk=meeting.pk).minutes_approved
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        services.minutes_approve(actor=plan_world.coordinator, meeting=meeting, confirmed=True)
    assert [m.to for m in mail.outbox] == [[plan_world.person.email]]


def test_the_page_asks_for_confirmation_and_offers_approval_only_when_it_can(
    plan_world, meeting_world, plan_client
):
    client = plan_client("coordinator")
    meeting = meeting_world.group_meeting
    _write_minutes(plan_world, meeting)
    url = reverse("meetings:meeting", kwargs={"meeting_id": meeting.pk})
    approve = reverse("meetings:minutes_approve", kwargs={"meeting_id": meeting.pk})
    assert approve not in client.get(url).content.decode()  # nobody recorded as present
    ahead = reverse("meetings:meeting", kwargs={"meeting_id": meeting_world.upcoming_meeting.pk})
    assert "Godkjenn og send referatet" not in client.get(ahead).content.decode()
    person = Participant.objects.get(meeting=meeting, user=plan_world.person)
    services.attendance_record(actor=plan_world.coordinator, meeting=meeting, present=[person.pk])
    body = client.get(url).content.decode()
    assert approve in body and 'name="confirm"' in body
    response = client.post(approve, {})  # the box not ticked
    assert response.status_code == 400
    assert "Kryss av" in response.content.decode()
    assert not Meeting.objects.get(pk=meeting.pk).minutes_approved
    assert client.post(approve, {"confirm": "on"}).status_code == 302
    assert Meeting.objects.get(pk=meeting.pk).minutes_approved


# --- Past meetings ----------------------------------------------------------------------


def test_a_past_meeting_cannot_be_moved_or_cancelled(plan_world, meeting_world, plan_client):
    meeting = meeting_world.group_meeting
    with pytest.raises(ValidationError) as exc:
        services.meeting_reschedule(
            actor=plan_world.coordinator,
            meeting=meeting,
            based_on_version=meeting.version,
            data={"starts_at": hours_from_now(24), "ends_at": hours_from_now(25)},
        )
    assert "allerede vært" in _messages(exc.value)
    with pytest.raises(ValidationError):
        services.meeting_cancel(
            actor=plan_world.coordinator, meeting=meeting, based_on_version=meeting.version
        )
    assert Meeting.objects.get(pk=meeting.pk).status == Meeting.Status.PLANNED
    body = (
        plan_client("coordinator")
        .get(reverse("meetings:meeting", kwargs={"meeting_id": meeting.pk}))
        .content.decode()
    )
    assert reverse("meetings:reschedule", kwargs={"meeting_id": meeting.pk}) not in body
    assert reverse("meetings:cancel", kwargs={"meeting_id": meeting.pk}) not in body
    assert reverse("meetings:not_held", kwargs={"meeting_id": meeting.pk}) in body


def test_a_meeting_ahead_cannot_be_moved_into_the_past(plan_world, meeting_world):
    meeting = meeting_world.upcoming_meeting
    with pytest.raises(ValidationError):
        services.meeting_reschedule(
            actor=plan_world.coordinator,
            meeting=meeting,
            based_on_version=meeting.version,
            data={"starts_at": hours_from_now(-3), "ends_at": hours_from_now(-2)},
        )
    assert Meeting.objects.get(pk=meeting.pk).version == meeting.version


def test_a_past_meeting_is_marked_as_not_held_with_a_reason(plan_world, meeting_world):
    meeting = meeting_world.group_meeting
    with pytest.raises(ValidationError):
        services.meeting_mark_not_held(
            actor=plan_world.coordinator, meeting=meeting, based_on_version=1, reason="  "
        )
    with pytest.raises(PermissionDenied):
        services.meeting_mark_not_held(
            actor=plan_world.person, meeting=meeting, based_on_version=1, reason="Ingen kom"
        )
    marked = services.meeting_mark_not_held(
        actor=plan_world.coordinator,
        meeting=meeting,
        based_on_version=1,
        reason="Koordinatoren var syk, nytt møte er satt opp.",
    )
    assert marked.is_not_held and marked.not_held_reason.startswith("Koordinatoren")
    assert ChangeRecord.objects.filter(
        action="meeting_not_held", object_id=str(meeting.pk)
    ).exists()
    with pytest.raises(ValidationError):  # ahead: move or cancel it instead
        services.meeting_mark_not_held(
            actor=plan_world.coordinator,
            meeting=meeting_world.upcoming_meeting,
            based_on_version=1,
            reason="Vi rakk det ikke",
        )
    held = meeting_world.approved_meeting  # attendance recorded and minutes approved
    with pytest.raises(ValidationError):
        services.meeting_mark_not_held(
            actor=plan_world.coordinator,
            meeting=held,
            based_on_version=held.version,
            reason="Feil",
        )


# --- Invitations --------------------------------------------------------------------------


def test_planning_a_meeting_sends_the_invitations_without_naming_the_person(
    plan_world, meeting_world, django_capture_on_commit_callbacks
):
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        services.group_meeting_schedule(
            actor=plan_world.coordinator,
            plan=plan_world.plan,
            starts_at=hours_from_now(48),
            ends_at=hours_from_now(49),
            place="Rådhuset",
        )
    to = {m.to[0] for m in mail.outbox}
    assert plan_world.person.email in to and plan_world.team_professional.email in to
    assert plan_world.coordinator.email not in to  # the organiser planned it
    assert all("Testesen" not in m.subject + m.body for m in mail.outbox)
    assert "/moter/" in mail.outbox[0].body
    # A meeting recorded afterwards invites nobody.
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        services.group_meeting_schedule(
            actor=plan_world.coordinator,
            plan=plan_world.plan,
            starts_at=hours_from_now(-48),
            ends_at=hours_from_now(-47),
            place="Rådhuset",
        )
    assert mail.outbox == []


# --- Saved cases ---------------------------------------------------------------------------


def test_the_organiser_edits_a_case_through_the_guard_and_deletes_it(plan_world, meeting_world):
    case = meeting_world.forum_case
    with pytest.raises(services.IdentifiersFound):
        services.case_update(
            actor=plan_world.coordinator,
            case=case,
            based_on_version=1,
            title=case.title,
            situation=f"Mannen, {nin('010190')[:6]} {nin('010190')[6:]}, bor alene.",
            question=case.question,
        )
    assert Case.objects.get(pk=case.pk).version == 1
    with pytest.raises(PermissionDenied):
        services.case_update(
            actor=plan_world.colleague,  # in the network, not an anchor
            case=case,
            based_on_version=1,
            title="Ny tittel",
            situation=case.situation,
            question=case.question,
        )
    updated = services.case_update(
        actor=plan_world.coordinator,
        case=case,
        based_on_version=1,
        title="Utskrivning uten bolig, del 2",
        situation=case.situation,
        question=case.question,
    )
    assert (updated.title, updated.version) == ("Utskrivning uten bolig, del 2", 2)
    with pytest.raises(PermissionDenied):
        services.case_delete(actor=plan_world.colleague, case=case, based_on_version=2)
    services.case_delete(actor=plan_world.coordinator, case=case, based_on_version=2)
    assert not Case.objects.filter(pk=case.pk).exists()
    actions = list(
        ChangeRecord.objects.filter(object_type="meetings.case", object_id=str(case.pk))
        .order_by("pk")
        .values_list("action", flat=True)
    )
    assert actions == ["case_add", "case_update", "case_delete"]


def test_the_case_edit_page_shows_a_mistyped_id_marked(plan_world, meeting_world, plan_client):
    case = meeting_world.forum_case
    url = reverse("meetings:case_edit", kwargs={"case_id": case.pk})
    client = plan_client("coordinator")
    assert client.get(url).status_code == 200
    response = client.post(
        url,
        {
            "title": case.title,
            "situation": "Han oppga 010170 12345 som nummer.",
            "question": case.question,
            "version": 1,
        },
    )
    assert response.status_code == 400
    assert "<mark>010170 12345</mark>" in response.content.decode()
    assert Case.objects.get(pk=case.pk).situation == case.situation


def test_meeting_pages_in_every_state_carry_no_inline_style_or_script(
    plan_world, meeting_world, plan_client
):
    """The strict CSP forbids inline styles: every state of the meeting page (ahead,
    past, not held, approved, a forum with a case, a refused case, the case's edit
    page) is checked, for the organiser and for the person."""
    from laget.core.tests.test_security import EVENT_HANDLER, INLINE_SCRIPT, INLINE_STYLE

    services.meeting_mark_not_held(
        actor=plan_world.coordinator,
        meeting=meeting_world.group_meeting,
        based_on_version=1,
        reason="Koordinatoren var syk.",
    )
    pages = [
        reverse("meetings:meeting", kwargs={"meeting_id": m.pk})
        for m in (
            meeting_world.upcoming_meeting,
            meeting_world.group_meeting,
            meeting_world.approved_meeting,
            meeting_world.forum_meeting,
        )
    ] + [reverse("meetings:case_edit", kwargs={"case_id": meeting_world.forum_case.pk})]
    bodies = []
    for actor in ("coordinator", "person"):
        client = plan_client(actor)
        bodies += [r.content.decode() for url in pages if (r := client.get(url)).status_code == 200]
    refused = plan_client("coordinator").post(
        reverse("meetings:case_add", kwargs={"meeting_id": meeting_world.forum_meeting.pk}),
        {"title": "Sak", "situation": "Født 01.01.1970 i Fjordvik.", "question": "Hva nå?"},
    )
    assert refused.status_code == 400
    bodies.append(refused.content.decode())
    assert len(bodies) >= 8
    for body in bodies:
        assert not INLINE_STYLE.search(body)
        assert not INLINE_SCRIPT.search(body)
        assert not EVENT_HANDLER.search(body)
