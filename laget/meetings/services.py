"""Every write to meetings: keyword-only, checked against meetings.access, recorded in the
audit chain inside the same transaction. Refusals a user can meet are ValidationErrors
with a Norwegian message that says what to do."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from laget.accounts.models import User
from laget.audit.services import (
    change_record,
    create_recorded,
    versioned_update,
)
from laget.core.types import Actor
from laget.directory.models import Membership, Network, Service
from laget.meetings.access import works_in_network

# Cases, decisions and minutes live in meetings.minutes_services (split by sub-domain);
# re-exported here so `meetings.services.<name>` stays the one door for every write.
from laget.meetings.minutes_services import (  # noqa: F401
    CASE_RECORD_FIELDS,
    MIN_OVERRIDE_REASON,
    IdentifiersFound,
    action_complete,
    case_add,
    case_delete,
    case_update,
    comment_add,
    decision_add,
    evaluation_submit,
    minutes_approve,
    minutes_save,
)
from laget.meetings.models import (
    AgendaItem,
    AgendaTemplate,
    CalendarFeed,
    Forum,
    Kind,
    Meeting,
    Participant,
    new_feed_token,
)
from laget.meetings.service_base import _access, _name
from laget.notifications.services import notify
from laget.plans.access import plan_access
from laget.plans.models import Plan, TeamMember
from laget.plans.services import refuse_if_closed


def _check_times(starts_at: dt.datetime, ends_at: dt.datetime) -> None:
    if ends_at <= starts_at:
        raise ValidationError(
            {"ends_at": _("The meeting must end after it starts. Check the end time.")}
        )


def _where(place: str, video_link: str) -> None:
    if not place.strip() and not video_link.strip():
        raise ValidationError({"place": _("Write where the meeting is, or give a video link.")})


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
