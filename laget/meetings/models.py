"""Meetings that move the plan: responsibility-group meetings around one person, recurring
cross-service forums in a network, and a generic kind for later work.

A meeting about a person (it has a plan) is personal data: it is read only through
meetings.selectors, which use the plan's access rules and write the plan's access log.
Forum meetings hold no personal data (cases are anonymised, checked by guard.py), but
only professionals in the network see them.
"""

from __future__ import annotations

import secrets
import uuid

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from laget.directory.models import SHORT_TEXT, Network, Service, long_text
from laget.plans.models import Plan, Task


class Kind(models.TextChoices):
    GROUP = "group", _("responsibility-group meeting")
    FORUM = "forum", _("cross-service forum")
    GENERIC = "generic", _("meeting")


class AgendaTemplate(models.Model):
    """The points a new meeting starts with, one per line; edited by professionals."""

    name = models.CharField(_("name"), max_length=SHORT_TEXT)
    kind = models.CharField(_("kind"), max_length=16, choices=Kind.choices)
    items = long_text(_("agenda points, one per line"))
    is_default = models.BooleanField(_("default for its kind"), default=False)
    version = models.PositiveIntegerField(default=1)

    class Meta:
        ordering = ["kind", "name"]
        verbose_name = _("agenda template")
        constraints = [
            models.UniqueConstraint(
                fields=["kind"], condition=Q(is_default=True), name="one_default_agenda_per_kind"
            )
        ]

    def __str__(self) -> str:
        return self.name

    @property
    def points(self) -> list[str]:
        return [line.strip() for line in self.items.splitlines() if line.strip()]


class Forum(models.Model):
    """A cross-service forum that meets again and again (seed 003): fixed anchor persons,
    one from each level, and rotating attendance. A user council (brukerråd, seed 004
    §6.2.4) is a forum of its own kind: its members are user representatives
    (CouncilMember), who see its meetings without working in the network."""

    class Kind(models.TextChoices):
        FORUM = "forum", _("cross-service forum")
        COUNCIL = "council", _("user council")

    kind = models.CharField(max_length=8, choices=Kind.choices, default=Kind.FORUM)
    network = models.ForeignKey(Network, on_delete=models.PROTECT, related_name="forums")
    name = models.CharField(_("name"), max_length=SHORT_TEXT)
    purpose = long_text(_("purpose"), blank=True)
    interval_weeks = models.PositiveSmallIntegerField(
        _("meets every (weeks)"), default=4, validators=[MinValueValidator(1)]
    )
    anchors = models.ManyToManyField(
        settings.AUTH_USER_MODEL, related_name="anchored_forums", verbose_name=_("anchor persons")
    )
    agenda_template = models.ForeignKey(
        AgendaTemplate, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["name"]
        verbose_name = _("forum")

    def __str__(self) -> str:
        return self.name


class Meeting(models.Model):
    class Status(models.TextChoices):
        PLANNED = "planned", _("planned")
        CANCELLED = "cancelled", _("cancelled")
        # A meeting whose time has passed without it taking place: kept with the reason
        # (a past meeting is never moved or cancelled after the fact).
        NOT_HELD = "not_held", _("not held")

    # The iCalendar UID: updates and cancellations reach calendars as the same event.
    uid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    kind = models.CharField(_("kind"), max_length=16, choices=Kind.choices)
    title = models.CharField(_("title"), max_length=SHORT_TEXT)
    plan = models.ForeignKey(
        Plan, on_delete=models.PROTECT, null=True, blank=True, related_name="meetings"
    )
    forum = models.ForeignKey(
        Forum, on_delete=models.PROTECT, null=True, blank=True, related_name="meetings"
    )
    network = models.ForeignKey(
        Network, on_delete=models.PROTECT, null=True, blank=True, related_name="meetings"
    )
    starts_at = models.DateTimeField(_("starts"))
    ends_at = models.DateTimeField(_("ends"))
    place = models.CharField(_("place"), max_length=SHORT_TEXT, blank=True)
    video_link = models.URLField(_("video link"), blank=True)
    status = models.CharField(max_length=16, choices=Status.choices, default=Status.PLANNED)
    not_held_reason = models.CharField(
        _("why the meeting was not held"), max_length=SHORT_TEXT * 2, blank=True
    )
    organiser = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    chair = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("chair"),
    )
    # iCalendar SEQUENCE: one up for every change a calendar must pick up.
    sequence = models.PositiveIntegerField(default=0)
    version = models.PositiveIntegerField(default=1)
    minutes = long_text(_("minutes"), blank=True)
    minutes_plain = long_text(_("in plain words, for the person"), blank=True)
    minutes_version = models.PositiveIntegerField(default=1)
    minutes_approved_at = models.DateTimeField(null=True, blank=True)
    reminded_at = models.DateTimeField(null=True, blank=True)  # the day-before reminder went out
    minutes_approved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["starts_at", "pk"]
        verbose_name = _("meeting")
        constraints = [
            models.CheckConstraint(
                condition=Q(ends_at__gt=models.F("starts_at")), name="meeting_ends_after_start"
            ),
            models.CheckConstraint(
                condition=~Q(kind="group") | Q(plan__isnull=False), name="group_meeting_has_plan"
            ),
            models.CheckConstraint(
                condition=~Q(kind="forum") | Q(forum__isnull=False, network__isnull=False),
                name="forum_meeting_has_forum",
            ),
            models.CheckConstraint(
                condition=Q(plan__isnull=False) | Q(network__isnull=False),
                name="meeting_belongs_somewhere",
            ),
        ]
        indexes = [
            models.Index(fields=["plan", "starts_at"]),
            models.Index(fields=["forum", "starts_at"]),
        ]

    def __str__(self) -> str:
        return self.title

    @property
    def is_cancelled(self) -> bool:
        return self.status == self.Status.CANCELLED

    @property
    def is_not_held(self) -> bool:
        return self.status == self.Status.NOT_HELD

    @property
    def is_closed(self) -> bool:
        """Cancelled or not held: nothing more happens in it."""
        return self.status != self.Status.PLANNED

    @property
    def minutes_approved(self) -> bool:
        return self.minutes_approved_at is not None


class Participant(models.Model):
    """An invitation (to a person or to a whole service) and whether they came."""

    meeting = models.ForeignKey(Meeting, on_delete=models.CASCADE, related_name="participants")
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    # The service someone came from (or the service invited as a whole); its level is kept
    # so attendance per level stays true when the service later changes.
    service = models.ForeignKey(
        Service, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    level = models.CharField(max_length=16, blank=True)
    name = models.CharField(max_length=SHORT_TEXT)  # shown as invited, e.g. "Kari Nilsen"
    role = models.CharField(max_length=SHORT_TEXT, blank=True)  # "the person", "GP" ...
    is_anchor = models.BooleanField(default=False)
    attended = models.BooleanField(null=True, blank=True)  # None: not yet recorded

    class Meta:
        ordering = ["pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["meeting", "user"], condition=Q(user__isnull=False), name="invited_once"
            ),
            models.UniqueConstraint(
                fields=["meeting", "service"],
                condition=Q(user__isnull=True),
                name="service_invited_once",
            ),
            models.CheckConstraint(
                condition=Q(user__isnull=False) | Q(service__isnull=False),
                name="participant_is_someone",
            ),
        ]

    def __str__(self) -> str:
        return self.name


class AgendaItem(models.Model):
    meeting = models.ForeignKey(Meeting, on_delete=models.CASCADE, related_name="agenda")
    position = models.PositiveSmallIntegerField()
    title = models.CharField(_("agenda point"), max_length=SHORT_TEXT)
    added_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    added_by_name = models.CharField(max_length=SHORT_TEXT, blank=True)  # when not from a template

    class Meta:
        ordering = ["position", "pk"]

    def __str__(self) -> str:
        return self.title


class Case(models.Model):
    """An anonymised case for a forum: structured, without names (guard.py checks)."""

    meeting = models.ForeignKey(Meeting, on_delete=models.CASCADE, related_name="cases")
    title = models.CharField(_("title"), max_length=SHORT_TEXT)
    situation = long_text(_("the situation"))
    question = long_text(_("the question for the forum"))
    learning = long_text(_("what we learnt (principles)"), blank=True)
    # When the organiser saved despite the guard: the reason and what the guard found.
    override_reason = models.CharField(max_length=SHORT_TEXT * 2, blank=True)
    overridden_findings = models.JSONField(default=list, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    version = models.PositiveIntegerField(default=1)

    class Meta:
        ordering = ["pk"]

    def __str__(self) -> str:
        return self.title


class Decision(models.Model):
    """What the meeting decided. With a responsible service and a due date it is an
    action: a task in the person's plan, or an item on the forum's action list."""

    class Status(models.TextChoices):
        OPEN = "open", _("open")
        DONE = "done", _("done")

    meeting = models.ForeignKey(Meeting, on_delete=models.CASCADE, related_name="decisions")
    text = models.CharField(_("decision"), max_length=SHORT_TEXT)
    responsible_service = models.ForeignKey(
        Service,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("responsible service"),
    )
    due = models.DateField(_("due"), null=True, blank=True)
    task = models.OneToOneField(
        Task, on_delete=models.SET_NULL, null=True, blank=True, related_name="decision"
    )
    status = models.CharField(max_length=8, choices=Status.choices, default=Status.OPEN)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    version = models.PositiveIntegerField(default=1)

    class Meta:
        ordering = ["pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(responsible_service__isnull=True, due__isnull=True)
                | Q(responsible_service__isnull=False, due__isnull=False),
                name="action_has_service_and_due",
            )
        ]

    def __str__(self) -> str:
        return self.text

    @property
    def is_action(self) -> bool:
        return self.responsible_service_id is not None

    @property
    def is_open(self) -> bool:
        if self.task is not None:
            return self.task.status == Task.Status.OPEN
        return self.is_action and self.status == self.Status.OPEN


class MinutesComment(models.Model):
    """The person's (or anyone's) comment on approved minutes: never a silent edit."""

    meeting = models.ForeignKey(Meeting, on_delete=models.CASCADE, related_name="comments")
    author = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    author_name = models.CharField(max_length=SHORT_TEXT)
    text = long_text(_("comment"))
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["created_at", "pk"]

    def __str__(self) -> str:
        return f"{self.author_name}: {self.text[:40]}"


RATING = [MinValueValidator(1), MaxValueValidator(5)]


class Evaluation(models.Model):
    """The short evaluation at the end of a meeting. No link to who gave it: that someone
    has answered is kept in EvaluationReceipt, apart."""

    meeting = models.ForeignKey(Meeting, on_delete=models.CASCADE, related_name="evaluations")
    useful = models.PositiveSmallIntegerField(_("the meeting was useful"), validators=RATING)
    heard = models.PositiveSmallIntegerField(_("everyone was heard"), validators=RATING)
    clear = models.PositiveSmallIntegerField(_("the next steps are clear"), validators=RATING)
    comment = models.CharField(_("one line more"), max_length=SHORT_TEXT, blank=True)

    class Meta:
        constraints = [
            models.CheckConstraint(
                condition=Q(useful__range=(1, 5), heard__range=(1, 5), clear__range=(1, 5)),
                name="evaluation_ratings_1_to_5",
            )
        ]

    def __str__(self) -> str:
        return f"{self.useful}/{self.heard}/{self.clear}"


class EvaluationReceipt(models.Model):
    meeting = models.ForeignKey(Meeting, on_delete=models.CASCADE, related_name="+")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")

    class Meta:
        constraints = [models.UniqueConstraint(fields=["meeting", "user"], name="evaluated_once")]

    def __str__(self) -> str:
        return f"{self.meeting_id}:{self.user_id}"


def new_feed_token() -> str:
    return secrets.token_urlsafe(32)


class CalendarFeed(models.Model):
    """A personal calendar feed behind a secret address; a new token revokes the old."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="calendar_feed"
    )
    token = models.CharField(max_length=64, unique=True, default=new_feed_token)
    created_at = models.DateTimeField(auto_now=True)

    def __str__(self) -> str:
        return f"feed {self.user_id}"


class CouncilMemberQuerySet(models.QuerySet["CouncilMember"]):
    def active(self) -> CouncilMemberQuerySet:
        return self.filter(left_on__isnull=True)


class CouncilMember(models.Model):
    """A user representative on a network's user council: someone with lived experience,
    a relative, a peer worker or someone from a user organisation. Not a person with a
    plan here: the council holds nobody's plan. Leaving keeps the row (who sat, when)."""

    class Role(models.TextChoices):
        LIVED_EXPERIENCE = "lived_experience", _("user representative (lived experience)")
        RELATIVE = "relative", _("relatives' representative")
        PEER_WORKER = "peer_worker", _("peer worker")
        ORGANISATION = "organisation", _("from a user organisation")

    forum = models.ForeignKey(Forum, on_delete=models.CASCADE, related_name="members")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    role = models.CharField(_("role"), max_length=16, choices=Role.choices)
    affiliation = models.CharField(
        _("organisation or background"), max_length=SHORT_TEXT, blank=True
    )
    joined_on = models.DateField(_("member from"))
    left_on = models.DateField(_("member until"), null=True, blank=True)
    version = models.PositiveIntegerField(default=1)

    objects = CouncilMemberQuerySet.as_manager()

    class Meta:
        ordering = ["joined_on", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["forum", "user"],
                condition=Q(left_on__isnull=True),
                name="council_member_once",
            )
        ]

    def __str__(self) -> str:
        return f"{self.forum_id}:{self.user_id}"
