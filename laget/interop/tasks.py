"""The bulk export off the request path (django-tasks): read through the selector, which
logs every person, and write one NDJSON file per resource type."""

from __future__ import annotations

import json
import shutil

from django_tasks import task

from . import services
from .models import ExportJob
from .selectors import plans_for_export

PROGRESS_EVERY = 500


def export_run(*, job_id: int, request_id: str = "") -> ExportJob:
    job = ExportJob.objects.select_related("organisation", "requested_by").get(pk=job_id)
    services.export_progress(job, status=ExportJob.Status.RUNNING)
    folder = services.export_dir(job)
    shutil.rmtree(folder, ignore_errors=True)
    folder.mkdir(parents=True)
    counts = dict.fromkeys(services.EXPORT_TYPES, 0)
    files = {t: (folder / f"{t}.ndjson").open("w", encoding="utf-8") for t in counts}
    done = 0
    try:
        for _plan, resources in plans_for_export(
            job=job, actor=job.requested_by, request_id=request_id
        ):
            for resource in resources:
                kind = resource["resourceType"]
                files[kind].write(json.dumps(resource, ensure_ascii=False) + "\n")
                counts[kind] += 1
            done += 1
            if done % PROGRESS_EVERY == 0:
                services.export_progress(job, status=ExportJob.Status.RUNNING, plans_done=done)
    except Exception:
        services.export_progress(job, status=ExportJob.Status.FAILED)
        raise
    finally:
        for f in files.values():
            f.close()
    return services.export_finish(job, counts=counts, plans_done=done)


@task()
def run_export(job_id: int, request_id: str = "") -> int:
    return export_run(job_id=job_id, request_id=request_id).plans_done
