"""Two-factor login is mandatory for professionals and operators.

Until such a user has a TOTP authenticator, every page except their own account pages
redirects to setting one up (API calls get a 403 with a Norwegian message instead).
"""

from __future__ import annotations

from collections.abc import Callable

from allauth.mfa.utils import is_mfa_enabled
from django.conf import settings
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect, JsonResponse
from django.urls import reverse
from django.utils.translation import gettext as _

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
        ):
            message = _("Set up two-factor login before you continue.")
            if request.path.startswith("/api/"):
                return JsonResponse({"detail": message}, status=403)
            return HttpResponseRedirect(reverse("mfa_activate_totp"))
        return self.get_response(request)
