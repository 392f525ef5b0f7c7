"""Notifications: telling the right people that something happened, and only them.

A Notification is one event told to one recipient, in the app (the bell). It names no
person and quotes nothing: it says what kind of thing happened and links to where it is,
behind the same door as everything else. A Delivery is that notification sent on one
channel (e-mail or SMS), with an idempotency key so it is never sent twice. The unread
notifications are also the unread state of each plan for each user (the wall's "new", the
counts on the plans list and in the inbox).
"""

from __future__ import annotations

import datetime as dt

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from laget.plans.models import Plan, Task


class Kind(models.TextChoices):
    """Every kind of event Laget tells someone about (the `event` of notify())."""

    MESSAGE_NEW = "message_new", _("A new message on a plan's wall")
    MESSAGE_REPLY = "message_reply", _("A reply to your message")
    TASK_ASSIGNED = "task_assigned", _("A task for you or your service")
    TASK_OVERDUE = "task_overdue", _("A task for you or your service is overdue")
    HANDOFF_REQUESTED = "handoff_requested", _("A hand-off to your service")
    HANDOFF_ANSWERED = "handoff_answered", _("An answer to a hand-off you sent")
    MEETING_INVITED = "meeting_invited", _("An invitation to a meeting")
    MEETING_CHANGED = "meeting_changed", _("A meeting was changed")
    MEETING_CANCELLED = "meeting_cancelled", _("A meeting was cancelled")
    MINUTES_APPROVED = "minutes_approved", _("Minutes were approved")
    CONSENT_WITHDRAWN = "consent_withdrawn", _("A consent was withdrawn")
    EMERGENCY_ACCESS = "emergency_access", _("Someone opened a plan with emergency access")
    JOIN_REQUESTED = "join_requested", _("Someone asks to join a team")
    COORDINATOR_REQUESTED = "coordinator_requested", _("Someone asks to take over as coordinator")
    QUESTION_UNANSWERED = "question_unanswered", _("A question has waited two working days")
    CALL_REQUESTED = "call_requested", _("Someone wants to be called")
    # The plan's life cycle (plans: lifecycle, requests, invitations, consents).
    COORDINATOR_OFFERED = "coordinator_offered", _("You are asked to be coordinator")
    PLAN_REQUESTED = "plan_requested", _("A request for an individual plan to your service")
    PLAN_REQUEST_ANSWERED = "plan_request_answered", _("An answer to your request for a plan")
    PLAN_CLOSED = "plan_closed", _("A plan was closed")
    PLAN_REOPENED = "plan_reopened", _("A plan was reopened")
    INVITATION_RENEWAL = "invitation_renewal", _("Someone asks for a new invitation")
    CONSENT_REQUESTED = "consent_requested", _("Someone asks for a consent")
    # The Samhandlingsteam (teams).
    REFERRAL_RECEIVED = "referral_received", _("A referral to your team")
    REFERRAL_DECIDED = "referral_decided", _("A decision on your referral")
    CASE_FLAGGED = "case_flagged", _("A case needs a worker from another level")
    CASE_HANDOFF = "case_handoff", _("A case handed over to your service")
    BOARD_ON = "board_on", _("A case is on the board for intensive follow-up")
    # Outcome ratings (outcomes).
    OUTCOME_ALERT = "outcome_alert", _("Ratings that need your attention")
    OUTCOME_LINK = "outcome_link", _("A link to give your ratings")
    # The service-level user survey (surveys.service_survey).
    USER_SURVEY = "user_survey", _("A user survey about the services waits for you")


class Channel(models.TextChoices):
    IN_APP = "in_app", _("in Laget")
    EMAIL = "email", _("e-mail")
    SMS = "sms", _("SMS")


class Notification(models.Model):
    recipient = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+"
    )
    kind = models.CharField(max_length=32, choices=Kind.choices)
    # Empty when the recipient is told of something for their service without being told
    # about a plan (a hand-off to a service not yet on the team).
    plan = models.ForeignKey(
        Plan, on_delete=models.CASCADE, null=True, blank=True, related_name="+"
    )
    target_type = models.CharField(max_length=32, blank=True)  # message, task, meeting, ...
    target_id = models.PositiveBigIntegerField(null=True, blank=True)
    link = models.CharField(max_length=300)  # a path in Laget, behind its own access check
    # One notification per recipient and event: a retried or repeated event tells once.
    event_key = models.CharField(max_length=120)
    created_at = models.DateTimeField(default=timezone.now)
    read_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-pk"]
        verbose_name = _("notification")
        verbose_name_plural = _("notifications")
        constraints = [
            models.UniqueConstraint(
                fields=["recipient", "event_key"], name="one_notification_per_event"
            )
        ]
        indexes = [
            models.Index(fields=["recipient", "-created_at"], name="notification_newest"),
            models.Index(
                fields=["recipient", "plan"], condition=Q(read_at__isnull=True), name="unread"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.kind} to user {self.recipient_id}"


class Delivery(models.Model):
    """One notification on one outside channel. Sent at most once: the idempotency key
    is unique, the row is locked while it is sent, and a sent row is never sent again."""

    class Status(models.TextChoices):
        PENDING = "pending", _("waiting to be sent")
        DIGEST = "digest", _("waiting for the daily digest")
        SENT = "sent", _("sent")
        FAILED = "failed", _("given up")

    notification = models.ForeignKey(
        Notification, on_delete=models.CASCADE, related_name="deliveries"
    )
    channel = models.CharField(max_length=8, choices=Channel.choices)
    idempotency_key = models.CharField(max_length=64, unique=True)
    status = models.CharField(max_length=8, choices=Status.choices, default=Status.PENDING)
    attempts = models.PositiveSmallIntegerField(default=0)
    not_before = models.DateTimeField(default=timezone.now)  # quiet hours and retries
    sent_at = models.DateTimeField(null=True, blank=True)
    last_error = models.CharField(max_length=200, blank=True)

    class Meta:
        verbose_name = _("delivery")
        verbose_name_plural = _("deliveries")
        indexes = [models.Index(fields=["status", "not_before"], name="delivery_due")]

    def __str__(self) -> str:
        return self.idempotency_key


class Preference(models.Model):
    """A user's choice for one kind of event on one outside channel. No row: the
    default (e-mail on, SMS off). In Laget itself everything is always shown."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    kind = models.CharField(max_length=32, choices=Kind.choices)
    channel = models.CharField(max_length=8, choices=Channel.choices)
    enabled = models.BooleanField()

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["user", "kind", "channel"], name="one_choice_each")
        ]

    def __str__(self) -> str:
        return f"{self.user_id} {self.kind} {self.channel} {self.enabled}"


class NotificationSettings(models.Model):
    """Quiet hours, the SMS number and the daily digest, per user."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="notification_settings"
    )
    phone = models.CharField(_("mobile number for SMS"), max_length=32, blank=True)
    quiet_from = models.TimeField(_("quiet from"), null=True, blank=True)
    quiet_to = models.TimeField(_("quiet until"), null=True, blank=True)
    daily_digest = models.BooleanField(
        _("one e-mail a day instead of one each time"), default=False
    )
    version = models.PositiveIntegerField(default=1)

    def __str__(self) -> str:
        return f"settings of user {self.user_id}"

    def quiet_until(self, at: dt.datetime) -> dt.datetime | None:
        """When the quiet hours around `at` end, or None if `at` is not in them."""
        if self.quiet_from is None or self.quiet_to is None or self.quiet_from == self.quiet_to:
            return None
        local = timezone.localtime(at)
        now = local.time()
        start, end = self.quiet_from, self.quiet_to
        inside = (start <= now < end) if start < end else (now >= start or now < end)
        if not inside:
            return None
        day = local.date() if now < end else local.date() + dt.timedelta(days=1)
        return timezone.make_aware(dt.datetime.combine(day, end), local.tzinfo)


class CallRequest(models.Model):
    """'I want to be called': a task for the coordinator, with the time that suits."""

    class TimeOfDay(models.TextChoices):
        MORNING = "morning", _("in the morning (8–11)")
        MIDDAY = "midday", _("around midday (11–14)")
        AFTERNOON = "afternoon", _("in the afternoon (14–16)")
        ANY = "any", _("any time during the day")

    plan = models.ForeignKey(Plan, on_delete=models.CASCADE, related_name="+")
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    task = models.OneToOneField(Task, on_delete=models.CASCADE, related_name="+")
    time_of_day = models.CharField(_("when it suits"), max_length=16, choices=TimeOfDay.choices)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("call request")
        verbose_name_plural = _("call requests")

    def __str__(self) -> str:
        return f"call request on plan {self.plan_id}"
