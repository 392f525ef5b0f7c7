"""The JSON API under /api/v1/ (django-ninja); OpenAPI 3 at /api/v1/openapi.json.

Authentication is the browser session (with its MFA rule); every domain app adds a router.
"""

from __future__ import annotations

from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from django.utils.translation import gettext as _
from ninja import NinjaAPI
from ninja.errors import ValidationError
from ninja.security import django_auth

from laget.continuity.api import router as continuity_router
from laget.directory.api import router as directory_router
from laget.meetings.api import router as meetings_router
from laget.plans.api import router as plans_router
from laget.plans.lifecycle_api import router as plan_lifecycle_router
from laget.surveys.api import router as surveys_router

api = NinjaAPI(
    title="Laget API",
    version="1",
    urls_namespace="api-v1",
    auth=django_auth,
    docs_url=None,  # Swagger UI needs inline script; the OpenAPI document is enough.
)
api.add_router("/", directory_router)
api.add_router("/", plans_router)
api.add_router("/", plan_lifecycle_router)
api.add_router("/", continuity_router)
api.add_router("/", meetings_router)
api.add_router("/", surveys_router)


@api.exception_handler(PermissionDenied)
def permission_denied(request: HttpRequest, exc: PermissionDenied) -> HttpResponse:
    if not request.user.is_authenticated:
        return api.create_response(request, {"detail": _("Log in to see this.")}, status=401)
    return api.create_response(
        request, {"detail": _("You do not have access to this.")}, status=403
    )


@api.exception_handler(Http404)
def not_found(request: HttpRequest, exc: Http404) -> HttpResponse:
    return api.create_response(request, {"detail": _("Not found.")}, status=404)


@api.exception_handler(ValidationError)
def invalid_input(request: HttpRequest, exc: ValidationError) -> HttpResponse:
    return api.create_response(
        request,
        {
            "detail": _("Some values in the request are not valid. See 'errors' for which."),
            "errors": exc.errors,
        },
        status=422,
    )
