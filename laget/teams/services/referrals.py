"""The open door and the weekly intake meeting: referrals, clarification, decisions."""

from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from laget.audit.services import change_record, create_recorded
from laget.core.types import Actor
from laget.directory.models import Service
from laget.meetings.models import Meeting
from laget.notifications.models import Kind
from laget.notifications.services import notify
from laget.plans.models import Person
from laget.teams.access import may_refer, works_in_team
from laget.teams.models import (
    Case,
    CrossLevelTeam,
    Decision,
    Referral,
    Secondment,
)
from laget.teams.services.common import (
    _add_worker,
    _check_pairing,
    _current_member,
    _lock_team,
    _require,
)


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
        created = create_recorded(
            actor=actor,
            action="referral_create",
            obj=referral,
            fields=["team_id", "source", "person_id", "treatment_service_id", "written"],
        )
        # The team's members; the notice names nobody.
        notify(event=Kind.REFERRAL_RECEIVED, actor=actor, target=created)
        return created


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
        # The referrer sees the decision and the advice (never the case).
        notify(event=Kind.REFERRAL_DECIDED, actor=actor, target=decision)
    return decision


def _person_in_open_case_other(team: CrossLevelTeam, referral: Referral) -> bool:
    return (
        Case.objects.filter(team=team, referral__person=referral.person, status=Case.Status.OPEN)
        .exclude(referral=referral)
        .exists()
    )
