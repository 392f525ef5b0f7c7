"""Types shared across apps."""

from typing import Any, TypeAlias

# Whoever makes a request: a User or AnonymousUser. Left open (Any) because access rules
# read domain attributes (kind, professional) that only the concrete User has.
Actor: TypeAlias = Any
