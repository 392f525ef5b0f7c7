"""Who sees the quality indicators: the one place this is decided.

Leaders and service administrators of a service in the network (the rule the continuity
figures and the surveys use: continuity.access.leads_in_network). They see counts and
rates only, never who the persons are. The definitions themselves hold no data: every
professional may read them.
"""

from __future__ import annotations

from laget.continuity.access import leads_in_network
from laget.core.types import Actor
from laget.directory.models import Network


def may_see_indicators(user: Actor, network: Network) -> bool:
    return leads_in_network(user, network)


def may_read_definitions(user: Actor) -> bool:
    return bool(user.is_authenticated and user.is_active and user.kind == "professional")


def may_create_cohort(user: Actor, network: Network) -> bool:
    """A learning-network cohort is set up by a leader in the network."""
    return leads_in_network(user, network)


def organises(user: Actor, cohort) -> bool:
    """Its organisers run a cohort: participants, groups, sessions. Nobody else sees it
    (the professionals' names and attendance are theirs to keep)."""
    if not user.is_authenticated or not user.is_active:
        return False
    return cohort.organisers.filter(pk=user.pk).exists()


def participations(user: Actor, cohort) -> list:
    """The user's places in the cohort (one per place of work they take part from; most
    have one). A participant records their own parts: their group's case assignments,
    their ties across services, the evaluation."""
    from laget.quality.models import Participant

    if not user.is_authenticated or not user.is_active:
        return []
    return list(
        Participant.objects.filter(cohort=cohort, membership__professional__user=user).order_by(
            "pk"
        )
    )


def may_work_on_group(*, organiser: bool, mine: list, group) -> bool:
    """A group's page and its case assignments: the cohort's organisers and the group's
    own members; nobody else (404)."""
    return organiser or any(p.group_id == group.pk for p in mine)


def may_see_graph(*, organiser: bool, mine: list) -> bool:
    """The graph counts services, not people: the organisers and every participant."""
    return organiser or bool(mine)


def may_list_own_cohorts(user: Actor) -> bool:
    """Every professional may list the cohorts they organise or take part in (their own)."""
    return may_read_definitions(user)
