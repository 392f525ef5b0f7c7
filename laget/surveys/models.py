"""Relational coordination survey rounds: who is invited, the anonymous answers, the agreed
actions and the cached analysis.

Anonymity by construction: an Invitation knows who was asked and whether they answered
(on which day); a Response knows what was answered and in which group, but has a random
id, no time and no link to the invitation. Resuming a half-finished response uses a
secret kept only in the respondent's browser. No join connects the two tables.
"""

from __future__ import annotations

import uuid

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from laget.directory.models import SHORT_TEXT, Network, Profession, Service
from laget.surveys.analysis import ABSOLUTE_MIN_N, DEFAULT_MIN_N


class Instrument(models.TextChoices):
    RC = "rc", _("relational coordination")
    PS = "ps", _("psychological safety")
    CAPACITY = "capacity", _("relational capacity")
    # The service-level user survey (brukerundersøkelse): persons rate the services.
    SERVICE = "service", _("user survey of the services")


class TextPack(models.Model):
    """Licensed wording imported by an administrator (built-in wording lives in code)."""

    instrument = models.CharField(max_length=16, choices=Instrument.choices)
    name = models.CharField(_("name"), max_length=SHORT_TEXT)
    language = models.CharField(max_length=8, default="nb")
    items = models.JSONField()
    scale = models.JSONField(default=dict)
    licence = models.TextField(blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    def __str__(self) -> str:
        return self.name


class Round(models.Model):
    class Kind(models.TextChoices):
        STAFF = "staff", _("relational coordination between services")
        # Persons served by the network's services answer; each group is a service.
        USERS = "users", _("user survey of the services")

    kind = models.CharField(max_length=8, choices=Kind.choices, default=Kind.STAFF)
    network = models.ForeignKey(Network, on_delete=models.PROTECT, related_name="survey_rounds")
    title = models.CharField(_("title"), max_length=SHORT_TEXT)
    opens = models.DateField(_("opens"))
    closes = models.DateField(_("closes"))
    min_n = models.PositiveSmallIntegerField(
        _("fewest answers before a result is shown"),
        default=DEFAULT_MIN_N,
        validators=[MinValueValidator(ABSOLUTE_MIN_N), MaxValueValidator(50)],
    )
    asks_rc = models.BooleanField(_("relational coordination"), default=True)
    asks_ps = models.BooleanField(_("psychological safety in one's own team"), default=True)
    asks_capacity = models.BooleanField(_("relational capacity"), default=True)
    rc_pack = models.ForeignKey(
        TextPack, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    previous = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.SET_NULL, related_name="next_rounds"
    )
    organisers = models.ManyToManyField(settings.AUTH_USER_MODEL, related_name="+")
    readers = models.ManyToManyField(settings.AUTH_USER_MODEL, related_name="+", blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    version = models.PositiveIntegerField(default=1)

    class Meta:
        ordering = ["-opens", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(closes__gte=models.F("opens")), name="round_closes_after_opening"
            ),
            models.CheckConstraint(
                condition=Q(min_n__gte=ABSOLUTE_MIN_N), name="round_min_n_at_least_3"
            ),
        ]

    def __str__(self) -> str:
        return self.title

    @property
    def status(self) -> str:
        today = timezone.localdate()
        if today < self.opens:
            return "planned"
        return "open" if today <= self.closes else "closed"

    @property
    def is_open(self) -> bool:
        return self.status == "open"

    @property
    def is_closed(self) -> bool:
        return self.status == "closed"


class WorkGroup(models.Model):
    """A group that rates and is rated: a service × profession, or a custom grouping
    such as "DPS outpatient clinic – psychologists"."""

    round = models.ForeignKey(Round, on_delete=models.CASCADE, related_name="groups")
    name = models.CharField(_("name"), max_length=SHORT_TEXT)
    service = models.ForeignKey(
        Service, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    profession = models.ForeignKey(
        Profession, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    position = models.PositiveSmallIntegerField(default=0)

    class Meta:
        ordering = ["position", "name"]
        constraints = [
            models.UniqueConstraint(fields=["round", "name"], name="group_name_once_per_round")
        ]

    def __str__(self) -> str:
        return self.name


class Invitation(models.Model):
    """Who was asked, and whether they answered. Never linked to their answers."""

    round = models.ForeignKey(Round, on_delete=models.CASCADE, related_name="invitations")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    nonce = models.CharField(max_length=32)  # the link is an HMAC of this (see services)
    token_hash = models.CharField(max_length=64, unique=True)
    sent_on = models.DateField(null=True, blank=True)
    reminded_on = models.DateField(null=True, blank=True)
    answered_on = models.DateField(null=True, blank=True)  # a day, not a time: no join by time

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["round", "user"], name="invited_once_per_round")
        ]

    def __str__(self) -> str:
        return f"{self.round_id}:{self.user_id}"


class Response(models.Model):
    """One respondent's answers, anonymous: a random id, no time, no invitation."""

    class Source(models.TextChoices):
        LAGET = "laget", _("answered in Laget")
        IMPORT = "import", _("imported from a file")

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    round = models.ForeignKey(Round, on_delete=models.CASCADE, related_name="responses")
    group = models.ForeignKey(
        WorkGroup, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    resume_hash = models.CharField(max_length=64, unique=True, null=True, blank=True)
    submitted = models.BooleanField(default=False)
    source = models.CharField(max_length=8, choices=Source.choices, default=Source.LAGET)

    def __str__(self) -> str:
        return str(self.id)


class Rating(models.Model):
    response = models.ForeignKey(Response, on_delete=models.CASCADE, related_name="ratings")
    instrument = models.CharField(max_length=16, choices=Instrument.choices)
    target = models.ForeignKey(
        WorkGroup, null=True, blank=True, on_delete=models.CASCADE, related_name="+"
    )
    item = models.CharField(max_length=32)
    value = models.PositiveSmallIntegerField(
        validators=[MinValueValidator(1), MaxValueValidator(5)]
    )

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["response", "instrument", "target", "item"],
                condition=Q(target__isnull=False),
                name="one_rating_per_tie_item",
            ),
            models.UniqueConstraint(
                fields=["response", "instrument", "item"],
                condition=Q(target__isnull=True),
                name="one_rating_per_team_item",
            ),
            models.CheckConstraint(condition=Q(value__gte=1, value__lte=5), name="rating_1_to_5"),
        ]

    def __str__(self) -> str:
        return f"{self.instrument}:{self.item}={self.value}"


class Action(models.Model):
    """What the network agreed to do about a weak tie: who, what, by when."""

    class Status(models.TextChoices):
        OPEN = "open", _("open")
        DONE = "done", _("done")

    round = models.ForeignKey(Round, on_delete=models.CASCADE, related_name="actions")
    rater = models.ForeignKey(WorkGroup, on_delete=models.CASCADE, related_name="+")
    target = models.ForeignKey(WorkGroup, on_delete=models.CASCADE, related_name="+")
    what = models.CharField(_("what we will do"), max_length=SHORT_TEXT * 2)
    who = models.CharField(_("who is responsible"), max_length=SHORT_TEXT)
    due = models.DateField(_("by when"))
    status = models.CharField(max_length=8, choices=Status.choices, default=Status.OPEN)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["due", "pk"]

    def __str__(self) -> str:
        return self.what


class Analysis(models.Model):
    """The cached result of a round's analysis, refreshed when the answers change."""

    round = models.OneToOneField(Round, on_delete=models.CASCADE, related_name="analysis")
    answers_seen = models.PositiveIntegerField(default=0)  # submitted responses analysed
    progress = models.PositiveSmallIntegerField(default=0)  # 0-100
    result = models.JSONField(null=True, blank=True)
    finished_at = models.DateTimeField(null=True, blank=True)
    # What was last queued, so a page polling for progress does not queue it again.
    queued_for = models.PositiveIntegerField(null=True, blank=True)
    queued_at = models.DateTimeField(null=True, blank=True)

    def __str__(self) -> str:
        return f"analysis {self.round_id}"
