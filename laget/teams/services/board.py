"""The board for intensive follow-up (FACT-board practice)."""

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from laget.audit.services import change_record, create_recorded
from laget.core.types import Actor
from laget.notifications.models import Kind
from laget.notifications.services import notify
from laget.teams.access import works_in_team
from laget.teams.models import (
    BoardEntry,
    Case,
    Secondment,
)
from laget.teams.services.common import (
    _current_member,
    _lock_case,
    _require,
)


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
        entry = create_recorded(
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
        # The case's workers and whoever does the next step.
        notify(event=Kind.BOARD_ON, actor=actor, target=entry)
        return entry


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
