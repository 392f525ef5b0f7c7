"""The plan's life cycle between people: requests one professional or service sends another
(take the coordinator role, let me join the team, open an individual plan), and the
invitations that bring the person and their relatives in.

Personal data like the rest of plans: read through plans.requests / plans.invitations
(which check lifecycle_access and log), written only by their services.
"""

from __future__ import annotations

import datetime as dt

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from laget.directory.models import Service
from laget.plans.models import Person, Plan, TeamMember


class PlanRequest(models.Model):
    """A request that waits for one answer: accepted or declined with a reason the sender
    sees. Until then nothing changes (the old coordinator keeps the role)."""

    class Kind(models.TextChoices):
        COORDINATOR = "coordinator", _("take over as coordinator")
        SPECIALIST_COORDINATOR = (
            "specialist_coordinator",
            _("be the coordinator in the specialist service"),
        )
        JOIN = "join", _("join the team")
        INDIVIDUAL_PLAN = "individual_plan", _("request for an individual plan")

    class Status(models.TextChoices):
        PENDING = "pending", _("waiting for an answer")
        ACCEPTED = "accepted", _("accepted")
        DECLINED = "declined", _("declined")
        WITHDRAWN = "withdrawn", _("withdrawn")

    kind = models.CharField(_("what is asked"), max_length=24, choices=Kind.choices)
    status = models.CharField(
        _("status"), max_length=16, choices=Status.choices, default=Status.PENDING
    )
    person = models.ForeignKey(Person, on_delete=models.CASCADE, related_name="+")
    # Empty for a join request (it reaches the coordinator of whichever plan is open when
    # it is answered) and for a request for a plan (there is none yet).
    plan = models.ForeignKey(
        Plan, on_delete=models.CASCADE, null=True, blank=True, related_name="requests"
    )
    from_user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    # Empty when the person asks (a coordinator change they want).
    from_service = models.ForeignKey(
        Service, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    # A coordinator offer names the professional; a request for a plan names the
    # municipality's service that receives it (its coordinating unit).
    to_user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    to_service = models.ForeignKey(
        Service, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    reason = models.CharField(_("why"), max_length=1000)
    # A request for a plan carries the person's consent to start planning.
    consent_method = models.CharField(
        _("how the person consented"),
        max_length=16,
        choices=Plan.ConsentMethod.choices,
        blank=True,
    )
    consent_witness = models.CharField(_("witness"), max_length=200, blank=True)
    answer = models.CharField(_("answer"), max_length=1000, blank=True)
    answered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    answered_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-created_at", "-pk"]
        verbose_name = _("request")
        verbose_name_plural = _("requests")
        constraints = [
            # One open offer per plan and role: a new one replaces the old (withdrawn).
            models.UniqueConstraint(
                fields=["plan", "kind"],
                condition=Q(status="pending", kind__in=["coordinator", "specialist_coordinator"]),
                name="one_pending_coordinator_offer",
            ),
            models.UniqueConstraint(
                fields=["person"],
                condition=Q(status="pending", kind="individual_plan"),
                name="one_pending_plan_request_per_person",
            ),
            models.UniqueConstraint(
                fields=["person", "from_user"],
                condition=Q(status="pending", kind="join"),
                name="one_pending_join_request",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} ({self.get_status_display()})"

    @property
    def role_offered(self) -> str:
        if self.kind == self.Kind.SPECIALIST_COORDINATOR:
            return TeamMember.Role.SPECIALIST_COORDINATOR
        return TeamMember.Role.COORDINATOR


class Invitation(models.Model):
    """A single-use link that lets the person, or a relative the person has agreed to, set
    a password. Only a hash of the token is stored: the link in the e-mail is the only
    copy, so a database reader cannot use it."""

    VALID_FOR = dt.timedelta(days=7)

    class Role(models.TextChoices):
        PERSON = "person", _("the person")
        RELATIVE = "relative", _("relative")

    class Agreement(models.TextChoices):
        """How the person agreed to this relative taking part."""

        BY_PERSON = "by_person", _("the person invited them in Laget")
        IN_PERSON = "in_person", _("the person said yes in person")
        VERBAL = "verbal", _("the person said yes verbally, with a witness")
        PARENT = "parent", _("parent of a child under 16 (no agreement needed)")
        GUARDIAN = "guardian", _("appointed guardian (verge)")

    plan = models.ForeignKey(Plan, on_delete=models.CASCADE, related_name="invitations")
    role = models.CharField(_("invited as"), max_length=16, choices=Role.choices)
    email = models.EmailField(_("e-mail"))
    first_name = models.CharField(_("first name"), max_length=100)
    last_name = models.CharField(_("last name"), max_length=100)
    relation = models.CharField(_("relation to the person"), max_length=100, blank=True)
    represents = models.CharField(
        max_length=24, choices=TeamMember.Represents.choices, blank=True, default=""
    )
    representation_scope = models.CharField(max_length=300, blank=True)
    agreement = models.CharField(max_length=16, choices=Agreement.choices, blank=True)
    agreement_witness = models.CharField(_("witness"), max_length=200, blank=True)
    token_hash = models.CharField(max_length=64, unique=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)
    expires_at = models.DateTimeField()
    used_at = models.DateTimeField(null=True, blank=True)
    used_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    # A newer invitation to the same address replaces this one: its link stops working.
    replaced_at = models.DateTimeField(null=True, blank=True)
    # The invitee followed a dead link and asked for a new one; the coordinator sees it.
    renewal_requested_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-pk"]
        verbose_name = _("invitation")
        verbose_name_plural = _("invitations")

    def __str__(self) -> str:
        return f"{self.get_role_display()} {self.first_name} {self.last_name}"

    @property
    def expired(self) -> bool:
        return timezone.now() >= self.expires_at

    @property
    def usable(self) -> bool:
        return self.used_at is None and self.replaced_at is None and not self.expired
