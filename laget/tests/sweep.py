"""The access matrices' second pass (issue 14): every HTTP method, not only the one a route
is meant for. Each app's matrix module calls `sweep` with its own routes and clients, so a
route added to a matrix is swept without more code.

For every actor and every method (GET, HEAD, POST, PUT, PATCH, DELETE, OPTIONS):
- nobody gets a server error;
- an actor the matrix refuses (302 to a login or to MFA set-up, 401, 403, 404) is refused
  every method too and writes nothing to the change log; one who may not read (all but
  403) sees no personal data;
- HEAD answers as GET does.
"""

from __future__ import annotations

from collections.abc import Callable

from django.http import HttpResponse
from django.test import Client
from django.urls import resolve, reverse

from laget.audit.models import ChangeRecord

METHODS = ("get", "head", "post", "put", "patch", "delete", "options")
# 400/422: the API checks a request's shape before whom it is from; a malformed request is
# refused without a word about the plan.
REFUSED_ANY_METHOD = {302, 400, 401, 403, 404, 405, 422}


def sweep(
    *,
    route: str,
    url: str,
    expected: dict[str, int],
    client_for: Callable[[str], Client],
    secret: bytes,
    other_route_methods: tuple[str, ...] = (),
) -> None:
    """`other_route_methods`: methods that this URL answers as another route (the API's
    GET /plans beside POST /plans); that route's own row sweeps them, here they only must
    not fail or write for one who is refused."""
    for actor, status_expected in expected.items():
        client = client_for(actor)
        client.raise_request_exception = False
        get_status = None
        for method in METHODS:
            before = ChangeRecord.objects.count()
            response = getattr(client, method)(url)
            status = response.status_code
            where = (route, actor, method.upper(), status)
            assert status < 500, where
            if method == "get":
                get_status = status
            if method == "head":
                assert status == get_status or status == 405, where
            # 302 is a refusal (to the login or MFA set-up) only for those two actors;
            # for others it is the redirect after a write that worked.
            refused = status_expected in (401, 403, 404) or (
                status_expected == 302 and actor in ("anonymous", "no_mfa")
            )
            if refused and method in other_route_methods:
                assert ChangeRecord.objects.count() == before, where
            elif refused:
                assert status in REFUSED_ANY_METHOD, where
                assert ChangeRecord.objects.count() == before, where
                if status_expected != 403:
                    # 403 is for a reader who may not do this: they may see the name.
                    assert secret not in response.content, where


def with_plan(url: str, plan_id: int) -> str:
    """The same route and object ids, under another plan's URL."""
    match = resolve(url)
    name = f"{match.namespace}:{match.url_name}" if match.namespace else match.url_name
    return reverse(name, kwargs={**match.kwargs, "plan_id": plan_id})


def cross_plan_sweep(
    *,
    route: str,
    url: str,
    actors: list[str],
    client_for: Callable[[str], Client],
    secret: bytes,
    attempt: Callable[[Client, str], HttpResponse] | None = None,
) -> None:
    """An object of one plan under another plan's URL is nobody's: every actor, every
    method, is refused and nothing is written. `attempt` sends the route's own well-formed
    request (the right method and body), so the refusal is the ownership check and not a
    malformed request: it must be refused as not found, 403 or 404 (302 to log in)."""
    for actor in actors:
        client = client_for(actor)
        client.raise_request_exception = False
        for method in METHODS:
            before = ChangeRecord.objects.count()
            response = getattr(client, method)(url)
            where = (route, actor, method.upper(), response.status_code)
            assert response.status_code in REFUSED_ANY_METHOD, where
            assert ChangeRecord.objects.count() == before, where
            assert secret not in response.content, where
        if attempt is not None:
            before = ChangeRecord.objects.count()
            response = attempt(client, url)
            where = (route, actor, "well-formed", response.status_code)
            assert response.status_code in (302, 401, 403, 404), where
            if response.status_code == 302:
                assert actor in ("anonymous", "no_mfa"), where
            assert ChangeRecord.objects.count() == before, where
            assert secret not in response.content, where
