"""What every write of the team shares: the locks, the refusals, the two rules checked
before saving (pairing.py), the joining of a worker to the person's plan."""

import datetime as dt

from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone
from django.utils.translation import gettext as _

from laget.audit.services import create_recorded
from laget.core.types import Actor
from laget.directory.models import Service
from laget.notifications.models import Kind
from laget.notifications.services import notify
from laget.plans.access import plan_access
from laget.plans.models import Plan, TeamMember
from laget.plans.services import team_member_add
from laget.teams import pairing
from laget.teams.access import member_of_team
from laget.teams.models import (
    Case,
    CaseWorker,
    Competence,
    CrossLevelTeam,
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


def flagged_cases(member: Secondment, day: dt.date) -> list[Case]:
    """The open cases `member` is on that the rules flag on `day` (after a change to the
    member): each is told to the team (CASE_FLAGGED). Three queries."""
    cases = list(
        Case.objects.filter(
            workers__member=member, workers__ended_at__isnull=True, status=Case.Status.OPEN
        )
        .select_related("team", "treatment_service")
        .distinct()
    )
    workers: dict[int, list[CaseWorker]] = {c.pk: [] for c in cases}
    for w in (
        CaseWorker.objects.current()
        .filter(case__in=cases)
        .select_related("member__membership", "member__home_service")
    ):
        workers[w.case_id].append(w)
    return [c for c in cases if c.flags(workers[c.pk], day)]


def tell_flagged(actor: Actor, cases: list[Case], key: str) -> None:
    for case in cases:
        notify(event=Kind.CASE_FLAGGED, actor=actor, target=case, key=key)
