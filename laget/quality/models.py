"""The quality app's own records: the learning network (Samhandlingsutdanning, seed 004
§1.1, §6.3.2). A yearly cohort of professionals from many services and both levels, peer
workers included, in groups mixed on purpose, meeting monthly with attendance recorded.

The indicators are counted from the other apps' rows; MonthlyFigure keeps those counts
per month (numbers only).
These records name professionals (their work, not their health); no person's data."""

from __future__ import annotations

import uuid

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils.translation import gettext_lazy as _

from laget.directory.models import SHORT_TEXT, Membership, Network


class Cohort(models.Model):
    network = models.ForeignKey(Network, on_delete=models.PROTECT, related_name="+")
    name = models.CharField(_("name"), max_length=SHORT_TEXT)
    year = models.PositiveSmallIntegerField(
        _("year"), validators=[MinValueValidator(2000), MaxValueValidator(2100)]
    )
    organisers = models.ManyToManyField(settings.AUTH_USER_MODEL, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)
    version = models.PositiveIntegerField(default=1)

    class Meta:
        ordering = ["-year", "name"]
        verbose_name = _("learning-network cohort")

    def __str__(self) -> str:
        return f"{self.name} {self.year}"


class Group(models.Model):
    cohort = models.ForeignKey(Cohort, on_delete=models.CASCADE, related_name="groups")
    number = models.PositiveSmallIntegerField()

    class Meta:
        ordering = ["number"]
        constraints = [
            models.UniqueConstraint(fields=["cohort", "number"], name="one_group_number")
        ]

    def __str__(self) -> str:
        return f"{self.cohort_id}/{self.number}"


class Participant(models.Model):
    """A professional in a cohort, through their place in a service (its level and
    service stay true for the cohort even if they move later)."""

    cohort = models.ForeignKey(Cohort, on_delete=models.CASCADE, related_name="participants")
    membership = models.ForeignKey(Membership, on_delete=models.PROTECT, related_name="+")
    service_name = models.CharField(max_length=SHORT_TEXT)
    level = models.CharField(max_length=16)
    peer_worker = models.BooleanField(_("peer worker"), default=False)
    group = models.ForeignKey(
        Group, on_delete=models.SET_NULL, null=True, blank=True, related_name="members"
    )

    class Meta:
        ordering = ["pk"]
        constraints = [
            models.UniqueConstraint(fields=["cohort", "membership"], name="in_cohort_once")
        ]

    def __str__(self) -> str:
        return f"{self.cohort_id}: {self.membership_id}"


class Session(models.Model):
    cohort = models.ForeignKey(Cohort, on_delete=models.CASCADE, related_name="sessions")
    on = models.DateField(_("date"))
    topic = models.CharField(_("topic"), max_length=SHORT_TEXT)
    present = models.ManyToManyField(Participant, related_name="sessions_attended", blank=True)

    class Meta:
        ordering = ["on", "pk"]

    def __str__(self) -> str:
        return f"{self.on} {self.topic}"


# --- Between the sessions: case assignments, ties across services, the evaluation.


class Assignment(models.Model):
    """A case a group takes home after a session and discusses at each member's workplace
    before the next. A learning record: a made-up or de-identified case, never a person's
    identifying data (the form says so)."""

    group = models.ForeignKey(Group, on_delete=models.CASCADE, related_name="assignments")
    after_session = models.ForeignKey(
        Session, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    title = models.CharField(_("title"), max_length=SHORT_TEXT)
    what = models.TextField(_("what to discuss"), max_length=2000)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    version = models.PositiveIntegerField(default=1)

    class Meta:
        ordering = ["created_at", "pk"]

    def __str__(self) -> str:
        return self.title


class AssignmentReport(models.Model):
    """One member's account: discussed at their workplace, when, with which service or
    team (not the names of the persons served), and what came of it."""

    assignment = models.ForeignKey(Assignment, on_delete=models.CASCADE, related_name="reports")
    participant = models.ForeignKey(Participant, on_delete=models.CASCADE, related_name="+")
    discussed_on = models.DateField(_("discussed on"))
    with_whom = models.CharField(_("discussed with (service or team)"), max_length=SHORT_TEXT)
    outcome = models.TextField(_("what came of it"), max_length=2000)
    version = models.PositiveIntegerField(default=1)

    class Meta:
        ordering = ["pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["assignment", "participant"], name="one_report_per_member"
            )
        ]

    def __str__(self) -> str:
        return f"{self.assignment_id}: {self.participant_id}"


class Phase(models.TextChoices):
    START = "start", _("at the start")
    END = "end", _("at the end")


class Tie(models.Model):
    """A participant says they know someone in (and would call) another service, at the
    start or at the end of the year: the graph of who knows whom across services."""

    participant = models.ForeignKey(Participant, on_delete=models.CASCADE, related_name="ties")
    phase = models.CharField(max_length=8, choices=Phase.choices)
    service_name = models.CharField(max_length=SHORT_TEXT)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["participant", "phase", "service_name"], name="one_tie_per_phase"
            )
        ]

    def __str__(self) -> str:
        return f"{self.participant_id} {self.phase} {self.service_name}"


class EvaluationAnswered(models.Model):
    """Who answered the cohort's evaluation. Never linked to what they answered."""

    cohort = models.ForeignKey(Cohort, on_delete=models.CASCADE, related_name="+")
    participant = models.ForeignKey(Participant, on_delete=models.CASCADE, related_name="+")

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["cohort", "participant"], name="evaluate_once")
        ]

    def __str__(self) -> str:
        return f"{self.cohort_id}: {self.participant_id}"


def _score() -> models.PositiveSmallIntegerField:
    return models.PositiveSmallIntegerField(validators=[MinValueValidator(1), MaxValueValidator(5)])


class EvaluationAnswer(models.Model):
    """What was answered, anonymous by construction: a random id, no time, no participant,
    no link to EvaluationAnswered (the surveys app's design)."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    cohort = models.ForeignKey(Cohort, on_delete=models.CASCADE, related_name="+")
    useful = _score()
    whom_to_call = _score()
    changed_practice = _score()
    comment = models.TextField(blank=True, max_length=1000)

    def __str__(self) -> str:
        return str(self.id)


class MonthlyFigure(models.Model):
    """One indicator's counts for one month in one scope (network, service, age group or
    municipality district):
    the numerator and the denominator, never a person's id. Closed months are written by
    `quality.figures.refresh` (nightly); the current month is kept here for a few minutes
    by the pages (quality.figures.read). Suppression applies when shown, not here."""

    indicator = models.CharField(max_length=64)
    # "<network id or ->/<service id or ->/<age group or ->[/<district id or unknown>]":
    # one key for the unique index (NULLs would not be equal in a unique constraint).
    scope = models.CharField(max_length=64)
    network = models.ForeignKey(
        Network, on_delete=models.CASCADE, null=True, blank=True, related_name="+"
    )
    service = models.ForeignKey(
        "directory.Service", on_delete=models.CASCADE, null=True, blank=True, related_name="+"
    )
    age_group = models.CharField(max_length=16, blank=True)
    # The district counted (None: no district breakdown, or "not recorded", see scope).
    district = models.ForeignKey(
        "directory.District", on_delete=models.CASCADE, null=True, blank=True, related_name="+"
    )
    month = models.DateField()
    numerator = models.FloatField()
    denominator = models.IntegerField()
    computed_at = models.DateTimeField()

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["scope", "month", "indicator"], name="one_figure_per_scope_month"
            )
        ]

    def __str__(self) -> str:
        return f"{self.indicator} {self.scope} {self.month:%Y-%m}"
