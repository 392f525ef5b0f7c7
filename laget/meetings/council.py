"""Every write to a network's user council (brukerråd, seed 004 §6.2.4): user
representatives who take part at system level, with their meetings in the meetings app.

A council is a Forum of kind COUNCIL: it is scheduled, held, minuted and evaluated like
any forum (meetings.services), and its members are invited to its meetings by name. Its
members need not work anywhere: someone new gets an account of their own
(User.Kind.REPRESENTATIVE) and chooses a password through allauth's own password-reset
link, so there is no second way in; someone who already has an account (a peer worker, a
person with a plan, a relative) uses it.
"""

from __future__ import annotations

import datetime as dt

from allauth.account.forms import default_token_generator
from allauth.account.utils import user_pk_to_url_str
from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.mail import send_mail
from django.core.validators import validate_email
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from laget.accounts.models import User
from laget.audit.services import change_record, create_recorded, versioned_update
from laget.core.types import Actor
from laget.directory.models import Network
from laget.meetings.access import may_run_council
from laget.meetings.models import AgendaTemplate, CouncilMember, Forum, Kind

COUNCIL_AGENDA = (
    "Brukerråd (standard)",
    "Velkommen og hensikt\n"
    "Saker meldt inn av brukerrepresentantene\n"
    "Nytt fra tjenestene: tilbud som planlegges eller endres\n"
    "Resultater fra brukerundersøkelsen\n"
    "Hva tar vi med tilbake til tjenestene\n"
    "Kort evaluering",
)


def council_create(
    *, actor: Actor, network: Network, name: str, purpose: str = "", interval_weeks: int = 8
) -> Forum:
    """The network's user council, set up by a leader or service administrator there,
    who becomes its first anchor person (and schedules its meetings)."""
    if not may_run_council(actor, network):
        raise PermissionDenied
    if not name.strip():
        raise ValidationError({"name": _("Give the council a name.")})
    if not 1 <= interval_weeks <= 52:
        raise ValidationError({"interval_weeks": _("Meet every 1 to 52 weeks.")})
    with transaction.atomic():
        template, _created = AgendaTemplate.objects.get_or_create(
            kind=Kind.FORUM,
            name=COUNCIL_AGENDA[0],
            defaults={"items": COUNCIL_AGENDA[1], "is_default": False},
        )
        council = create_recorded(
            actor=actor,
            action="council_create",
            obj=Forum(
                kind=Forum.Kind.COUNCIL,
                network=network,
                name=name.strip(),
                purpose=purpose.strip(),
                interval_weeks=interval_weeks,
                agenda_template=template,
            ),
            fields=["kind", "network_id", "name", "interval_weeks"],
        )
        council.anchors.set([actor])
    return council


def _council(actor: Actor, council: Forum) -> None:
    if council.kind != Forum.Kind.COUNCIL or not may_run_council(actor, council.network_id):
        raise PermissionDenied


def member_add(
    *,
    actor: Actor,
    council: Forum,
    email: str,
    first_name: str,
    last_name: str,
    role: str,
    affiliation: str = "",
    joined_on: dt.date | None = None,
    link_base: str = "",
) -> CouncilMember:
    """Add a member by e-mail address. An unknown address gets a representative's
    account and an e-mail with a link to choose a password (allauth's reset link)."""
    _council(actor, council)
    email = email.strip().lower()
    try:
        validate_email(email)
    except ValidationError as exc:
        raise ValidationError({"email": _("Write a whole e-mail address.")}) from exc
    if role not in CouncilMember.Role.values:
        raise ValidationError({"role": _("Choose the member's role.")})
    user = User.objects.filter(email__iexact=email).first()
    if user is not None and not user.is_active:
        raise ValidationError({"email": _("That account is closed. Ask an operator.")})
    if user is None and not (first_name.strip() and last_name.strip()):
        raise ValidationError({"first_name": _("Write the new member's first and last name.")})
    if (
        user is not None
        and CouncilMember.objects.active().filter(forum=council, user=user).exists()
    ):
        raise ValidationError(_("They are already a member."))
    created = user is None
    try:
        with transaction.atomic():
            if user is None:
                user = User.objects.create_user(
                    email,
                    kind=User.Kind.REPRESENTATIVE,
                    first_name=first_name.strip(),
                    last_name=last_name.strip(),
                )
                change_record(
                    actor=actor,
                    action="council_account_create",
                    obj=user,
                    before=None,
                    after={"kind": user.kind},
                )
            member = create_recorded(
                actor=actor,
                action="council_member_add",
                obj=CouncilMember(
                    forum=council,
                    user=user,
                    role=role,
                    affiliation=affiliation.strip(),
                    joined_on=joined_on or timezone.localdate(),
                ),
                fields=["forum_id", "user_id", "role", "affiliation", "joined_on"],
            )
            if created:
                link = (link_base or getattr(settings, "LAGET_BASE_URL", "")) + reverse(
                    "account_reset_password_from_key",
                    kwargs={
                        "uidb36": user_pk_to_url_str(user),
                        "key": default_token_generator.make_token(user),
                    },
                )
                transaction.on_commit(lambda: _welcome(user, council, link))
    except IntegrityError as exc:  # added by someone else a moment ago
        raise ValidationError(_("They are already a member.")) from exc
    return member


def _welcome(user: User, council: Forum, link: str) -> None:
    with translation.override("nb"):
        send_mail(
            _("Welcome to %(council)s in Laget") % {"council": council.name},
            _(
                "You have been added as a member of %(council)s. Choose a password with this"
                " link (it works for a few days; after that, use «forgot password»"
                " on the login page with this e-mail address):\n\n%(link)s"
            )
            % {"council": council.name, "link": link},
            None,
            [user.email],
        )


def member_leave(
    *, actor: Actor, member: CouncilMember, based_on_version: int, left_on: dt.date | None = None
) -> CouncilMember:
    """A member leaves the council; the row stays (who sat on it, and when)."""
    _council(actor, member.forum)
    day = left_on or timezone.localdate()
    if CouncilMember.objects.filter(pk=member.pk, left_on__isnull=False).exists():
        raise ValidationError(_("They have already left the council."))

    def check(current: CouncilMember) -> None:
        if day < current.joined_on:
            raise ValidationError(_("A member cannot leave before they joined."))

    return versioned_update(
        actor=actor,
        queryset=CouncilMember.objects,
        lookup={"pk": member.pk},
        based_on_version=based_on_version,
        data={"left_on": day},
        action="council_member_leave",
        check=check,
    )
