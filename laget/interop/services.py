"""Bulk export (FHIR Bulk Data $export): start a job, and run it off the request path.

The job writes one NDJSON file per resource type under MEDIA_ROOT/interop/exports/<id>/,
counting progress as it goes; every person whose plan is exported gets an access-log
entry (purpose export) in the batch that reads it.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import secrets
from pathlib import Path

from allauth.mfa.utils import is_mfa_enabled
from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone
from django.utils.translation import gettext as _

from laget.core.types import Actor
from laget.directory.models import Organisation
from laget.plans.models import Person, Plan

from .access import may_bulk_export, parse_scopes
from .models import ApiToken, ExportJob

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


TOKEN_DAYS = 90


def _token_hash(raw: str) -> str:
    return hashlib.sha256(raw.encode()).hexdigest()


def token_create(
    *, user: Actor, label: str, scopes: str, patient: Person | None = None, days: int = TOKEN_DAYS
) -> tuple[ApiToken, str]:
    """A bearer token for the user (shown once; only its hash is kept). A professional must
    have two-factor login: the token stands in for a login."""
    try:
        parsed = parse_scopes(scopes)
    except ValueError as exc:
        raise ValidationError(
            _("Unknown scope %(scope)s. Use e.g. user/CarePlan.read or patient/*.read.")
            % {"scope": exc.args[0]}
        ) from exc
    if any(context == "patient" for context, _kind in parsed) and patient is None:
        raise ValidationError(_("A patient/ scope needs the patient the token is for."))
    if getattr(user, "requires_mfa", False) and not is_mfa_enabled(user):
        raise ValidationError(_("Set up two-factor login before you make a token."))
    if not 1 <= days <= 365:
        raise ValidationError(_("A token lasts from 1 to 365 days."))
    raw = secrets.token_urlsafe(32)
    token = ApiToken.objects.create(
        user=user,
        label=label[:100],
        token_hash=_token_hash(raw),
        scopes=" ".join(scopes.split()),
        patient=patient,
        expires_at=timezone.now() + dt.timedelta(days=days),
    )
    return token, raw


def token_for(header: str) -> ApiToken | None:
    """The live token named by an `Authorization: Bearer ...` header, or None."""
    raw = header.removeprefix("Bearer ").strip()
    if not raw or len(raw) > 200:
        return None
    return (
        ApiToken.objects.filter(
            token_hash=_token_hash(raw),
            revoked_at__isnull=True,
            expires_at__gt=timezone.now(),
            user__is_active=True,
        )
        .select_related("user")
        .first()
    )
