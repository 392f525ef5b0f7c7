"""The Django admin, closed to everyone but superusers who have set up two-factor login."""

from __future__ import annotations

from allauth.mfa.utils import is_mfa_enabled
from django.contrib import admin
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.urls import reverse
from django.utils.http import urlencode
from django.utils.translation import gettext_lazy as _


class LagetAdminSite(admin.AdminSite):
    site_header = _("Laget administration")
    site_title = _("Laget administration")
    index_title = _("Configuration")

    def has_permission(self, request: HttpRequest) -> bool:
        user = request.user
        # allauth asks for the TOTP code at every login once MFA is enabled, so an
        # authenticated superuser with MFA enabled has passed the second factor.
        return bool(user.is_active and user.is_superuser and user.is_staff and is_mfa_enabled(user))

    def login(self, request: HttpRequest, extra_context: dict | None = None) -> HttpResponse:
        # One login page for everyone: allauth's, which enforces MFA and throttling.
        next_url = request.GET.get("next", reverse("admin:index"))
        return HttpResponseRedirect(f"{reverse('account_login')}?{urlencode({'next': next_url})}")
