"""Bulk exports (FHIR Bulk Data $export): one row per requested export, its progress and
its output files (NDJSON under MEDIA_ROOT/interop/exports/<id>/, never served by URL
except through the status and file views, which check that the requester asks)."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from laget.directory.models import Organisation


class ExportJob(models.Model):
    class Status(models.TextChoices):
        QUEUED = "queued", _("queued")
        RUNNING = "running", _("running")
        DONE = "done", _("done")
        FAILED = "failed", _("failed")

    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    organisation = models.ForeignKey(Organisation, on_delete=models.PROTECT, related_name="+")
    status = models.CharField(max_length=16, choices=Status.choices, default=Status.QUEUED)
    plans_total = models.PositiveIntegerField(default=0)
    plans_done = models.PositiveIntegerField(default=0)
    # [{"type": "CarePlan", "count": 12}, ...] once done.
    output = models.JSONField(default=list)
    requested_at = models.DateTimeField(auto_now_add=True)
    finished_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("bulk export")
        verbose_name_plural = _("bulk exports")

    def __str__(self) -> str:
        return f"{self.organisation_id}/{self.pk}"

    @property
    def progress_percent(self) -> int:
        return 100 if not self.plans_total else int(100 * self.plans_done / self.plans_total)


class ApiToken(models.Model):
    """A bearer token for the FHIR read API with SMART-style scopes (`user/CarePlan.read`,
    `patient/*.read`). Only its SHA-256 is stored; it reads as its user, never more than the
    user may, and never more than its scopes. `patient/` scopes need `patient`: the token
    reads only that person's records."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    label = models.CharField(_("name"), max_length=100)
    token_hash = models.CharField(max_length=64, unique=True)
    scopes = models.CharField(max_length=500)
    patient = models.ForeignKey(
        "plans.Person", on_delete=models.CASCADE, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    expires_at = models.DateTimeField()
    revoked_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("API token")
        verbose_name_plural = _("API tokens")

    def __str__(self) -> str:
        return f"{self.label} ({self.user_id})"
