"""allauth's second-factor forms, with one thing more: a TOTP code typed a second time
inside its window is refused with a message that says so (not "incorrect code"), so a
person who logs in twice in quick succession knows to wait for the next code."""

from __future__ import annotations

from allauth.mfa.adapter import get_adapter
from allauth.mfa.base.forms import AuthenticateForm, ReauthenticateForm
from allauth.mfa.models import Authenticator
from allauth.mfa.totp.internal.auth import TOTP, validate_totp_code
from allauth.mfa.utils import decrypt
from django.core.cache import cache
from django.core.exceptions import ValidationError


def code_already_used(user: object, code: str) -> bool:
    """The code is right for the user's authenticator app but was used in this window."""
    totp = Authenticator.objects.filter(user=user, type=Authenticator.Type.TOTP).first()
    if totp is None or not code.strip():
        return False
    wrapped = totp.wrap()
    if not isinstance(wrapped, TOTP):
        return False
    secret = decrypt(totp.data["secret"])
    return bool(
        validate_totp_code(secret, code.strip())
        and cache.get(wrapped._get_used_cache_key(code.strip()))
    )


class _ReusedCode:
    user: object
    data: dict

    def clean_code(self) -> str:
        try:
            return super().clean_code()  # type: ignore[misc]
        except ValidationError:
            if code_already_used(self.user, str(self.data.get("code", ""))):
                raise get_adapter().validation_error("code_already_used") from None
            raise


class LagetAuthenticateForm(_ReusedCode, AuthenticateForm):
    pass


class LagetReauthenticateForm(_ReusedCode, ReauthenticateForm):
    pass
