"""The FHIR R4 read API under /fhir/R4/ and the bulk export ($export, NDJSON).

A logged-in session reads it as the user it is; every read goes through interop.selectors
(the plan's own rules, one access-log entry per request). Errors are OperationOutcomes
with a Norwegian diagnosis that says what to do.
"""

from __future__ import annotations

import datetime as dt
import json
from typing import Any

from django.core.exceptions import PermissionDenied
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET

from laget.directory.models import Organisation

from . import resources as fhir
from . import selectors, services
from .access import parse_scopes, scope_allows
from .forms import SearchForm
from .models import ExportJob
from .tasks import run_export

FHIR_JSON = "application/fhir+json; charset=utf-8"
CORE = ("Patient", "CarePlan", "CareTeam", "Goal", "Task", "Organization")
SEARCHABLE = CORE + selectors.MORE_TYPES
READABLE = ("Patient", "CarePlan", "CareTeam", *selectors.OWN_ID)
# Types whose records carry a time they were last changed (or are never changed after it):
# only these take _lastUpdated. Patient, CareTeam, Goal, Task, Organization, RelatedPerson,
# PractitionerRole, HealthcareService and Appointment have no such time in Laget's tables.
LAST_UPDATED = ("CarePlan", "Communication", "Consent", "QuestionnaireResponse", "AuditEvent")


def _json(data: Any, status: int = 200, **headers: str) -> HttpResponse:
    response = HttpResponse(
        json.dumps(data, ensure_ascii=False), status=status, content_type=FHIR_JSON
    )
    for key, value in headers.items():
        response[key.replace("_", "-")] = value
    return response


def outcome(status: int, code: str, text: str) -> HttpResponse:
    return _json(
        {
            "resourceType": "OperationOutcome",
            "issue": [{"severity": "error", "code": code, "diagnostics": text}],
        },
        status=status,
    )


def _request_id(request: HttpRequest) -> str:
    return getattr(request, "request_id", "")


def fhir_view(view: Any) -> Any:
    """Log in first (401), refuse as OperationOutcomes, never a 500 for a missing id."""

    @require_GET
    def wrapped(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        header = request.META.get("HTTP_AUTHORIZATION", "")
        if header.startswith("Bearer "):
            token = services.token_for(header)
            if token is None:
                return outcome(
                    401, "login", _("The token is not valid: it is wrong, expired or revoked.")
                )
            # The token reads as its user (never a session: nothing is logged in).
            request.user = token.user
            request.fhir_token = token  # type: ignore[attr-defined]
        if not request.user.is_authenticated:
            return outcome(401, "login", _("Log in to Laget first."))
        try:
            return view(request, *args, **kwargs)
        except Http404:
            return outcome(404, "not-found", _("Not found, or not yours to see."))
        except PermissionDenied:
            return outcome(403, "forbidden", _("Your account may not do this."))

    wrapped.__name__ = view.__name__
    wrapped.__doc__ = view.__doc__
    return wrapped


def _scope_or_refuse(request: HttpRequest, resource_type: str, person_id: int | None) -> None:
    """A token reads only what its scopes name (checked before anything is read or logged);
    a session reads as its user."""
    token = getattr(request, "fhir_token", None)
    if token is None:
        return
    scopes = parse_scopes(token.scopes)
    if not any(kind in ("*", resource_type) for _context, kind in scopes):
        raise PermissionDenied  # the type is not in the token's scopes
    if person_id is None or not scope_allows(
        scopes, resource_type=resource_type, person_id=person_id, token_patient=token.patient_id
    ):
        raise Http404  # another patient's: as if not there (existence does not leak)


def _no_token(request: HttpRequest) -> None:
    """Tokens read; they do not export."""
    if getattr(request, "fhir_token", None) is not None:
        raise PermissionDenied


@require_GET
def metadata(request: HttpRequest) -> HttpResponse:
    """The CapabilityStatement: what this server offers (public, no personal data)."""
    read = [{"code": "read"}, {"code": "search-type"}]
    return _json(
        {
            "resourceType": "CapabilityStatement",
            "status": "active",
            "date": "2026-12-02",
            "kind": "instance",
            "software": {"name": "Laget"},
            "fhirVersion": "4.0.1",
            "format": ["application/fhir+json"],
            "rest": [
                {
                    "mode": "server",
                    "security": {
                        "description": "Laget session (ID-porten, HelseID or local login)."
                    },
                    "resource": [
                        {
                            "type": t,
                            "interaction": (read if t in READABLE else read[1:]),
                            "searchParam": [
                                {"name": "patient", "type": "reference"},
                                {"name": "_count", "type": "number"},
                                *(
                                    [{"name": "_lastUpdated", "type": "date"}]
                                    if t in LAST_UPDATED
                                    else []
                                ),
                            ],
                        }
                        for t in SEARCHABLE
                    ],
                    "operation": [
                        {
                            "name": "export",
                            "definition": "http://hl7.org/fhir/uv/bulkdata/OperationDefinition/group-export",
                        }
                    ],
                }
            ],
        }
    )


@fhir_view
def read(request: HttpRequest, resource_type: str, resource_id: int) -> HttpResponse:
    """One resource. Patient ids are persons; CarePlan and CareTeam ids are plans; the
    others in selectors.OWN_ID are their own rows, read through their plan's door (one
    access-log entry). One the actor's consents or the person's blocks hide is not found."""
    if resource_type not in READABLE:
        raise Http404
    if resource_type == "Patient":
        _scope_or_refuse(request, resource_type, resource_id)
        plan_id = selectors.person_plan_id(actor=request.user, person_id=resource_id)
    elif resource_type in ("CarePlan", "CareTeam"):
        plan_id = resource_id
    else:
        plan_id = selectors.plan_id_of(resource_type=resource_type, resource_id=resource_id)
    if resource_type != "Patient" and getattr(request, "fhir_token", None) is not None:
        _scope_or_refuse(request, resource_type, selectors.plan_person_id(plan_id))
    if resource_type in CORE:
        found = selectors.plan_resources(
            actor=request.user, plan_id=plan_id, request_id=_request_id(request)
        ).of_type(resource_type)
    else:
        found, _total = selectors.more_resources(
            actor=request.user,
            plan_id=plan_id,
            resource_type=resource_type,
            request_id=_request_id(request),
        )
    if resource_type in ("Patient", "CarePlan", "CareTeam"):
        return _json(found[0])
    wanted = str(resource_id)
    for resource in found:
        if resource["id"] == wanted:
            return _json(resource)
    raise Http404


@fhir_view
def search(request: HttpRequest, resource_type: str) -> HttpResponse:
    """Search by patient (required), paged with Bundle.link."""
    if resource_type not in SEARCHABLE:
        raise Http404
    form = SearchForm(request.GET)
    if not form.is_valid():
        first = next(iter(form.errors.values()))[0]
        return outcome(400, "value", str(first))
    patient, count, offset = form.page()
    updated = form.last_updated()
    if updated and resource_type not in LAST_UPDATED:
        return outcome(
            400,
            "not-supported",
            _("%(type)s cannot be searched by _lastUpdated: Laget does not keep when it changed.")
            % {"type": resource_type},
        )
    _scope_or_refuse(request, resource_type, patient)
    plan_id = selectors.person_plan_id(actor=request.user, person_id=patient)
    total: int | None = None
    if resource_type in CORE:
        found = selectors.plan_resources(
            actor=request.user, plan_id=plan_id, request_id=_request_id(request)
        )
        everything = found.of_type(resource_type)
    else:
        everything, total = selectors.more_resources(
            actor=request.user,
            plan_id=plan_id,
            resource_type=resource_type,
            request_id=_request_id(request),
            updated=updated,
            window=(offset, offset + count),
        )
    if total is not None:  # paged and filtered in the database
        page, everything = everything, []
    else:
        if updated:
            everything = [r for r in everything if _within(r, updated)]
        page = everything[offset : offset + count]
        total = len(everything)
    base = request.build_absolute_uri(request.path)
    query = request.GET.copy()
    query["_count"] = str(count)
    query["_offset"] = str(offset)
    links = {"self": f"{base}?{query.urlencode()}"}
    if offset + count < total:
        query["_offset"] = str(offset + count)
        links["next"] = f"{base}?{query.urlencode()}"
    result = fhir.bundle("searchset", page, links=links)
    result["total"] = total
    return _json(result)


COMPARE = {
    "gte": lambda a, b: a >= b,
    "gt": lambda a, b: a > b,
    "lte": lambda a, b: a <= b,
    "lt": lambda a, b: a < b,
}


def _within(resource: fhir.Resource, updated: list[tuple[str, dt.datetime]]) -> bool:
    stamp = resource.get("meta", {}).get("lastUpdated")
    if stamp is None:
        return False
    moment = dt.datetime.fromisoformat(stamp)
    return all(COMPARE[lookup](moment, bound) for lookup, bound in updated)


@fhir_view
def export_kickoff(request: HttpRequest, organisation_id: int) -> HttpResponse:
    """$export of every plan the organisation owns: 202 and a status URL."""
    _no_token(request)
    organisation = get_object_or_404(Organisation, pk=organisation_id)
    job = services.export_start(actor=request.user, organisation=organisation)
    # Off the request path (run at once by the immediate backend in development and tests).
    run_export.enqueue(job.pk, _request_id(request))
    status_url = request.build_absolute_uri(
        reverse("interop:export_status", kwargs={"job_id": job.pk})
    )
    return HttpResponse(status=202, headers={"Content-Location": status_url})


@fhir_view
def export_status(request: HttpRequest, job_id: int) -> HttpResponse:
    _no_token(request)
    job = selectors.export_job(actor=request.user, job_id=job_id)
    if job.status == ExportJob.Status.FAILED:
        return outcome(500, "exception", _("The export failed. Start it again."))
    if job.status != ExportJob.Status.DONE:
        return HttpResponse(
            status=202, headers={"X-Progress": f"{job.progress_percent} %", "Retry-After": "5"}
        )
    return _json(
        {
            "transactionTime": job.requested_at.isoformat(),
            "request": request.build_absolute_uri(
                reverse("interop:export_kickoff", kwargs={"organisation_id": job.organisation_id})
            ),
            "requiresAccessToken": True,
            "output": [
                {
                    "type": item["type"],
                    "count": item["count"],
                    "url": request.build_absolute_uri(
                        reverse(
                            "interop:export_file",
                            kwargs={"job_id": job.pk, "resource_type": item["type"]},
                        )
                    ),
                }
                for item in job.output
            ],
            "error": [],
        },
        status=200,
    )


@fhir_view
def export_file(request: HttpRequest, job_id: int, resource_type: str) -> FileResponse:
    _no_token(request)
    job = selectors.export_job(actor=request.user, job_id=job_id)
    if job.status != ExportJob.Status.DONE or resource_type not in services.EXPORT_TYPES:
        raise Http404
    path = services.export_dir(job) / f"{resource_type}.ndjson"
    if not path.exists():
        raise Http404
    return FileResponse(path.open("rb"), content_type="application/fhir+ndjson")
