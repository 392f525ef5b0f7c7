from __future__ import annotations

import secrets
from typing import Any

from allauth.account.adapter import DefaultAccountAdapter
from allauth.mfa.adapter import DefaultMFAAdapter
from allauth.mfa.models import Authenticator
from django.contrib.auth.base_user import AbstractBaseUser
from django.core import signing
from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _

from laget.accounts.middleware import DEVICE_COOKIE, DEVICE_COOKIE_MAX_AGE, DEVICE_COOKIE_SALT

INCORRECT_CODE = _(
    "Incorrect code. Type the six digits your authenticator app shows now, or one of your "
    "recovery codes."
)


class AccountAdapter(DefaultAccountAdapter):
    # Messages that say what to do next, not only what went wrong.
    error_messages = DefaultAccountAdapter.error_messages | {
        "incorrect_code": INCORRECT_CODE,
        "too_many_login_attempts": _(
            "Too many failed login attempts. Wait a minute and try again. If you have "
            "logged in on this device before, you can log in here as usual."
        ),
    }

    # Failed logins are counted (allauth's rate limits, in the cache every worker shares)
    # per address and per account. The per-account count is kept apart for a browser that
    # has completed a login to that account before (a signed cookie): strangers guessing
    # from many addresses use up only the strangers' allowance, never the owner's.
    #
    # allauth's own key starts with the site's domain, which without a Sites row is the
    # request's Host header: "laget.no:1", "laget.no:2" ... each had its own five guesses (and
    # two workers on two ports counted apart). The account alone is the key here.
    def _get_login_attempts_cache_key(self, request: HttpRequest, **credentials: Any) -> str:
        login = credentials.get("email", credentials.get("username", "")).lower()
        key = f"login:{login}"
        device = known_device(request, login)
        return f"{key}:device:{device}" if device else key

    def login(self, request: HttpRequest, user: AbstractBaseUser) -> None:
        super().login(request, user)
        login = getattr(user, "email", "").lower()
        device = known_device(request, login) or secrets.token_urlsafe(16)
        request.laget_device_cookie = signing.dumps(  # type: ignore[attr-defined]
            {"login": login, "device": device}, salt=DEVICE_COOKIE_SALT
        )

    def get_login_stages(self) -> list[str]:
        # After HelseID, whose own MFA counts, allauth's TOTP step is skipped (accounts.oidc).
        return [
            "laget.accounts.oidc.LagetAuthenticateStage"
            if path == "allauth.mfa.stages.AuthenticateStage"
            else path
            for path in super().get_login_stages()
        ]

    def is_open_for_signup(self, request: HttpRequest) -> bool:
        # Accounts are created by an organisation's administrator, never by self sign-up.
        return False


class MfaAdapter(DefaultMFAAdapter):
    error_messages = DefaultMFAAdapter.error_messages | {
        "incorrect_code": INCORRECT_CODE,
        # laget.accounts.forms raises it: allauth refuses a code used twice in its window.
        "code_already_used": _(
            "This code has already been used. Wait until your authenticator app shows a "
            "new code (at most 30 seconds), and type that one."
        ),
    }

    def can_delete_authenticator(self, authenticator: Authenticator) -> bool:
        # A professional may not switch two-factor login off; they may only replace it
        # (allauth lets them regenerate recovery codes).
        if authenticator.user.requires_mfa and authenticator.type == Authenticator.Type.TOTP:
            return False
        return super().can_delete_authenticator(authenticator)


def known_device(request: HttpRequest, login: str) -> str | None:
    """The device id in a valid device cookie issued for `login`, else None."""
    raw = request.COOKIES.get(DEVICE_COOKIE)
    if not raw or not login:
        return None
    try:
        value = signing.loads(raw, salt=DEVICE_COOKIE_SALT, max_age=DEVICE_COOKIE_MAX_AGE)
    except signing.BadSignature:
        return None
    if not isinstance(value, dict) or value.get("login") != login:
        return None
    device = value.get("device")
    return device if isinstance(device, str) else None
