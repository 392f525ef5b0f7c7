"""Every write to a person's plan: checked against access.py, atomic, recorded (who,
before, after) in the same transaction, and refused with a Norwegian message that says
what to do when the input is wrong."""

from __future__ import annotations

import datetime as dt
import hmac
from typing import Any

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from laget.accounts.models import User
from laget.audit.services import (
    change_record,
    create_recorded,
    snapshot,
    versioned_update,
)
from laget.core.files import CheckedFile, check_upload
from laget.core.identifiers import is_valid_national_id
from laget.core.types import Actor
from laget.directory.models import LONG_TEXT, District, Organisation, Service
from laget.notifications.services import notify
from laget.plans.access import PlanAccess, may_open_emergency_access, plan_access
from laget.plans.consent_services import (  # noqa: F401  (callers know them as services.*)
    consent_record,
    consent_withdraw,
    consent_withdrawal_undo,
)
from laget.plans.models import (
    Attachment,
    Category,
    CrisisPlan,
    EmergencyAccess,
    Goal,
    ItemBlock,
    Measure,
    Message,
    MessageDraft,
    Person,
    Plan,
    Task,
    TeamMember,
    refuse_if_closed,
)


def _access(actor: Actor, plan: Plan, *, check: str) -> PlanAccess:
    access = plan_access(actor, plan)
    if access is None or not getattr(access, check):
        raise PermissionDenied
    refuse_if_closed(plan)
    return access


# --- Person and plan ---------------------------------------------------------------


def person_create(
    *,
    actor: Actor,
    first_name: str,
    last_name: str,
    birth_date: dt.date,
    national_id: str = "",
    phone: str = "",
    email: str = "",
    user: User | None = None,
    district: District | None = None,
) -> Person:
    """Register a person. Only professionals register persons (they then create a plan)."""
    if not (actor.is_authenticated and actor.kind == User.Kind.PROFESSIONAL):
        raise PermissionDenied
    with transaction.atomic():
        return create_recorded(
            actor=actor,
            action="person_create",
            obj=Person(
                first_name=first_name.strip(),
                last_name=last_name.strip(),
                birth_date=birth_date,
                national_id=national_id.strip() or None,
                phone=phone,
                email=email,
                user=user,
                district=district,
            ),
            fields=["first_name", "last_name", "birth_date"],  # never the national id
        )


def plan_create(
    *,
    actor: Actor,
    person: Person,
    owner: Organisation,
    coordinator: User,
    coordinator_service: Service,
    reason: str,
) -> Plan:
    """A draft plan with its coordinator (a professional) and the person on the team."""
    if not (actor.is_authenticated and actor.kind == User.Kind.PROFESSIONAL):
        raise PermissionDenied
    if coordinator.kind != User.Kind.PROFESSIONAL:
        raise ValidationError(_("The coordinator must be a professional."), code="coordinator")
    with transaction.atomic():
        plan = create_recorded(
            actor=actor,
            action="plan_create",
            obj=Plan(person=person, owner=owner),
            fields=["person_id", "owner_id", "status"],
        )
        CrisisPlan.objects.create(plan=plan)
        _join(plan, coordinator, TeamMember.Role.COORDINATOR, coordinator_service, reason, actor)
        if person.user is not None:
            _join(plan, person.user, TeamMember.Role.PERSON, None, reason, actor)
    return plan


def plan_update(*, actor: Actor, plan: Plan, based_on_version: int, data: dict[str, Any]) -> Plan:
    """Change the plan's texts and dates; a stale version raises EditConflict."""
    _access(actor, plan, check="may_edit_plan")
    unknown = set(data) - set(Plan.EDITABLE_FIELDS)
    if unknown:
        raise ValueError(f"not plan fields: {sorted(unknown)}")

    def period_in_order(current: Plan) -> None:
        if (
            current.period_start
            and current.period_end
            and current.period_end < current.period_start
        ):
            raise ValidationError(
                {"period_end": _("The plan period cannot end before it starts. Check the dates.")}
            )

    return versioned_update(
        actor=actor,
        queryset=Plan.objects,
        lookup={"pk": plan.pk},
        based_on_version=based_on_version,
        data=data,
        action="plan_update",
        check=period_in_order,
    )


def plan_consent_record(*, actor: Actor, plan: Plan, method: str, witness: str = "") -> Plan:
    """Record the person's consent to the plan itself (content item 8)."""
    access = _access(actor, plan, check="may_manage_team")
    if access.is_person:
        method = Plan.ConsentMethod.DIGITAL
    if method not in Plan.ConsentMethod.values:
        raise ValidationError({"method": _("Choose how the person gave their consent.")})
    if method == Plan.ConsentMethod.VERBAL and not witness.strip():
        raise ValidationError(
            {"witness": _("Consent given verbally needs a witness. Write the witness's name.")}
        )
    with transaction.atomic():
        locked = Plan.objects.select_for_update().get(pk=plan.pk)
        locked.consent_given_at = timezone.now()
        locked.consent_method = method
        locked.consent_witness = witness.strip()
        locked.version += 1
        locked.save()
        change_record(
            actor=actor,
            action="plan_consent",
            obj=locked,
            before=None,
            after={"method": method, "witness": locked.consent_witness},
        )
    return locked


def plan_activate(*, actor: Actor, plan: Plan) -> Plan:
    """Make a draft plan active. Refused, with everything that is missing, unless the
    person has consented, a coordinator is on the team, and every measure has a
    responsible service."""
    access = _access(actor, plan, check="may_manage_team")
    with transaction.atomic():
        locked = Plan.objects.select_for_update().get(pk=plan.pk)
        problems = []
        if locked.status != Plan.Status.DRAFT:
            problems.append(_("Only a draft plan can be activated."))
        if not locked.consent_given_at:
            problems.append(
                _("The person has not consented to the plan. Record the consent first.")
            )
        if not TeamMember.objects.active().filter(plan=locked, role="coordinator").exists():
            problems.append(_("The plan has no coordinator. Add one to the team."))
        orphans = list(
            locked.measures.filter(responsible_service__isnull=True)
            .exclude(status__in=[Measure.Status.DONE, Measure.Status.STOPPED])
            .values_list("title", flat=True)
        )
        levels = set(
            TeamMember.objects.active()
            .filter(plan=locked, service__isnull=False)
            .values_list("service__level", flat=True)
        )
        if {"municipal", "specialist"} <= levels and locked.owner.kind != "municipality":
            problems.append(
                _(
                    "When both the municipality and the specialist health service take part, "
                    "the municipality owns the plan. Change the plan's owner."
                )
            )
        if orphans:
            problems.append(
                _("Every measure needs a responsible service. Missing for: %(titles)s.")
                % {"titles": ", ".join(orphans)}
            )
        if problems:
            raise ValidationError(problems, code="cannot_activate")
        locked.status = Plan.Status.ACTIVE
        locked.period_start = locked.period_start or timezone.localdate()
        locked.version += 1
        locked.save()
        change_record(
            actor=access.user,
            action="plan_activate",
            obj=locked,
            before={"status": "draft"},
            after={"status": "active"},
        )
    return locked


# --- Team ------------------------------------------------------------------------


def _join(
    plan: Plan,
    user: User,
    role: str,
    service: Service | None,
    reason: str,
    actor: Actor,
    relation: str = "",
) -> TeamMember:
    if not reason.strip():
        raise ValidationError(
            {"joined_reason": _("Write why this person joins the team. The reason is logged.")}
        )
    if TeamMember.objects.active().filter(plan=plan, user=user).exists():
        raise ValidationError(_("%(name)s is already on the team.") % {"name": user})
    return create_recorded(
        actor=actor,
        action="team_join",
        obj=TeamMember(
            plan=plan,
            user=user,
            role=role,
            service=service,
            relation=relation,
            joined_reason=reason.strip(),
            added_by=actor,
        ),
        fields=["user_id", "role", "service_id", "joined_reason"],
    )


def team_member_add(
    *,
    actor: Actor,
    plan: Plan,
    user: User,
    role: str,
    reason: str,
    service: Service | None = None,
    relation: str = "",
) -> TeamMember:
    """Only the coordinator or the person adds someone, always with a reason."""
    _access(actor, plan, check="may_manage_team")
    if role in (
        TeamMember.Role.COORDINATOR,
        TeamMember.Role.SPECIALIST_COORDINATOR,
        TeamMember.Role.PERSON,
    ):
        raise ValidationError(_("Use 'change coordinator' to appoint a new coordinator."))
    professional_role = role in (TeamMember.Role.MEMBER, TeamMember.Role.RESPONSIBILITY_GROUP)
    if professional_role and (user.kind != User.Kind.PROFESSIONAL or service is None):
        raise ValidationError(
            _("A professional takes part for a service. Choose the service they work in.")
        )
    if role == TeamMember.Role.RELATIVE and user.kind != User.Kind.RELATIVE:
        raise ValidationError(_("Only a relative's account can join as a relative."))
    with transaction.atomic():
        return _join(plan, user, role, service, reason, actor, relation)


def team_member_leave(*, actor: Actor, member: TeamMember, reason: str) -> TeamMember:
    """The coordinator or the person ends a place on the team (a member may leave too).
    The coordinator cannot simply leave: a new coordinator is appointed first."""
    access = plan_access(actor, member.plan)
    if access is None or not (access.may_manage_team or member.user_id == actor.pk):
        raise PermissionDenied
    if member.role == TeamMember.Role.COORDINATOR:
        raise ValidationError(_("Appoint a new coordinator before the coordinator leaves."))
    with transaction.atomic():
        locked = TeamMember.objects.select_for_update().get(pk=member.pk)
        locked.left_at = timezone.now()
        locked.left_reason = reason.strip()
        locked.save(update_fields=["left_at", "left_reason"])
        # Whatever they had started writing to the wall is not kept for someone who left.
        MessageDraft.objects.filter(plan_id=locked.plan_id, author_id=locked.user_id).delete()
        change_record(
            actor=actor,
            action="team_leave",
            obj=locked,
            before=None,
            after={"left_reason": locked.left_reason},
        )
    return locked


# --- Consent: in laget/plans/consent_services.py (re-exported above) ------------------


# --- Goals, measures, tasks -------------------------------------------------------------


def goal_add(*, actor: Actor, plan: Plan, text: str, life_area: str) -> Goal:
    _access(actor, plan, check="may_edit_plan")
    if not text.strip():
        raise ValidationError({"text": _("Write the goal, in the person's own words.")})
    with transaction.atomic():
        return create_recorded(
            actor=actor,
            action="goal_add",
            obj=Goal(plan=plan, text=text.strip(), life_area=life_area, created_by=actor),
            fields=["text", "life_area"],
        )


def measure_add(
    *,
    actor: Actor,
    plan: Plan,
    title: str,
    responsible_service: Service | None,
    goal: Goal | None = None,
    scope: str = "",
    how: str = "",
    starts: dt.date | None = None,
    ends: dt.date | None = None,
) -> Measure:
    """A measure; a missing responsible service is allowed in a draft and flagged."""
    _access(actor, plan, check="may_edit_plan")
    if goal is not None and goal.plan_id != plan.pk:
        raise PermissionDenied
    if starts and ends and ends < starts:
        raise ValidationError({"ends": _("The measure cannot end before it starts.")})
    if responsible_service is None and plan.status == Plan.Status.ACTIVE:
        raise ValidationError(
            {"responsible_service": _("Choose the service responsible for the measure.")}
        )
    with transaction.atomic():
        return create_recorded(
            actor=actor,
            action="measure_add",
            obj=Measure(
                plan=plan,
                goal=goal,
                title=title.strip(),
                responsible_service=responsible_service,
                scope=scope.strip(),
                how=how.strip(),
                starts=starts,
                ends=ends,
            ),
            fields=["title", "responsible_service_id", "goal_id", "scope", "starts", "ends"],
        )


def task_add(
    *,
    actor: Actor,
    plan: Plan,
    title: str,
    due: dt.date,
    assignee_user: User | None = None,
    assignee_service: Service | None = None,
) -> Task:
    access = _access(actor, plan, check="may_edit_plan")
    if not access.may_read(Category.TASKS):
        raise PermissionDenied
    if assignee_user is None and assignee_service is None:
        raise ValidationError(
            {"assignee_user": _("Choose who does the task: a person or a service.")}
        )
    if (
        assignee_user is not None
        and not TeamMember.objects.active().filter(plan=plan, user=assignee_user).exists()
        and plan.person.user_id != assignee_user.pk
    ):
        raise ValidationError({"assignee_user": _("Tasks go to people on the team.")})
    with transaction.atomic():
        task = create_recorded(
            actor=actor,
            action="task_add",
            obj=Task(
                plan=plan,
                title=title.strip(),
                due=due,
                assignee_user=assignee_user,
                assignee_service=assignee_service,
                created_by=actor,
            ),
            fields=["title", "due", "assignee_user_id", "assignee_service_id"],
        )
        notify(event="task_assigned", plan=plan, actor=actor, target=task)
    return task


def task_complete(*, actor: Actor, task: Task, based_on_version: int) -> Task:
    """Only the one the task is given to, or the coordinator, ticks it done."""
    access = plan_access(actor, task.plan)
    if access is None or not access.may_read(Category.TASKS):
        raise PermissionDenied
    if not access.may_close_task(task):
        raise PermissionDenied(
            _("Only the one the task is given to, or the coordinator, can close it.")
        )
    return versioned_update(
        actor=actor,
        queryset=Task.objects,
        lookup={"pk": task.pk},
        based_on_version=based_on_version,
        data={"status": Task.Status.DONE},
        action="task_complete",
    )


# --- Messages ----------------------------------------------------------------------


MAX_ATTACHMENTS = 5


def _check_attachments(uploads: list[UploadedFile]) -> list[tuple[UploadedFile, CheckedFile]]:
    if len(uploads) > MAX_ATTACHMENTS:
        raise ValidationError(
            {
                "attachments": _("Attach at most %(n)d files to one message.")
                % {"n": MAX_ATTACHMENTS}
            }
        )
    checked, errors = [], []
    for upload in uploads:
        if upload.size is None or upload.size > Attachment.MAX_BYTES:
            errors.append(
                _("%(name)s is too large (%(mb).1f MB). Attachments can be at most 10 MB.")
                % {"name": upload.name, "mb": (upload.size or 0) / 1024 / 1024}
            )
            continue
        try:
            checked.append((upload, check_upload(upload)))
        except ValidationError as exc:
            errors.extend(exc.messages)
    if errors:
        raise ValidationError({"attachments": errors})
    return checked


def message_post(
    *,
    actor: Actor,
    plan: Plan,
    body: str,
    reply_to: Message | None = None,
    corrects: Message | None = None,
    attachments: list[UploadedFile] | None = None,
) -> Message:
    """A message on the wall, with the sender's name, role and service as they are now.
    Corrections are new messages; only the author corrects their own message. Attachments
    are checked by size and content before anything is saved."""
    access = _access(actor, plan, check="may_write_messages")
    files = _check_attachments(attachments or [])
    if not body.strip():
        raise ValidationError({"body": _("Write a message before you send it.")})
    for other in (reply_to, corrects):
        if other is not None and other.plan_id != plan.pk:
            raise PermissionDenied
    if corrects is not None and corrects.author_id != actor.pk:
        raise ValidationError(_("You can only correct your own messages."))
    with transaction.atomic():
        if reply_to is None and corrects is None:  # the wall's own form: its draft is sent
            MessageDraft.objects.filter(plan=plan, author=actor).delete()
        message = create_recorded(
            actor=actor,
            action="message_post",
            obj=Message(
                plan=plan,
                author=actor,
                author_name=access.actor_name,
                author_role=access.actor_role,
                author_service=access.actor_service,
                body=body.strip(),
                reply_to=reply_to,
                corrects=corrects,
            ),
            fields=["reply_to_id", "corrects_id"],  # not the text: the message itself is kept
        )
        for upload, checked in files:
            Attachment.objects.create(
                message=message,
                file=upload,
                name=checked.name,
                size=upload.size or 0,
                content_type=checked.kind,
            )
        notify(event="message_new", plan=plan, actor=actor, target=message)
    return message


def message_draft_save(*, actor: Actor, plan: Plan, body: str) -> MessageDraft | None:
    """Keep what the actor is writing to the plan's wall; empty text removes the draft.
    Only someone who may write messages here keeps a draft, and only they read it back."""
    _access(actor, plan, check="may_write_messages")
    if len(body) > LONG_TEXT:
        raise ValidationError(
            _("Not saved: a message can be at most %(n)d characters. Shorten it or split it.")
            % {"n": LONG_TEXT}
        )
    if not body.strip():
        MessageDraft.objects.filter(plan=plan, author=actor).delete()
        return None
    draft, _created = MessageDraft.objects.update_or_create(  # locks the row while it writes
        plan=plan, author=actor, defaults={"body": body}
    )
    return draft


# --- Emergency access ----------------------------------------------------------------


def number_digest(national_id: str) -> str:
    """A keyed digest of a national id: repeated searches for one number show as the same
    digest in the audit log, but the number cannot be read back from it."""
    key = settings.SECRET_KEY.encode()
    return hmac.new(key, f"nin:{national_id}".encode(), "sha256").hexdigest()[:20]


def emergency_access_open(*, actor: Actor, national_id: str, reason: str) -> EmergencyAccess:
    """Open a person's plan for 24 hours in an emergency. Needs authorised health
    personnel, the person's national identity number, and a reason of some substance."""
    if not may_open_emergency_access(actor):
        raise PermissionDenied
    errors: dict[str, str] = {}
    if len(reason.strip()) < 20:
        errors["reason"] = _(
            "Describe the emergency in at least a full sentence. The reason is shown to the "
            "coordinator and to the person."
        )
    person = None
    if not is_valid_national_id(national_id.strip()):
        errors["national_id"] = _(
            "This is not a valid national identity number. Check all 11 digits."
        )
    else:
        person = Person.objects.filter(national_id=national_id.strip()).first()
    plan = None
    if person is not None:
        plan = person.plans.exclude(status=Plan.Status.CLOSED).first()
    if not errors and plan is None:
        errors["national_id"] = _("No open plan was found for this number in Laget.")
        # Searching numbers that have no plan could be probing: keep the attempt where an
        # auditor sees it, with a keyed digest of the number (never the number itself).
        with transaction.atomic():
            change_record(
                actor=actor,
                action="emergency_access_no_plan",
                obj=actor,
                before=None,
                after={"number": number_digest(national_id.strip()), "reason": reason.strip()},
            )
    if errors:
        raise ValidationError(errors)
    if plan is None:  # for the type checker: the errors above cover it
        raise ValidationError(errors)
    membership = (
        actor.professional.memberships.active()
        .select_related("service")
        .order_by("-position_percent")
        .first()
    )
    if membership is None:
        raise PermissionDenied
    with transaction.atomic():
        emergency = create_recorded(
            actor=actor,
            action="emergency_access_open",
            obj=EmergencyAccess(
                plan=plan,
                user=actor,
                service=membership.service,
                reason=reason.strip(),
                ends_at=timezone.now() + EmergencyAccess.DURATION,
            ),
            fields=["plan_id", "user_id", "service_id", "reason", "ends_at"],
        )
        notify(event="emergency_access", plan=plan, actor=actor, target=emergency)
    return emergency


def emergency_access_review(*, actor: Actor, emergency: EmergencyAccess) -> EmergencyAccess:
    """The coordinator (or the person) has seen the emergency access and why."""
    _access(actor, emergency.plan, check="may_manage_team")
    with transaction.atomic():
        locked = EmergencyAccess.objects.select_for_update().get(pk=emergency.pk)
        if locked.reviewed_at is None:
            locked.reviewed_at = timezone.now()
            locked.reviewed_by = actor
            locked.save(update_fields=["reviewed_at", "reviewed_by"])
            change_record(
                actor=actor, action="emergency_access_review", obj=locked, before=None, after=None
            )
    return locked


# --- Stand-in ------------------------------------------------------------------------


def stand_in_set(*, actor: Actor, plan: Plan, user: User | None, until: dt.date | None) -> Plan:
    """The coordinator names a professional on the team to cover until a date (or ends it
    with user=None). The stand-in gets the coordinator's inbox and rights meanwhile."""
    access = _access(actor, plan, check="may_manage_team")
    if not access.is_coordinator or (access.member and access.member.role != "coordinator"):
        raise PermissionDenied  # only the coordinator names a stand-in
    if user is not None:
        on_team = (
            TeamMember.objects.active()
            .filter(plan=plan, user=user, role__in=["group", "member"])
            .exists()
        )
        if not on_team:
            raise ValidationError({"user": _("The stand-in must be a professional on the team.")})
        if until is None or until < timezone.localdate():
            raise ValidationError(
                {"until": _("Choose the last day the stand-in covers: today or later.")}
            )
    with transaction.atomic():
        locked = Plan.objects.select_for_update().get(pk=plan.pk)
        before = snapshot(locked, ["stand_in_id", "stand_in_until"])
        locked.stand_in = user
        locked.stand_in_until = until if user is not None else None
        locked.version += 1
        locked.save()
        change_record(
            actor=actor,
            action="stand_in_set",
            obj=locked,
            before=before,
            after=snapshot(locked, ["stand_in_id", "stand_in_until"]),
        )
    return locked


# --- Crisis plan ---------------------------------------------------------------------


def crisis_plan_update(
    *, actor: Actor, plan: Plan, based_on_version: int, data: dict[str, str]
) -> CrisisPlan:
    """The crisis plan is a health detail: only those who may read health details and
    change the plan may write it. A stale version raises EditConflict."""
    access = _access(actor, plan, check="may_edit_plan")
    if not access.may_read(Category.HEALTH):
        raise PermissionDenied
    if set(data) - {"warning_signs", "what_helps", "what_to_avoid", "who_to_contact"}:
        raise ValueError("not crisis plan fields")
    return versioned_update(
        actor=actor,
        queryset=CrisisPlan.objects,
        lookup={"plan": plan},
        based_on_version=based_on_version,
        data=data,
        action="crisis_plan_update",
    )


# --- Blocking single items -------------------------------------------------------------


def item_block_add(
    *, actor: Actor, plan: Plan, kind: str, object_id: int, hidden_from: Service | None
) -> ItemBlock:
    """Only the person blocks their own items (pbrl. § 5-3)."""
    access = _access(actor, plan, check="may_manage_team")
    if not access.is_person:
        raise PermissionDenied
    models_by_kind: dict[str, Any] = {"goal": Goal, "measure": Measure}
    model = models_by_kind.get(kind)
    if model is None or not model.objects.filter(plan=plan, pk=object_id).exists():
        raise ValidationError({"item": _("Choose one of the goals or measures in your plan.")})
    with transaction.atomic():
        return create_recorded(
            actor=actor,
            action="item_block_add",
            obj=ItemBlock(
                plan=plan, kind=kind, object_id=object_id, hidden_from=hidden_from, created_by=actor
            ),
            fields=["kind", "object_id", "hidden_from_id"],
        )


def item_block_remove(*, actor: Actor, block: ItemBlock) -> None:
    access = _access(actor, block.plan, check="may_manage_team")
    if not access.is_person:
        raise PermissionDenied
    with transaction.atomic():
        change_record(
            actor=actor,
            action="item_block_remove",
            obj=block,
            before=snapshot(block, ["kind", "object_id", "hidden_from_id"]),
            after=None,
        )
        block.delete()


# --- Editing goals and measures ----------------------------------------------------------


def measure_update(
    *, actor: Actor, measure: Measure, based_on_version: int, data: dict[str, Any]
) -> Measure:
    """Change a measure (its status above all). A stale version raises EditConflict; an
    active plan's measure keeps a responsible service. Only the responsible service (or the
    coordinator, who re-assigns) changes a measure, and only the responsible service its
    status; the person proposes and comments instead."""
    access = _access(actor, measure.plan, check="may_edit_plan")
    allowed = {"title", "responsible_service", "scope", "how", "starts", "ends", "status"}
    if set(data) - allowed:
        raise ValueError("not measure fields")
    with transaction.atomic():
        # Decide on the row as it is now, locked, not on the copy the form was built from.
        locked = Measure.objects.select_for_update().get(pk=measure.pk)
        if not access.may_change_measure(locked):
            raise PermissionDenied(
                _("Only the responsible service or the coordinator can change this measure.")
            )
        status_changes = "status" in data and data["status"] != locked.status
        if status_changes and not access.may_set_measure_status(locked):
            raise PermissionDenied(
                _("Only the responsible service can change the status of this measure.")
            )
        if (
            "responsible_service" in data
            and data["responsible_service"] != locked.responsible_service
        ):
            # A new owner takes the measure over: it no longer waits for re-assignment.
            data = {**data, "reassign_since": None, "reassign_because": None}
        return _measure_versioned_update(actor, measure, based_on_version, data)


def _measure_versioned_update(
    actor: Actor, measure: Measure, based_on_version: int, data: dict[str, Any]
) -> Measure:
    def still_sound(current: Measure) -> None:
        if current.starts and current.ends and current.ends < current.starts:
            raise ValidationError({"ends": _("The measure cannot end before it starts.")})
        if current.responsible_service is None and measure.plan.status == Plan.Status.ACTIVE:
            raise ValidationError(
                {"responsible_service": _("Choose the service responsible for the measure.")}
            )

    return versioned_update(
        actor=actor,
        queryset=Measure.objects,
        lookup={"pk": measure.pk},
        based_on_version=based_on_version,
        data=data,
        action="measure_update",
        check=still_sound,
        record_fields=["title", "responsible_service_id", "status", "starts", "ends"],
    )


def goal_update(*, actor: Actor, goal: Goal, based_on_version: int, data: dict[str, Any]) -> Goal:
    _access(actor, goal.plan, check="may_edit_plan")
    if set(data) - {"text", "life_area", "achieved"}:
        raise ValueError("not goal fields")

    def has_words(current: Goal) -> None:
        if not current.text:
            raise ValidationError({"text": _("Write the goal, in the person's own words.")})

    return versioned_update(
        actor=actor,
        queryset=Goal.objects,
        lookup={"pk": goal.pk},
        based_on_version=based_on_version,
        data=data,
        action="goal_update",
        check=has_words,
        record_fields=["life_area", "achieved"],
    )
