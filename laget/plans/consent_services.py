"""The person's consents to share: record, withdraw (with what that sets in motion) and
undo a withdrawal the same day. Every write checked against access.py, atomic, recorded
in the change log in the same transaction."""

from __future__ import annotations

import datetime as dt

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _

from laget.accounts.models import User
from laget.audit.services import change_record, create_recorded, versioned_update
from laget.core.types import Actor
from laget.directory.models import Organisation, Service
from laget.notifications.services import notify, retract
from laget.plans.access import PlanAccess, plan_access
from laget.plans.models import Category, Consent, Measure, Plan, Task, TeamMember


def _manager(actor: Actor, plan: Plan) -> PlanAccess:
    access = plan_access(actor, plan)
    if access is None or not access.may_manage_team:
        raise PermissionDenied
    return access


def consent_record(
    *,
    actor: Actor,
    plan: Plan,
    categories: list[str],
    valid_from: dt.date,
    valid_to: dt.date,
    method: str,
    witness: str = "",
    to_service: Service | None = None,
    to_organisation: Organisation | None = None,
    to_relative: User | None = None,
) -> Consent:
    """The person's consent to share categories with one receiver, for a period."""
    access = _manager(actor, plan)
    errors: dict[str, str] = {}
    if sum(r is not None for r in (to_service, to_organisation, to_relative)) != 1:
        errors["to_service"] = _(
            "Choose who receives: one service, one organisation or one relative."
        )
    if not categories or set(categories) - set(Category.values):
        errors["categories"] = _("Choose at least one kind of information to share.")
    if valid_to < valid_from:
        errors["valid_to"] = _(
            "The consent cannot end before it starts. Check the dates: 'valid to' must be "
            "the same day as 'valid from' or later."
        )
    if method == Consent.Method.VERBAL and not witness.strip():
        errors["witness"] = _("Consent given verbally needs a witness. Write the witness's name.")
    if errors:
        raise ValidationError(errors)
    if access.is_person:
        method = Consent.Method.DIGITAL
    with transaction.atomic():
        return create_recorded(
            actor=actor,
            action="consent_record",
            obj=Consent(
                person=plan.person,
                to_service=to_service,
                to_organisation=to_organisation,
                to_relative=to_relative,
                categories=sorted(set(categories)),
                valid_from=valid_from,
                valid_to=valid_to,
                method=method,
                witness=witness.strip(),
                recorded_by=actor,
            ),
            fields=[
                "to_service_id",
                "to_organisation_id",
                "to_relative_id",
                "categories",
                "valid_from",
                "valid_to",
                "method",
            ],
        )


def consent_withdraw(*, actor: Actor, plan: Plan, consent: Consent) -> Consent:
    """Withdrawal acts at once: the next request of the receiver sees nothing it covered.
    The open measures and tasks of a service that no consent covers any more are marked
    for the coordinator to re-assign (in their "needs attention" list)."""
    _manager(actor, plan)
    if consent.person_id != plan.person_id:
        raise PermissionDenied
    with transaction.atomic():
        locked = Consent.objects.select_for_update().get(pk=consent.pk)
        if locked.withdrawn_at is None:
            locked.withdrawn_at = timezone.now()
            locked.withdrawn_by = actor
            locked.save(update_fields=["withdrawn_at", "withdrawn_by"])
            marked = _mark_for_reassignment(plan, locked)
            change_record(
                actor=actor, action="consent_withdraw", obj=locked, before=None, after=marked
            )
            # The coordinator is told; the marks show in "needs attention".
            notify(
                event="consent_withdrawn",
                plan=plan,
                actor=actor,
                target=locked,
                key=f"at{locked.withdrawn_at.timestamp()}",  # withdrawn again after an undo
            )
    return locked


def consent_withdrawal_undo(*, actor: Actor, plan: Plan, consent: Consent) -> Consent:
    """Undo a withdrawal made today: the consent is in force again as before, and what the
    withdrawal marked for re-assignment (and nobody has re-assigned yet) is unmarked."""
    _manager(actor, plan)
    if consent.person_id != plan.person_id:
        raise PermissionDenied
    with transaction.atomic():
        locked = Consent.objects.select_for_update().get(pk=consent.pk)
        today = timezone.localdate()
        if locked.withdrawn_at is None:
            raise ValidationError(_("This consent is not withdrawn, so there is nothing to undo."))
        if timezone.localdate(locked.withdrawn_at) != today:
            raise ValidationError(
                _("A withdrawal can only be undone the same day. Give a new consent instead.")
            )
        if locked.valid_to < today:
            raise ValidationError(_("This consent has run out. Give a new consent instead."))
        locked.withdrawn_at = None
        locked.withdrawn_by = None
        locked.save(update_fields=["withdrawn_at", "withdrawn_by"])
        measures = Measure.objects.filter(plan=plan, reassign_because=locked).update(
            reassign_since=None, reassign_because=None
        )
        tasks = Task.objects.filter(plan=plan, reassign_because=locked).update(
            reassign_since=None, reassign_because=None
        )
        change_record(
            actor=actor,
            action="consent_withdraw_undo",
            obj=locked,
            before=None,
            after={"unmarked_measures": measures, "unmarked_tasks": tasks},
        )
        # No kind of its own: the coordinator's notice of the withdrawal is taken back where
        # it has not been seen or sent; one already seen leads to the consents page, which
        # shows the consent in force again, and the change log shows the undo.
        retract(event="consent_withdrawn", target=locked)
    return locked


def _mark_for_reassignment(plan: Plan, withdrawn: Consent) -> dict[str, list[int]]:
    """Mark the open measures and tasks of the services this consent reached and no other
    consent in force still reaches. Returns the ids, for the change record."""
    if withdrawn.to_service_id is not None:
        reached = Q(pk=withdrawn.to_service_id)
    elif withdrawn.to_organisation_id is not None:
        reached = Q(organisation_id=withdrawn.to_organisation_id)
    else:
        return {"measures": [], "tasks": []}  # a relative: they own no measures
    still = Consent.objects.in_force().filter(person_id=plan.person_id)
    # NOT IN over a column with NULLs matches nothing: keep the NULLs out of both lists.
    covered = Q(pk__in=still.filter(to_service__isnull=False).values("to_service_id")) | Q(
        organisation_id__in=still.filter(to_organisation__isnull=False).values("to_organisation_id")
    )
    lost = list(Service.objects.filter(reached).exclude(covered).values_list("pk", flat=True))
    if not lost:
        return {"measures": [], "tasks": []}
    now = timezone.now()
    measures = list(
        Measure.objects.filter(
            plan=plan,
            responsible_service_id__in=lost,
            status__in=[Measure.Status.PLANNED, Measure.Status.ONGOING],
            reassign_since__isnull=True,
        ).values_list("pk", flat=True)
    )
    members = TeamMember.objects.active().filter(plan=plan, service_id__in=lost)
    tasks = list(
        Task.objects.filter(plan=plan, status=Task.Status.OPEN, reassign_since__isnull=True)
        .filter(
            Q(assignee_service_id__in=lost)
            | Q(assignee_service__isnull=True, assignee_user_id__in=members.values("user_id"))
        )
        .values_list("pk", flat=True)
    )
    Measure.objects.filter(pk__in=measures).update(reassign_since=now, reassign_because=withdrawn)
    Task.objects.filter(pk__in=tasks).update(reassign_since=now, reassign_because=withdrawn)
    return {"measures": measures, "tasks": tasks}


def task_reassign(*, actor: Actor, task: Task, member: TeamMember, based_on_version: int) -> Task:
    """The coordinator gives an open task to someone else on the team (after a withdrawal
    marked it, or whenever the work moves): their service goes with them, the mark goes."""
    access = plan_access(actor, task.plan)
    if access is None or not access.is_coordinator:
        raise PermissionDenied(_("Only the coordinator gives a task to someone else."))
    if member.plan_id != task.plan_id or member.left_at is not None:
        raise ValidationError(_("Choose someone on the team."))
    return versioned_update(
        actor=actor,
        queryset=Task.objects.filter(status=Task.Status.OPEN),
        lookup={"pk": task.pk},
        based_on_version=based_on_version,
        data={
            "assignee_user": member.user,
            "assignee_service": member.service,
            "reassign_since": None,
            "reassign_because": None,
        },
        action="task_reassign",
        record_fields=["assignee_user_id", "assignee_service_id"],
    )
