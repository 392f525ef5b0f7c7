"""Every read of the service-level user survey. Results only for those with a role in the
round (its organisers and readers, the network's leaders), only after it has closed, and
only per service with at least min_n respondents; a statement fewer answered is hidden
too. Persons reach only their own invitation."""

from __future__ import annotations

from dataclasses import dataclass

from django.db.models import Avg, Count, Q
from django.http import Http404

from laget.core.types import Actor
from laget.directory.models import Network
from laget.surveys.access import may_create_round, service_round_role
from laget.surveys.models import Invitation, Rating, Round, WorkGroup
from laget.surveys.textpacks import SERVICE, SERVICE_ITEMS


def user_round_or_404(*, actor: Actor, round_id: int, organiser: bool = False) -> tuple[Round, str]:
    round_ = (
        Round.objects.select_related("network").filter(pk=round_id, kind=Round.Kind.USERS).first()
    )
    role = service_round_role(actor, round_) if round_ else None
    if round_ is None or role is None or (organiser and role != "organiser"):
        raise Http404
    return round_, role


def user_rounds_for(*, actor: Actor) -> tuple[list[Round], list[Network]]:
    """The user surveys the actor may read, and the networks where they may start one."""
    if not actor.is_authenticated or actor.kind != "professional":
        return [], []
    networks = list(
        Network.objects.filter(
            organisations__services__memberships__professional__user=actor
        ).distinct()
    )
    leading = [n for n in networks if may_create_round(actor, n)]
    rounds = list(
        Round.objects.filter(
            Q(organisers=actor) | Q(readers=actor) | Q(network__in=leading),
            kind=Round.Kind.USERS,
        )
        .select_related("network")
        .distinct()
    )
    return rounds, leading


@dataclass
class UserRoundPage:
    round: Round
    role: str
    groups: list[WorkGroup]
    invited: int
    answered: int
    not_yet_told: int


def user_round_page(*, actor: Actor, round_id: int) -> UserRoundPage:
    round_, role = user_round_or_404(actor=actor, round_id=round_id)
    counts = Invitation.objects.filter(round=round_).aggregate(
        invited=Count("pk"),
        answered=Count("pk", filter=Q(answered_on__isnull=False)),
        untold=Count("pk", filter=Q(sent_on__isnull=True)),
    )
    return UserRoundPage(
        round=round_,
        role=role,
        groups=list(round_.groups.all()),
        invited=counts["invited"],
        answered=counts["answered"],
        not_yet_told=counts["untold"],
    )


@dataclass
class ItemResult:
    key: str
    n: int
    mean: float | None  # None: fewer than min_n answered this statement


@dataclass
class ServiceResult:
    name: str
    suppressed: bool  # fewer than min_n respondents rated the service: nothing shown
    n: int | None  # respondents, shown only when not suppressed
    items: list[ItemResult]


@dataclass
class UserResults:
    round: Round
    role: str
    ready: bool  # the round has closed
    invited: int
    answered: int
    services: list[ServiceResult]


def user_results(*, actor: Actor, round_id: int) -> UserResults:
    """Per service: respondents and the mean of each statement, from submitted answers.
    A constant number of queries, however many answers (pinned in the tests)."""
    round_, role = user_round_or_404(actor=actor, round_id=round_id)
    counts = Invitation.objects.filter(round=round_).aggregate(
        invited=Count("pk"), answered=Count("pk", filter=Q(answered_on__isnull=False))
    )
    services: list[ServiceResult] = []
    if round_.is_closed:
        submitted = Rating.objects.filter(
            response__round=round_, response__submitted=True, instrument=SERVICE
        )
        per_item = {
            (row["target_id"], row["item"]): (row["n"], row["mean"])
            for row in submitted.values("target_id", "item").annotate(
                n=Count("response_id", distinct=True), mean=Avg("value")
            )
        }
        per_service = dict(
            submitted.values("target_id")
            .annotate(n=Count("response_id", distinct=True))
            .values_list("target_id", "n")
        )
        for group in round_.groups.all():
            n = per_service.get(group.pk, 0)
            if n < round_.min_n:
                services.append(ServiceResult(group.name, True, None, []))
                continue
            items = []
            for key in SERVICE_ITEMS:
                item_n, mean = per_item.get((group.pk, key), (0, None))
                shown = item_n >= round_.min_n and mean is not None
                items.append(ItemResult(key, item_n, round(mean, 1) if shown else None))
            services.append(ServiceResult(group.name, False, n, items))
    return UserResults(
        round=round_,
        role=role,
        ready=round_.is_closed,
        invited=counts["invited"],
        answered=counts["answered"],
        services=services,
    )


def own_invitation(*, actor: Actor, invitation_id: int) -> Invitation:
    """The person's own invitation to a user survey; 404 for anyone else's."""
    if not actor.is_authenticated:
        raise Http404
    invitation = (
        Invitation.objects.select_related("round__network")
        .filter(pk=invitation_id, user=actor, round__kind=Round.Kind.USERS)
        .first()
    )
    if invitation is None:
        raise Http404
    return invitation


def own_open_invitations(*, actor: Actor) -> list[Invitation]:
    if not actor.is_authenticated or actor.kind != "person":
        return []
    return [
        i
        for i in Invitation.objects.select_related("round").filter(
            user=actor, round__kind=Round.Kind.USERS, answered_on__isnull=True
        )
        if i.round.is_open
    ]
