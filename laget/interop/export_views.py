"""Downloads people ask for: the plan as CSV/XLSX (plan_exports) and the person's own copy
as a ZIP (person_copy). Each goes through its selector: access checked there, one
access-log entry per download."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.views.decorators.http import require_http_methods

from . import person_copy, plan_exports

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def _request_id(request: HttpRequest) -> str:
    return getattr(request, "request_id", "")


def _download(content: bytes, content_type: str, filename: str) -> HttpResponse:
    response = HttpResponse(content, content_type=content_type)
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    response["Cache-Control"] = "private, no-store"
    return response


@login_required
@require_http_methods(["GET"])
def plan_csv(request: HttpRequest, plan_id: int) -> HttpResponse:
    sheets = plan_exports.plan_sheets(
        actor=request.user, plan_id=plan_id, request_id=_request_id(request)
    )
    return _download(plan_exports.as_csv(sheets), "text/csv; charset=utf-8", f"plan-{plan_id}.csv")


@login_required
@require_http_methods(["GET"])
def plan_xlsx(request: HttpRequest, plan_id: int) -> HttpResponse:
    sheets = plan_exports.plan_sheets(
        actor=request.user, plan_id=plan_id, request_id=_request_id(request)
    )
    return _download(plan_exports.as_xlsx(sheets), XLSX, f"plan-{plan_id}.xlsx")


@login_required
@require_http_methods(["GET"])
def my_copy(request: HttpRequest) -> HttpResponse:
    copy = person_copy.person_copy(actor=request.user, request_id=_request_id(request))
    return _download(
        person_copy.as_zip(copy, request=request), "application/zip", "laget-innsyn.zip"
    )
