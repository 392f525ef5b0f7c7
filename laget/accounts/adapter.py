from __future__ import annotations

from allauth.account.adapter import DefaultAccountAdapter
from allauth.mfa.adapter import DefaultMFAAdapter
from allauth.mfa.models import Authenticator
from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _

INCORRECT_CODE = _(
    "Incorrect code. Type the six digits your authenticator app shows now, or one of your "
    "recovery codes."
)


class AccountAdapter(DefaultAccountAdapter):
    # Messages that say what to do next, not only what went wrong.
    error_messages = DefaultAccountAdapter.error_messages | {
        "incorrect_code": INCORRECT_CODE,
        "too_many_login_attempts": _(
            "Too many failed login attempts. Wait five minutes and try again, or ask the "
            "administrator of your service to reset your password."
        ),
    }

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
