"""Writes to what a meeting produces: anonymised cases (through the identifier guard),
decisions and actions, minutes and their approval, comments and evaluations. Split from
meetings.services by sub-domain; meetings.services re-exports every name, so callers keep
`services.case_add` and the like."""

from __future__ import annotations

import datetime as dt
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
from laget.directory.models import Membership, Service
from laget.meetings import guard
from laget.meetings.known_names import known_person_names
from laget.meetings.models import (
    Case,
    Decision,
    Evaluation,
    EvaluationReceipt,
    Meeting,
    MinutesComment,
    Participant,
)
from laget.meetings.service_base import _access, _name
from laget.notifications.services import notify
from laget.plans import services as plan_services

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
