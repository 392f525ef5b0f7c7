"""A case's working life: workers join and leave, contact is recorded, and it ends with
a hand-off back to ordinary services that the receiver accepts."""

import datetime as dt

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from laget.audit.services import change_record
from laget.continuity.models import Handoff, ServiceEpisode
from laget.continuity.services import handoff_request
from laget.core.types import Actor
from laget.directory.models import Service
from laget.notifications.models import Kind
from laget.notifications.services import notify
from laget.plans.access import plan_access
from laget.plans.models import Plan
from laget.teams import pairing
from laget.teams.access import works_in_team
from laget.teams.models import (
    BoardEntry,
    Case,
    CaseWorker,
    Referral,
    Secondment,
)
from laget.teams.services.common import (
    _add_worker,
    _case_workers,
    _check_pairing,
    _current_member,
    _join_plan,
    _lock_case,
    _lock_team,
    _require,
)


def case_worker_add(
    *, actor: Actor, case: Case, member: Secondment, shoulder: bool, reason: str
) -> CaseWorker:
    """A team member takes over or joins a case (the way a flag is cleared). A new
    shoulder worker replaces the former one in that role."""
    team = case.team
    _require(works_in_team(actor, team))
    if not reason.strip():
        raise ValidationError({"reason": _("Write why they join the case. The reason is logged.")})
    with transaction.atomic():
        _lock_team(team)
        locked = _lock_case(case)
        if locked.status != Case.Status.OPEN:
            raise ValidationError(_("The case is closed."))
        if shoulder and locked.mode != Case.Mode.SHOULDER:
            raise ValidationError(_("Only a shoulder-to-shoulder case has a shoulder worker."))
        member = _current_member(team, member, timezone.localdate())
        if CaseWorker.objects.current().filter(case=locked, member=member).exists():
            raise ValidationError(_("%(name)s is already on the case.") % {"name": member})
        if shoulder and member.home_service.level != pairing.opposite(
            locked.treatment_service.level if locked.treatment_service else ""
        ):
            _check_pairing(
                mode=locked.mode,
                treatment_service=locked.treatment_service,
                workers=[(member, True)],
            )
        if shoulder:
            CaseWorker.objects.current().filter(case=locked, shoulder=True).update(shoulder=False)
        return _add_worker(actor, locked, member, shoulder, reason.strip())


def case_worker_end(*, actor: Actor, worker: CaseWorker, reason: str) -> CaseWorker:
    """A worker leaves a case. Refused when it would leave the case without a level or
    without its shoulder worker: someone takes over first."""
    case = worker.case
    _require(works_in_team(actor, case.team))
    if not reason.strip():
        raise ValidationError({"reason": _("Write why they leave the case.")})
    with transaction.atomic():
        _lock_team(case.team)
        locked_case = _lock_case(case)
        locked = CaseWorker.objects.select_for_update().get(pk=worker.pk)
        if locked.ended_at is not None:
            raise ValidationError(_("They have already left the case."))
        rest = [(m, s) for m, s in _case_workers(locked_case) if m.pk != locked.member_id]
        if locked_case.status == Case.Status.OPEN:
            _check_pairing(
                mode=locked_case.mode,
                treatment_service=locked_case.treatment_service,
                workers=rest,
            )
        locked.ended_at = timezone.now()
        locked.save(update_fields=["ended_at"])
        change_record(
            actor=actor,
            action="case_worker_end",
            obj=locked,
            before=None,
            after={"reason": reason.strip()},
        )
    return locked


def contact_record(*, actor: Actor, case: Case, on: dt.date, alert_days: int | None = None) -> Case:
    """Someone from the team had contact with the person. `alert_days`: how long the
    person wants between contacts before the team worries (they decide, §6.1.1)."""
    _require(works_in_team(actor, case.team))
    if on > timezone.localdate():
        raise ValidationError({"on": _("The contact cannot be in the future.")})
    if alert_days is not None and not 1 <= alert_days <= 365:
        raise ValidationError({"alert_days": _("Write a number of days from 1 to 365.")})
    with transaction.atomic():
        locked = _lock_case(case)
        at = timezone.make_aware(dt.datetime.combine(on, dt.time(12)))
        if at < locked.opened_at.replace(hour=0, minute=0):
            raise ValidationError({"on": _("The contact cannot be before the case opened.")})
        if locked.first_contact_at is None or at < locked.first_contact_at:
            locked.first_contact_at = at
        if locked.last_contact_at is None or at > locked.last_contact_at:
            locked.last_contact_at = at
        if alert_days is not None:
            locked.contact_alert_days = alert_days
        locked.version += 1
        locked.save(
            update_fields=["first_contact_at", "last_contact_at", "contact_alert_days", "version"]
        )
        change_record(
            actor=actor,
            action="case_contact",
            obj=locked,
            before=None,
            after={"on": str(on), "alert_days": alert_days},
        )
    return locked


def case_handoff(
    *,
    actor: Actor,
    case: Case,
    to_service: Service,
    summary: str,
    follow_up: str,
    wanted_from: dt.date,
    answer_by: dt.date,
) -> Handoff:
    """Ending a case starts as a hand-off back to an ordinary service, with a follow-up
    agreement, through continuity's own path: the receiver must accept it."""
    _require(works_in_team(actor, case.team))
    if not follow_up.strip():
        raise ValidationError(
            {
                "follow_up": _(
                    "Write the follow-up agreement: who does what when the team steps back."
                )
            }
        )
    person = case.referral.person
    plan = (
        Plan.objects.filter(person=person).exclude(status=Plan.Status.CLOSED).first()
        if person is not None
        else None
    )
    if plan is None:
        raise ValidationError(
            _(
                "A hand-off shares the person's plan with the receiver, so the person must "
                "have consented and have a plan in Laget first."
            )
        )
    episode = ServiceEpisode.objects.filter(
        plan=plan, service_id=case.team.service_id, ends__isnull=True
    ).first()
    if episode is None:
        raise ValidationError(
            _(
                "The team has no ongoing episode on the person's timeline. Add the team's "
                "episode there first, so responsibility can pass on without a gap."
            )
        )
    with transaction.atomic():
        locked = _lock_case(case)
        if locked.status != Case.Status.OPEN:
            raise ValidationError(_("The case is closed."))
        if locked.handoff is not None and locked.handoff.status == Handoff.Status.REQUESTED:
            raise ValidationError(_("A hand-off is already waiting for an answer."))
        handoff = handoff_request(
            actor=actor,
            episode=episode,
            to_service=to_service,
            summary=f"{summary.strip()}\n\n{_('Follow-up agreement')}: {follow_up.strip()}",
            wanted_from=wanted_from,
            answer_by=answer_by,
        )
        locked.handoff = handoff
        locked.follow_up = follow_up.strip()
        locked.version += 1
        locked.save(update_fields=["handoff", "follow_up", "version"])
        change_record(
            actor=actor,
            action="case_handoff",
            obj=locked,
            before=None,
            after={"handoff_id": handoff.pk},
        )
        # The receiving service's staff are told by continuity's own hand-off path; the
        # case's other workers are told here that the case is on its way back.
        notify(event=Kind.CASE_HANDOFF, actor=actor, target=locked, key=f"h{handoff.pk}")
    return handoff


def case_close(*, actor: Actor, case: Case) -> Case:
    """The case ends once the receiving service has accepted the hand-off; its workers'
    places on the case end with it."""
    _require(works_in_team(actor, case.team))
    with transaction.atomic():
        locked = _lock_case(case)
        if locked.status != Case.Status.OPEN:
            raise ValidationError(_("The case is closed."))
        if locked.handoff is None or locked.handoff.status != Handoff.Status.ACCEPTED:
            raise ValidationError(
                _(
                    "The case ends when the receiving service has accepted the hand-off. "
                    "Until then the team keeps it."
                )
            )
        if BoardEntry.objects.filter(case=locked, came_off__isnull=True).exists():
            raise ValidationError(_("Take the person off the board first."))
        now = timezone.now()
        CaseWorker.objects.current().filter(case=locked).update(ended_at=now)
        locked.status = Case.Status.CLOSED
        locked.closed_at = now
        locked.close_reason = _("Handed back to %(service)s") % {
            "service": locked.handoff.to_service
        }
        locked.version += 1
        locked.save(update_fields=["status", "closed_at", "close_reason", "version"])
        change_record(
            actor=actor, action="case_close", obj=locked, before=None, after={"status": "closed"}
        )
    return locked


def case_link_person(*, actor: Actor, case: Case, plan: Plan) -> Case:
    """After the person has consented and has a plan in Laget, the case is linked to them:
    from then on it holds the person, not only what the team needed to find them
    (§6.6.1), and each worker joins the plan's team through the plan's own path. Only
    someone who may read the plan links it; the whole link is saved or nothing is."""
    _require(works_in_team(actor, case.team))
    access = plan_access(actor, plan)
    if access is None or plan.status == Plan.Status.CLOSED:
        raise ValidationError(
            _(
                "You can link the case only to an open plan you can read. Ask the plan's "
                "coordinator to add you to the person's team first."
            )
        )
    with transaction.atomic():
        _lock_team(case.team)
        locked = _lock_case(case)
        if locked.status != Case.Status.OPEN:
            raise ValidationError(_("The case is closed."))
        referral = Referral.objects.select_for_update().get(pk=locked.referral_id)
        if referral.person_id is not None:
            raise ValidationError(_("The case is already linked to the person's plan."))
        if Referral.objects.filter(
            team=locked.team, person_id=plan.person_id, case__status=Case.Status.OPEN
        ).exists():
            raise ValidationError(_("The team already has an open case for this person."))
        referral.person = plan.person
        referral.version += 1
        referral.save(update_fields=["person", "version"])
        change_record(
            actor=actor,
            action="case_link_person",
            obj=locked,
            before={"person_id": None},
            after={"person_id": plan.person_id, "plan_id": plan.pk},
        )
        locked.referral = referral
        for member, _shoulder in _case_workers(locked):
            _join_plan(actor, locked, member, _("Works on the person's case in the team"))
    return locked
