"""Every write to a cross-level team: checked against access.py, atomic, recorded in the
change chain in the same transaction, refused with a Norwegian message that says what to
do. The team's row is locked by every write that can change who covers a case, so two
people moving members and assigning workers at once take turns and the rules in
pairing.py always see the latest state."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from laget.audit.services import change_record, create_recorded, snapshot
from laget.continuity.models import Handoff, ServiceEpisode
from laget.continuity.services import handoff_request
from laget.core.types import Actor
from laget.directory.models import Membership, Professional, Service
from laget.directory.services import membership_add
from laget.meetings.models import Meeting
from laget.plans.access import plan_access
from laget.plans.models import Person, Plan, TeamMember
from laget.plans.services import team_member_add
from laget.teams import pairing
from laget.teams.access import leads_team, may_refer, member_of_team, works_in_team
from laget.teams.models import (
    BoardEntry,
    Case,
    CaseWorker,
    Competence,
    Consultation,
    CrossLevelTeam,
    Decision,
    Referral,
    Secondment,
)


def _lock_team(team: CrossLevelTeam) -> CrossLevelTeam:
    return CrossLevelTeam.objects.select_for_update().get(pk=team.pk)


def _require(allowed: bool) -> None:
    if not allowed:
        raise PermissionDenied


def _clean_competence(values: list[str]) -> list[str]:
    unknown = set(values) - set(Competence.values)
    if unknown:
        raise ValidationError({"competence": _("Choose competence areas from the list.")})
    return [c for c in Competence.values if c in values]


def _public_level(service: Service) -> None:
    if service.level not in pairing.LEVELS:
        raise ValidationError(
            {
                "home_service": _(
                    "A team member is lent from a municipal or a specialist service. Choose "
                    "the service they work in the rest of the time."
                )
            }
        )


# --- Composition -----------------------------------------------------------------------


def member_add(
    *,
    actor: Actor,
    team: CrossLevelTeam,
    professional: Professional,
    home_service: Service,
    position_percent: int,
    competence: list[str],
) -> Secondment:
    """A professional joins the team in a position fraction, lent from their service."""
    _require(leads_team(actor, team))
    _public_level(home_service)
    competence = _clean_competence(competence)
    with transaction.atomic():
        _lock_team(team)
        if Membership.objects.filter(professional=professional, service=team.service).exists():
            raise ValidationError(
                _(
                    "%(name)s already has a place in the team's service. Change their "
                    "fraction on the team page instead."
                )
                % {"name": professional}
            )
        # The directory's own path: it keeps the positions at 100 % at most.
        membership = membership_add(
            actor=actor,
            professional=professional,
            service=team.service,
            position_percent=position_percent,
        )
        return create_recorded(
            actor=actor,
            action="team_member_add",
            obj=Secondment(
                team=team, membership=membership, home_service=home_service, competence=competence
            ),
            fields=["team_id", "membership_id", "home_service_id", "competence"],
        )


def _cases_left_uncovered(member: Secondment) -> list[Case]:
    """Open cases this member is on: after the change, each is checked and flagged."""
    return list(
        Case.objects.filter(
            workers__member=member, workers__ended_at__isnull=True, status=Case.Status.OPEN
        ).distinct()
    )


def member_update(
    *,
    actor: Actor,
    member: Secondment,
    based_on_version: int,
    position_percent: int,
    home_service: Service,
    competence: list[str],
) -> Secondment:
    """Change a member's fraction, the service they are lent from (moving them, perhaps to
    the other level), or their competence. Cases that lose a level are flagged, not
    refused: the flag stays until someone from that level takes over."""
    team = member.team
    _require(leads_team(actor, team))
    _public_level(home_service)
    competence = _clean_competence(competence)
    if not 1 <= position_percent <= 100:
        raise ValidationError(
            {
                "position_percent": _(
                    "Write the fraction as a whole number from 1 to 100. To end the place, "
                    "use 'End membership'."
                )
            }
        )
    with transaction.atomic():
        _lock_team(team)
        locked = (
            Secondment.objects.select_for_update().select_related("membership").get(pk=member.pk)
        )
        if locked.version != based_on_version:
            raise ValidationError(
                _("Someone else changed this member a moment ago. Reload the page and try again.")
            )
        membership = locked.membership
        others = sum(
            Membership.objects.active()
            .filter(professional_id=membership.professional_id)
            .exclude(pk=membership.pk)
            .values_list("position_percent", flat=True)
        )
        if others + position_percent > 100:
            raise ValidationError(
                {
                    "position_percent": _(
                        "%(name)s works %(others)d %% elsewhere. Together the positions can "
                        "be at most 100 %%: choose a smaller fraction."
                    )
                    % {"name": membership.professional, "others": others}
                }
            )
        before = snapshot(locked, ["home_service_id", "competence"]) | {
            "position_percent": membership.position_percent
        }
        membership.position_percent = position_percent
        membership.save(update_fields=["position_percent"])
        level_changed = locked.home_service.level != home_service.level
        locked.home_service = home_service
        locked.competence = competence
        locked.version += 1
        locked.save(update_fields=["home_service", "competence", "version"])
        change_record(
            actor=actor,
            action="team_member_update",
            obj=locked,
            before=before,
            after=snapshot(locked, ["home_service_id", "competence"])
            | {"position_percent": position_percent},
        )
        if level_changed and _cases_left_uncovered(locked):
            pass  # notify: case_flagged (the member moved to the other level)
    return locked


def member_end(*, actor: Actor, member: Secondment, ends: dt.date, reason: str) -> Secondment:
    """The member's place in the team ends on `ends` (their fraction ends in the
    directory too). Every case they carry is flagged from the day after, at once."""
    team = member.team
    _require(leads_team(actor, team))
    if not reason.strip():
        raise ValidationError({"reason": _("Write why the place ends. The reason is logged.")})
    with transaction.atomic():
        _lock_team(team)
        membership = Membership.objects.select_for_update().get(pk=member.membership_id)
        if ends < membership.starts:
            raise ValidationError({"ends": _("The place cannot end before it started.")})
        before = {"ends": str(membership.ends) if membership.ends else None}
        membership.ends = ends
        membership.save(update_fields=["ends"])
        change_record(
            actor=actor,
            action="team_member_end",
            obj=member,
            before=before,
            after={"ends": str(ends), "reason": reason.strip()},
        )
        # notify: case_flagged (each open case the member carried, from the day after `ends`)
    return member


# --- Referrals -------------------------------------------------------------------------


@dataclass(frozen=True)
class ReferralInput:
    source: str
    referrer_contact: str
    subject_name: str = ""
    subject_contact: str = ""
    person: Person | None = None
    serious_mental_health: bool | None = None
    substance_dependence: bool | None = None
    loss_of_function: bool | None = None
    unstable_life: bool | None = None
    lacks_contact: bool | None = None
    concern: str = ""
    treatment_service: Service | None = None
    referrer_service: Service | None = None
    written: bool = True


def _person_in_open_case(team: CrossLevelTeam, person: Person) -> bool:
    return (
        Case.objects.filter(team=team, referral__person=person, status=Case.Status.OPEN).exists()
        or Referral.objects.filter(team=team, person=person)
        .exclude(status=Referral.Status.DECIDED)
        .exists()
    )


def referral_create(*, actor: Actor, team: CrossLevelTeam, data: ReferralInput) -> Referral:
    """The open door: anyone may refer and nothing is refused for being incomplete. The
    team needs only a way to find the person and to reach the referrer; the rest is
    clarified with the referrer. A referral the team registers after going in first
    (`written=False`) is marked so."""
    _require(may_refer(actor))
    if not data.written:
        _require(works_in_team(actor, team))
    if data.person is None and not data.subject_name.strip():
        raise ValidationError(
            {"subject_name": _("Write the person's name, so the team can find them.")}
        )
    if not data.referrer_contact.strip():
        raise ValidationError(
            {
                "referrer_contact": _(
                    "Write a phone number or e-mail address where the team can reach you, "
                    "so they can ask if something is unclear."
                )
            }
        )
    if data.source not in Referral.Source.values:
        raise ValidationError({"source": _("Choose who refers.")})
    with transaction.atomic():
        _lock_team(team)
        if data.person is not None and _person_in_open_case(team, data.person):
            raise ValidationError(
                _(
                    "The team already follows this person or has a referral waiting for "
                    "them. Call the team if you have something new to tell."
                )
            )
        referral = Referral(
            team=team,
            referred_by=actor,
            source=data.source,
            referrer_service=data.referrer_service,
            referrer_contact=data.referrer_contact.strip(),
            person=data.person,
            subject_name=data.subject_name.strip(),
            subject_contact=data.subject_contact.strip(),
            serious_mental_health=data.serious_mental_health,
            substance_dependence=data.substance_dependence,
            loss_of_function=data.loss_of_function,
            unstable_life=data.unstable_life,
            lacks_contact=data.lacks_contact,
            concern=data.concern.strip(),
            treatment_service=data.treatment_service,
            written=data.written,
        )
        # notify: referral_received (the team's members; no name in the notice)
        return create_recorded(
            actor=actor,
            action="referral_create",
            obj=referral,
            fields=["team_id", "source", "person_id", "treatment_service_id", "written"],
        )


def referral_clarify(*, actor: Actor, referral: Referral, note: str) -> Referral:
    """An unclear referral is clarified with the referrer, never refused for it."""
    _require(works_in_team(actor, referral.team))
    if not note.strip():
        raise ValidationError({"note": _("Write what you clarified, and with whom.")})
    with transaction.atomic():
        locked = Referral.objects.select_for_update().get(pk=referral.pk)
        if locked.status == Referral.Status.DECIDED:
            raise ValidationError(_("This referral is already decided."))
        stamp = timezone.localtime().strftime("%d.%m.%Y")
        locked.clarification = f"{locked.clarification}\n{stamp}: {note.strip()}".strip()
        locked.status = Referral.Status.CLARIFYING
        locked.version += 1
        locked.full_clean()
        locked.save(update_fields=["clarification", "status", "version"])
        change_record(
            actor=actor,
            action="referral_clarify",
            obj=locked,
            before=None,
            after={"status": locked.status},
        )
    return locked


# --- Intake decisions and cases ---------------------------------------------------------


def _current_member(team: CrossLevelTeam, member: Secondment, day: dt.date) -> Secondment:
    member = Secondment.objects.select_related("membership", "home_service", "team").get(
        pk=member.pk
    )
    if not (member_of_team(member, team) and member.active_on(day)):
        raise ValidationError(
            _("%(name)s is not a member of the team now. Choose someone who is.") % {"name": member}
        )
    return member


def _check_pairing(
    *, mode: str, treatment_service: Service | None, workers: list[tuple[Secondment, bool]]
) -> None:
    """Refuse a case the rules would flag, with what to do instead."""
    today = timezone.localdate()
    flags = pairing.case_flags(
        mode=mode,
        treatment_level=treatment_service.level if treatment_service else None,
        workers=[
            pairing.Worker(m.home_service.level, shoulder, m.membership.starts, m.membership.ends)
            for m, shoulder in workers
        ],
        day=today,
    )
    if pairing.SHOULDER_SAME_LEVEL in flags:
        raise ValidationError(
            _(
                "The worker beside the treatment contact must come from the opposite level. "
                "The treatment contact is at %(service)s (%(level)s): choose a team member "
                "from the other level."
            )
            % {
                "service": treatment_service,
                "level": treatment_service.get_level_display() if treatment_service else "",
            }
        )
    if pairing.NO_SHOULDER in flags:
        raise ValidationError(_("Choose who from the team works beside the treatment contact."))
    if flags:
        raise ValidationError(
            _(
                "Every case needs one worker from the municipality and one from the "
                "specialist health service. Choose a worker from the level that is missing."
            )
        )


def _join_plan(actor: Actor, case: Case, member: Secondment, reason: str) -> None:
    """An assigned worker joins the person's team in the plan, through the plan's own
    joining path (the coordinator or the person adds, with a logged reason)."""
    person = case.referral.person
    if person is None:
        return  # before consent the case holds no plan (§6.6.1)
    plan = Plan.objects.filter(person=person).exclude(status=Plan.Status.CLOSED).first()
    if plan is None:
        return
    user = member.membership.professional.user
    if TeamMember.objects.active().filter(plan=plan, user=user).exists():
        return
    access = plan_access(actor, plan)
    if access is None or not access.may_manage_team:
        raise ValidationError(
            _(
                "%(name)s must also join the person's team in the plan, and only the plan's "
                "coordinator or the person can add them. Ask the coordinator to assign them."
            )
            % {"name": member}
        )
    team_member_add(
        actor=actor,
        plan=plan,
        user=user,
        role=TeamMember.Role.MEMBER,
        # They take part for the team (and so may manage the team's episode in the plan).
        service=case.team.service,
        reason=reason,
    )


def _add_worker(
    actor: Actor, case: Case, member: Secondment, shoulder: bool, reason: str
) -> CaseWorker:
    worker = create_recorded(
        actor=actor,
        action="case_worker_add",
        obj=CaseWorker(case=case, member=member, shoulder=shoulder, reason=reason),
        fields=["case_id", "member_id", "shoulder", "reason"],
    )
    _join_plan(actor, case, member, reason)
    return worker


def decide(
    *,
    actor: Actor,
    referral: Referral,
    outcome: str,
    reason: str,
    advice: str = "",
    meeting: Meeting | None = None,
    worker: Secondment | None = None,
    partner: Secondment | None = None,
    treatment_service: Service | None = None,
) -> Decision:
    """The intake meeting's decision, with a reason. Direct intake and shoulder to
    shoulder open a case with a worker from each level (in shoulder to shoulder `worker`
    works beside the treatment contact and is from the opposite level); the whole decision
    is saved or nothing is. Waiting time is kept by the timestamps."""
    team = referral.team
    _require(works_in_team(actor, team))
    if outcome not in Decision.Outcome.values:
        raise ValidationError({"outcome": _("Choose one of the four decisions.")})
    if not reason.strip():
        raise ValidationError({"reason": _("Write the reason for the decision.")})
    if outcome == Decision.Outcome.NOT_NOW and not advice.strip():
        raise ValidationError(
            {"advice": _("Write your advice to the referrer: they see it with the decision.")}
        )
    if meeting is not None and (meeting.network_id != team.network_id or meeting.plan_id):
        raise ValidationError({"meeting": _("Choose one of the team's own meetings.")})
    opens_case = outcome in (Decision.Outcome.DIRECT, Decision.Outcome.SHOULDER)
    with transaction.atomic():
        _lock_team(team)
        locked = Referral.objects.select_for_update().get(pk=referral.pk)
        if locked.status == Referral.Status.DECIDED:
            raise ValidationError(_("This referral is already decided. Reload the page."))
        treatment = treatment_service or locked.treatment_service
        workers: list[tuple[Secondment, bool]] = []
        if opens_case:
            if outcome == Decision.Outcome.SHOULDER and treatment is None:
                raise ValidationError(
                    {
                        "treatment_service": _(
                            "Shoulder to shoulder is for a person who has a treatment "
                            "contact. Choose the service where it is."
                        )
                    }
                )
            if worker is None or partner is None or worker.pk == partner.pk:
                raise ValidationError(_("Choose two team members: one from each level."))
            today = timezone.localdate()
            workers = [
                (_current_member(team, worker, today), outcome == Decision.Outcome.SHOULDER),
                (_current_member(team, partner, today), False),
            ]
            _check_pairing(
                mode=outcome,
                treatment_service=treatment if outcome == Decision.Outcome.SHOULDER else None,
                workers=workers,
            )
            if locked.person is not None and _person_in_open_case_other(team, locked):
                raise ValidationError(_("The team already has an open case for this person."))
        decision = create_recorded(
            actor=actor,
            action="intake_decide",
            obj=Decision(
                referral=locked,
                outcome=outcome,
                reason=reason.strip(),
                advice=advice.strip(),
                meeting=meeting,
                decided_by=actor,
            ),
            fields=["referral_id", "outcome", "meeting_id"],
        )
        locked.status = Referral.Status.DECIDED
        locked.version += 1
        if treatment is not None and locked.treatment_service_id != treatment.pk:
            locked.treatment_service = treatment
        locked.save(update_fields=["status", "version", "treatment_service"])
        if opens_case:
            case = create_recorded(
                actor=actor,
                action="case_open",
                obj=Case(
                    team=team,
                    referral=locked,
                    mode=outcome,
                    treatment_service=treatment if outcome == Decision.Outcome.SHOULDER else None,
                ),
                fields=["team_id", "referral_id", "mode", "treatment_service_id"],
            )
            for member, shoulder in workers:
                _add_worker(actor, case, member, shoulder, reason.strip())
        # notify: referral_decided (the referrer sees the decision and the advice)
    return decision


def _person_in_open_case_other(team: CrossLevelTeam, referral: Referral) -> bool:
    return (
        Case.objects.filter(team=team, referral__person=referral.person, status=Case.Status.OPEN)
        .exclude(referral=referral)
        .exists()
    )


def _case_workers(case: Case) -> list[tuple[Secondment, bool]]:
    return [
        (w.member, w.shoulder)
        for w in CaseWorker.objects.current()
        .filter(case=case)
        .select_related("member__membership", "member__home_service")
    ]


def _lock_case(case: Case) -> Case:
    locked = (
        Case.objects.select_for_update(of=("self",))
        .select_related("team", "treatment_service", "referral__person")
        .get(pk=case.pk)
    )
    return locked


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
        # notify: case_handoff (the receiving service's staff)
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


# --- The board --------------------------------------------------------------------------


def board_add(
    *, actor: Actor, case: Case, reason: str, next_step: str, next_step_by: Secondment
) -> BoardEntry:
    """The person comes onto the board for intensive follow-up."""
    _require(works_in_team(actor, case.team))
    errors = {}
    if not reason.strip():
        errors["reason"] = _("Write why the person needs near-daily follow-up now.")
    if not next_step.strip():
        errors["next_step"] = _("Write what happens before the next meeting.")
    if errors:
        raise ValidationError(errors)
    with transaction.atomic():
        locked = _lock_case(case)
        if locked.status != Case.Status.OPEN:
            raise ValidationError(_("The case is closed."))
        _current_member(locked.team, next_step_by, timezone.localdate())
        if BoardEntry.objects.filter(case=locked, came_off__isnull=True).exists():
            raise ValidationError(_("The person is already on the board."))
        # notify: board_on (the case's workers)
        return create_recorded(
            actor=actor,
            action="board_add",
            obj=BoardEntry(
                case=locked,
                reason=reason.strip(),
                next_step=next_step.strip(),
                next_step_by=next_step_by,
            ),
            fields=["case_id", "next_step_by_id", "came_on"],
        )


def board_remove(*, actor: Actor, entry: BoardEntry, reason: str) -> BoardEntry:
    """The person comes off the board; the entry stays as history."""
    _require(works_in_team(actor, entry.case.team))
    if not reason.strip():
        raise ValidationError({"off_reason": _("Write why the person comes off the board.")})
    with transaction.atomic():
        locked = BoardEntry.objects.select_for_update().get(pk=entry.pk)
        if locked.came_off is not None:
            raise ValidationError(_("The person is already off the board."))
        locked.came_off = timezone.localdate()
        locked.off_reason = reason.strip()
        locked.version += 1
        locked.save(update_fields=["came_off", "off_reason", "version"])
        change_record(
            actor=actor,
            action="board_remove",
            obj=locked,
            before=None,
            after={"came_off": str(locked.came_off)},
        )
    return locked


# --- Consultation and guidance ----------------------------------------------------------


def consultation_add(
    *,
    actor: Actor,
    team: CrossLevelTeam,
    direction: str,
    service: Service,
    topic: str,
    minutes: int,
    on: dt.date,
) -> Consultation:
    """Guidance given to or received from a service. The topic names no person."""
    _require(works_in_team(actor, team))
    if service.level not in pairing.LEVELS:
        raise ValidationError({"service": _("Choose a municipal or specialist service.")})
    with transaction.atomic():
        return create_recorded(
            actor=actor,
            action="consultation_add",
            obj=Consultation(
                team=team,
                direction=direction,
                service=service,
                topic=topic.strip(),
                minutes=minutes,
                on=on,
                recorded_by=actor,
            ),
            fields=["team_id", "direction", "service_id", "minutes", "on"],
        )
