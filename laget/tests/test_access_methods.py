"""The project-level and continuity routes × every actor × every HTTP method (issue 14).
The plan routes, with cross-plan ids, are in plans/tests/test_access_methods.py."""

from __future__ import annotations

import pytest
from django.urls import reverse

from laget.tests.sweep import sweep
from laget.tests.test_access_matrix import MATRIX, our_route_names


@pytest.mark.django_db
@pytest.mark.parametrize("route", sorted(MATRIX))
def test_every_method_for_every_actor(route, world, client_for):
    kwargs_for, expected = MATRIX[route]
    sweep(
        route=route,
        url=reverse(route, kwargs=kwargs_for(world)),
        expected=expected,
        client_for=client_for,
        secret=world.member.get_full_name().encode(),
    )


def nested_plan_routes() -> set[str]:
    """Every route whose address names a plan and another object (an id besides the
    plan's), in any app: the ones where one plan's object could be put under another's."""
    from django.urls import URLPattern, URLResolver, get_resolver

    found: set[str] = set()

    def walk(patterns, prefix: str, namespace: str | None) -> None:
        for p in patterns:
            if isinstance(p, URLResolver):
                walk(p.url_patterns, prefix + str(p.pattern), p.namespace or namespace)
            elif isinstance(p, URLPattern):
                path = prefix + str(p.pattern)
                ids = [part for part in path.replace(">", "<").split("<") if part.endswith("_id")]
                name = f"{namespace}:{p.name}" if namespace else str(p.name)
                if any(i.endswith("plan_id") for i in ids) and len(ids) >= 2:
                    found.add(name)

    walk(get_resolver().url_patterns, "", None)
    return found & our_route_names()


def test_every_nested_plan_route_in_every_app_is_crossed():
    from laget.continuity.tests.test_access_matrix import NESTED as CONTINUITY_NESTED
    from laget.plans.tests.test_access_methods import NESTED as PLAN_NESTED

    crossed = set(PLAN_NESTED) | set(CONTINUITY_NESTED)
    assert nested_plan_routes() == crossed, "cross the nested route (laget/tests/sweep.py)"


def account_routes() -> list[str]:
    """allauth's pages (log in and out, password, e-mail, two-factor) and the language
    switch: the routes the matrices leave to their own tests, without ids in the path."""
    from django.urls import NoReverseMatch, URLPattern, URLResolver, get_resolver, reverse

    names: list[str] = []

    def walk(patterns, prefix: str, namespace: str | None) -> None:
        for p in patterns:
            if isinstance(p, URLResolver):
                walk(p.url_patterns, prefix + str(p.pattern), p.namespace or namespace)
            elif isinstance(p, URLPattern) and p.name:
                path = prefix + str(p.pattern)
                if not path.startswith(("accounts/", "i18n/")):
                    continue
                name = f"{namespace}:{p.name}" if namespace else p.name
                try:
                    reverse(name)
                except NoReverseMatch:
                    continue  # needs a key from an e-mail: nothing to sweep without one
                names.append(name)

    walk(get_resolver().url_patterns, "", None)
    return sorted(set(names))


@pytest.mark.django_db
@pytest.mark.parametrize("route", account_routes())
def test_account_pages_answer_every_method_without_a_server_error(route, world, client_for):
    from laget.tests.sweep import METHODS

    url = reverse(route)
    for actor in ("anonymous", "person", "no_mfa", "member"):
        client = client_for(actor)
        client.raise_request_exception = False
        get_status = None
        for method in METHODS:
            status = getattr(client, method)(url).status_code
            assert status < 500, (route, actor, method, status)
            if method == "get":
                get_status = status
            if method == "head":
                assert status in (get_status, 405), (route, actor, method, status)
