"""When the database is down or overloaded, say so calmly: a 503 with Retry-After, never a
500 or a hung request. And two probes for a load balancer: /healthz and /readyz.

Django turns an exception raised anywhere (a view, the session or user lookup in a
middleware) into the 500 handler's response; `server_error` is that handler, so every route,
including routes added later, answers database trouble the same way.
"""

from __future__ import annotations

import sys
import time

from django.conf import settings
from django.db import DEFAULT_DB_ALIAS, InterfaceError, OperationalError, connections
from django.db.migrations.executor import MigrationExecutor
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.template import loader
from django.utils.translation import gettext_lazy as _
from django.views.decorators.cache import never_cache
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_http_methods

# Seconds a client should wait before trying again (a restarted database is back within it).
RETRY_AFTER_SECONDS = 5
UNAVAILABLE_MESSAGE = _(
    "Laget cannot reach its database right now. Nothing you saved before is lost. "
    "Wait a few seconds and try again."
)


def is_database_trouble(exc: BaseException | None) -> bool:
    """The database is unreachable, refused the connection, ran out of pool connections or
    cancelled a statement that ran too long: nothing the request itself did wrong."""
    if isinstance(exc, OperationalError | InterfaceError):
        return True
    try:
        import psycopg
    except ImportError:  # pragma: no cover - SQLite-only installs
        return False
    return isinstance(exc, psycopg.OperationalError | psycopg.InterfaceError)


# The breaker: once a request in this process met database trouble, the requests of the next
# moment get the 503 at once instead of each waiting out the pool timeout. Under load, a
# worker's threads otherwise queued behind 2-second waits and a request took 11 s to be
# refused (measured by bench/reliability.py). When the moment has passed, one request tries
# the database for everyone (the others are refused for another moment); if it gets through,
# the breaker closes. /readyz always asks the database and closes it too, so the load
# balancer and the breaker both see the database return within about a second.
_trouble_until = 0.0


def note_trouble(request: HttpRequest | None = None) -> None:
    global _trouble_until
    _trouble_until = time.monotonic() + settings.LAGET_DB_BREAKER_SECONDS
    if request is not None:
        request.laget_database_trouble = True  # type: ignore[attr-defined]


def trouble_known() -> bool:
    return time.monotonic() < _trouble_until


def reset_breaker() -> None:
    global _trouble_until
    _trouble_until = 0.0


class DatabaseBreakerMiddleware:
    """Answers the calm 503 at once while this process has just met database trouble;
    the health probes pass through (they must see the database return)."""

    PROBES = ("/healthz", "/readyz")

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        global _trouble_until
        if not _trouble_until or request.path in self.PROBES:
            return self.get_response(request)
        now = time.monotonic()
        if now < _trouble_until:
            return unavailable(request)
        # The moment has passed: this request tries; the others wait for its answer.
        _trouble_until = now + settings.LAGET_DB_BREAKER_SECONDS
        response = self.get_response(request)
        if not getattr(request, "laget_database_trouble", False):
            reset_breaker()
        return response


def unavailable(request: HttpRequest) -> HttpResponse:
    """The calm 503: JSON for the API, a page (rendered without the database) otherwise."""
    response: HttpResponse
    if request.path.startswith("/api/"):
        response = JsonResponse({"detail": UNAVAILABLE_MESSAGE}, status=503)
    else:
        body = loader.render_to_string("503.html")
        response = HttpResponse(body, status=503)
    response["Retry-After"] = str(RETRY_AFTER_SECONDS)
    response["Cache-Control"] = "no-store"
    return response


def server_error(request: HttpRequest) -> HttpResponse:
    """handler500: database trouble becomes a 503; any other error keeps the 500 page."""
    if is_database_trouble(sys.exc_info()[1]):
        note_trouble(request)
        return unavailable(request)
    body = loader.render_to_string("500.html")
    return HttpResponse(body, status=500)


@never_cache
@csrf_exempt
@require_http_methods(["GET", "HEAD"])
def healthz(request: HttpRequest) -> HttpResponse:
    """The process lives and answers; it asks nothing of the database."""
    return JsonResponse({"status": "ok"})


@never_cache
@csrf_exempt
@require_http_methods(["GET", "HEAD"])
def readyz(request: HttpRequest) -> HttpResponse:
    """The database answers and every migration is applied: send traffic here."""
    connection = connections[DEFAULT_DB_ALIAS]
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
        executor = MigrationExecutor(connection)
        pending = executor.migration_plan(executor.loader.graph.leaf_nodes())
    except Exception as exc:
        if not is_database_trouble(exc):
            raise
        note_trouble(request)
        response = JsonResponse({"status": "unavailable", "database": "down"}, status=503)
        response["Retry-After"] = str(RETRY_AFTER_SECONDS)
        return response
    if pending:
        response = JsonResponse(
            {"status": "unavailable", "database": "ok", "pending_migrations": len(pending)},
            status=503,
        )
        response["Retry-After"] = str(RETRY_AFTER_SECONDS)
        return response
    reset_breaker()  # the database answers: this process stops refusing at once
    return JsonResponse({"status": "ok", "database": "ok"})
