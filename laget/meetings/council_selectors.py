"""Every read of the user councils. A council holds no person's health data: everyone
working in the network sees it (as its forums), and so do its own members; the members'
e-mail addresses only those who run it (leaders and service administrators)."""

from __future__ import annotations

from dataclasses import dataclass

from django.http import Http404
from django.utils import timezone

from laget.core.types import Actor
from laget.directory.models import Network
from laget.meetings.access import may_run_council, may_see_forum, works_in_network
from laget.meetings.models import CouncilMember, Forum, Meeting


@dataclass
class NetworkCouncils:
    network: Network
    councils: list[Forum]
    may_run: bool


def network_councils(*, actor: Actor, slug: str) -> NetworkCouncils:
    network = Network.objects.filter(slug=slug).first()
    if network is None or not works_in_network(actor, network):
        raise Http404
    councils = list(Forum.objects.filter(network=network, kind=Forum.Kind.COUNCIL))
    return NetworkCouncils(network, councils, may_run_council(actor, network))


@dataclass
class CouncilPage:
    council: Forum
    members: list[CouncilMember]  # current members
    former: list[CouncilMember]
    upcoming: list[Meeting]
    held: list[Meeting]  # the last ten, newest first
    may_run: bool  # add and end members (and see e-mail addresses)
    may_schedule: bool  # an anchor person: schedules meetings on the forum page


def council_page(*, actor: Actor, council_id: int) -> CouncilPage:
    council = (
        Forum.objects.select_related("network")
        .filter(pk=council_id, kind=Forum.Kind.COUNCIL)
        .first()
    )
    if council is None or not may_see_forum(actor, council):
        raise Http404
    rows = list(council.members.select_related("user").order_by("joined_on", "pk"))
    now = timezone.now()
    meetings = council.meetings.exclude(status=Meeting.Status.CANCELLED)
    return CouncilPage(
        council=council,
        members=[m for m in rows if m.left_on is None],
        former=[m for m in rows if m.left_on is not None],
        upcoming=list(meetings.filter(ends_at__gte=now).order_by("starts_at")[:5]),
        held=list(meetings.filter(ends_at__lt=now).order_by("-starts_at")[:10]),
        may_run=may_run_council(actor, council.network_id),
        may_schedule=council.anchors.filter(pk=actor.pk).exists(),
    )


def member_to_run(*, actor: Actor, member_id: int) -> CouncilMember:
    member = (
        CouncilMember.objects.select_related("forum__network", "user")
        .filter(pk=member_id, forum__kind=Forum.Kind.COUNCIL)
        .first()
    )
    if member is None or not may_run_council(actor, member.forum.network_id):
        raise Http404
    return member


def council_to_run(*, actor: Actor, council_id: int) -> Forum:
    council = (
        Forum.objects.select_related("network")
        .filter(pk=council_id, kind=Forum.Kind.COUNCIL)
        .first()
    )
    if council is None or not may_run_council(actor, council.network_id):
        raise Http404
    return council


def my_councils(*, actor: Actor) -> list[Forum]:
    """The user councils the actor sits on now."""
    if not actor.is_authenticated:
        return []
    return list(
        Forum.objects.filter(
            kind=Forum.Kind.COUNCIL, members__user=actor, members__left_on__isnull=True
        ).distinct()
    )
