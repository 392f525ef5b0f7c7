"""Who an account is, as rules predicates other apps' access modules build on."""

from __future__ import annotations

import rules

from laget.core.types import Actor


@rules.predicate
def is_professional(user: Actor) -> bool:
    # The MFA middleware has already stopped professionals without a second factor.
    return bool(user.is_authenticated and user.kind == "professional" and user.is_active)


@rules.predicate
def is_operator(user: Actor) -> bool:
    return bool(user.is_authenticated and user.is_superuser and user.is_active)
