"""Bringing the person and their relatives in: an e-mail with a single-use link that
expires. The token is random (secrets), only its SHA-256 is stored, and the link is the
only copy. Following it lets the invitee set a password and join the plan's team.

Age rules (pasient- og brukerrettighetsloven §§ 3-1, 4-3): for a child under 16 the
parents take part on the child's behalf, and the child is not invited; from 16 the young
person decides about their own health information, so a parent is a relative like any
other and needs their agreement. A guardian (verge) is recorded with the scope of the
appointment. Self sign-up stays closed: an invitation is the only way in for them.
"""

from __future__ import annotations

import hashlib
import secrets
from enum import StrEnum

from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.mail import send_mail
from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from laget.accounts.models import User
from laget.audit.services import change_record, create_recorded
from laget.core.types import Actor
from laget.notifications.services import notify
from laget.plans.access import plan_access
from laget.plans.lifecycle_models import Invitation
from laget.plans.models import Person, Plan, TeamMember
from laget.plans.services import refuse_if_closed

Represents = TeamMember.Represents
Agreement = Invitation.Agreement


def token_hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


class LinkState(StrEnum):
    OK = "ok"
    UNKNOWN = "unknown"
    USED = "used"
    EXPIRED = "expired"  # also: replaced by a newer invitation


def invitation_for_token(token: str) -> tuple[Invitation | None, LinkState]:
    """The invitation a link points at, and whether it can still be used. Reveals no
    personal data: the page shows only the invitee's first name."""
    if not token or len(token) > 100:
        return None, LinkState.UNKNOWN
    invitation = (
        Invitation.objects.filter(token_hash=token_hash(token))
        .select_related("plan__person")
        .first()
    )
    if invitation is None:
        return None, LinkState.UNKNOWN
    if invitation.used_at is not None:
        return invitation, LinkState.USED
    if invitation.replaced_at is not None or invitation.expired:
        return invitation, LinkState.EXPIRED
    return invitation, LinkState.OK


def _agreement_for(access, person: Person, data: dict) -> str:
    """How the person agreed to this relative, or a refusal that says what to do."""
    represents = data.get("represents", "")
    if represents == Represents.PARENT:
        if person.decides_for_themself():
            raise ValidationError(
                {
                    "represents": _(
                        "From 16 the young person decides about their own health "
                        "information. Invite the parent as a relative, with the young "
                        "person's agreement."
                    )
                },
                code="age",
            )
        return Agreement.PARENT
    if represents in (Represents.GUARDIAN_PERSONAL, Represents.GUARDIAN_FINANCIAL):
        if len(data.get("representation_scope", "").strip()) < 5:
            raise ValidationError(
                {
                    "representation_scope": _(
                        "Write the scope of the guardianship as the appointment states it."
                    )
                }
            )
        return Agreement.GUARDIAN
    if access.is_person:
        return Agreement.BY_PERSON  # the person (or who acts for them) invites
    agreement = data.get("agreement", "")
    if agreement not in (Agreement.IN_PERSON, Agreement.VERBAL):
        raise ValidationError(
            {
                "agreement": _(
                    "The person has not agreed to this relative taking part. Ask the person "
                    "first, and record how they said yes."
                )
            },
            code="no_agreement",
        )
    if agreement == Agreement.VERBAL and not data.get("agreement_witness", "").strip():
        raise ValidationError(
            {"agreement_witness": _("A verbal yes needs a witness. Write their name.")}
        )
    return agreement


def invitation_create(
    *,
    actor: Actor,
    plan: Plan,
    role: str,
    email: str,
    first_name: str = "",
    last_name: str = "",
    relation: str = "",
    represents: str = "",
    representation_scope: str = "",
    agreement: str = "",
    agreement_witness: str = "",
    link_base: str,
) -> Invitation:
    """Invite the person (the coordinator does) or a relative (the coordinator with the
    person's recorded agreement, or the person themself). Sends the e-mail after commit."""
    access = plan_access(actor, plan)
    if access is None or not access.may_manage_team:
        raise PermissionDenied
    refuse_if_closed(plan)
    person = plan.person
    email = email.strip().lower()
    if not email:
        raise ValidationError({"email": _("Write the e-mail address the invitation goes to.")})
    if role == Invitation.Role.PERSON:
        if not access.is_coordinator:
            raise ValidationError(
                _("Only the coordinator invites the person. Invite a relative instead.")
            )
        if person.user_id is not None:
            raise ValidationError(_("The person already has an account in Laget."))
        if not person.decides_for_themself():
            raise ValidationError(
                _("A child under 16 takes part through their parents. Invite the parents instead."),
                code="age",
            )
        first_name, last_name = person.first_name, person.last_name
        agreed, represents, representation_scope = "", "", ""
    elif role == Invitation.Role.RELATIVE:
        if not (first_name.strip() and last_name.strip()):
            raise ValidationError({"first_name": _("Write the relative's first and last name.")})
        agreed = _agreement_for(
            access,
            person,
            {
                "represents": represents,
                "representation_scope": representation_scope,
                "agreement": agreement,
                "agreement_witness": agreement_witness,
            },
        )
    else:
        raise ValidationError(_("Choose whom you invite."))
    taken = User.objects.filter(email=email).first()
    if taken is not None and taken.kind not in (User.Kind.PERSON, User.Kind.RELATIVE):
        raise ValidationError(
            {"email": _("This address belongs to a professional's account. Use another one.")}
        )
    if taken is not None and TeamMember.objects.active().filter(plan=plan, user=taken).exists():
        raise ValidationError({"email": _("Someone with this address is already on the team.")})
    token = secrets.token_urlsafe(32)
    with transaction.atomic():
        Plan.objects.select_for_update().get(pk=plan.pk)
        Invitation.objects.filter(
            plan=plan, email=email, used_at__isnull=True, replaced_at__isnull=True
        ).update(replaced_at=timezone.now())
        invitation = create_recorded(
            actor=actor,
            action="invitation_create",
            obj=Invitation(
                plan=plan,
                role=role,
                email=email,
                first_name=first_name.strip(),
                last_name=last_name.strip(),
                relation=relation.strip(),
                represents=represents,
                representation_scope=representation_scope.strip(),
                agreement=agreed,
                agreement_witness=agreement_witness.strip() if agreed == Agreement.VERBAL else "",
                token_hash=token_hash(token),
                created_by=actor,
                expires_at=timezone.now() + Invitation.VALID_FOR,
            ),
            fields=["role", "relation", "represents", "agreement", "expires_at"],
        )
    # Sent once the invitation is committed (no request-wide transaction in Laget).
    _send(invitation, _link(link_base, token))
    return invitation


def _link(base: str, token: str) -> str:
    return base.rstrip("/") + reverse("plans:invitation", kwargs={"token": token})


def _send(invitation: Invitation, link: str) -> None:
    """The invitation is the product here, not a notification: sent by Django's mail."""
    days = Invitation.VALID_FOR.days
    body = _(
        "Hello %(name)s,\n\n"
        "You are invited to take part in an individual plan in Laget.\n"
        "Open this link to choose your password. It works once, for %(days)s days:\n\n"
        "%(link)s\n\n"
        "If the link does not work, open it anyway: the page lets you ask for a new one.\n"
    ) % {"name": invitation.first_name, "days": days, "link": link}
    send_mail(_("Your invitation to Laget"), body, None, [invitation.email])


def invitation_accept(*, token: str, password: str, password_again: str) -> User:
    """Set a password and join the team. Used, expired, replaced and unknown links are
    refused with what to do; nothing is written then."""
    with transaction.atomic():
        found = (
            Invitation.objects.select_for_update()
            .filter(token_hash=token_hash(token))
            .select_related("plan__person")
            .first()
        )
        invitation = _check_usable(found)
        if password != password_again:
            raise ValidationError({"password2": _("The two passwords are not the same.")})
        user = User.objects.filter(email=invitation.email).first()
        if user is None:
            kind = (
                User.Kind.PERSON
                if invitation.role == Invitation.Role.PERSON
                else (User.Kind.RELATIVE)
            )
            user = User(
                email=invitation.email,
                kind=kind,
                first_name=invitation.first_name,
                last_name=invitation.last_name,
            )
            validate_password(password, user)
            user.set_password(password)
            user.save()
        elif not user.check_password(password):
            raise ValidationError(
                {"password": _("You already have an account. Type its password to join.")}
            )
        plan = Plan.objects.select_for_update().get(pk=invitation.plan_id)
        refuse_if_closed(plan)
        if invitation.role == Invitation.Role.PERSON:
            person = Person.objects.select_for_update().get(pk=plan.person_id)
            if person.user_id not in (None, user.pk):
                raise ValidationError(_("The person already has an account in Laget."))
            person.user = user
            person.save(update_fields=["user"])
            role = TeamMember.Role.PERSON
        else:
            role = TeamMember.Role.RELATIVE
        if not TeamMember.objects.active().filter(plan=plan, user=user).exists():
            TeamMember.objects.create(
                plan=plan,
                user=user,
                role=role,
                relation=invitation.relation,
                represents=invitation.represents,
                representation_scope=invitation.representation_scope,
                joined_reason=_("Accepted the invitation"),
                added_by=invitation.created_by,
            )
        invitation.used_at = timezone.now()
        invitation.used_by = user
        invitation.save(update_fields=["used_at", "used_by"])
        change_record(
            actor=user,
            action="invitation_accept",
            obj=invitation,
            before={"used": False},
            after={"used": True, "role": role, "user_id": user.pk},
        )
    return user


def _check_usable(invitation: Invitation | None) -> Invitation:
    if invitation is None:
        raise ValidationError(
            _(
                "This link is not valid. Check that you copied the whole link from the "
                "e-mail, or ask your coordinator for a new invitation."
            ),
            code="unknown",
        )
    if invitation.used_at is not None:
        raise ValidationError(
            _(
                "This link has already been used. Log in with your e-mail address and the "
                "password you chose. Forgot it? Choose 'Forgot password' on the login page."
            ),
            code="used",
        )
    if invitation.replaced_at is not None or invitation.expired:
        raise ValidationError(
            _("This link has expired. Ask for a new invitation below."), code="expired"
        )
    return invitation


def invitation_renewal_request(*, token: str) -> Invitation:
    """The invitee of an expired link asks for a new one: the coordinator sees it in the
    request queue. Nothing about the plan is shown to whoever holds the link."""
    with transaction.atomic():
        invitation = (
            Invitation.objects.select_for_update().filter(token_hash=token_hash(token)).first()
        )
        if invitation is None or invitation.used_at is not None:
            invitation = _check_usable(invitation)
        if invitation.renewal_requested_at is None:
            invitation.renewal_requested_at = timezone.now()
            invitation.save(update_fields=["renewal_requested_at"])
            change_record(
                actor=None,
                action="invitation_renewal_request",
                obj=invitation,
                before=None,
                after={"renewal_requested": True},
            )
            notify(event="invitation_renewal", plan=invitation.plan, target=invitation)
    return invitation


def invitation_resend(*, actor: Actor, invitation_id: int, link_base: str) -> Invitation:
    """The coordinator sends a new link for an invitation (the old one stops working),
    with the agreement already on record."""
    old = Invitation.objects.select_related("plan__person").filter(pk=invitation_id).first()
    if old is None:
        raise PermissionDenied
    access = plan_access(actor, old.plan)
    if access is None or not access.is_coordinator:
        raise PermissionDenied
    if old.used_at is not None:
        raise ValidationError(_("This invitation has been used; the account exists."))
    refuse_if_closed(old.plan)
    token = secrets.token_urlsafe(32)
    with transaction.atomic():
        Invitation.objects.filter(
            plan=old.plan, email=old.email, used_at__isnull=True, replaced_at__isnull=True
        ).update(replaced_at=timezone.now())
        Invitation.objects.filter(pk=old.pk).update(renewal_requested_at=None)
        new = create_recorded(
            actor=actor,
            action="invitation_resend",
            obj=Invitation(
                plan=old.plan,
                role=old.role,
                email=old.email,
                first_name=old.first_name,
                last_name=old.last_name,
                relation=old.relation,
                represents=old.represents,
                representation_scope=old.representation_scope,
                agreement=old.agreement,
                agreement_witness=old.agreement_witness,
                token_hash=token_hash(token),
                created_by=actor,
                expires_at=timezone.now() + Invitation.VALID_FOR,
            ),
            fields=["role", "relation", "represents", "agreement", "expires_at"],
        )
    _send(new, _link(link_base, token))
    return new
