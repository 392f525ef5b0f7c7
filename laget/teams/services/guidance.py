"""Consultation and guidance between the team and services of either level. The log names
no person: the topic goes through the identifier guard the anonymised forum cases use."""

from __future__ import annotations

import datetime as dt

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from laget.audit.services import create_recorded
from laget.core.types import Actor
from laget.directory.models import Service
from laget.meetings import guard
from laget.meetings.known_names import known_person_names
from laget.teams import pairing
from laget.teams.access import works_in_team
from laget.teams.models import Consultation, CrossLevelTeam, Referral
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
    _check_topic(team, topic)
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


def _check_topic(team: CrossLevelTeam, topic: str) -> None:
    """Refuse a topic that could point to a person: a name known to Laget or referred to the
    team, a first name and surname, a birth date, a national id, a phone number, an address."""
    if not topic.strip():
        raise ValidationError({"topic": _("Write what the guidance was about.")})
    names = [
        *known_person_names(),
        *Referral.objects.filter(team=team)
        .exclude(subject_name="")
        .values_list("subject_name", flat=True),
    ]
    found = guard.scan(topic, names)
    if found:
        raise ValidationError(
            {
                "topic": _(
                    "The topic must not point to a person. Take out %(found)s and write "
                    "what the guidance was about, for example «samarbeid ved utskriving»."
                )
                % {"found": ", ".join(f"«{f.text}»" for f in found)}
            }
        )
