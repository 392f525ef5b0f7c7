"""Who may do what with a survey round: the one place these decisions live.

- A round is created by a leader or service administrator in the network.
- Its organisers manage it (invitations, settings, imports, actions) and read results;
  its readers read results. Nobody else sees anything of it.
- Respondents reach only their own answering page, through their personal link; they
  never see results (unless they also hold a role in the round).
- Results exist only once the round has closed: watching results change as single
  answers arrive would give those answers away.
"""

from __future__ import annotations

from django.db.models import Exists, OuterRef, QuerySet

from laget.continuity.access import leads_in_network
from laget.core.types import Actor
from laget.directory.models import Network
from laget.surveys.models import Round

ORGANISER, READER = "organiser", "reader"


def may_create_round(user: Actor, network: Network) -> bool:
    return leads_in_network(user, network)


def with_roles(rounds: QuerySet[Round], user_id: int) -> QuerySet[Round]:
    """The rounds, each with whether the user organises it or reads it: in the same query
    as the round, not two more after it (see role_of)."""
    return rounds.annotate(
        is_organiser=Exists(
            Round.organisers.through.objects.filter(round_id=OuterRef("pk"), user_id=user_id)
        ),
        is_reader=Exists(
            Round.readers.through.objects.filter(round_id=OuterRef("pk"), user_id=user_id)
        ),
    )


def role_of(user: Actor, round_: Round) -> str | None:
    """round_role for a round read through with_roles."""
    if not user.is_authenticated or not user.is_active:
        return None
    if round_.is_organiser:  # type: ignore[attr-defined]
        return ORGANISER
    if round_.is_reader:  # type: ignore[attr-defined]
        return READER
    return None


def round_role(user: Actor, round_: Round) -> str | None:
    if not user.is_authenticated or not user.is_active:
        return None
    if round_.organisers.filter(pk=user.pk).exists():
        return ORGANISER
    if round_.readers.filter(pk=user.pk).exists():
        return READER
    return None


def service_round_role(user: Actor, round_: Round) -> str | None:
    """A user survey of the services: its organisers manage it; its readers and every
    leader or service administrator in the network read the results (counts and means
    per service only). Persons answer through their own invitation, never see results."""
    if round_.kind != Round.Kind.USERS:
        return None
    role = round_role(user, round_)
    if role is not None:
        return role
    return READER if leads_in_network(user, round_.network) else None
