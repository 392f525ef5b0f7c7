"""Ratings the person gives, session by session, and what a service sets for them.

A rating belongs to the person's plan (not to the service that asked): every service on
the team sees it under a consent in force for "outcome ratings" (plans.access).
"""

from __future__ import annotations

import uuid

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from laget.directory.models import SHORT_TEXT, Service
from laget.outcomes.instruments import INSTRUMENTS
from laget.plans.models import Plan


class Instrument(models.TextChoices):
    OUTCOME = "outcome", _("How life is going (outcome)")
    ALLIANCE = "alliance", _("How the help is working (alliance)")
    GROUP_ALLIANCE = "group_alliance", _("How the group is working (group alliance)")
    PHQ9 = "phq9", "PHQ-9"
    GAD7 = "gad7", "GAD-7"
    AUDIT = "audit", "AUDIT"
    AUDIT_C = "audit_c", "AUDIT-C"
    DUDIT = "dudit", "DUDIT"


if set(Instrument.values) != set(INSTRUMENTS):  # the choices follow the definitions
    raise RuntimeError("outcomes.models.Instrument and instruments.INSTRUMENTS differ")


class TextPack(models.Model):
    """Published or licensed wording imported by an administrator (built-in wording is in
    textpacks.py). The newest pack for an instrument and language is used."""

    instrument = models.CharField(max_length=16, choices=Instrument.choices)
    name = models.CharField(_("name"), max_length=SHORT_TEXT)
    language = models.CharField(max_length=8, default="nb")
    items = models.JSONField()
    scale = models.JSONField(default=dict)
    intro = models.TextField(blank=True)
    licence = models.TextField(blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    def __str__(self) -> str:
        return self.name


class ServiceSettings(models.Model):
    """What a service decides for its alerts."""

    service = models.OneToOneField(
        Service, on_delete=models.CASCADE, related_name="outcome_settings"
    )
    sessions_before_alert = models.PositiveSmallIntegerField(
        _("sessions without reliable improvement before an alert"), default=4
    )
    crisis_routine = models.TextField(_("the service's crisis routine"), blank=True)

    def __str__(self) -> str:
        return str(self.service)


class GroupSession(models.Model):
    """One session of a group a service runs. Each participant (a person with a plan on
    which the service may read the ratings) rates the group alliance; the rating belongs
    to the participant's own plan like every other."""

    service = models.ForeignKey(Service, on_delete=models.PROTECT, related_name="+")
    name = models.CharField(_("the group's name"), max_length=SHORT_TEXT)
    date = models.DateField(_("date"))
    participants = models.ManyToManyField(Plan, related_name="group_sessions")
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-date", "-pk"]

    def __str__(self) -> str:
        return f"{self.name} {self.date}"


class Rating(models.Model):
    """One completed instrument in one session: the answers as given and the total."""

    class Rater(models.TextChoices):
        PERSON = "person", _("the person")
        COLLATERAL = "collateral", _("someone close (collateral)")

    plan = models.ForeignKey(Plan, on_delete=models.PROTECT, related_name="ratings")
    service = models.ForeignKey(Service, on_delete=models.PROTECT, related_name="ratings")
    instrument = models.CharField(_("instrument"), max_length=16, choices=Instrument.choices)
    session = models.PositiveSmallIntegerField(_("session"))
    date = models.DateField(_("date"))
    rater = models.CharField(max_length=16, choices=Rater.choices, default=Rater.PERSON)
    rater_name = models.CharField(_("who rated"), max_length=SHORT_TEXT, blank=True)
    answers = models.JSONField()
    total = models.DecimalField(max_digits=4, decimal_places=1)
    # PHQ-9 item 9 above zero: the service's crisis routine at once.
    risk = models.BooleanField(default=False)
    # A group alliance rating: the group session it is about.
    group_session = models.ForeignKey(
        GroupSession, null=True, blank=True, on_delete=models.PROTECT, related_name="ratings"
    )
    # Set by the form when it is first shown: a resent form stores nothing twice.
    client_key = models.UUIDField(unique=True, default=uuid.uuid4)
    entered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["date", "session", "pk"]
        indexes = [models.Index(fields=["plan", "instrument", "date"])]
        constraints = [
            models.UniqueConstraint(
                fields=["plan", "service", "instrument", "session", "rater", "rater_name"],
                name="one_rating_per_session_and_rater",
            ),
            models.CheckConstraint(
                condition=Q(total__gte=0) & Q(total__lte=44), name="rating_total_in_range"
            ),
            models.UniqueConstraint(
                fields=["group_session", "plan", "rater", "rater_name"],
                condition=Q(group_session__isnull=False),
                name="one_group_rating_per_participant",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.instrument} {self.session}"


class RatingLink(models.Model):
    """A personal link for rating at home: one session, used once. Only its hash is kept."""

    plan = models.ForeignKey(Plan, on_delete=models.CASCADE, related_name="rating_links")
    service = models.ForeignKey(Service, on_delete=models.CASCADE, related_name="+")
    instrument = models.CharField(max_length=16, choices=Instrument.choices)
    session = models.PositiveSmallIntegerField()
    token_hash = models.CharField(max_length=64, unique=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT)
    created_at = models.DateTimeField(auto_now_add=True)
    expires_at = models.DateTimeField()
    used_at = models.DateTimeField(null=True, blank=True)

    def __str__(self) -> str:
        return f"link {self.pk}"
