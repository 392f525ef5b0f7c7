"""Who may do what in the directory. The only place these decisions live.

- The catalogue (organisations, services, catalogue entries) is public.
- Who works where is shown to professionals only (and never to anonymous visitors).
- A service's catalogue entry is edited by that service's own administrators, nobody else.
- A network's municipality districts are defined by its leaders: leaders and administrators
  of a service in the network (the rule the network's figures use).
"""

from __future__ import annotations

import rules
from django.utils import timezone

from laget.accounts.access import is_professional
from laget.core.types import Actor
from laget.directory.models import Membership, Network, Service


@rules.predicate
def is_service_admin(user: Actor, service: Service) -> bool:
    if not is_professional(user):
        return False
    return (
        Membership.objects.active(timezone.localdate())
        .filter(professional__user=user, service=service, role=Membership.Role.ADMIN)
        .exists()
    )


@rules.predicate
def leads_in_network(user: Actor, network: Network) -> bool:
    if not is_professional(user):
        return False
    return (
        Membership.objects.active(timezone.localdate())
        .filter(
            professional__user=user,
            role__in=[Membership.Role.LEADER, Membership.Role.ADMIN],
            service__organisation__networks=network,
        )
        .exists()
    )


# Rules, not perms: Django's has_perm() says yes to every superuser, and operators get no
# special reach into the directory's pages (they configure through the admin).
rules.add_rule("directory.view_staff", is_professional)
rules.add_rule("directory.edit_catalogue_entry", is_service_admin)
rules.add_rule("directory.manage_districts", leads_in_network)


def can_view_staff(user: Actor) -> bool:
    return bool(rules.test_rule("directory.view_staff", user))


def can_edit_catalogue_entry(user: Actor, service: Service) -> bool:
    return bool(rules.test_rule("directory.edit_catalogue_entry", user, service))


def can_manage_districts(user: Actor, network: Network) -> bool:
    return bool(rules.test_rule("directory.manage_districts", user, network))
