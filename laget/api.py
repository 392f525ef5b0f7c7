"""The JSON API under /api/v1/ (django-ninja); OpenAPI 3 at /api/v1/openapi.json.

Authentication is the browser session (with its MFA rule); every domain app adds a router.
"""

from __future__ import annotations

from typing import Any

from django.core.exceptions import PermissionDenied
from django.db import DataError, InterfaceError, OperationalError
from django.http import Http404, HttpRequest, HttpResponse
from django.utils.translation import gettext as _
from ninja import NinjaAPI
from ninja.errors import AuthenticationError, ValidationError
from ninja.openapi.schema import OpenAPISchema
from ninja.security import django_auth

from laget.continuity.api import router as continuity_router
from laget.core import resilience
from laget.directory.api import router as directory_router
from laget.meetings.api import router as meetings_router
from laget.notifications.api import router as notifications_router
from laget.outcomes.api import router as outcomes_router
from laget.plans.api import router as plans_router
from laget.plans.lifecycle_api import router as plan_lifecycle_router
from laget.quality.api import router as quality_router
from laget.surveys.api import router as surveys_router

# Every error Laget's API can answer with, on every operation, in one shape: {"detail": ...}
# (422 adds "errors"). Declared here once, so routes added later are documented too.
ERROR_RESPONSES = {
    "400": "The request contains characters or numbers Laget cannot accept.",
    "401": "Not logged in.",
    "403": "Logged in, but without access (or without two-factor login).",
    "404": "Not found, or not yours to see.",
    "405": "This address does not take that method.",
    "409": "Someone else changed it first; reload and try again.",
    "422": "A value in the request is not valid; 'errors' says which.",
    "503": "The database is unavailable for a moment; try again after Retry-After seconds.",
}
ERROR_SCHEMA = {
    "title": "Error",
    "type": "object",
    "properties": {
        "detail": {"type": "string"},
        "errors": {"type": "array", "items": {"type": "object"}},
    },
    "required": ["detail"],
}


class LagetAPI(NinjaAPI):
    def get_openapi_schema(
        self, *, path_prefix: str | None = None, path_params: dict[str, Any] | None = None
    ) -> OpenAPISchema:
        schema = super().get_openapi_schema(path_prefix=path_prefix, path_params=path_params)
        schema.setdefault("components", {}).setdefault("schemas", {})["Error"] = ERROR_SCHEMA
        error = {"application/json": {"schema": {"$ref": "#/components/schemas/Error"}}}
        for operations in schema["paths"].values():
            for operation in operations.values():
                responses = operation.setdefault("responses", {})
                # The web server's own refusal of an address too long to read (no JSON).
                responses.setdefault(
                    "414",
                    {
                        "description": "The address is too long.",
                        "content": {"text/html": {"schema": {"type": "string"}}},
                    },
                )
                for code, description in ERROR_RESPONSES.items():
                    responses.setdefault(code, {"description": description, "content": error})
                    if code == "503":
                        responses[code]["headers"] = {
                            "Retry-After": {"schema": {"type": "integer"}, "required": True}
                        }
        return schema


api = LagetAPI(
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
api.add_router("/", outcomes_router)
api.add_router("/", notifications_router)
api.add_router("/", quality_router)


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


@api.exception_handler(AuthenticationError)
def not_logged_in(request: HttpRequest, exc: AuthenticationError) -> HttpResponse:
    return api.create_response(request, {"detail": _("Log in to see this.")}, status=401)


@api.exception_handler(DataError)
@api.exception_handler(OverflowError)
def value_out_of_range(request: HttpRequest, exc: Exception) -> HttpResponse:
    # The last line of defence: a value the database cannot hold (the input guard and the
    # schemas' bounds catch what they can first).
    return api.create_response(
        request,
        {"detail": _("A value in the request is too large or not valid. Check it and try again.")},
        status=422,
    )


@api.exception_handler(OperationalError)
@api.exception_handler(InterfaceError)
def database_unavailable(request: HttpRequest, exc: Exception) -> HttpResponse:
    return resilience.unavailable(request)
