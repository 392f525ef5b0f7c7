"""Two-factor login is mandatory for professionals and operators; sessions end.

Until such a user has a TOTP authenticator, every page except their own account pages
redirects to setting one up (API calls get a 403 with a Norwegian message instead).
"""

from __future__ import annotations

import time
from collections.abc import Callable
from typing import Any

from allauth.mfa.utils import is_mfa_enabled
from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.models import AnonymousUser
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect, JsonResponse
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

# Set by laget.accounts.oidc after a login whose provider's own MFA counts.
EXTERNAL_MFA_SESSION_KEY = "_laget_external_mfa"

# Paths a professional without MFA may still use: signing in and out, setting up MFA,
# changing their password, choosing a language, and static files.
ALLOWED_PREFIXES = ("/accounts/", "/i18n/")


class RequireMfaMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        user = request.user
        if (
            user.is_authenticated
            and user.requires_mfa
            and not request.path.startswith((*ALLOWED_PREFIXES, settings.STATIC_URL))
            and not is_mfa_enabled(user)
            # Logged in through HelseID: its own MFA was the second factor (accounts.oidc).
            and not request.session.get(EXTERNAL_MFA_SESSION_KEY)
        ):
            message = _("Set up two-factor login before you continue.")
            if request.path.startswith("/api/"):
                return JsonResponse({"detail": message}, status=403)
            return HttpResponseRedirect(reverse("mfa_activate_totp"))
        return self.get_response(request)


# The moment of login, as seconds since the epoch, kept in the session.
LOGIN_AT_KEY = "_laget_login_at"
# A browser that has completed a login for an account keeps a signed cookie naming it, so
# its own failed attempts are counted apart from everyone else's (accounts.adapter).
DEVICE_COOKIE = "laget_device"
DEVICE_COOKIE_SALT = "laget.accounts.device"
DEVICE_COOKIE_MAX_AGE = 180 * 24 * 60 * 60


def mark_login_time(sender: object, request: HttpRequest, user: object, **kwargs: object) -> None:
    """user_logged_in receiver: the session's absolute lifetime starts now."""
    if request is not None and hasattr(request, "session"):
        request.session[LOGIN_AT_KEY] = time.time()


def end_sessions_everywhere(
    sender: object, request: HttpRequest, user: Any, **kwargs: object
) -> None:
    """user_logged_out receiver: logging out on one device ends the user's sessions on all."""
    if user is not None and user.pk is not None:
        User = get_user_model()
        User._default_manager.filter(pk=user.pk).update(sessions_ended_at=timezone.now())


class SessionLifetimeMiddleware:
    """A session ends LAGET_SESSION_MAX_SECONDS after the login however busy it is (the idle
    expiry is Django's SESSION_COOKIE_AGE), and every session of a user ends when that user
    logs out anywhere (User.sessions_ended_at). An ended session is flushed and the request
    goes on as anonymous, so a page asks for a new login."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        user = request.user
        if user.is_authenticated:
            now = time.time()
            login_at = request.session.get(LOGIN_AT_KEY)
            ended_at = getattr(user, "sessions_ended_at", None)
            if (
                # A session from before this rule has no start: it ends once.
                not isinstance(login_at, int | float)
                or now - login_at > settings.LAGET_SESSION_MAX_SECONDS
                or (ended_at is not None and login_at <= ended_at.timestamp())
            ):
                # Not logout(): that would end the user's other, newer sessions too.
                request.session.flush()
                request.user = AnonymousUser()
        response = self.get_response(request)
        device = getattr(request, "laget_device_cookie", None)
        if device is not None:
            response.set_cookie(
                DEVICE_COOKIE,
                device,
                max_age=DEVICE_COOKIE_MAX_AGE,
                secure=settings.SESSION_COOKIE_SECURE,
                httponly=True,
                samesite="Lax",
            )
        return response
