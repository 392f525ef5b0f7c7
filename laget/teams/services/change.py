"""Perceived change: the person's own view of their life, at intake and at follow-ups."""

from __future__ import annotations

import datetime as dt

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from laget.audit.services import create_recorded
from laget.core.types import Actor
from laget.teams.access import works_in_team
from laget.teams.models import CHANGE_SCALES, Case, PerceivedChange, Scale
from laget.teams.services.common import _lock_case, _require


def perceived_change_add(
    *,
    actor: Actor,
    case: Case,
    on: dt.date,
    life_situation: int,
    daily_functioning: int,
    mental_health: int,
    own_words: str,
    person_agreed: bool,
) -> PerceivedChange:
    """Record what the person says, with their agreement. The case's first rating is the
    one at intake; the change is measured from it."""
    _require(works_in_team(actor, case.team))
    values = {
        "life_situation": life_situation,
        "daily_functioning": daily_functioning,
        "mental_health": mental_health,
    }
    errors: dict[str, str] = {}
    for name in CHANGE_SCALES:
        if values[name] not in Scale.values:
            errors[name] = _("Choose one of the five answers, from very bad to very good.")
    if not person_agreed:
        errors["person_agreed"] = _(
            "Ask the person first. Their answers are recorded only if they agree."
        )
    if on > timezone.localdate():
        errors["on"] = _("The date cannot be in the future.")
    if errors:
        raise ValidationError(errors)
    with transaction.atomic():
        locked = _lock_case(case)
        if locked.status != Case.Status.OPEN:
            raise ValidationError(_("The case is closed."))
        if on < timezone.localdate(locked.opened_at):
            raise ValidationError({"on": _("The date cannot be before the case opened.")})
        return create_recorded(
            actor=actor,
            action="perceived_change_add",
            obj=PerceivedChange(
                case=locked,
                on=on,
                own_words=own_words.strip(),
                recorded_by=actor,
                **values,
            ),
            # The answers are the person's: the change log holds that they were recorded.
            fields=["case_id", "on"],
        )
