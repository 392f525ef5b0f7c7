"""Request ids, security headers Django does not set by itself (CSP: django-csp), and the
guard that refuses impossible input before any view sees it."""

from __future__ import annotations

import re
import time
import uuid
from collections.abc import Callable

from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import render
from django.utils.translation import gettext_lazy as _

from laget.core.validation import has_control_characters, has_number_beyond_ids, json_strings

# Laget needs none of these browser features; saying so shrinks what an injected script could do.
PERMISSIONS_POLICY = ", ".join(
    f"{feature}=()"
    for feature in (
        "accelerometer",
        "camera",
        "geolocation",
        "gyroscope",
        "magnetometer",
        "microphone",
        "payment",
        "usb",
        "interest-cohort",
    )
)


class SecurityHeadersMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        response.headers.setdefault("Permissions-Policy", PERMISSIONS_POLICY)
        response.headers.setdefault("Cross-Origin-Resource-Policy", "same-origin")
        return response


REQUEST_ID = re.compile(r"^[A-Za-z0-9._-]{8,64}$")


class RequestIdMiddleware:
    """Give every request an id (or keep a sane one from the proxy), for the access log
    and for matching a user's report to the server's log."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        incoming = request.headers.get("X-Request-ID", "")
        request_id = incoming if REQUEST_ID.match(incoming) else uuid.uuid4().hex
        request.request_id = request_id  # type: ignore[attr-defined]
        response = self.get_response(request)
        response.headers["X-Request-ID"] = request_id
        return response


# A session ends after SESSION_COOKIE_AGE seconds without a request. Renewing its expiry
# means writing the session row; on every request that turned each page view into a
# database write (and on PostgreSQL a flushed commit). Renewing at most once a minute keeps
# the idle limit within a minute of the setting and leaves reads as reads.
SESSION_RENEW_AFTER_SECONDS = 60
SESSION_RENEWED_KEY = "_laget_renewed"


class SessionRenewalMiddleware:
    """Mark a live session modified when its expiry was last renewed over a minute ago, so
    Django's SessionMiddleware (which runs after this on the way out) saves it. A session
    nobody used in the request, or one that was empty or ended, is left alone."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        session = getattr(request, "session", None)
        if session is not None and session.accessed and not session.is_empty():
            now = int(time.time())
            if now - session.get(SESSION_RENEWED_KEY, 0) >= SESSION_RENEW_AFTER_SECONDS:
                session[SESSION_RENEWED_KEY] = now
        return response


class InputGuardMiddleware:
    """Refuse, before any view runs, input no field in Laget can hold: control characters
    (NUL and the like) in the path, the query string, form fields, file names or JSON
    strings, and numbers in the path or query string too large for any id. The answer is a
    400 with a Norwegian message (JSON under /api/), so new routes are covered too."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        problem = self.problem(request)
        if problem is not None:
            return self.refuse(request, problem)
        return self.get_response(request)

    @staticmethod
    def problem(request: HttpRequest) -> str | None:
        texts: list[str] = [request.path]
        for key, values in request.GET.lists():
            texts.extend([key, *values])
        if any(has_control_characters(text) for text in texts):
            return str(CONTROL_CHARACTER_MESSAGE)
        if any(has_number_beyond_ids(text) for text in texts):
            return str(NUMBER_TOO_LARGE_MESSAGE)
        if request.method in ("POST", "PUT", "PATCH", "DELETE"):
            body_texts: list[str] = []
            content_type = request.content_type or ""
            if content_type == "application/json":
                body_texts.extend(json_strings(request.body))
            elif content_type in ("multipart/form-data", "application/x-www-form-urlencoded"):
                if request.path.startswith("/api/"):
                    # Keep the body readable for the API's own parsing after ours.
                    _ = request.body
                for key, values in request.POST.lists():
                    body_texts.extend([key, *values])
                for files in request.FILES.lists():
                    body_texts.extend(f.name or "" for f in files[1])
            if any(has_control_characters(text) for text in body_texts):
                return str(CONTROL_CHARACTER_MESSAGE)
        return None

    @staticmethod
    def refuse(request: HttpRequest, message: str) -> HttpResponse:
        if request.path.startswith("/api/"):
            return JsonResponse({"detail": message}, status=400)
        return render(request, "400.html", {"message": message}, status=400)


CONTROL_CHARACTER_MESSAGE = _(
    "The text contains invisible control characters Laget cannot store. Remove them "
    "(type the text again instead of pasting it) and try again."
)
NUMBER_TOO_LARGE_MESSAGE = _(
    "A number in the address is too large. Check the address, or go back and try again."
)


class ExplainedNotFoundMiddleware:
    """Shows an ExplainedNotFound's plain-words reason on a 404 page, instead of the bare
    "cannot find that page" (in production and in development alike)."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        return self.get_response(request)

    def process_exception(self, request: HttpRequest, exception: Exception) -> HttpResponse | None:
        from django.template.response import TemplateResponse

        from laget.core.exceptions import ExplainedNotFound

        if not isinstance(exception, ExplainedNotFound):
            return None
        response = TemplateResponse(
            request,
            exception.template_name,
            {"heading": exception.heading, "explanation": exception.explanation},
            status=404,
        )
        return response.render()
