"""The quality indicators under /api/v1/quality/: the same door and the same computation
as the leaders' page and `manage.py quality_report` (counts and rates only)."""

from __future__ import annotations

from django.http import Http404, HttpRequest
from ninja import Query, Router, Schema
from ninja.security import django_auth
from pydantic import Field

from laget.core.months import last_months
from laget.quality import selectors
from laget.quality.figures import report

router = Router(tags=["quality"], auth=django_auth)


class Period(Schema):
    months: int = Field(selectors.DEFAULT_MONTHS, ge=1, le=selectors.MAX_MONTHS)
    service: str = Field("", max_length=80)


@router.get("/quality/{slug}")
def get_quality_indicators(request: HttpRequest, slug: str, period: Query[Period]) -> dict:
    network = selectors.network_for_leader(actor=request.user, slug=slug)
    service = None
    if period.service:
        service = {s.slug: s for s in selectors.network_services(network)}.get(period.service)
        if service is None:
            raise Http404
    return {
        "network": network.slug,
        "service": service.slug if service else None,
        "indicators": report(network, last_months(period.months), service),
    }
