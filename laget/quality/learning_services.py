"""Writes between the sessions: a group's case assignment and each member's account of it,
a participant's ties across services, and the cohort's anonymous evaluation. Each change
recorded in the audit chain in the same transaction; refusals are Norwegian
ValidationErrors; an edit based on an older version raises EditConflict."""

from __future__ import annotations

import datetime as dt

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from laget.audit.services import EditConflict, change_record, create_recorded, versioned_update
from laget.core.types import Actor
from laget.quality.access import may_work_on_group, organises, participations
from laget.quality.models import (
    Assignment,
    AssignmentReport,
    EvaluationAnswer,
    EvaluationAnswered,
    Group,
    Participant,
    Phase,
    Session,
    Tie,
)

SCORES = ("useful", "whom_to_call", "changed_practice")


def _may_work_on(actor: Actor, group: Group) -> None:
    cohort = group.cohort
    if not may_work_on_group(
        organiser=organises(actor, cohort), mine=participations(actor, cohort), group=group
    ):
        raise PermissionDenied


def assignment_create(
    *, actor: Actor, group: Group, title: str, what: str, after_session: Session | None = None
) -> Assignment:
    """An organiser or one of the group's members sets the group a case to take home."""
    _may_work_on(actor, group)
    if after_session is not None and after_session.cohort_id != group.cohort_id:
        raise ValidationError(_("Choose a session in this cohort."))
    with transaction.atomic():
        return create_recorded(
            actor=actor,
            action="learning_assignment_create",
            obj=Assignment(
                group=group,
                after_session=after_session,
                title=title.strip(),
                what=what.strip(),
                created_by=actor,
            ),
            fields=["group_id", "after_session_id", "title"],
        )


def assignment_edit(
    *, actor: Actor, assignment: Assignment, based_on_version: int, title: str, what: str
) -> Assignment:
    _may_work_on(actor, assignment.group)
    return versioned_update(
        actor=actor,
        queryset=Assignment.objects.all(),
        lookup={"pk": assignment.pk},
        based_on_version=based_on_version,
        data={"title": title, "what": what},
        action="learning_assignment_edit",
        record_fields=["title"],
    )


def report_save(
    *,
    actor: Actor,
    assignment: Assignment,
    based_on_version: int,
    discussed_on: dt.date,
    with_whom: str,
    outcome: str,
) -> AssignmentReport:
    """A member records that the case was discussed at their workplace and what came of
    it: only their own account (version 0: a new one)."""
    mine = participations(actor, assignment.group.cohort)
    me = next((p for p in mine if p.group_id == assignment.group_id), None)
    if me is None:
        raise PermissionDenied
    if discussed_on > timezone.localdate():
        raise ValidationError(_("The date the case was discussed cannot be in the future."))
    data = {"discussed_on": discussed_on, "with_whom": with_whom, "outcome": outcome}
    if based_on_version:
        return versioned_update(
            actor=actor,
            queryset=AssignmentReport.objects.filter(participant=me),
            lookup={"assignment": assignment},
            based_on_version=based_on_version,
            data=data,
            action="learning_report_edit",
            record_fields=["discussed_on", "with_whom"],
        )
    try:
        with transaction.atomic():
            return create_recorded(
                actor=actor,
                action="learning_report_create",
                obj=AssignmentReport(
                    assignment=assignment,
                    participant=me,
                    discussed_on=discussed_on,
                    with_whom=with_whom.strip(),
                    outcome=outcome.strip(),
                ),
                fields=["assignment_id", "discussed_on", "with_whom"],
            )
    except IntegrityError:
        # Saved from another tab or device meanwhile: show that, do not overwrite it.
        raise EditConflict(
            current=AssignmentReport.objects.get(assignment=assignment, participant=me)
        ) from None
    except ValidationError as exc:
        if AssignmentReport.objects.filter(assignment=assignment, participant=me).exists():
            raise EditConflict(
                current=AssignmentReport.objects.get(assignment=assignment, participant=me)
            ) from exc
        raise


def cohort_service_names(participants: list[Participant]) -> list[str]:
    return sorted({p.service_name for p in participants})


def my_ties_record(*, actor: Actor, me: Participant, phase: str, services: list[str]) -> int:
    """A participant says which other services in the cohort they know someone in and would
    call, at the start or at the end; the new answer replaces their old one for that
    phase. Returns how many services."""
    if me not in participations(actor, me.cohort):
        raise PermissionDenied
    if phase not in Phase.values:
        raise ValidationError(_("Choose the start or the end of the year."))
    allowed = set(
        Participant.objects.filter(cohort_id=me.cohort_id).values_list("service_name", flat=True)
    ) - {me.service_name}
    chosen = sorted(set(services))
    if any(s not in allowed for s in chosen):
        raise ValidationError(_("Choose only services in this cohort, other than your own."))
    with transaction.atomic():
        Participant.objects.select_for_update().filter(pk=me.pk).first()
        Tie.objects.filter(participant=me, phase=phase).delete()
        Tie.objects.bulk_create(Tie(participant=me, phase=phase, service_name=s) for s in chosen)
        change_record(
            actor=actor,
            action="learning_ties_record",
            obj=me,
            before=None,
            after={"phase": phase, "services": len(chosen)},
        )
    return len(chosen)


def evaluation_submit(
    *, actor: Actor, me: Participant, scores: dict[str, int], comment: str
) -> None:
    """The participant's anonymous evaluation: who answered and what was answered go to two
    tables with nothing between them (no link, no time on the answer). Once per person."""
    mine = participations(actor, me.cohort)
    if me not in mine:
        raise PermissionDenied
    if EvaluationAnswered.objects.filter(participant__in=mine).exists():
        # Once per person, even one who takes part from two places.
        raise ValidationError(_("You have already answered the evaluation. Thank you!"))
    if set(scores) != set(SCORES) or any(not 1 <= v <= 5 for v in scores.values()):
        raise ValidationError(_("Answer every question with a number from 1 to 5."))
    try:
        with transaction.atomic():
            answered = EvaluationAnswered.objects.create(cohort_id=me.cohort_id, participant=me)
            EvaluationAnswer.objects.create(
                cohort_id=me.cohort_id, comment=comment.strip()[:1000], **scores
            )
            # The audit chain knows who answered, never what.
            change_record(
                actor=actor,
                action="learning_evaluation_answer",
                obj=answered,
                before=None,
                after=None,
            )
    except IntegrityError:
        raise ValidationError(_("You have already answered the evaluation. Thank you!")) from None
