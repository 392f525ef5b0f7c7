"""Continuity: each service's involvement with a person as an episode on a timeline, and
hand-offs that must be accepted before the sending service lets go.

Personal data: read through continuity.selectors (which use the plan's door and log),
written through continuity.services.
"""

from __future__ import annotations

from django.conf import settings
from django.core.validators import MaxLengthValidator
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from laget.directory.models import Service
from laget.plans.models import Measure, Plan


class ServiceEpisode(models.Model):
    class Responsibility(models.TextChoices):
        RESPONSIBLE = "responsible", _("responsible")
        SUPPORTING = "supporting", _("supporting")

    plan = models.ForeignKey(Plan, on_delete=models.CASCADE, related_name="episodes")
    service = models.ForeignKey(Service, on_delete=models.PROTECT, related_name="+")
    responsibility = models.CharField(
        _("responsibility"), max_length=16, choices=Responsibility.choices
    )
    starts = models.DateField(_("from"))
    ends = models.DateField(_("to"), null=True, blank=True)
    # Why a responsible episode ended before another began: the recorded override.
    end_override_reason = models.CharField(max_length=300, blank=True)
    measures = models.ManyToManyField(Measure, blank=True, related_name="episodes")
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["starts", "pk"]
        verbose_name = _("service episode")
        verbose_name_plural = _("service episodes")
        constraints = [
            models.CheckConstraint(
                condition=Q(ends__isnull=True) | Q(ends__gte=models.F("starts")),
                name="episode_ends_after_start",
            )
        ]

    def __str__(self) -> str:
        return f"{self.service_id} {self.starts}–{self.ends or ''}"

    @property
    def responsible(self) -> bool:
        return self.responsibility == self.Responsibility.RESPONSIBLE


class Handoff(models.Model):
    """Service A asks service B to take over. B accepts (and its episode begins) or
    declines with a reason; until then A keeps the person."""

    class Status(models.TextChoices):
        REQUESTED = "requested", _("waiting for an answer")
        ACCEPTED = "accepted", _("accepted")
        DECLINED = "declined", _("declined")
        WITHDRAWN = "withdrawn", _("withdrawn")

    plan = models.ForeignKey(Plan, on_delete=models.CASCADE, related_name="handoffs")
    from_episode = models.ForeignKey(
        ServiceEpisode, on_delete=models.PROTECT, related_name="handoffs_out"
    )
    to_service = models.ForeignKey(Service, on_delete=models.PROTECT, related_name="+")
    summary = models.TextField(
        _("what the receiving service needs to know"),
        max_length=4000,
        validators=[MaxLengthValidator(4000)],
    )
    wanted_from = models.DateField(_("wanted from"))
    answer_by = models.DateField(_("answer by"))
    status = models.CharField(
        _("status"), max_length=16, choices=Status.choices, default=Status.REQUESTED
    )
    decline_reason = models.CharField(_("reason for declining"), max_length=500, blank=True)
    to_episode = models.OneToOneField(
        ServiceEpisode, on_delete=models.PROTECT, null=True, blank=True, related_name="handoff_in"
    )
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    requested_at = models.DateTimeField(default=timezone.now)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    decided_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-requested_at", "-pk"]
        verbose_name = _("hand-off")
        verbose_name_plural = _("hand-offs")

    def __str__(self) -> str:
        return f"{self.from_episode.service_id} → {self.to_service_id}"

    @property
    def overdue(self) -> bool:
        return self.status == self.Status.REQUESTED and self.answer_by < timezone.localdate()


class Perspective(models.Model):
    """How one participant sees the situation. Each new one keeps the earlier ones: the
    newest per author stands beside the others, so differences stay visible."""

    plan = models.ForeignKey(Plan, on_delete=models.CASCADE, related_name="perspectives")
    author = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    author_name = models.CharField(max_length=200)
    author_role = models.CharField(max_length=100)
    author_service = models.CharField(max_length=200, blank=True)
    is_person = models.BooleanField(default=False)
    situation = models.TextField(
        _("how I see the situation"), max_length=2000, validators=[MaxLengthValidator(2000)]
    )
    what_matters = models.TextField(
        _("what matters most"), max_length=2000, blank=True, validators=[MaxLengthValidator(2000)]
    )
    contribution = models.TextField(
        _("what I can contribute"),
        max_length=2000,
        blank=True,
        validators=[MaxLengthValidator(2000)],
    )
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-created_at", "-pk"]
        verbose_name = _("perspective")
        verbose_name_plural = _("perspectives")

    def __str__(self) -> str:
        return f"{self.author_name} {self.created_at:%Y-%m-%d}"


class AgreedPicture(models.Model):
    """The challenge picture the team agrees on, dated; earlier ones stay as history."""

    plan = models.ForeignKey(Plan, on_delete=models.CASCADE, related_name="agreed_pictures")
    text = models.TextField(
        _("the picture we agree on"), max_length=4000, validators=[MaxLengthValidator(4000)]
    )
    agreed_on = models.DateField(_("agreed on"))
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-agreed_on", "-pk"]
        verbose_name = _("agreed challenge picture")
        verbose_name_plural = _("agreed challenge pictures")

    def __str__(self) -> str:
        return f"{self.plan_id} {self.agreed_on}"


class ReminderState(models.Model):
    """What the reminders last saw for one coordinator: counts per plan and kind of work
    (plan ids and numbers, no names), and when a reminder last went out. Kept so the same
    news is not e-mailed every day (see continuity.reminders)."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+"
    )
    tally = models.JSONField(default=dict)
    last_sent = models.DateTimeField(null=True, blank=True)

    def __str__(self) -> str:
        return f"reminders for user {self.user_id}"
