"""Every read of the directory. Each selector takes the actor, applies the access rules and
loads what the page needs in a fixed number of queries, whatever the number of rows.

The directory holds no personal data about persons receiving help, so reads here are not
written to the access log; staff lists are shown to professionals only.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from functools import reduce
from operator import and_, or_

from django.conf import settings
from django.core.exceptions import PermissionDenied
from django.core.paginator import Page, Paginator
from django.db.models import Prefetch, Q, QuerySet
from django.http import Http404
from django.utils import timezone

from laget.accounts.models import User
from laget.core.types import Actor
from laget.directory.access import can_edit_catalogue_entry, can_manage_districts, can_view_staff
from laget.directory.models import District, Membership, Network, Organisation, Service

# Fields a keyword is looked for in: the service, its organisation and its catalogue text.
SEARCH_FIELDS = (
    "name",
    "organisation__name",
    "area_served",
    "entry__summary",
    "entry__offer",
    "entry__target_group",
    "entry__keywords",
)
MAX_SEARCH_WORDS = 8


@dataclass(frozen=True)
class CatalogueFilters:
    q: str = ""
    level: str = ""
    sector: str = ""
    organisation_id: int | None = None

    @property
    def words(self) -> list[str]:
        return self.q.split()[:MAX_SEARCH_WORDS]


def organisation_list(*, actor: Actor) -> QuerySet[Organisation]:
    """All organisations (the catalogue is public)."""
    return Organisation.objects.order_by("name")


def organisation_get(*, actor: Actor, organisation_id: int) -> Organisation:
    try:
        return Organisation.objects.get(pk=organisation_id)
    except Organisation.DoesNotExist as exc:
        raise Http404 from exc


def service_queryset(*, actor: Actor, filters: CatalogueFilters) -> QuerySet[Service]:
    """Active services matching every search word (in any text field) and the filters."""
    qs = Service.objects.filter(is_active=True).select_related("organisation", "entry")
    if filters.words:
        # Every word must match somewhere: "bolig rus" finds housing help for substance use.
        qs = qs.filter(
            reduce(
                and_,
                (
                    reduce(or_, (Q(**{f"{f}__icontains": word}) for f in SEARCH_FIELDS))
                    for word in filters.words
                ),
            )
        )
    if filters.level:
        qs = qs.filter(level=filters.level)
    if filters.sector:
        qs = qs.filter(sector=filters.sector)
    if filters.organisation_id:
        qs = qs.filter(organisation_id=filters.organisation_id)
    return qs.order_by("name", "pk")


def catalogue_search(
    *, actor: Actor, filters: CatalogueFilters, page_number: int | str = 1
) -> Page:
    """One page of matching services: a count query and a page query."""
    paginator = Paginator(
        service_queryset(actor=actor, filters=filters), settings.LAGET_CATALOGUE_PAGE_SIZE
    )
    return paginator.get_page(page_number)


def service_get(*, actor: Actor, slug: str) -> Service:
    try:
        return Service.objects.select_related("organisation", "entry").get(
            slug=slug, is_active=True
        )
    except Service.DoesNotExist as exc:
        raise Http404 from exc


def _staff_queryset(services: list[Service] | QuerySet[Service]) -> QuerySet[Membership]:
    """Active staff of the services, each with all of their active memberships
    (`professional.active_memberships`), so a cross-level team shows where its people
    come from. Two queries, whatever the number of people."""
    today = timezone.localdate()
    return (
        Membership.objects.active(today)
        .filter(service__in=services, professional__user__is_active=True)
        .select_related("professional__user", "professional__profession")
        .prefetch_related(
            Prefetch(
                "professional__memberships",
                queryset=Membership.objects.active(today)
                .select_related("service")
                .order_by("-position_percent"),
                to_attr="active_memberships",
            )
        )
        .order_by("professional__user__last_name", "professional__user__first_name")
    )


@dataclass
class ServicePage:
    service: Service
    staff: list[Membership] | None  # None: this actor may not see who works here
    can_edit: bool


def service_page(*, actor: Actor, slug: str) -> ServicePage:
    """A service with its catalogue entry, and its staff for professionals."""
    service = service_get(actor=actor, slug=slug)
    staff = list(_staff_queryset([service])) if can_view_staff(actor) else None
    return ServicePage(
        service=service, staff=staff, can_edit=can_edit_catalogue_entry(actor, service)
    )


def service_for_edit(*, actor: Actor, slug: str) -> Service:
    """The service whose entry the actor wants to edit; 403 unless they administer it."""
    service = service_get(actor=actor, slug=slug)
    if not can_edit_catalogue_entry(actor, service):
        raise PermissionDenied
    return service


def service_staff(*, actor: Actor, slug: str) -> list[Membership]:
    if not can_view_staff(actor):
        raise PermissionDenied
    return list(_staff_queryset([service_get(actor=actor, slug=slug)]))


def network_list(*, actor: Actor) -> QuerySet[Network]:
    return Network.objects.order_by("name")


@dataclass
class OrganisationGroup:
    organisation: Organisation
    services: list[tuple[Service, list[Membership]]] = field(default_factory=list)


@dataclass
class WhosWho:
    network: Network
    groups: list[OrganisationGroup]
    levels: dict[str, int]  # how many people work at each level, for the presentation round


def network_whos_who(*, actor: Actor, slug: str) -> WhosWho:
    """Everyone working in the network's services, by organisation and service.

    Three queries: the network, its services, their active memberships.
    """
    if not can_view_staff(actor):
        raise PermissionDenied
    try:
        network = Network.objects.get(slug=slug)
    except Network.DoesNotExist as exc:
        raise Http404 from exc
    services = list(
        Service.objects.filter(organisation__networks=network, is_active=True)
        .select_related("organisation")
        .order_by("organisation__name", "name")
    )
    by_service: dict[int, list[Membership]] = defaultdict(list)
    for membership in _staff_queryset(services):
        by_service[membership.service_id].append(membership)
    groups: dict[int, OrganisationGroup] = {}
    levels: dict[str, int] = defaultdict(int)
    for service in services:
        group = groups.setdefault(service.organisation_id, OrganisationGroup(service.organisation))
        group.services.append((service, by_service[service.pk]))
        levels[service.get_level_display()] += len(by_service[service.pk])
    return WhosWho(network=network, groups=list(groups.values()), levels=dict(levels))


@dataclass
class MyDirectory:
    memberships: list[Membership]
    networks: list[Network]


def my_directory(*, actor: Actor) -> MyDirectory:
    """The professional's own services and the networks they belong to (two queries)."""
    if not can_view_staff(actor):
        return MyDirectory(memberships=[], networks=[])
    memberships = list(
        Membership.objects.active(timezone.localdate())
        .filter(professional__user=actor)
        .select_related("service__organisation")
        .order_by("-position_percent")
    )
    networks = list(
        Network.objects.filter(organisations__services__memberships__in=[m.pk for m in memberships])
        .distinct()
        .order_by("name")
    )
    return MyDirectory(memberships=memberships, networks=networks)


def network_services(*, actor: Actor, network: Network) -> QuerySet[Service]:
    """The network's services that have someone working there now."""
    return (
        Service.objects.filter(
            organisation__networks=network,
            is_active=True,
            pk__in=Membership.objects.active().values("service_id"),
        )
        .select_related("organisation")
        .order_by("organisation__name", "name")
    )


def network_staff(
    *, actor: Actor, network: Network, services: QuerySet[Service] | None = None
) -> QuerySet[User]:
    """Professionals who work in the network now (an active membership in one of its
    services), or only in the given ones: to invite, or to name as readers or anchor
    persons. People who have left are not among them. For professionals only."""
    if not can_view_staff(actor):
        raise PermissionDenied
    memberships = Membership.objects.active().filter(service__organisation__networks=network)
    if services is not None:
        memberships = memberships.filter(service__in=services)
    return (
        User.objects.filter(
            kind=User.Kind.PROFESSIONAL,
            is_active=True,
            professional__memberships__in=memberships,
        )
        .distinct()
        .order_by("first_name", "last_name")
    )


def network_for_districts(*, actor: Actor, slug: str) -> tuple[Network, list[District]]:
    """The network and its districts, for its leaders; 404 for a network that does not
    exist, 403 for one this actor does not lead in (network names are public). District
    names name places, not persons: no access-log entry."""
    network = Network.objects.filter(slug=slug).first()
    if network is None:
        raise Http404
    if not can_manage_districts(actor, network):
        raise PermissionDenied
    return network, list(District.objects.filter(network=network))
