"""The cross-level team (samhandlingsteam, seed 004 §1.3): people lent in a position
fraction from ordinary services of both levels, an open door for referrals, a weekly
intake meeting, one worker from each level on every case, and a board for those who need
near-daily follow-up for a while.

A referral and a case name a person; before the person has consented they hold only what
the team needs to find them (§6.6.1). Read through teams.selectors (access checked, access
log written), written through teams.services.
"""

from __future__ import annotations

import datetime as dt

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from laget.continuity.models import Handoff
from laget.directory.models import SHORT_TEXT, Membership, Network, Service, long_text
from laget.meetings.models import Meeting
from laget.plans.models import Person
from laget.teams import pairing

# The two public levels a case needs one worker from each of (seed 004 §1.3).
LEVELS = (Service.Level.MUNICIPAL, Service.Level.SPECIALIST)


class Competence(models.TextChoices):
    PSYCHIATRY = "psychiatry", _("psychiatry")
    MENTAL_HEALTH = "mental_health", _("mental health")
    SUBSTANCE_USE = "substance_use", _("substance use")
    HOUSING_SOCIAL = "housing_social", _("housing and social")
    NAV_WORK = "nav_work", _("NAV work")
    REHABILITATION = "rehabilitation", _("rehabilitation")
    LIVED_EXPERIENCE = "lived_experience", _("lived experience")


class CrossLevelTeam(models.Model):
    """A team in a network. Its own service in the directory holds the members'
    memberships, so their position fraction and end date live in one place."""

    network = models.ForeignKey(Network, on_delete=models.PROTECT, related_name="+")
    service = models.OneToOneField(
        Service, on_delete=models.PROTECT, related_name="cross_level_team"
    )
    # After this many days without contact an open case raises an alert (§6.2.2).
    contact_alert_days = models.PositiveSmallIntegerField(
        _("days without contact before an alert"),
        default=14,
        validators=[MinValueValidator(1), MaxValueValidator(365)],
    )

    class Meta:
        verbose_name = _("cross-level team")
        verbose_name_plural = _("cross-level teams")

    def __str__(self) -> str:
        return self.service.name

    @property
    def slug(self) -> str:
        return self.service.slug


class Secondment(models.Model):
    """A member of the team: their membership in the team's service (the fraction, the
    dates) and the ordinary service they are lent from, whose level is theirs."""

    team = models.ForeignKey(CrossLevelTeam, on_delete=models.CASCADE, related_name="members")
    membership = models.OneToOneField(
        Membership, on_delete=models.CASCADE, related_name="secondment"
    )
    home_service = models.ForeignKey(
        Service, on_delete=models.PROTECT, related_name="+", verbose_name=_("lent from")
    )
    competence = models.JSONField(_("competence areas"), default=list, blank=True)
    version = models.PositiveIntegerField(default=1)

    class Meta:
        verbose_name = _("team member")
        verbose_name_plural = _("team members")

    def __str__(self) -> str:
        return str(self.membership.professional)

    def active_on(self, day: dt.date) -> bool:
        m = self.membership
        return m.starts <= day and (m.ends is None or m.ends >= day)

    @property
    def level(self) -> str:
        return self.home_service.level

    @property
    def competence_labels(self) -> list[str]:
        labels = dict(Competence.choices)
        return [str(labels[c]) for c in self.competence if c in labels]


class Referral(models.Model):
    """An open-door referral. Never refused for being incomplete: an unclear one is
    clarified with the referrer (seed 004 §6.1.1)."""

    class Source(models.TextChoices):
        SERVICE = "service", _("a service")
        GP = "gp", _("a GP")
        NAV = "nav", _("NAV")
        PERSON = "person", _("the person themselves")
        RELATIVE = "relative", _("a relative")
        OTHER = "other", _("someone else")

    class Status(models.TextChoices):
        WAITING = "waiting", _("waiting for the intake meeting")
        CLARIFYING = "clarifying", _("being clarified with the referrer")
        DECIDED = "decided", _("decided")

    team = models.ForeignKey(CrossLevelTeam, on_delete=models.PROTECT, related_name="referrals")
    source = models.CharField(_("who refers"), max_length=16, choices=Source.choices)
    referred_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, related_name="+"
    )
    referrer_service = models.ForeignKey(
        Service, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    referrer_contact = models.CharField(_("how we reach the referrer"), max_length=SHORT_TEXT)
    # The minimum to find the person before they consent (§6.6.1): no plan data.
    person = models.ForeignKey(
        Person, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    subject_name = models.CharField(_("the person's name"), max_length=SHORT_TEXT, blank=True)
    subject_contact = models.CharField(
        _("where or how the person can be reached"), max_length=SHORT_TEXT, blank=True
    )
    # The seed's criteria; each may be unknown (None) and that is fine.
    serious_mental_health = models.BooleanField(
        _("serious mental-health problems"), null=True, blank=True
    )
    substance_dependence = models.BooleanField(_("substance dependence"), null=True, blank=True)
    loss_of_function = models.BooleanField(_("major loss of function"), null=True, blank=True)
    unstable_life = models.BooleanField(_("unstable life situation"), null=True, blank=True)
    lacks_contact = models.BooleanField(_("lacks contact with services"), null=True, blank=True)
    concern = long_text(_("what worries you"), blank=True)
    # The treatment contact the person already has, if any (for "shoulder to shoulder").
    treatment_service = models.ForeignKey(
        Service,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("treatment contact"),
    )
    written = models.BooleanField(default=True)  # False: the team went in first
    received_at = models.DateTimeField(default=timezone.now)
    status = models.CharField(max_length=16, choices=Status.choices, default=Status.WAITING)
    clarification = long_text(_("what was clarified, and with whom"), blank=True)
    version = models.PositiveIntegerField(default=1)

    class Meta:
        ordering = ["received_at", "pk"]
        verbose_name = _("referral")
        verbose_name_plural = _("referrals")
        constraints = [
            models.CheckConstraint(
                condition=Q(person__isnull=False) | ~Q(subject_name=""),
                name="referral_names_someone",
            ),
        ]

    def __str__(self) -> str:
        return str(_("Referral %(id)s") % {"id": self.pk})


class Decision(models.Model):
    """What the weekly intake meeting decided about a referral, and why."""

    class Outcome(models.TextChoices):
        DIRECT = "direct", _("direct intake")
        SHOULDER = "shoulder", _("shoulder to shoulder")
        SITE_GUIDANCE = "site_guidance", _("systematic guidance to a service site")
        NOT_NOW = "not_now", _("not now")

    referral = models.OneToOneField(Referral, on_delete=models.PROTECT, related_name="decision")
    outcome = models.CharField(_("decision"), max_length=16, choices=Outcome.choices)
    reason = long_text(_("reason"))
    advice = long_text(_("advice to the referrer"), blank=True)
    meeting = models.ForeignKey(
        Meeting, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    decided_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("intake decision")
        verbose_name_plural = _("intake decisions")

    def __str__(self) -> str:
        return self.get_outcome_display()


class Case(models.Model):
    """A person the team follows: directly, or shoulder to shoulder with their existing
    treatment contact."""

    class Mode(models.TextChoices):
        DIRECT = "direct", _("direct intake")
        SHOULDER = "shoulder", _("shoulder to shoulder")

    class Status(models.TextChoices):
        OPEN = "open", _("open")
        CLOSED = "closed", _("closed")

    team = models.ForeignKey(CrossLevelTeam, on_delete=models.PROTECT, related_name="cases")
    referral = models.OneToOneField(Referral, on_delete=models.PROTECT, related_name="case")
    mode = models.CharField(_("mode"), max_length=16, choices=Mode.choices)
    treatment_service = models.ForeignKey(
        Service, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    status = models.CharField(max_length=8, choices=Status.choices, default=Status.OPEN)
    opened_at = models.DateTimeField(default=timezone.now)
    first_contact_at = models.DateTimeField(null=True, blank=True)
    last_contact_at = models.DateTimeField(null=True, blank=True)
    # The person decides how long contact lasts (seed 004 §6.1.1); the alert waits this long.
    contact_alert_days = models.PositiveSmallIntegerField(
        null=True, blank=True, validators=[MinValueValidator(1), MaxValueValidator(365)]
    )
    closed_at = models.DateTimeField(null=True, blank=True)
    close_reason = models.CharField(max_length=SHORT_TEXT * 2, blank=True)
    # Ending a case hands responsibility back through continuity's hand-off, which the
    # receiving service must accept; the follow-up agreement goes with it.
    handoff = models.ForeignKey(
        Handoff, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    follow_up = long_text(_("follow-up agreement"), blank=True)
    version = models.PositiveIntegerField(default=1)

    class Meta:
        ordering = ["opened_at", "pk"]
        verbose_name = _("case")
        verbose_name_plural = _("cases")
        constraints = [
            models.CheckConstraint(
                condition=~Q(mode="shoulder") | Q(treatment_service__isnull=False),
                name="shoulder_case_has_treatment_contact",
            ),
        ]

    def __str__(self) -> str:
        return str(_("Case %(id)s") % {"id": self.pk})

    def rule_workers(self, workers: list[CaseWorker]) -> list[pairing.Worker]:
        """The case's current workers as the rules in pairing.py see them (no queries when
        each worker's member, membership and home service are loaded)."""
        return [
            pairing.Worker(
                level=w.member.home_service.level,
                shoulder=w.shoulder,
                starts=w.member.membership.starts,
                ends=w.member.membership.ends,
                in_team=w.member.membership.service_id == self.team.service_id
                and w.member.team_id == self.team_id,
            )
            for w in workers
        ]

    def flags(self, workers: list[CaseWorker], day: dt.date) -> list[str]:
        """What is wrong with the case on `day` (pairing.case_flags); none once closed."""
        if self.status != Case.Status.OPEN:
            return []
        return pairing.case_flags(
            mode=self.mode,
            treatment_level=self.treatment_service.level if self.treatment_service else None,
            workers=self.rule_workers(workers),
            day=day,
        )


class CaseWorkerQuerySet(models.QuerySet["CaseWorker"]):
    def current(self) -> CaseWorkerQuerySet:
        return self.filter(ended_at__isnull=True)


class CaseWorker(models.Model):
    """A team member on a case. `shoulder` marks the one who works beside the treatment
    contact, always from the opposite level."""

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="workers")
    member = models.ForeignKey(Secondment, on_delete=models.PROTECT, related_name="cases")
    shoulder = models.BooleanField(default=False)
    started_at = models.DateTimeField(default=timezone.now)
    ended_at = models.DateTimeField(null=True, blank=True)
    reason = models.CharField(_("reason"), max_length=SHORT_TEXT * 2)

    objects = CaseWorkerQuerySet.as_manager()

    class Meta:
        verbose_name = _("case worker")
        constraints = [
            models.UniqueConstraint(
                fields=["case", "member"],
                condition=Q(ended_at__isnull=True),
                name="one_current_place_per_member_and_case",
            ),
        ]

    def __str__(self) -> str:
        return str(self.member)


class BoardEntry(models.Model):
    """A person on the board for intensive follow-up (FACT-board practice): why they are
    there, what happens before the next meeting and who does it; kept when they come off."""

    case = models.ForeignKey(Case, on_delete=models.PROTECT, related_name="board_entries")
    reason = models.CharField(_("why on the board"), max_length=SHORT_TEXT * 2)
    next_step = models.CharField(_("before the next meeting"), max_length=SHORT_TEXT * 2)
    next_step_by = models.ForeignKey(
        Secondment, on_delete=models.PROTECT, related_name="+", verbose_name=_("who does it")
    )
    came_on = models.DateField(default=timezone.localdate)
    came_off = models.DateField(null=True, blank=True)
    off_reason = models.CharField(_("why off the board"), max_length=SHORT_TEXT * 2, blank=True)
    version = models.PositiveIntegerField(default=1)

    class Meta:
        ordering = ["came_on", "pk"]
        verbose_name = _("board entry")
        constraints = [
            models.UniqueConstraint(
                fields=["case"], condition=Q(came_off__isnull=True), name="once_on_the_board"
            ),
        ]

    def __str__(self) -> str:
        return self.reason


class Consultation(models.Model):
    """Guidance or consultation between the team and a service of either level: the
    system effect seed 004 measures. Names no person (a case only with consent)."""

    class Direction(models.TextChoices):
        GIVEN = "given", _("given by the team")
        RECEIVED = "received", _("received by the team")

    team = models.ForeignKey(CrossLevelTeam, on_delete=models.PROTECT, related_name="consultations")
    direction = models.CharField(_("direction"), max_length=8, choices=Direction.choices)
    service = models.ForeignKey(
        Service, on_delete=models.PROTECT, related_name="+", verbose_name=_("service")
    )
    topic = models.CharField(_("topic"), max_length=SHORT_TEXT)
    minutes = models.PositiveSmallIntegerField(
        _("time spent (minutes)"), validators=[MinValueValidator(1), MaxValueValidator(1440)]
    )
    on = models.DateField(_("date"), default=timezone.localdate)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        ordering = ["-on", "-pk"]
        verbose_name = _("consultation")

    def __str__(self) -> str:
        return self.topic


class Scale(models.IntegerChoices):
    """A simple five-step scale in the person's words; 5 is best."""

    VERY_BAD = 1, _("very bad")
    BAD = 2, _("bad")
    SO_SO = 3, _("so-so")
    GOOD = 4, _("good")
    VERY_GOOD = 5, _("very good")


# The three things the person rates (the thesis's evaluation elements), in order.
CHANGE_SCALES = ("life_situation", "daily_functioning", "mental_health")


class PerceivedChange(models.Model):
    """What the person says about their life at intake (the case's first rating) and at each
    follow-up: three simple scales and their own words. Recorded with the person's
    agreement; the case shows the change over time, the team sees it across cases only as
    counts with small cells hidden."""

    case = models.ForeignKey(Case, on_delete=models.PROTECT, related_name="perceived_changes")
    on = models.DateField(_("date"), default=timezone.localdate)
    life_situation = models.PositiveSmallIntegerField(_("life situation"), choices=Scale.choices)
    daily_functioning = models.PositiveSmallIntegerField(
        _("managing daily life"), choices=Scale.choices
    )
    mental_health = models.PositiveSmallIntegerField(
        _("mental health and substance use"), choices=Scale.choices
    )
    own_words = long_text(_("in the person's own words"), blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    recorded_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["on", "pk"]
        verbose_name = _("perceived change")
        verbose_name_plural = _("perceived change")
        constraints = [
            models.CheckConstraint(
                condition=Q(life_situation__gte=1, life_situation__lte=5)
                & Q(daily_functioning__gte=1, daily_functioning__lte=5)
                & Q(mental_health__gte=1, mental_health__lte=5),
                name="perceived_change_on_the_scale",
            ),
        ]

    def __str__(self) -> str:
        return str(self.on)
