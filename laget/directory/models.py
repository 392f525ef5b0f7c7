"""The directory: who does what, for whom, and how to reach them.

Networks of organisations; organisations and their services; each service's catalogue
entry; professions; professionals and their memberships in services.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.conf import settings
from django.core.validators import MaxLengthValidator, MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

from laget.core.identifiers import validate_hpr_number, validate_org_number

# Upper bounds for catalogue texts: long enough for a real description, short enough to read.
SHORT_TEXT = 200
LONG_TEXT = 4000


def long_text(label: Any, **kwargs: Any) -> models.TextField:
    # TextField's max_length only reaches forms; the validator makes full_clean() check it
    # too, so the API and services refuse over-long texts the same way.
    return models.TextField(
        label, max_length=LONG_TEXT, validators=[MaxLengthValidator(LONG_TEXT)], **kwargs
    )


class Organisation(models.Model):
    class Kind(models.TextChoices):
        MUNICIPALITY = "municipality", _("Municipality")
        HEALTH_TRUST = "health_trust", _("Health trust")
        DPS = "dps", _("District psychiatric centre (DPS)")
        NAV_OFFICE = "nav_office", _("NAV office")
        GP_OFFICE = "gp_office", _("GP office")
        CHILD_WELFARE = "child_welfare", _("Child welfare")
        SCHOOL = "school", _("School")
        NGO = "ngo", _("Voluntary organisation")
        PRIVATE = "private", _("Private provider")

    name = models.CharField(_("name"), max_length=SHORT_TEXT)
    kind = models.CharField(_("kind"), max_length=32, choices=Kind.choices)
    org_number = models.CharField(
        _("organisation number"), max_length=9, unique=True, validators=[validate_org_number]
    )

    class Meta:
        ordering = ["name"]
        verbose_name = _("organisation")
        verbose_name_plural = _("organisations")

    def __str__(self) -> str:
        return self.name


class Network(models.Model):
    """A samhandlingsområde: organisations that work together, such as a DPS catchment
    area with its municipalities. Forums and surveys later belong to a network."""

    name = models.CharField(_("name"), max_length=SHORT_TEXT)
    slug = models.SlugField(_("short name"), unique=True)
    description = long_text(_("description"), blank=True)
    organisations = models.ManyToManyField(Organisation, related_name="networks", blank=True)

    class Meta:
        ordering = ["name"]
        verbose_name = _("network")
        verbose_name_plural = _("networks")

    def __str__(self) -> str:
        return self.name


class District(models.Model):
    """A part of a municipality in the network (kommunedel, bydel), as the network names
    it: the fair-distribution indicators count per district (issue 19). Defined by the
    network's leaders on the network's districts page; a person may be placed in one."""

    network = models.ForeignKey(Network, on_delete=models.CASCADE, related_name="districts")
    name = models.CharField(_("name"), max_length=100)
    version = models.PositiveIntegerField(default=1)

    class Meta:
        ordering = ["name"]
        verbose_name = _("municipality district")
        verbose_name_plural = _("municipality districts")
        constraints = [
            models.UniqueConstraint(
                fields=["network", "name"], name="one_district_name_per_network"
            )
        ]

    def __str__(self) -> str:
        return self.name


class Service(models.Model):
    class Level(models.TextChoices):
        MUNICIPAL = "municipal", _("Municipal")
        SPECIALIST = "specialist", _("Specialist health service")
        STATE = "state", _("State")
        # Voluntary organisations and private providers belong to no public level.
        OTHER = "other", _("Outside the public levels")

    class Sector(models.TextChoices):
        HEALTH = "health", _("Health")
        CARE = "care", _("Care")
        SOCIAL = "social", _("Social services")
        WORK_WELFARE = "work_welfare", _("Work and welfare")
        CHILD_WELFARE = "child_welfare", _("Child welfare")
        EDUCATION = "education", _("Education")
        HOUSING = "housing", _("Housing")
        JUSTICE = "justice", _("Justice")
        VOLUNTARY = "voluntary", _("Voluntary")

    organisation = models.ForeignKey(
        Organisation, on_delete=models.PROTECT, related_name="services"
    )
    name = models.CharField(_("name"), max_length=SHORT_TEXT)
    slug = models.SlugField(_("short name"), unique=True, max_length=80)
    level = models.CharField(_("level"), max_length=16, choices=Level.choices)
    sector = models.CharField(_("sector"), max_length=16, choices=Sector.choices)
    area_served = models.CharField(_("area served"), max_length=SHORT_TEXT, blank=True)
    is_active = models.BooleanField(_("active"), default=True)

    class Meta:
        ordering = ["name"]
        verbose_name = _("service")
        verbose_name_plural = _("services")

    def __str__(self) -> str:
        return self.name


class CatalogueEntry(models.Model):
    """What a service tells the others: what it offers, for whom, and how to reach it.

    `version` grows by one on every save, so an edit based on an older version is
    refused instead of overwriting someone else's change.
    """

    service = models.OneToOneField(
        Service, on_delete=models.CASCADE, primary_key=True, related_name="entry"
    )
    summary = models.CharField(_("who we are"), max_length=300, blank=True)
    offer = long_text(_("what we offer"), blank=True)
    target_group = long_text(_("for whom"), blank=True)
    how_to_refer = long_text(_("how to refer or get in touch"), blank=True)
    opening_hours = models.CharField(_("opening hours"), max_length=SHORT_TEXT, blank=True)
    phone = models.CharField(_("phone"), max_length=32, blank=True)
    email = models.EmailField(_("e-mail"), blank=True)
    address = models.CharField(_("address"), max_length=SHORT_TEXT, blank=True)
    keywords = models.CharField(
        _("search words"),
        max_length=SHORT_TEXT,
        blank=True,
        help_text=_("Words people use when they look for this help, separated by commas."),
    )
    version = models.PositiveIntegerField(default=1)
    updated_at = models.DateTimeField(_("last updated"), auto_now=True)
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )

    EDITABLE_FIELDS = [
        "summary",
        "offer",
        "target_group",
        "how_to_refer",
        "opening_hours",
        "phone",
        "email",
        "address",
        "keywords",
    ]

    class Meta:
        verbose_name = _("catalogue entry")
        verbose_name_plural = _("catalogue entries")

    def __str__(self) -> str:
        return str(self.service_id)


class Profession(models.Model):
    """A code list (seeded by a migration); administrators may add to it."""

    code = models.SlugField(_("code"), unique=True, max_length=40)
    name_nb = models.CharField(_("name (Norwegian)"), max_length=100)
    name_en = models.CharField(_("name (English)"), max_length=100)
    is_health_personnel = models.BooleanField(
        _("authorised health personnel"),
        default=False,
        help_text=_("Has an HPR number (Helsepersonellregisteret)."),
    )

    class Meta:
        ordering = ["name_nb"]
        verbose_name = _("profession")
        verbose_name_plural = _("professions")

    def __str__(self) -> str:
        return self.name

    @property
    def name(self) -> str:
        return self.name_en if (get_language() or "nb").startswith("en") else self.name_nb


class Professional(models.Model):
    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="professional"
    )
    profession = models.ForeignKey(Profession, on_delete=models.PROTECT, related_name="+")
    hpr_number = models.CharField(
        _("HPR number"),
        max_length=9,
        blank=True,
        validators=[validate_hpr_number],
    )
    title = models.CharField(_("job title"), max_length=100, blank=True)
    work_phone = models.CharField(_("work phone"), max_length=32, blank=True)

    class Meta:
        verbose_name = _("professional")
        verbose_name_plural = _("professionals")
        constraints = [
            models.UniqueConstraint(
                fields=["hpr_number"], condition=~Q(hpr_number=""), name="unique_hpr_number"
            )
        ]

    def __str__(self) -> str:
        return str(self.user)


class MembershipQuerySet(models.QuerySet["Membership"]):
    def active(self, on: dt.date | None = None) -> MembershipQuerySet:
        on = on or timezone.localdate()
        return self.filter(Q(starts__lte=on), Q(ends__isnull=True) | Q(ends__gte=on))


class Membership(models.Model):
    """A professional's place in a service, with role and position fraction.

    One person can work 20 % in a cross-level team and 80 % in their home service.
    """

    class Role(models.TextChoices):
        MEMBER = "member", _("Staff member")
        LEADER = "leader", _("Leader")
        ADMIN = "admin", _("Service administrator")

    professional = models.ForeignKey(
        Professional, on_delete=models.CASCADE, related_name="memberships"
    )
    service = models.ForeignKey(Service, on_delete=models.CASCADE, related_name="memberships")
    role = models.CharField(_("role"), max_length=16, choices=Role.choices, default=Role.MEMBER)
    position_percent = models.PositiveSmallIntegerField(
        _("position fraction (%)"),
        validators=[MinValueValidator(1), MaxValueValidator(100)],
    )
    starts = models.DateField(_("from"), default=timezone.localdate)
    ends = models.DateField(_("to"), null=True, blank=True)

    objects = MembershipQuerySet.as_manager()

    class Meta:
        ordering = ["service__name"]
        verbose_name = _("membership")
        verbose_name_plural = _("memberships")
        constraints = [
            models.UniqueConstraint(
                fields=["professional", "service"], name="one_membership_per_service"
            ),
            models.CheckConstraint(
                condition=Q(position_percent__gte=1) & Q(position_percent__lte=100),
                name="position_percent_1_to_100",
            ),
            models.CheckConstraint(
                condition=Q(ends__isnull=True) | Q(ends__gte=models.F("starts")),
                name="membership_ends_after_start",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.professional}, {self.service} ({self.position_percent} %)"
