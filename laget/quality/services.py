"""Writes of the learning network (Samhandlingsutdanning): each change recorded in the
audit chain in the same transaction; refusals are Norwegian ValidationErrors."""

from __future__ import annotations

import datetime as dt
import math
from collections.abc import Iterable

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from laget.audit.services import change_record, create_recorded
from laget.core.types import Actor
from laget.directory.models import Membership, Network
from laget.quality.access import may_create_cohort, organises
from laget.quality.models import Assignment, Cohort, Group, Participant, Session

GROUP_SIZE = 6  # the seed's groups: about six, from different services and levels


def cohort_create(*, actor: Actor, network: Network, name: str, year: int) -> Cohort:
    if not may_create_cohort(actor, network):
        raise PermissionDenied
    with transaction.atomic():
        cohort = create_recorded(
            actor=actor,
            action="learning_cohort_create",
            obj=Cohort(network=network, name=name.strip(), year=year),
            fields=["network_id", "name", "year"],
        )
        cohort.organisers.add(actor)
    return cohort


def participants_add(
    *, actor: Actor, cohort: Cohort, memberships: Iterable[Membership], peer_workers: set[int]
) -> int:
    """Add professionals working in the network; returns how many were new."""
    if not organises(actor, cohort):
        raise PermissionDenied
    chosen = list(memberships)
    allowed = set(
        Membership.objects.active()
        .filter(service__organisation__networks=cohort.network, pk__in=[m.pk for m in chosen])
        .values_list("pk", flat=True)
    )
    if any(m.pk not in allowed for m in chosen):
        raise ValidationError(_("Choose only people who work in this network."))
    with transaction.atomic():
        have = set(cohort.participants.values_list("membership_id", flat=True))
        new = [
            Participant(
                cohort=cohort,
                membership=m,
                service_name=m.service.name,
                level=m.service.level,
                peer_worker=m.pk in peer_workers,
            )
            for m in chosen
            if m.pk not in have
        ]
        Participant.objects.bulk_create(new)
        change_record(
            actor=actor,
            action="learning_participants_add",
            obj=cohort,
            before=None,
            after={"added": len(new)},
        )
    return len(new)


def mixed_groups(
    participants: list[Participant], size: int = GROUP_SIZE
) -> list[list[Participant]]:
    """Deal the participants into groups so each group spreads over levels and services:
    sorted by level, service and peer work, then dealt in a snake (1..n, n..1, ...), so
    people from the same service land in different groups as long as there are groups
    enough. Pure: no database."""
    if not participants:
        return []
    n = max(1, math.ceil(len(participants) / size))
    ordered = sorted(participants, key=lambda p: (p.level, p.service_name, p.peer_worker, p.pk))
    groups: list[list[Participant]] = [[] for _ in range(n)]
    for i, p in enumerate(ordered):
        turn, pos = divmod(i, n)
        groups[pos if turn % 2 == 0 else n - 1 - pos].append(p)
    return groups


def groups_mix(*, actor: Actor, cohort: Cohort, size: int = GROUP_SIZE) -> int:
    """Mix the cohort's participants into new groups (the old grouping is replaced)."""
    if not organises(actor, cohort):
        raise PermissionDenied
    with transaction.atomic():
        Cohort.objects.select_for_update().filter(pk=cohort.pk).first()
        if Assignment.objects.filter(group__cohort=cohort).exists():
            # Mixing again would delete the groups and their members' accounts with them.
            raise ValidationError(
                _("The groups have case assignments, so they can no longer be mixed again.")
            )
        participants = list(cohort.participants.all())
        if len(participants) < 2:
            raise ValidationError(_("Add at least two participants before mixing groups."))
        dealt = mixed_groups(participants, size)
        Participant.objects.filter(cohort=cohort).update(group=None)
        cohort.groups.all().delete()
        groups = Group.objects.bulk_create(
            Group(cohort=cohort, number=i + 1) for i in range(len(dealt))
        )
        for group, members in zip(groups, dealt, strict=True):
            Participant.objects.filter(pk__in=[p.pk for p in members]).update(group=group)
        change_record(
            actor=actor,
            action="learning_groups_mix",
            obj=cohort,
            before=None,
            after={"groups": len(groups), "participants": len(participants)},
        )
    return len(groups)


def session_record(
    *, actor: Actor, cohort: Cohort, on: dt.date, topic: str, present: Iterable[Participant]
) -> Session:
    if not organises(actor, cohort):
        raise PermissionDenied
    present = list(present)
    if any(p.cohort_id != cohort.pk for p in present):
        raise ValidationError(_("Choose only participants in this cohort."))
    with transaction.atomic():
        session = create_recorded(
            actor=actor,
            action="learning_session_record",
            obj=Session(cohort=cohort, on=on, topic=topic.strip()),
            fields=["cohort_id", "on", "topic"],
        )
        session.present.set(present)
    return session
