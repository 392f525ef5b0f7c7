"""Every route × every kind of actor. A new route without a row here (or in the plan
matrix, laget/plans/tests/test_access_matrix.py, or a sibling app's) fails the suite.

Codes: 200 shown; 302 sent to log in (anonymous) or to set up two-factor login
(a professional without MFA); 401/403 refused. Third-party routes (allauth's account
pages, Django's admin and language switch) are tested in their own files.
"""

from __future__ import annotations

import pytest
from django.urls import URLPattern, URLResolver, get_resolver, reverse

from laget.conftest import ACTORS

# route name -> (kwargs builder, {actor: status})
PUBLIC_PAGE = dict.fromkeys(ACTORS, 200) | {"no_mfa": 302}
PUBLIC_API = dict.fromkeys(ACTORS, 200) | {"no_mfa": 403}
STAFF_PAGE = {
    "anonymous": 302,
    "person": 403,
    "no_mfa": 302,
    "outsider": 200,
    "member": 200,
    "owner": 200,
    "operator": 403,
}
OWNER_ONLY_PAGE = {
    "anonymous": 302,
    "person": 403,
    "no_mfa": 302,
    "outsider": 403,
    "member": 403,
    "owner": 200,
    "operator": 403,
}
STAFF_API = {
    "anonymous": 401,
    "person": 403,
    "no_mfa": 403,
    "outsider": 200,
    "member": 200,
    "owner": 200,
    "operator": 403,
}


def service_slug(w):
    return {"slug": w.service.slug}


def network_slug(w):
    return {"slug": w.network.slug}


def organisation_id(w):
    return {"organisation_id": w.service.organisation_id}


def none(w):
    return {}


# A network's leaders (leaders and administrators of a service in it): the owner, and the
# outsider (administrator of the network's other service).
NETWORK_LEADER_PAGE = STAFF_PAGE | {"member": 403}
# POST only: a GET is refused (405) once logged in with two-factor.
POST_ONLY = dict.fromkeys(ACTORS, 405) | {"anonymous": 302, "no_mfa": 302}


def district(w):
    from laget.directory.models import District

    d, _ = District.objects.get_or_create(network=w.network, name="Sentrum")
    return {"slug": w.network.slug, "district_id": d.pk}


MATRIX = {
    "home": (none, PUBLIC_PAGE),
    "directory:catalogue": (none, PUBLIC_PAGE),
    "directory:service": (service_slug, PUBLIC_PAGE),
    "directory:service_edit": (service_slug, OWNER_ONLY_PAGE),
    "directory:networks": (none, PUBLIC_PAGE),
    "directory:whos_who": (network_slug, STAFF_PAGE),
    "directory:districts": (network_slug, NETWORK_LEADER_PAGE),
    "directory:district_rename": (district, POST_ONLY),
    "api-v1:api-root": (none, dict.fromkeys(ACTORS, 404) | {"no_mfa": 403}),
    "api-v1:openapi-json": (none, PUBLIC_API),
    "api-v1:list_organisations": (none, PUBLIC_API),
    "api-v1:get_organisation": (organisation_id, PUBLIC_API),
    "api-v1:list_services": (none, PUBLIC_API),
    "api-v1:get_service": (service_slug, PUBLIC_API),
    "api-v1:get_catalogue_entry": (service_slug, PUBLIC_API),
    "api-v1:get_staff": (service_slug, STAFF_API),
    # Probes for a load balancer: they show no data.
    "healthz": (none, PUBLIC_PAGE),
    "readyz": (none, PUBLIC_PAGE),
}

# Routes that list who works where, to those allowed to see it.
STAFF_ROUTES = {"directory:service", "directory:whos_who", "api-v1:get_staff"}

# Routes from other projects, covered by test_accounts.py and test_security.py.
THIRD_PARTY_NAMESPACES = {"admin"}
THIRD_PARTY_PREFIXES = ("accounts/", "i18n/")


def our_route_names() -> set[str]:
    names: set[str] = set()

    def walk(patterns, prefix: str, namespace: str | None) -> None:
        for p in patterns:
            if isinstance(p, URLResolver):
                ns = p.namespace or namespace
                if ns in THIRD_PARTY_NAMESPACES:
                    continue
                walk(p.url_patterns, prefix + str(p.pattern), ns)
            elif isinstance(p, URLPattern):
                path = prefix + str(p.pattern)
                if path.startswith(THIRD_PARTY_PREFIXES):
                    continue
                names.add(f"{namespace}:{p.name}" if namespace else str(p.name))

    walk(get_resolver().url_patterns, "", None)
    return names


def test_every_route_has_a_row():
    from laget.continuity.tests.test_access_matrix import CONTINUITY_MATRIX
    from laget.interop.tests.test_access_matrix import INTEROP_MATRIX
    from laget.meetings.tests.test_access_matrix import MEETING_MATRIX
    from laget.meetings.tests.test_council import COUNCIL_MATRIX
    from laget.notifications.tests.test_access_matrix import NOTIFICATION_MATRIX
    from laget.outcomes.tests.test_access_matrix import OUTCOME_MATRIX
    from laget.plans.tests.test_access_matrix import PLAN_MATRIX
    from laget.plans.tests.test_access_matrix_lifecycle import (
        LIFECYCLE_API_MATRIX,
        LIFECYCLE_MATRIX,
    )
    from laget.quality.tests.test_access_matrix import QUALITY_MATRIX
    from laget.quality.tests.test_learning import LEARNING_MATRIX
    from laget.quality.tests.test_learning_between import BETWEEN_MATRIX
    from laget.surveys.tests.test_access_matrix import SURVEY_MATRIX
    from laget.surveys.tests.test_service_survey_access import USER_SURVEY_MATRIX
    from laget.teams.tests.test_access_matrix import TEAM_MATRIX

    every = (
        set(MATRIX)
        | set(PLAN_MATRIX)
        | set(LIFECYCLE_MATRIX)
        | set(LIFECYCLE_API_MATRIX)
        | set(CONTINUITY_MATRIX)
        | set(MEETING_MATRIX)
        | set(SURVEY_MATRIX)
        | set(USER_SURVEY_MATRIX)
        | set(COUNCIL_MATRIX)
        | set(OUTCOME_MATRIX)
        | set(TEAM_MATRIX)
        | set(NOTIFICATION_MATRIX)
        | set(INTEROP_MATRIX)
        | set(QUALITY_MATRIX)
        | set(LEARNING_MATRIX)
        | set(BETWEEN_MATRIX)
    )
    assert our_route_names() == every, "add the route to a matrix"


@pytest.mark.django_db
@pytest.mark.parametrize("route", sorted(MATRIX))
def test_route_for_every_actor(route, world, client_for):
    kwargs_for, expected = MATRIX[route]
    assert set(expected) == set(ACTORS)
    url = reverse(route, kwargs=kwargs_for(world))
    staff_name = world.member.get_full_name()
    for actor in ACTORS:
        response = client_for(actor).get(url)
        assert response.status_code == expected[actor], (actor, route, response.status_code)
        if expected[actor] != 200 or route not in STAFF_ROUTES:
            # Refused: nothing about who works where leaks into the body.
            assert staff_name.encode() not in response.content, (actor, route)
        if response.status_code == 302:
            login = reverse("account_login")
            mfa = reverse("mfa_activate_totp")
            assert response["Location"].startswith(login if actor == "anonymous" else mfa)


@pytest.mark.django_db
def test_staff_names_only_for_professionals(world, client_for):
    url = reverse("directory:service", kwargs={"slug": world.service.slug})
    name = world.member.get_full_name().encode()
    for actor in ["anonymous", "person", "operator"]:
        assert name not in client_for(actor).get(url).content, actor
    for actor in ["outsider", "member", "owner"]:
        assert name in client_for(actor).get(url).content, actor
