"""Who may use the FHIR interface beyond what the plan's own rules give.

A read of one plan's resources follows the plan's rules exactly (plans.access, through
plans.selectors). A bulk export of an organisation's plans is for the leaders of the
organisation that owns them (the municipality), with two-factor login, and is logged
per person; an operator gets configuration only (security.md), so no export.
"""

from __future__ import annotations

import rules
from allauth.mfa.utils import is_mfa_enabled

from laget.core.types import Actor
from laget.directory.models import Membership, Organisation

from .models import ExportJob


def may_bulk_export(actor: Actor, organisation: Organisation) -> bool:
    if not actor.is_authenticated or not actor.is_active:
        return False
    if getattr(actor, "kind", "") != "professional" or not is_mfa_enabled(actor):
        return False
    return (
        Membership.objects.active()
        .filter(
            professional__user=actor,
            service__organisation=organisation,
            role=Membership.Role.LEADER,
        )
        .exists()
    )


def may_read_export(actor: Actor, job: ExportJob) -> bool:
    return bool(actor.is_authenticated and job.requested_by_id == actor.pk)


rules.add_rule("interop.bulk_export", may_bulk_export)
