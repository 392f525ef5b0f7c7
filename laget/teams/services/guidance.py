"""Consultation and guidance between the team and services of either level."""

import datetime as dt

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from laget.audit.services import create_recorded
from laget.core.types import Actor
from laget.directory.models import Service
from laget.teams import pairing
from laget.teams.access import works_in_team
from laget.teams.models import (
    Consultation,
    CrossLevelTeam,
)
from laget.teams.services.common import (
    _require,
)


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
