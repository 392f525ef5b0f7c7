"""Every write to meetings: keyword-only, checked against meetings.access, recorded in the
audit chain inside the same transaction. Refusals a user can meet are ValidationErrors
with a Norwegian message that says what to do."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from typing import Any

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.mail import send_mass_mail
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from laget.accounts.models import User
from laget.audit.services import (
    EditConflict,
    change_record,
    create_recorded,
    versioned_update,
)
from laget.core.types import Actor
from laget.directory.models import Membership, Network, Service
from laget.meetings import guard
from laget.meetings.access import MeetingAccess, meeting_access, works_in_network
from laget.meetings.known_names import known_person_names
from laget.meetings.models import (
    AgendaItem,
    AgendaTemplate,
    CalendarFeed,
    Case,
    Decision,
    Evaluation,
    EvaluationReceipt,
    Forum,
    Kind,
    Meeting,
    MinutesComment,
    Participant,
    new_feed_token,
)
from laget.notifications.services import notify
from laget.plans import services as plan_services
from laget.plans.access import plan_access
from laget.plans.models import Plan, TeamMember
from laget.plans.services import refuse_if_closed

MIN_OVERRIDE_REASON = 15


class IdentifiersFound(ValidationError):
    """The guard found what could identify a person: `by_field` says what and where."""

    def __init__(self, by_field: dict[str, list[guard.Finding]]) -> None:
        super().__init__(
            _(
                "The case may identify a person: remove what is marked, or, if it is a false"
                " alarm, write why and save again."
            )
        )
        self.by_field = by_field


def _access(actor: Actor, meeting: Meeting, *, organise: bool = False) -> MeetingAccess:
    access = meeting_access(actor, meeting)
    if access is None or (organise and not access.may_organise):
        raise PermissionDenied
    if meeting.plan is not None:
        refuse_if_closed(meeting.plan)  # a closed plan's meetings are kept as they were
    return access


def _check_times(starts_at: dt.datetime, ends_at: dt.datetime) -> None:
    if ends_at <= starts_at:
        raise ValidationError(
            {"ends_at": _("The meeting must end after it starts. Check the end time.")}
        )


def _where(place: str, video_link: str) -> None:
    if not place.strip() and not video_link.strip():
        raise ValidationError({"place": _("Write where the meeting is, or give a video link.")})


def _name(user: User) -> str:
    return user.get_full_name() or user.email


# The default agendas (seed 003 for the forum, seed 002 for the responsibility group).
# They are created on first use and then edited as data in Laget.
DEFAULT_AGENDAS = {
    Kind.FORUM: (
        "Samhandlingsforum (standard)",
        "Hvem er hvem: presentasjonsrunde for nye\n"
        "Nytt fra hver tjeneste: endringer i tilbudet\n"
        "Anonymisert sak\n"
        "Prinsipper for samarbeid\n"
        "Kort evaluering",
    ),
    Kind.GROUP: (
        "Ansvarsgruppemøte (standard)",
        "Personens eget syn først\nHva har skjedd siden sist\nMål og tiltak\nNeste steg",
    ),
    Kind.GENERIC: ("Møte (standard)", "Velkommen og hensikt\nSaker\nAvtaler og neste steg"),
}


def agenda_templates_ensure() -> dict[str, AgendaTemplate]:
    """The default agenda template of each kind, created the first time it is needed."""
    templates: dict[str, AgendaTemplate] = {}
    for kind, (name, items) in DEFAULT_AGENDAS.items():
        templates[kind], _created = AgendaTemplate.objects.get_or_create(
            kind=kind, is_default=True, defaults={"name": name, "items": items}
        )
    return templates


def _agenda_from(template: AgendaTemplate | None, meeting: Meeting) -> None:
    points = template.points if template else []
    AgendaItem.objects.bulk_create(
        AgendaItem(meeting=meeting, position=i, title=title[:200])
        for i, title in enumerate(points, start=1)
    )


def _professional_service(user: User, network: Network | None) -> Service | None:
    """The service a professional comes from: their main membership, in the network
    when there is one."""
    qs = Membership.objects.active().filter(professional__user=user).select_related("service")
    if network is not None:
        qs = qs.filter(service__organisation__networks=network)
    membership = qs.order_by("-position_percent", "pk").first()
    return membership.service if membership else None


# --- Scheduling ----------------------------------------------------------------------


MEETING_RECORD_FIELDS = [
    "kind",
    "plan_id",
    "forum_id",
    "network_id",
    "title",
    "starts_at",
    "ends_at",
    "place",
    "video_link",
    "chair_id",
]


def _meeting_create(
    *, actor: Actor, agenda_kind: str, participants: list[Participant], **fields: Any
) -> Meeting:
    """Check the times and the place, then save the meeting with its invitations and its
    agenda (from the default for `agenda_kind`, or the forum's own), all in one
    transaction and recorded."""
    _check_times(fields["starts_at"], fields["ends_at"])
    _where(fields.get("place", ""), fields.get("video_link", ""))
    fields["place"] = fields.get("place", "").strip()
    fields["video_link"] = fields.get("video_link", "").strip()
    with transaction.atomic():
        meeting = create_recorded(
            actor=actor,
            action="meeting_schedule",
            obj=Meeting(organiser=actor, **fields),
            fields=MEETING_RECORD_FIELDS,
        )
        for participant in participants:
            participant.meeting = meeting
        Participant.objects.bulk_create(participants)
        forum = fields.get("forum")
        template = forum.agenda_template if forum else agenda_templates_ensure()[agenda_kind]
        _agenda_from(template, meeting)
        if meeting.starts_at > timezone.now():  # a meeting recorded afterwards invites no one
            notify(event="meeting_invited", plan=meeting.plan, actor=actor, target=meeting)
    return meeting


def _professional_participant(
    user: User, network: Network | None, role: str = "", is_anchor: bool = False
) -> Participant:
    service = _professional_service(user, network)
    return Participant(
        user=user,
        service=service,
        level=service.level if service else "",
        name=_name(user),
        role=role,
        is_anchor=is_anchor,
    )


def group_meeting_schedule(
    *,
    actor: Actor,
    plan: Plan,
    starts_at: dt.datetime,
    ends_at: dt.datetime,
    place: str = "",
    video_link: str = "",
    chair: User | None = None,
) -> Meeting:
    """A responsibility-group meeting for the plan, organised by a professional on the
    team. The whole team (the person and relatives included) is invited, with the
    default agenda."""
    pa = plan_access(actor, plan)
    if pa is None or not (pa.is_coordinator or pa.is_professional):
        raise PermissionDenied
    refuse_if_closed(plan)
    team = list(TeamMember.objects.active().filter(plan=plan).select_related("user", "service"))
    chair = chair or actor
    if chair.pk not in {m.user_id for m in team if m.is_professional}:
        raise ValidationError({"chair": _("The chair must be a professional on the team.")})
    return _meeting_create(
        actor=actor,
        agenda_kind=Kind.GROUP,
        participants=[
            Participant(
                user=m.user,
                service=m.service,
                level=m.service.level if m.service else "",
                name=_name(m.user),
                role=m.get_role_display(),
            )
            for m in team
        ],
        kind=Kind.GROUP,
        title=_("Responsibility-group meeting"),
        plan=plan,
        starts_at=starts_at,
        ends_at=ends_at,
        place=place,
        video_link=video_link,
        chair=chair,
    )


def forum_create(
    *,
    actor: Actor,
    network: Network,
    name: str,
    anchors: list[User],
    interval_weeks: int = 4,
    purpose: str = "",
) -> Forum:
    """A recurring forum in the network; its anchor persons (one from each level, as in
    seed 003) must work in the network, and the one who creates it is one of them."""
    if not works_in_network(actor, network):
        raise PermissionDenied
    anchors = list({a.pk: a for a in [actor, *anchors]}.values())
    outside = [a for a in anchors if not works_in_network(a, network)]
    if outside:
        raise ValidationError(
            {
                "anchors": _("%(name)s does not work in this network. Choose someone who does.")
                % {"name": _name(outside[0])}
            }
        )
    with transaction.atomic():
        forum = create_recorded(
            actor=actor,
            action="forum_create",
            obj=Forum(
                network=network,
                name=name.strip(),
                purpose=purpose.strip(),
                interval_weeks=interval_weeks,
                agenda_template=agenda_templates_ensure()[Kind.FORUM],
            ),
            fields=["network_id", "name", "interval_weeks"],
        )
        forum.anchors.set(anchors)
    return forum


def council_participants(forum: Forum) -> list[Participant]:
    return [
        Participant(user=m.user, name=_name(m.user), role=m.get_role_display())
        for m in forum.members.active().select_related("user")
    ]


def forum_meeting_schedule(
    *,
    actor: Actor,
    forum: Forum,
    starts_at: dt.datetime,
    ends_at: dt.datetime,
    place: str = "",
    video_link: str = "",
) -> Meeting:
    """The forum's next meeting, scheduled by an anchor person, who chairs it. The
    anchors are invited by name and every service in the network as a service: attendance
    rotates, so a service sends whoever can come."""
    if not forum.anchors.filter(pk=actor.pk).exists():
        raise PermissionDenied
    participants = [
        _professional_participant(a, forum.network, _("anchor person"), is_anchor=True)
        for a in forum.anchors.all()
    ]
    if forum.kind == Forum.Kind.COUNCIL:
        # A user council invites its members by name (meetings/council.py).
        participants += council_participants(forum)
    else:
        participants += [
            Participant(service=service, level=service.level, name=service.name)
            for service in Service.objects.filter(
                organisation__networks=forum.network, is_active=True
            ).distinct()
        ]
    return _meeting_create(
        actor=actor,
        agenda_kind=Kind.FORUM,
        participants=participants,
        kind=Kind.FORUM,
        title=forum.name,
        forum=forum,
        network=forum.network,
        starts_at=starts_at,
        ends_at=ends_at,
        place=place,
        video_link=video_link,
        chair=actor,
    )


def generic_meeting_schedule(
    *,
    actor: Actor,
    title: str,
    starts_at: dt.datetime,
    ends_at: dt.datetime,
    network: Network,
    place: str = "",
    video_link: str = "",
) -> Meeting:
    """A meeting of the generic kind in a network (intake meetings, consultations and
    other later uses): the organiser chairs it and invites people and services after."""
    if not works_in_network(actor, network):
        raise PermissionDenied
    if not title.strip():
        raise ValidationError({"title": _("Give the meeting a title.")})
    return _meeting_create(
        actor=actor,
        agenda_kind=Kind.GENERIC,
        participants=[_professional_participant(actor, network)],
        kind=Kind.GENERIC,
        title=title.strip(),
        network=network,
        starts_at=starts_at,
        ends_at=ends_at,
        place=place,
        video_link=video_link,
        chair=actor,
    )


def _refuse_if_past(meeting: Meeting, *, cancel: bool = False) -> None:
    """A meeting that has started is history: it is not moved or cancelled after the
    fact (it may be marked as not held, with a reason)."""
    if meeting.starts_at <= timezone.now():
        raise ValidationError(
            _(
                "The meeting has already taken place and cannot be cancelled."
                " If it did not happen, mark it as not held and say why."
            )
            if cancel
            else _(
                "The meeting has already taken place and cannot be moved."
                " If it did not happen, mark it as not held and say why."
            )
        )


def meeting_reschedule(
    *, actor: Actor, meeting: Meeting, based_on_version: int, data: dict[str, Any]
) -> Meeting:
    """Move or change a meeting; calendars get the change under the same UID (SEQUENCE+1).
    Only a meeting still ahead can move, and only to a time still ahead."""
    _access(actor, meeting, organise=True)
    if meeting.is_closed:
        raise ValidationError(_("The meeting is cancelled and cannot be changed."))

    def check(current: Meeting) -> None:
        # On the locked row with the new times applied.
        _check_times(current.starts_at, current.ends_at)
        _where(current.place, current.video_link)
        if current.starts_at <= timezone.now():
            raise ValidationError({"starts_at": _("Choose a time that has not passed yet.")})
        current.sequence += 1

    _refuse_if_past(meeting)
    with transaction.atomic():
        changed = versioned_update(
            actor=actor,
            queryset=Meeting.objects,
            lookup={"pk": meeting.pk},
            based_on_version=based_on_version,
            data=data,
            action="meeting_reschedule",
            check=check,
        )
        notify(event="meeting_changed", plan=changed.plan, actor=actor, target=changed)
    return changed


def meeting_cancel(*, actor: Actor, meeting: Meeting, based_on_version: int) -> Meeting:
    _access(actor, meeting, organise=True)
    if meeting.is_cancelled:
        raise ValidationError(_("The meeting is already cancelled."))
    if meeting.is_not_held:
        raise ValidationError(_("The meeting is already marked as not held."))

    def check(current: Meeting) -> None:
        _refuse_if_past(current, cancel=True)
        current.sequence += 1

    with transaction.atomic():
        cancelled = versioned_update(
            actor=actor,
            queryset=Meeting.objects,
            lookup={"pk": meeting.pk},
            based_on_version=based_on_version,
            data={"status": Meeting.Status.CANCELLED},
            action="meeting_cancel",
            check=check,
        )
        notify(event="meeting_cancelled", plan=cancelled.plan, actor=actor, target=cancelled)
    return cancelled


def meeting_mark_not_held(
    *, actor: Actor, meeting: Meeting, based_on_version: int, reason: str
) -> Meeting:
    """A meeting whose time has come but which did not take place: marked with the
    reason, so the history stays true (instead of moving or cancelling it afterwards)."""
    _access(actor, meeting, organise=True)
    if not reason.strip():
        raise ValidationError({"not_held_reason": _("Write why the meeting was not held.")})

    def check(current: Meeting) -> None:
        if current.starts_at > timezone.now():
            raise ValidationError(
                _("The meeting is still ahead. Move or cancel it instead of marking it.")
            )
        if current.status != Meeting.Status.NOT_HELD and current.is_closed:
            raise ValidationError(_("The meeting is cancelled and cannot be changed."))
        if current.minutes_approved:
            raise ValidationError(_("The minutes are approved: the meeting was held."))
        if Participant.objects.filter(meeting=current, attended=True).exists():
            raise ValidationError(
                _("Attendance is recorded: the meeting was held. Correct the attendance first.")
            )
        current.sequence += 1

    return versioned_update(
        actor=actor,
        queryset=Meeting.objects,
        lookup={"pk": meeting.pk},
        based_on_version=based_on_version,
        data={"status": Meeting.Status.NOT_HELD, "not_held_reason": reason.strip()},
        action="meeting_not_held",
        check=check,
    )


def participant_invite(
    *, actor: Actor, meeting: Meeting, user: User | None = None, service: Service | None = None
) -> Participant:
    """Invite a person or a service. A responsibility-group meeting invites the team only
    (add someone to the team first: that is logged with a reason); a forum invites people
    and services in its network."""
    _access(actor, meeting, organise=True)
    if (user is None) == (service is None):
        raise ValidationError(_("Choose one person or one service to invite."))
    network = meeting.network
    if meeting.plan_id is not None and user is not None:
        member = (
            TeamMember.objects.active()
            .filter(plan_id=meeting.plan_id, user=user)
            .select_related("service")
            .first()
        )
        if member is None:
            raise ValidationError(
                _(
                    "%(name)s is not on the team. Add them to the team first (with a reason),"
                    " then invite them."
                )
                % {"name": _name(user)}
            )
        service = member.service
        role = member.get_role_display()
    elif user is not None:
        if network is None or not works_in_network(user, network):
            raise ValidationError(
                _(
                    "%(name)s does not work in this network."
                    " Only the network's staff can be invited."
                )
                % {"name": _name(user)}
            )
        service = _professional_service(user, network)
        role = ""
    elif service is not None:
        networks = (
            [network.pk]
            if network is not None
            else list(
                Network.objects.filter(
                    organisations=getattr(meeting.plan, "owner_id", None)
                ).values_list("pk", flat=True)
            )
        )
        if not Service.objects.filter(pk=service.pk, organisation__networks__in=networks).exists():
            raise ValidationError(
                _("%(name)s is outside the network. Only the network's services can be invited.")
                % {"name": service.name}
            )
        role = ""
    already = Participant.objects.filter(meeting=meeting)
    if (already.filter(user=user) if user else already.filter(user=None, service=service)).exists():
        raise ValidationError(_("They are already invited."))
    try:
        with transaction.atomic():
            invited = create_recorded(
                actor=actor,
                action="meeting_invite",
                obj=Participant(
                    meeting=meeting,
                    user=user,
                    service=service,
                    level=service.level if service else "",
                    name=_name(user) if user else getattr(service, "name", ""),
                    role=role,
                ),
                fields=["meeting_id", "user_id", "service_id"],
            )
            notify(event="meeting_invited", plan=meeting.plan, actor=actor, target=invited)
            return invited
    except IntegrityError as exc:  # invited by someone else a moment ago
        raise ValidationError(_("They are already invited.")) from exc


def attendance_record(*, actor: Actor, meeting: Meeting, present: Iterable[int]) -> int:
    """Who came: participants whose ids are in `present` attended, the rest did not.
    Returns how many attended."""
    _access(actor, meeting, organise=True)
    if meeting.starts_at > timezone.now() + dt.timedelta(hours=1):
        raise ValidationError(_("Attendance is recorded when the meeting is held."))
    present = set(present)
    with transaction.atomic():
        participants = list(Participant.objects.select_for_update().filter(meeting=meeting))
        for p in participants:
            p.attended = p.pk in present
        Participant.objects.bulk_update(participants, ["attended"])
        came = sorted(p.pk for p in participants if p.attended)
        change_record(
            actor=actor,
            action="meeting_attendance",
            obj=meeting,
            before=None,
            after={"attended": came},
        )
    return len(came)


def agenda_item_add(*, actor: Actor, meeting: Meeting, title: str) -> AgendaItem:
    """Anyone who may see the meeting adds a point beforehand: the person and relatives
    too, so their own view can be first."""
    access = _access(actor, meeting)
    if meeting.minutes_approved or meeting.is_cancelled:
        raise ValidationError(_("The meeting is over; the agenda can no longer change."))
    if not title.strip():
        raise ValidationError({"title": _("Write the point you want on the agenda.")})
    with transaction.atomic():
        last = meeting.agenda.order_by("-position").values_list("position", flat=True).first()
        return create_recorded(
            actor=actor,
            action="agenda_item_add",
            obj=AgendaItem(
                meeting=meeting,
                position=(last or 0) + 1,
                title=title.strip(),
                added_by=actor,
                added_by_name=access.plan_access.actor_name if access.plan_access else _name(actor),
            ),
            fields=["meeting_id", "title"],
        )


# --- Cases, decisions, minutes ----------------------------------------------------------


def _guard_case(fields: dict[str, str], override_reason: str) -> list[dict[str, Any]]:
    """Run the identifier guard over every field of a case. Anything found blocks the
    save (IdentifiersFound) unless a written reason overrides it; returns where the guard
    struck (kept with the case and in the change log, without the text)."""
    names = known_person_names()
    by_field = {name: found for name, text in fields.items() if (found := guard.scan(text, names))}
    if by_field:
        if not override_reason.strip():
            raise IdentifiersFound(by_field)
        if len(override_reason.strip()) < MIN_OVERRIDE_REASON:
            raise ValidationError(
                {"override_reason": _("Explain in a full sentence why this is not an identifier.")}
            )
    return [
        {"field": name, "kind": f.kind, "start": f.start, "end": f.end}
        for name, found in by_field.items()
        for f in found
    ]


CASE_RECORD_FIELDS = ["meeting_id", "override_reason", "overridden_findings"]


def case_add(
    *,
    actor: Actor,
    meeting: Meeting,
    title: str,
    situation: str,
    question: str,
    learning: str = "",
    override_reason: str = "",
) -> Case:
    """An anonymised case. The identifier guard runs over every field first; anything it
    finds blocks the save (IdentifiersFound) unless the organiser overrides it with a
    written reason, which is kept with what was found."""
    _access(actor, meeting, organise=True)
    fields = {"title": title, "situation": situation, "question": question, "learning": learning}
    findings = _guard_case(fields, override_reason)
    with transaction.atomic():
        return create_recorded(
            actor=actor,
            action="case_add",
            obj=Case(
                meeting=meeting,
                created_by=actor,
                override_reason=override_reason.strip() if findings else "",
                overridden_findings=findings,
                **{k: v.strip() for k, v in fields.items()},
            ),
            # The record keeps where the guard struck and why it was overridden, not the text.
            fields=CASE_RECORD_FIELDS,
        )


def case_update(
    *,
    actor: Actor,
    case: Case,
    based_on_version: int,
    title: str,
    situation: str,
    question: str,
    learning: str = "",
    override_reason: str = "",
) -> Case:
    """Edit a saved case: the meeting's organisers only, through the same guard, and
    never over someone else's newer edit (EditConflict)."""
    _access(actor, case.meeting, organise=True)
    fields = {"title": title, "situation": situation, "question": question, "learning": learning}
    findings = _guard_case(fields, override_reason)
    return versioned_update(
        actor=actor,
        queryset=Case.objects,
        lookup={"pk": case.pk},
        based_on_version=based_on_version,
        data={
            **fields,
            "override_reason": override_reason.strip() if findings else "",
            "overridden_findings": findings,
        },
        action="case_update",
        record_fields=["version", "override_reason", "overridden_findings"],
    )


def case_delete(*, actor: Actor, case: Case, based_on_version: int) -> None:
    """Delete a case (the organisers only); the change log keeps that it was there and
    who removed it, not its text."""
    _access(actor, case.meeting, organise=True)
    with transaction.atomic():
        current = Case.objects.select_for_update().filter(pk=case.pk).first()
        if current is None:
            raise ValidationError(_("The case is already deleted."))
        if current.version != based_on_version:
            raise EditConflict(current=current)
        change_record(
            actor=actor,
            action="case_delete",
            obj=current,
            before={"meeting_id": current.meeting_id, "version": current.version},
            after=None,
        )
        current.delete()


def decision_add(
    *,
    actor: Actor,
    meeting: Meeting,
    text: str,
    responsible_service: Service | None = None,
    due: dt.date | None = None,
) -> Decision:
    """A decision; with a responsible service and a due date, an action. In a meeting
    about a person the action becomes a task in their plan (same transaction), so it
    shows on the plan and in "my tasks"; in a forum it goes on the forum's action list."""
    _access(actor, meeting, organise=True)
    if not text.strip():
        raise ValidationError({"text": _("Write what was decided.")})
    if (responsible_service is None) != (due is None):
        raise ValidationError(
            _("An action needs both a responsible service and a due date. Give both, or neither.")
        )
    with transaction.atomic():
        task = None
        if meeting.plan is not None and responsible_service is not None and due is not None:
            task = plan_services.task_add(
                actor=actor,
                plan=meeting.plan,
                title=text.strip()[:200],
                due=due,
                assignee_service=responsible_service,
            )
        return create_recorded(
            actor=actor,
            action="decision_add",
            obj=Decision(
                meeting=meeting,
                text=text.strip(),
                responsible_service=responsible_service,
                due=due,
                task=task,
                created_by=actor,
            ),
            fields=["meeting_id", "text", "responsible_service_id", "due", "task_id"],
        )


def action_complete(*, actor: Actor, decision: Decision, based_on_version: int) -> Decision:
    """Tick off a forum action (a plan's action is ticked off as its task)."""
    _access(actor, decision.meeting, organise=True)
    if decision.task_id is not None or not decision.is_action:
        raise ValidationError(_("Mark this one as done on the plan's task list."))
    return versioned_update(
        actor=actor,
        queryset=Decision.objects,
        lookup={"pk": decision.pk},
        based_on_version=based_on_version,
        data={"status": Decision.Status.DONE},
        action="action_complete",
    )


def minutes_save(
    *, actor: Actor, meeting: Meeting, minutes: str, minutes_plain: str, based_on_version: int
) -> Meeting:
    """Save the minutes as they are written (autosave). A save based on an older version
    raises EditConflict: two writers never overwrite each other silently."""
    access = _access(actor, meeting, organise=True)
    if not access.may_read_minutes:
        raise PermissionDenied

    def check(current: Meeting) -> None:
        # On the locked row: approval by someone else a moment ago counts.
        if current.minutes_approved:
            raise ValidationError(_("The minutes are approved and can no longer change."))

    return versioned_update(
        actor=actor,
        queryset=Meeting.objects,
        lookup={"pk": meeting.pk},
        based_on_version=based_on_version,
        data={"minutes": minutes, "minutes_plain": minutes_plain},
        action="minutes_save",
        check=check,
        version_field="minutes_version",
        # The text itself is personal data in a person's meeting; the record says who saved.
        record_fields=["minutes_version"],
    )


def minutes_approve(*, actor: Actor, meeting: Meeting, confirmed: bool) -> Meeting:
    """The chair approves the minutes once, after the meeting has taken place and
    attendance is recorded, and only when they confirm (`confirmed`: the page asks).
    Then they go out: to those who came and, for a forum, to the staff of each service
    that took part (so what was learnt reaches back into the services). About a person,
    the e-mail carries only a link."""
    access = _access(actor, meeting)
    if not access.may_chair:
        raise PermissionDenied
    with transaction.atomic():
        current = Meeting.objects.select_for_update().get(pk=meeting.pk)
        if current.minutes_approved:
            raise ValidationError(_("The minutes are already approved."))
        if not current.minutes.strip():
            raise ValidationError(_("Write the minutes before approving them."))
        if current.plan_id is not None and not current.minutes_plain.strip():
            raise ValidationError(
                {"minutes_plain": _("Write a short summary in plain words for the person first.")}
            )
        if current.is_closed:
            raise ValidationError(_("The meeting was not held; there are no minutes to approve."))
        if current.starts_at > timezone.now():
            raise ValidationError(
                _("The meeting has not taken place yet. Approve the minutes after the meeting.")
            )
        if not Participant.objects.filter(meeting=current, attended=True).exists():
            raise ValidationError(
                _("Record who came before approving: the minutes are sent to those who came.")
            )
        if not confirmed:
            raise ValidationError(
                {
                    "confirm": _(
                        "Tick the box to confirm that the minutes are read through and may be"
                        " sent to those who came."
                    )
                }
            )
        current.minutes_approved_at = timezone.now()
        current.minutes_approved_by = actor
        current.save(update_fields=["minutes_approved_at", "minutes_approved_by"])
        change_record(
            actor=actor,
            action="minutes_approve",
            obj=current,
            before=None,
            after={"minutes_version": current.minutes_version},
        )
        if current.plan_id is None:  # a forum's minutes go to the services as text
            transaction.on_commit(lambda: _send_minutes(current.pk))
        else:  # a person's team is told through the one notification path
            notify(event="minutes_approved", plan=current.plan, actor=actor, target=current)
    return current


def _send_minutes(meeting_id: int) -> None:
    meeting = Meeting.objects.select_related("forum").get(pk=meeting_id)
    came = Participant.objects.filter(meeting=meeting, attended=True)
    recipients = set(
        User.objects.filter(
            pk__in=came.exclude(user=None).values("user_id"), is_active=True
        ).values_list("email", flat=True)
    )
    if meeting.plan_id is None:
        services = came.exclude(service=None).values("service_id")
        recipients |= set(
            Membership.objects.active()
            .filter(service_id__in=services, professional__user__is_active=True)
            .values_list("professional__user__email", flat=True)
        )
    base_url = getattr(settings, "LAGET_BASE_URL", "http://127.0.0.1:8000")
    link = base_url + reverse("meetings:meeting", kwargs={"meeting_id": meeting.pk})
    with translation.override("nb"):
        when = timezone.localtime(meeting.starts_at).strftime("%d.%m.%Y")
        if meeting.plan_id is not None:
            subject = _("Laget: minutes approved")
            body = _(
                "The minutes of a meeting on %(date)s are approved. Read them here: %(url)s"
            ) % {
                "date": when,
                "url": link,
            }
        else:
            subject = _("Laget: minutes from %(forum)s %(date)s") % {
                "forum": meeting.title,
                "date": when,
            }
            body = meeting.minutes + "\n\n" + _("Read more and comment: %(url)s") % {"url": link}
    send_mass_mail([(subject, body, None, [email]) for email in sorted(recipients)])


def comment_add(*, actor: Actor, meeting: Meeting, text: str) -> MinutesComment:
    """A comment on approved minutes: the person can say what they see differently."""
    access = _access(actor, meeting)
    if not access.may_read_minutes:
        raise PermissionDenied
    if not meeting.minutes_approved:
        raise ValidationError(_("You can comment when the minutes are approved."))
    if not text.strip():
        raise ValidationError({"text": _("Write your comment.")})
    with transaction.atomic():
        return create_recorded(
            actor=actor,
            action="minutes_comment",
            obj=MinutesComment(
                meeting=meeting,
                author=actor,
                author_name=access.plan_access.actor_name if access.plan_access else _name(actor),
                text=text.strip(),
            ),
            fields=["meeting_id"],
        )


def evaluation_submit(
    *, actor: Actor, meeting: Meeting, useful: int, heard: int, clear: int, comment: str = ""
) -> Evaluation:
    """Three quick ratings and a line, once per person, stored apart from who gave them."""
    _access(actor, meeting)
    if meeting.starts_at > timezone.now():
        raise ValidationError(_("You can evaluate the meeting once it has started."))
    for value in (useful, heard, clear):
        if not 1 <= int(value) <= 5:
            raise ValidationError(_("Each rating is a number from 1 to 5."))
    try:
        with transaction.atomic():
            EvaluationReceipt.objects.create(meeting=meeting, user=actor)
            evaluation = Evaluation(
                meeting=meeting, useful=useful, heard=heard, clear=clear, comment=comment.strip()
            )
            evaluation.full_clean()
            evaluation.save()
    except IntegrityError as exc:
        raise ValidationError(_("You have already evaluated this meeting. Thank you!")) from exc
    return evaluation


# --- Calendar feed and agenda templates ------------------------------------------------------


def calendar_feed_renew(*, actor: Actor) -> CalendarFeed:
    """A new secret address for the actor's calendar feed; the old one stops working."""
    if not actor.is_authenticated:
        raise PermissionDenied
    with transaction.atomic():
        feed, created = CalendarFeed.objects.select_for_update().get_or_create(user=actor)
        if not created:
            feed.token = new_feed_token()
            feed.save()
        change_record(actor=actor, action="calendar_feed_renew", obj=feed, before=None, after=None)
    return feed


def calendar_feed_revoke(*, actor: Actor) -> None:
    with transaction.atomic():
        deleted, _rows = CalendarFeed.objects.filter(user=actor).delete()
        if deleted:
            change_record(
                actor=actor, action="calendar_feed_revoke", obj=actor, before=None, after=None
            )


def agenda_template_update(
    *, actor: Actor, template: AgendaTemplate, based_on_version: int, name: str, items: str
) -> AgendaTemplate:
    if not actor.is_authenticated or actor.kind != User.Kind.PROFESSIONAL:
        raise PermissionDenied
    if not [line for line in items.splitlines() if line.strip()]:
        raise ValidationError({"items": _("Write at least one agenda point.")})
    return versioned_update(
        actor=actor,
        queryset=AgendaTemplate.objects,
        lookup={"pk": template.pk},
        based_on_version=based_on_version,
        data={"name": name, "items": items},
        action="agenda_template_update",
    )
