"""Read endpoints for the directory under /api/v1/, with the same rules as the pages:
organisations, services and catalogue entries are public; staff lists need a professional."""

import datetime as dt

from django.core.exceptions import ObjectDoesNotExist
from django.http import Http404, HttpRequest
from ninja import Field, Query, Router, Schema
from ninja.pagination import paginate

from laget.core.pagination import BoundedPageNumberPagination
from laget.directory import selectors
from laget.directory.models import Service

router = Router(tags=["directory"])


class OrganisationOut(Schema):
    id: int
    name: str
    kind: str
    org_number: str


class CatalogueEntryOut(Schema):
    summary: str
    offer: str
    target_group: str
    how_to_refer: str
    opening_hours: str
    phone: str
    email: str
    address: str
    keywords: str
    version: int
    updated_at: dt.datetime


class ServiceOut(Schema):
    slug: str
    name: str
    level: Service.Level
    sector: Service.Sector
    area_served: str
    organisation: OrganisationOut


def _entry(service: Service):
    """The service's catalogue entry, or None: a new service may not have written one yet."""
    try:
        return service.entry
    except ObjectDoesNotExist:
        return None


class ServiceDetailOut(ServiceOut):
    entry: CatalogueEntryOut | None

    @staticmethod
    def resolve_entry(obj: Service):
        return _entry(obj)


class StaffOut(Schema):
    name: str
    profession: str
    title: str
    role: str
    position_percent: int


class ServiceFilter(Schema):
    q: str = Field("", max_length=200)
    level: Service.Level | None = None
    sector: Service.Sector | None = None
    organisation: int | None = None


@router.get("/organisations", response=list[OrganisationOut], auth=None)
@paginate(BoundedPageNumberPagination, page_size=100)
def list_organisations(request: HttpRequest):
    return selectors.organisation_list(actor=request.user)


@router.get("/organisations/{organisation_id}", response=OrganisationOut, auth=None)
def get_organisation(request: HttpRequest, organisation_id: int):
    return selectors.organisation_get(actor=request.user, organisation_id=organisation_id)


@router.get("/services", response=list[ServiceOut], auth=None)
@paginate(BoundedPageNumberPagination, page_size=50)
def list_services(request: HttpRequest, filters: Query[ServiceFilter]):
    return selectors.service_queryset(
        actor=request.user,
        filters=selectors.CatalogueFilters(
            q=filters.q,
            level=filters.level or "",
            sector=filters.sector or "",
            organisation_id=filters.organisation,
        ),
    )


@router.get("/services/{slug}", response=ServiceDetailOut, auth=None)
def get_service(request: HttpRequest, slug: str):
    return selectors.service_get(actor=request.user, slug=slug)


@router.get("/services/{slug}/catalogue-entry", response=CatalogueEntryOut, auth=None)
def get_catalogue_entry(request: HttpRequest, slug: str):
    entry = _entry(selectors.service_get(actor=request.user, slug=slug))
    if entry is None:
        raise Http404
    return entry


@router.get("/services/{slug}/staff", response=list[StaffOut], auth=None)
def get_staff(request: HttpRequest, slug: str):
    return [
        StaffOut(
            name=str(m.professional.user),
            profession=m.professional.profession.name,
            title=m.professional.title,
            role=m.role,
            position_percent=m.position_percent,
        )
        for m in selectors.service_staff(actor=request.user, slug=slug)
    ]
