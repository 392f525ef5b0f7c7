"""TOTP helpers for the demo network: give a demo account a known secret, compute its code.

The shared demo secret is published in the README; seed_demo refuses to run under
production settings, so no real account ever gets it.
"""

from __future__ import annotations

import time

from allauth.mfa.models import Authenticator
from allauth.mfa.recovery_codes.internal.auth import RecoveryCodes
from allauth.mfa.totp.internal.auth import TOTP, format_hotp_value, hotp_value
from django.conf import settings

from laget.accounts.models import User

DEMO_TOTP_SECRET = "LAGETDEMOFJORDVIKLAGETDEMO234567"  # noqa: S105 (published in the README)


def current_code(secret: str, at: float | None = None) -> str:
    counter = int((time.time() if at is None else at) // 30)
    return format_hotp_value(hotp_value(secret, counter))


def ensure_totp(user: User, secret: str = DEMO_TOTP_SECRET) -> None:
    """Give `user` a TOTP authenticator with `secret` and recovery codes, once."""
    if not Authenticator.objects.filter(user=user, type=Authenticator.Type.TOTP).exists():
        TOTP.activate(user, secret)
        RecoveryCodes.activate(user)


def demo_allowed() -> bool:
    return bool(settings.LAGET_DEMO or settings.DEBUG)
