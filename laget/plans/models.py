"""The person's shared plan (individuell plan): the person, the plan with its legally
required content, the team around them, their consents, goals, measures, tasks and the
message wall.

Everything here is personal data: it is read only through plans.selectors, which check
access and write the access log, and written only through plans.services.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MaxLengthValidator
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from laget.core.identifiers import mask_national_id, validate_national_id
from laget.directory.models import LONG_TEXT, District, Organisation, Service, long_text


class Category(models.TextChoices):
    """What a consent covers and what an access-log entry says was read (security.md)."""

    PLAN = "plan", _("the plan (goals, measures, team)")
    TASKS = "tasks", _("tasks")
    MESSAGES = "messages", _("messages")
    MINUTES = "minutes", _("meeting minutes")
    HEALTH = "health", _("health details and crisis plan")
    OUTCOMES = "outcomes", _("outcome ratings")
    DOCUMENTS = "documents", _("documents")


class Person(models.Model):
    """The one the team is around (tjenestemottaker)."""

    class Language(models.TextChoices):
        BOKMAL = "nb", _("Norwegian (bokmål)")
        NYNORSK = "nn", _("Norwegian (nynorsk)")
        SAMI = "se", _("Northern Sami")
        ENGLISH = "en", _("English")
        OTHER = "other", _("Another language (interpreter)")

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="person",
    )
    first_name = models.CharField(_("first name"), max_length=100)
    last_name = models.CharField(_("last name"), max_length=100)
    birth_date = models.DateField(_("birth date"))
    # Stored once, shown masked (mask_national_id); never needed where name and birth date do.
    national_id = models.CharField(
        _("national identity number"),
        max_length=11,
        unique=True,
        null=True,
        blank=True,
        validators=[validate_national_id],
    )
    phone = models.CharField(_("phone"), max_length=32, blank=True)
    email = models.EmailField(_("e-mail"), blank=True)
    preferred_language = models.CharField(
        _("preferred language"), max_length=8, choices=Language.choices, default=Language.BOKMAL
    )
    # Who registered the person, for which service: until a plan is open, only they may
    # open one or ask the municipality for one (plans/lifecycle_access.py).
    registered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    registered_for = models.ForeignKey(
        Service, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    # Where the person lives, as the network names its parts (optional): counted, never
    # shown, by the fair-distribution indicators (issue 19). PROTECT: a district in use
    # is not deleted out from under the persons in it.
    district = models.ForeignKey(
        District,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("municipality district"),
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["last_name", "first_name"]
        verbose_name = _("person")
        verbose_name_plural = _("persons")

    def __str__(self) -> str:
        return f"{self.first_name} {self.last_name}"

    @property
    def masked_national_id(self) -> str:
        return mask_national_id(self.national_id) if self.national_id else ""

    def age(self, today: dt.date | None = None) -> int:
        today = today or timezone.localdate()
        before_birthday = (today.month, today.day) < (self.birth_date.month, self.birth_date.day)
        return today.year - self.birth_date.year - before_birthday

    def decides_for_themself(self, today: dt.date | None = None) -> bool:
        """From 16 the young person decides about their own health information; under 16
        the parents take part on the child's behalf (pasient- og brukerrettighetsloven
        §§ 3-1, 4-3)."""
        return self.age(today) >= 16


class Plan(models.Model):
    class Status(models.TextChoices):
        DRAFT = "draft", _("draft")
        ACTIVE = "active", _("active")
        CLOSED = "closed", _("closed")

    class ConsentMethod(models.TextChoices):
        IN_PERSON = "in_person", _("in person, signed")
        DIGITAL = "digital", _("digitally, by the person in Laget")
        VERBAL = "verbal", _("verbally, with a witness")

    person = models.ForeignKey(Person, on_delete=models.PROTECT, related_name="plans")
    status = models.CharField(
        _("status"), max_length=16, choices=Status.choices, default=Status.DRAFT
    )
    # When both levels take part, the municipality owns the plan (domain.md).
    owner = models.ForeignKey(
        Organisation, on_delete=models.PROTECT, related_name="+", verbose_name=_("owner")
    )
    # The nine content items of an individual plan; goals, team and measures are rows.
    resources = long_text(_("resources"), blank=True)  # (1) with goals and needs
    needs = long_text(_("needs"), blank=True)  # (1)
    person_contribution = long_text(_("what the person contributes"), blank=True)  # (4)
    relatives_contribution = long_text(_("what relatives contribute"), blank=True)  # (4)
    cooperation = long_text(_("cooperation with other services and agencies"), blank=True)  # (9)
    period_start = models.DateField(_("plan period from"), null=True, blank=True)  # (7)
    period_end = models.DateField(_("plan period to"), null=True, blank=True)
    next_revision = models.DateField(_("next revision"), null=True, blank=True)
    # (8) The person's consent to the plan itself; sharing consents are Consent rows.
    consent_given_at = models.DateTimeField(_("consent to the plan given"), null=True, blank=True)
    consent_method = models.CharField(
        _("how consent was given"), max_length=16, choices=ConsentMethod.choices, blank=True
    )
    consent_witness = models.CharField(_("witness"), max_length=200, blank=True)
    # While the coordinator is away, a professional on the team covers: their inbox and
    # the coordinator's rights, until the date given.
    stand_in = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("stand-in for the coordinator"),
    )
    stand_in_until = models.DateField(_("stand-in until"), null=True, blank=True)
    # A closed plan is read-only and kept: nothing is deleted when it closes.
    closed_at = models.DateTimeField(_("closed"), null=True, blank=True)
    closed_reason = models.CharField(_("why the plan was closed"), max_length=500, blank=True)
    version = models.PositiveIntegerField(default=1)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    EDITABLE_FIELDS = [
        "resources",
        "needs",
        "person_contribution",
        "relatives_contribution",
        "cooperation",
        "period_start",
        "period_end",
        "next_revision",
    ]

    class Meta:
        verbose_name = _("plan")
        verbose_name_plural = _("plans")
        constraints = [
            # One living plan per person; closed plans stay as history.
            models.UniqueConstraint(
                fields=["person"], condition=~Q(status="closed"), name="one_open_plan_per_person"
            ),
            models.CheckConstraint(
                condition=Q(period_end__isnull=True)
                | Q(period_start__isnull=True)
                | Q(period_end__gte=models.F("period_start")),
                name="plan_period_ends_after_start",
            ),
        ]

    def __str__(self) -> str:
        return str(_("Plan for %(person)s") % {"person": self.person})

    def stand_in_covers(self, user_id: int, today: dt.date | None = None) -> bool:
        today = today or timezone.localdate()
        return bool(
            self.stand_in_id == user_id and self.stand_in_until and self.stand_in_until >= today
        )

    def revision_overdue(self, today: dt.date | None = None) -> bool:
        today = today or timezone.localdate()
        return bool(self.next_revision and self.next_revision < today)


class CrisisPlan(models.Model):
    """Beside the plan (the ROP guideline): what the person and others do when it gets hard."""

    plan = models.OneToOneField(Plan, on_delete=models.CASCADE, related_name="crisis_plan")
    warning_signs = long_text(_("early warning signs"), blank=True)
    what_helps = long_text(_("what helps me"), blank=True)
    what_to_avoid = long_text(_("what does not help"), blank=True)
    who_to_contact = long_text(_("who to contact, and how"), blank=True)
    version = models.PositiveIntegerField(default=1)
    updated_at = models.DateTimeField(auto_now=True)

    def __str__(self) -> str:
        return str(_("Crisis plan"))


class TeamMemberQuerySet(models.QuerySet["TeamMember"]):
    def active(self) -> TeamMemberQuerySet:
        return self.filter(left_at__isnull=True)


class TeamMember(models.Model):
    """A place in the responsibility group. Joining goes through the coordinator or the
    person, with a reason; leaving keeps the row (who was on the team, and when)."""

    class Role(models.TextChoices):
        COORDINATOR = "coordinator", _("coordinator")
        # When both levels take part, the specialist service names its own coordinator
        # (spesialisthelsetjenesteloven § 2-5a); the municipality's keeps the plan.
        SPECIALIST_COORDINATOR = (
            "specialist_coordinator",
            _("coordinator in the specialist service"),
        )
        RESPONSIBILITY_GROUP = "group", _("responsibility group member")
        MEMBER = "member", _("team member")
        RELATIVE = "relative", _("relative")
        PERSON = "person", _("the person")

    plan = models.ForeignKey(Plan, on_delete=models.CASCADE, related_name="team")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    # The service a professional takes part for; empty for the person and relatives.
    service = models.ForeignKey(
        Service, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )

    class Represents(models.TextChoices):
        NO = "", _("no one")
        PARENT = "parent", _("parent, on behalf of a child under 16")
        GUARDIAN_PERSONAL = "guardian_personal", _("guardian (verge) for personal matters")
        GUARDIAN_FINANCIAL = "guardian_financial", _("guardian (verge) for financial matters")

    role = models.CharField(_("role"), max_length=24, choices=Role.choices)
    relation = models.CharField(_("relation to the person"), max_length=100, blank=True)
    # A parent of a child under 16, or a guardian with the appointment's scope as written.
    represents = models.CharField(
        _("takes part on the person's behalf as"),
        max_length=24,
        choices=Represents.choices,
        blank=True,
        default="",
    )
    representation_scope = models.CharField(
        _("scope of the guardianship"), max_length=300, blank=True
    )
    joined_at = models.DateTimeField(default=timezone.now)
    joined_reason = models.CharField(_("reason for joining"), max_length=300)
    added_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, related_name="+"
    )
    left_at = models.DateTimeField(null=True, blank=True)
    left_reason = models.CharField(max_length=300, blank=True)

    objects = TeamMemberQuerySet.as_manager()

    class Meta:
        verbose_name = _("team member")
        verbose_name_plural = _("team members")
        constraints = [
            models.UniqueConstraint(
                fields=["plan", "user"],
                condition=Q(left_at__isnull=True),
                name="one_place_per_user",
            ),
            models.UniqueConstraint(
                fields=["plan"],
                condition=Q(left_at__isnull=True, role="coordinator"),
                name="one_coordinator_per_plan",
            ),
            models.UniqueConstraint(
                fields=["plan"],
                condition=Q(left_at__isnull=True, role="specialist_coordinator"),
                name="one_specialist_coordinator_per_plan",
            ),
            models.CheckConstraint(
                condition=Q(role__in=["relative", "person"], service__isnull=True)
                | (~Q(role__in=["relative", "person"]) & Q(service__isnull=False)),
                name="professionals_take_part_for_a_service",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.user} ({self.get_role_display()})"

    @property
    def is_professional(self) -> bool:
        return self.role not in (self.Role.PERSON, self.Role.RELATIVE)

    def acts_for_person(self, person: Person) -> bool:
        """A parent while the child is under 16, or a guardian for personal matters."""
        if self.role != self.Role.RELATIVE:
            return False
        if self.represents == self.Represents.GUARDIAN_PERSONAL:
            return True
        return self.represents == self.Represents.PARENT and not person.decides_for_themself()


class ConsentQuerySet(models.QuerySet["Consent"]):
    def in_force(self, at: dt.datetime | None = None) -> ConsentQuerySet:
        """Consents valid now: started, not expired, not withdrawn."""
        today = timezone.localdate(at) if at else timezone.localdate()
        return self.filter(withdrawn_at__isnull=True, valid_from__lte=today, valid_to__gte=today)


class Consent(models.Model):
    """The person's consent to share categories of their data with one service, one
    organisation, or one relative, for a period. Withdrawal acts at once."""

    class Method(models.TextChoices):
        IN_PERSON = "in_person", _("in person, signed")
        DIGITAL = "digital", _("digitally, by the person in Laget")
        VERBAL = "verbal", _("verbally, with a witness")

    person = models.ForeignKey(Person, on_delete=models.CASCADE, related_name="consents")
    to_service = models.ForeignKey(
        Service, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    to_organisation = models.ForeignKey(
        Organisation, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    to_relative = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    categories = models.JSONField(_("what may be shared"), default=list)
    valid_from = models.DateField(_("valid from"))
    valid_to = models.DateField(_("valid to"))
    method = models.CharField(_("how consent was given"), max_length=16, choices=Method.choices)
    witness = models.CharField(_("witness"), max_length=200, blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    recorded_at = models.DateTimeField(default=timezone.now)
    withdrawn_at = models.DateTimeField(null=True, blank=True)
    withdrawn_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )

    objects = ConsentQuerySet.as_manager()

    class Meta:
        verbose_name = _("consent")
        verbose_name_plural = _("consents")
        constraints = [
            models.CheckConstraint(
                condition=Q(valid_to__gte=models.F("valid_from")),
                name="consent_ends_after_it_starts",
            ),
            models.CheckConstraint(
                condition=(
                    Q(
                        to_service__isnull=False,
                        to_organisation__isnull=True,
                        to_relative__isnull=True,
                    )
                    | Q(
                        to_service__isnull=True,
                        to_organisation__isnull=False,
                        to_relative__isnull=True,
                    )
                    | Q(
                        to_service__isnull=True,
                        to_organisation__isnull=True,
                        to_relative__isnull=False,
                    )
                ),
                name="consent_has_one_receiver",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.person}: {', '.join(self.categories)}"

    @property
    def receiver(self) -> Any:
        return self.to_service or self.to_organisation or self.to_relative


class Goal(models.Model):
    class LifeArea(models.TextChoices):
        HOUSING = "housing", _("housing")
        WORK = "work", _("work and activity")
        ECONOMY = "economy", _("economy")
        PHYSICAL = "physical", _("physical health")
        MENTAL = "mental", _("mental health")
        SUBSTANCE = "substance", _("substance use")
        RELATIONS = "relations", _("relations")
        OTHER = "other", _("other")

    plan = models.ForeignKey(Plan, on_delete=models.CASCADE, related_name="goals")
    text = models.TextField(
        _("the goal, in the person's own words"),
        max_length=1000,
        validators=[MaxLengthValidator(1000)],
    )
    life_area = models.CharField(_("life area"), max_length=16, choices=LifeArea.choices)
    achieved = models.BooleanField(_("achieved"), default=False)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    version = models.PositiveIntegerField(default=1)

    class Meta:
        ordering = ["created_at", "pk"]
        verbose_name = _("goal")
        verbose_name_plural = _("goals")

    def __str__(self) -> str:
        return self.text[:60]


class Measure(models.Model):
    """An agreed piece of help (tiltak), owned by exactly one responsible service."""

    class Status(models.TextChoices):
        PLANNED = "planned", _("planned")
        ONGOING = "ongoing", _("ongoing")
        DONE = "done", _("done")
        STOPPED = "stopped", _("stopped")

    plan = models.ForeignKey(Plan, on_delete=models.CASCADE, related_name="measures")
    goal = models.ForeignKey(
        Goal, on_delete=models.SET_NULL, null=True, blank=True, related_name="measures"
    )
    title = models.CharField(_("measure"), max_length=200)
    # Empty only while the team finds out who should own it: flagged, and the plan cannot
    # be activated like that.
    responsible_service = models.ForeignKey(
        Service,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="measures",
        verbose_name=_("responsible service"),
    )
    scope = models.CharField(_("scope"), max_length=200, blank=True)
    how = long_text(_("how it is carried out"), blank=True)
    starts = models.DateField(_("from"), null=True, blank=True)
    ends = models.DateField(_("to"), null=True, blank=True)
    status = models.CharField(
        _("status"), max_length=16, choices=Status.choices, default=Status.PLANNED
    )
    updated_at = models.DateTimeField(auto_now=True)
    version = models.PositiveIntegerField(default=1)
    # Set when the person withdraws the consent its service worked under: the coordinator
    # finds it a new owner. Undoing the withdrawal the same day clears it again.
    reassign_since = models.DateTimeField(_("to be re-assigned since"), null=True, blank=True)
    reassign_because = models.ForeignKey(
        "Consent", on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )

    class Meta:
        ordering = ["starts", "pk"]
        verbose_name = _("measure")
        verbose_name_plural = _("measures")
        constraints = [
            models.CheckConstraint(
                condition=Q(ends__isnull=True)
                | Q(starts__isnull=True)
                | Q(ends__gte=models.F("starts")),
                name="measure_ends_after_start",
            )
        ]

    def __str__(self) -> str:
        return self.title


class Task(models.Model):
    class Status(models.TextChoices):
        OPEN = "open", _("open")
        DONE = "done", _("done")

    plan = models.ForeignKey(Plan, on_delete=models.CASCADE, related_name="tasks")
    title = models.CharField(_("task"), max_length=200)
    assignee_user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("who does it"),
    )
    assignee_service = models.ForeignKey(
        Service,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("which service does it"),
    )
    due = models.DateField(_("due"))
    status = models.CharField(
        _("status"), max_length=8, choices=Status.choices, default=Status.OPEN
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    version = models.PositiveIntegerField(default=1)
    # As for measures: the assignee's service lost its consent; the coordinator re-assigns.
    reassign_since = models.DateTimeField(_("to be re-assigned since"), null=True, blank=True)
    reassign_because = models.ForeignKey(
        "Consent", on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )

    class Meta:
        ordering = ["due", "pk"]
        verbose_name = _("task")
        verbose_name_plural = _("tasks")
        # Open tasks of a plan (or of the plans someone works on) by due date.
        indexes = [models.Index(fields=["plan", "status", "due"], name="task_open_by_due")]
        constraints = [
            models.CheckConstraint(
                condition=Q(assignee_user__isnull=False) | Q(assignee_service__isnull=False),
                name="task_has_an_assignee",
            )
        ]

    def __str__(self) -> str:
        return self.title

    @property
    def overdue(self) -> bool:
        return self.status == self.Status.OPEN and self.due < timezone.localdate()


class Message(models.Model):
    """A message on the plan's wall. Never edited: a correction is a new message that
    points at the one it corrects. The sender's name, role and service are copied at the
    time of writing."""

    plan = models.ForeignKey(Plan, on_delete=models.CASCADE, related_name="messages")
    author = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    author_name = models.CharField(max_length=200)
    author_role = models.CharField(max_length=100)
    author_service = models.CharField(max_length=200, blank=True)
    body = models.TextField(
        _("message"), max_length=LONG_TEXT, validators=[MaxLengthValidator(LONG_TEXT)]
    )
    reply_to = models.ForeignKey(
        "self", on_delete=models.PROTECT, null=True, blank=True, related_name="replies"
    )
    corrects = models.ForeignKey(
        "self", on_delete=models.PROTECT, null=True, blank=True, related_name="corrections"
    )
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-created_at", "-pk"]
        verbose_name = _("message")
        verbose_name_plural = _("messages")
        # A wall is read newest first, one plan at a time: with a global index on the time
        # alone, a plan whose messages are older than most walks past everyone else's.
        indexes = [models.Index(fields=["plan", "-created_at", "-id"], name="message_wall")]

    def __str__(self) -> str:
        return f"{self.author_name}: {self.body[:40]}"


class EmergencyAccess(models.Model):
    """A professional outside the team opens a plan in an emergency: a stated reason,
    24 hours, flagged to the coordinator until reviewed, shown in the person's log."""

    DURATION = dt.timedelta(hours=24)

    plan = models.ForeignKey(Plan, on_delete=models.CASCADE, related_name="emergency_accesses")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    service = models.ForeignKey(Service, on_delete=models.PROTECT, related_name="+")
    reason = models.TextField(_("reason"), max_length=1000, validators=[MaxLengthValidator(1000)])
    starts_at = models.DateTimeField(default=timezone.now)
    ends_at = models.DateTimeField()
    reviewed_at = models.DateTimeField(null=True, blank=True)
    reviewed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )

    class Meta:
        verbose_name = _("emergency access")
        verbose_name_plural = _("emergency accesses")
        indexes = [models.Index(fields=["plan", "user", "ends_at"])]

    def __str__(self) -> str:
        return f"{self.user} {self.starts_at:%Y-%m-%d %H:%M}"

    @property
    def in_force(self) -> bool:
        return self.starts_at <= timezone.now() < self.ends_at


class MessageDraft(models.Model):
    """A message being written to the wall, kept as it is typed so a dropped connection or
    a closed tab loses nothing. Only its author ever sees it; it goes when the message is
    sent or the text is emptied. It is not part of the plan, so no change record."""

    plan = models.ForeignKey(Plan, on_delete=models.CASCADE, related_name="+")
    author = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    body = models.TextField(max_length=LONG_TEXT)  # as a message
    saved_at = models.DateTimeField(auto_now=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["plan", "author"], name="one_draft_per_author_and_plan")
        ]

    def __str__(self) -> str:
        return f"draft by user {self.author_id} on plan {self.plan_id}"


def attachment_path(instance: Attachment, filename: str) -> str:
    # A random name on disk: the original name is kept in the row, never in a path.
    import uuid

    return f"attachments/{instance.message.plan_id}/{uuid.uuid4().hex}"


class Attachment(models.Model):
    """A file on a message. Stored outside the static and media URLs: it is only ever
    served by plans.message_views.attachment_download, after the access check and the log."""

    MAX_BYTES = 10 * 1024 * 1024
    # The kinds people send a team: documents and photos of letters. Checked by content.
    KINDS = {
        "application/pdf": (b"%PDF-",),
        "image/png": (b"\x89PNG\r\n\x1a\n",),
        "image/jpeg": (b"\xff\xd8\xff",),
        "text/plain": (),
    }

    message = models.ForeignKey(Message, on_delete=models.CASCADE, related_name="attachments")
    file = models.FileField(upload_to=attachment_path, max_length=200)
    name = models.CharField(_("file name"), max_length=200)
    size = models.PositiveIntegerField()
    content_type = models.CharField(max_length=64)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("attachment")
        verbose_name_plural = _("attachments")

    def __str__(self) -> str:
        return self.name


class ItemBlock(models.Model):
    """The person blocks one goal or measure from a service, or from every professional
    but the coordinator (sperring, pbrl. § 5-3). Removing the block shows it again."""

    class Kind(models.TextChoices):
        GOAL = "goal", _("goal")
        MEASURE = "measure", _("measure")

    plan = models.ForeignKey(Plan, on_delete=models.CASCADE, related_name="blocks")
    kind = models.CharField(max_length=16, choices=Kind.choices)
    object_id = models.PositiveBigIntegerField()
    # Empty: hidden from every professional on the team except the coordinator.
    hidden_from = models.ForeignKey(
        Service, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("blocked item")
        verbose_name_plural = _("blocked items")

    def __str__(self) -> str:
        return f"{self.kind}:{self.object_id}"

    def hides_from(self, access_service_id: int | None) -> bool:
        return self.hidden_from_id is None or self.hidden_from_id == access_service_id


# The plan's life cycle (requests between services, invitations) lives in its own module.
from laget.plans.lifecycle_models import Invitation, PlanRequest  # noqa: E402, F401


def refuse_if_closed(plan: Plan) -> None:
    """A closed plan is read-only: it is kept as it was when it closed. Every app's writes
    call this (plans.services re-exports it), so the message is the same everywhere."""
    if plan.status == Plan.Status.CLOSED:
        raise ValidationError(
            _(
                "This plan is closed and can only be read. The coordinator can reopen it "
                "if the work starts again."
            ),
            code="closed",
        )
