"""Bulk export (FHIR Bulk Data $export): start a job, and run it off the request path.

The job writes one NDJSON file per resource type under MEDIA_ROOT/interop/exports/<id>/,
counting progress as it goes; every person whose plan is exported gets an access-log
entry (purpose export) in the batch that reads it.
"""

from __future__ import annotations

from pathlib import Path

from django.conf import settings
from django.core.exceptions import PermissionDenied
from django.utils import timezone

from laget.core.types import Actor
from laget.directory.models import Organisation
from laget.plans.models import Plan

from .access import may_bulk_export
from .models import ExportJob

EXPORT_TYPES = ["Patient", "CarePlan", "CareTeam", "Goal", "Task"]


def export_dir(job: ExportJob) -> Path:
    return Path(settings.MEDIA_ROOT) / "interop" / "exports" / str(job.pk)


def export_start(*, actor: Actor, organisation: Organisation) -> ExportJob:
    """A new export job; the caller queues interop.tasks.run_export for it."""
    if not may_bulk_export(actor, organisation):
        raise PermissionDenied
    job = ExportJob.objects.create(
        requested_by=actor,
        organisation=organisation,
        plans_total=Plan.objects.filter(owner=organisation).count(),
    )
    return job


def export_progress(job: ExportJob, *, status: str, plans_done: int | None = None) -> None:
    fields: dict[str, object] = {"status": status}
    if plans_done is not None:
        fields["plans_done"] = plans_done
    ExportJob.objects.filter(pk=job.pk).update(**fields)


def export_finish(job: ExportJob, *, counts: dict[str, int], plans_done: int) -> ExportJob:
    job.status = ExportJob.Status.DONE
    job.plans_done = plans_done
    job.output = [{"type": t, "count": counts[t]} for t in EXPORT_TYPES if counts.get(t)]
    job.finished_at = timezone.now()
    job.save(update_fields=["status", "plans_done", "output", "finished_at"])
    return job
