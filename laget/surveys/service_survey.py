"""Every write to the service-level user survey (brukerundersøkelse, seed 004 §6.2.4):
persons served by the network's services rate each service that has helped them.

It is a survey round of its own kind (Round.Kind.USERS) and keeps the surveys' anonymity
by construction: the Invitation knows who was asked and on which day they answered; the
Response knows what was answered about which service (a Rating per service and item),
with a random id, no time and no link to the invitation; a half-finished answer is
resumed with a secret kept only in the person's browser. The person answers logged in,
through their own invitation (told by laget.notifications, the one path), not by a link.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from laget.accounts.models import User
from laget.audit.services import change_record, create_recorded
from laget.core.types import Actor
from laget.directory.models import Network, Service
from laget.notifications.services import notify
from laget.plans.models import Plan, TeamMember
from laget.surveys.access import ORGANISER, may_create_round, service_round_role
from laget.surveys.analysis import ABSOLUTE_MIN_N
from laget.surveys.models import Invitation, Rating, Response, Round, WorkGroup
from laget.surveys.services import _invitation, score, still_open, submit
from laget.surveys.textpacks import SERVICE, SERVICE_ITEMS


def served_users(*, services: Iterable[Service]) -> list[User]:
    """The accounts of persons with an active plan on which one of `services` is on the
    active team: who is asked. Used only to write invitations; nobody is shown the list."""
    ids = [s.pk for s in services]
    persons = TeamMember.objects.active().filter(
        service_id__in=ids, plan__status=Plan.Status.ACTIVE
    )
    return list(
        User.objects.filter(
            is_active=True,
            kind=User.Kind.PERSON,
            person__plans__in=persons.values("plan_id"),
        )
        .distinct()
        .order_by("pk")
    )


def user_round_create(
    *,
    actor: Actor,
    network: Network,
    title: str,
    opens: dt.date,
    closes: dt.date,
    services: list[Service],
    min_n: int = 5,
) -> Round:
    """A user survey for some of the network's services, organised by its creator. Every
    person with an active plan that one of the services is on is invited (once)."""
    if not may_create_round(actor, network):
        raise PermissionDenied
    if not title.strip():
        raise ValidationError({"title": _("Give the round a title.")})
    if closes < opens:
        raise ValidationError({"closes": _("The round must close on or after the day it opens.")})
    if min_n < ABSOLUTE_MIN_N:
        raise ValidationError(
            {
                "min_n": _("At least %(n)d answers are needed before a result is shown.")
                % {"n": ABSOLUTE_MIN_N}
            }
        )
    chosen = list({s.pk: s for s in services}.values())
    if not chosen:
        raise ValidationError({"services": _("Tick at least one service.")})
    in_network = set(
        Service.objects.filter(organisation__networks=network).values_list("pk", flat=True)
    )
    if any(s.pk not in in_network for s in chosen):
        raise ValidationError({"services": _("Choose services in this network.")})
    invitees = served_users(services=chosen)
    if not invitees:
        raise ValidationError(
            {"services": _("Nobody with an active plan gets help from these services yet.")}
        )
    names: dict[str, int] = {}
    with transaction.atomic():
        round_ = create_recorded(
            actor=actor,
            action="user_survey_round_create",
            obj=Round(
                kind=Round.Kind.USERS,
                network=network,
                title=title.strip(),
                opens=opens,
                closes=closes,
                min_n=min_n,
                asks_rc=False,
                asks_ps=False,
                asks_capacity=False,
                created_by=actor,
            ),
            fields=["kind", "network_id", "title", "opens", "closes", "min_n"],
        )
        round_.organisers.add(actor)
        groups = []
        for i, s in enumerate(sorted(chosen, key=lambda s: s.name)):
            # Two services may share a name (in two organisations); a group's is unique.
            names[s.name] = names.get(s.name, 0) + 1
            name = s.name if names[s.name] == 1 else f"{s.name} ({s.organisation.name})"
            groups.append(WorkGroup(round=round_, name=name, service=s, position=i))
        WorkGroup.objects.bulk_create(groups)
        Invitation.objects.bulk_create(_invitation(round_, u) for u in invitees)
        change_record(
            actor=actor,
            action="user_survey_invitations_create",
            obj=round_,
            before=None,
            after={"invited": len(invitees), "services": len(groups)},
        )
    return round_


def user_invitations_send(*, actor: Actor, round_: Round) -> int:
    """Tell those who have not answered that the survey waits for them (the first time,
    and once more on a later day as a reminder); never those who have. Returns how many."""
    if service_round_role(actor, round_) != ORGANISER:
        raise PermissionDenied
    if round_.is_closed:
        raise ValidationError(_("The round has closed."))
    today = timezone.localdate()
    with transaction.atomic():
        pending = list(
            Invitation.objects.select_for_update()
            .filter(round=round_, answered_on__isnull=True)
            .exclude(sent_on=today)
            .exclude(reminded_on=today)
            .select_related("user")
        )
        for invitation in pending:
            notify(event="user_survey", actor=actor, target=invitation, key=today.isoformat())
            if invitation.sent_on is None:
                invitation.sent_on = today
            else:
                invitation.reminded_on = today
        Invitation.objects.bulk_update(pending, ["sent_on", "reminded_on"])
        change_record(
            actor=actor,
            action="user_survey_invitations_send",
            obj=round_,
            before=None,
            after={"sent": len(pending)},
        )
    return len(pending)


def user_answers_save(
    *, invitation: Invitation, response: Response, answers: dict[tuple[int, str], Any]
) -> Response:
    """Save the person's answers so far: (service group id, item) → 1-5, or empty to leave
    it unanswered. Nothing is written unless every value is good."""
    round_ = invitation.round
    still_open(invitation, response)
    group_ids = set(WorkGroup.objects.filter(round=round_).values_list("pk", flat=True))
    keep, clear = [], []
    for (group_id, item), value in answers.items():
        if group_id not in group_ids or item not in SERVICE_ITEMS:
            raise ValidationError(_("The form was changed. Reload the page and try again."))
        if value in (None, ""):
            clear.append((group_id, item))
            continue
        keep.append((group_id, item, score(value)))
    with transaction.atomic():
        for group_id, item in clear:
            Rating.objects.filter(
                response=response, instrument=SERVICE, target_id=group_id, item=item
            ).delete()
        for group_id, item, number in keep:
            Rating.objects.update_or_create(
                response=response,
                instrument=SERVICE,
                target_id=group_id,
                item=item,
                defaults={"value": number},
            )
    return response


def user_response_submit(*, invitation: Invitation, response: Response) -> None:
    """Send: the response counts from now on and the invitation is marked answered (a day,
    not a time), in one transaction. A second send is refused and stores nothing."""

    def ready(current: Response) -> None:
        if not Rating.objects.filter(response=current, instrument=SERVICE).exists():
            raise ValidationError(_("Answer at least one statement about one service first."))

    submit(invitation=invitation, response=response, ready=ready)
