"""The team's composition: members join in a position fraction, move, change or leave.
A change that leaves a case without a level flags it (and tells the team) at once."""

import datetime as dt

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from laget.audit.services import change_record, create_recorded, snapshot
from laget.core.types import Actor
from laget.directory.models import Membership, Network, Professional, Service
from laget.directory.services import membership_add
from laget.teams import pairing
from laget.teams.access import leads_team, may_create_team
from laget.teams.models import (
    CrossLevelTeam,
    Secondment,
)
from laget.teams.services.common import (
    _clean_competence,
    _lock_team,
    _public_level,
    _require,
    flagged_cases,
    tell_flagged,
)


def team_create(
    *, actor: Actor, service: Service, network: Network, contact_alert_days: int = 14
) -> CrossLevelTeam:
    """A service's administrator makes it a cross-level team in one of its networks. The
    service's memberships carry the members' fractions; each member is then added with the
    service they are lent from (member_add)."""
    _require(may_create_team(actor, service))
    if service.level not in pairing.LEVELS:
        raise ValidationError(
            {"service": _("A cross-level team is a municipal or a specialist service.")}
        )
    if not network.organisations.filter(pk=service.organisation_id).exists():
        raise ValidationError(
            {"network": _("Choose a network the service's organisation takes part in.")}
        )
    if not 1 <= contact_alert_days <= 365:
        raise ValidationError({"contact_alert_days": _("Write a number of days from 1 to 365.")})
    with transaction.atomic():
        if CrossLevelTeam.objects.filter(service=service).exists():
            raise ValidationError(_("%(service)s is already a team.") % {"service": service})
        return create_recorded(
            actor=actor,
            action="team_create",
            obj=CrossLevelTeam(
                network=network, service=service, contact_alert_days=contact_alert_days
            ),
            fields=["network_id", "service_id", "contact_alert_days"],
        )


def member_add(
    *,
    actor: Actor,
    team: CrossLevelTeam,
    professional: Professional,
    home_service: Service,
    position_percent: int,
    competence: list[str],
) -> Secondment:
    """A professional joins the team in a position fraction, lent from their service."""
    _require(leads_team(actor, team))
    _public_level(home_service)
    competence = _clean_competence(competence)
    with transaction.atomic():
        _lock_team(team)
        if Membership.objects.filter(professional=professional, service=team.service).exists():
            raise ValidationError(
                _(
                    "%(name)s already has a place in the team's service. Change their "
                    "fraction on the team page instead."
                )
                % {"name": professional}
            )
        # The directory's own path: it keeps the positions at 100 % at most.
        membership = membership_add(
            actor=actor,
            professional=professional,
            service=team.service,
            position_percent=position_percent,
        )
        return create_recorded(
            actor=actor,
            action="team_member_add",
            obj=Secondment(
                team=team, membership=membership, home_service=home_service, competence=competence
            ),
            fields=["team_id", "membership_id", "home_service_id", "competence"],
        )


def member_update(
    *,
    actor: Actor,
    member: Secondment,
    based_on_version: int,
    position_percent: int,
    home_service: Service,
    competence: list[str],
) -> Secondment:
    """Change a member's fraction, the service they are lent from (moving them, perhaps to
    the other level), or their competence. Cases that lose a level are flagged, not
    refused: the flag stays until someone from that level takes over."""
    team = member.team
    _require(leads_team(actor, team))
    _public_level(home_service)
    competence = _clean_competence(competence)
    if not 1 <= position_percent <= 100:
        raise ValidationError(
            {
                "position_percent": _(
                    "Write the fraction as a whole number from 1 to 100. To end the place, "
                    "use 'End membership'."
                )
            }
        )
    with transaction.atomic():
        _lock_team(team)
        locked = (
            Secondment.objects.select_for_update().select_related("membership").get(pk=member.pk)
        )
        if locked.version != based_on_version:
            raise ValidationError(
                _("Someone else changed this member a moment ago. Reload the page and try again.")
            )
        membership = locked.membership
        others = sum(
            Membership.objects.active()
            .filter(professional_id=membership.professional_id)
            .exclude(pk=membership.pk)
            .values_list("position_percent", flat=True)
        )
        if others + position_percent > 100:
            raise ValidationError(
                {
                    "position_percent": _(
                        "%(name)s works %(others)d %% elsewhere. Together the positions can "
                        "be at most 100 %%: choose a smaller fraction."
                    )
                    % {"name": membership.professional, "others": others}
                }
            )
        before = snapshot(locked, ["home_service_id", "competence"]) | {
            "position_percent": membership.position_percent
        }
        membership.position_percent = position_percent
        membership.save(update_fields=["position_percent"])
        level_changed = locked.home_service.level != home_service.level
        locked.home_service = home_service
        locked.competence = competence
        locked.version += 1
        locked.save(update_fields=["home_service", "competence", "version"])
        change_record(
            actor=actor,
            action="team_member_update",
            obj=locked,
            before=before,
            after=snapshot(locked, ["home_service_id", "competence"])
            | {"position_percent": position_percent},
        )
        if level_changed:
            # The member moved to the other level: each case left without a level is told.
            tell_flagged(
                actor, flagged_cases(locked, timezone.localdate()), f"moved{locked.version}"
            )
    return locked


def member_end(*, actor: Actor, member: Secondment, ends: dt.date, reason: str) -> Secondment:
    """The member's place in the team ends on `ends` (their fraction ends in the
    directory too). Every case they carry is flagged from the day after, at once."""
    team = member.team
    _require(leads_team(actor, team))
    if not reason.strip():
        raise ValidationError({"reason": _("Write why the place ends. The reason is logged.")})
    with transaction.atomic():
        _lock_team(team)
        membership = Membership.objects.select_for_update().get(pk=member.membership_id)
        if ends < membership.starts:
            raise ValidationError({"ends": _("The place cannot end before it started.")})
        before = {"ends": str(membership.ends) if membership.ends else None}
        membership.ends = ends
        membership.save(update_fields=["ends"])
        change_record(
            actor=actor,
            action="team_member_end",
            obj=member,
            before=before,
            after={"ends": str(ends), "reason": reason.strip()},
        )
        # Each open case the member carried that lacks their level from the day after.
        tell_flagged(actor, flagged_cases(member, ends + dt.timedelta(days=1)), f"ends{ends}")
    return member
