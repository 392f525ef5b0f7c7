"""Who may use the FHIR interface beyond what the plan's own rules give.

A read of one plan's resources follows the plan's rules exactly (plans.access, through
plans.selectors). A bulk export of an organisation's plans is for the leaders of the
organisation that owns them (the municipality), with two-factor login, and is logged
per person; an operator gets configuration only (security.md), so no export.
"""

from __future__ import annotations

import re

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


# SMART-style scopes on API tokens: `user/<Type>.read` reads that type as the token's user
# may; `patient/<Type>.read` only the token's own patient; `*` is every type; SMART v2's
# `.rs` is read as `.read`. Nothing but reading exists.
SCOPE = re.compile(r"^(patient|user)/(\*|[A-Z][A-Za-z]{1,40})\.(read|rs)$")


def parse_scopes(text: str) -> list[tuple[str, str]]:
    """`user/CarePlan.read patient/*.read` as [(context, type)]; ValueError on any other."""
    found = []
    for word in text.split():
        match = SCOPE.match(word)
        if match is None:
            raise ValueError(word)
        found.append((match.group(1), match.group(2)))
    if not found:
        raise ValueError(text)
    return found


def scope_allows(
    scopes: list[tuple[str, str]], *, resource_type: str, person_id: int, token_patient: int | None
) -> bool:
    for context, kind in scopes:
        if kind not in ("*", resource_type):
            continue
        if context == "user":
            return True
        if token_patient is not None and person_id == token_patient:
            return True
    return False
