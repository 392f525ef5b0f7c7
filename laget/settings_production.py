"""Production settings: everything in laget.settings, plus what a public deployment needs.

Refuses to start without SECRET_KEY and ALLOWED_HOSTS from the environment, and never
enables DEBUG or the demo shortcuts.
"""

from __future__ import annotations

import os

from django.core.exceptions import ImproperlyConfigured

from laget.settings import *  # noqa: F403
from laget.settings import envint, envsecret

_secret = envsecret("SECRET_KEY")
if not _secret or len(_secret) < 50:
    raise ImproperlyConfigured(
        "SECRET_KEY (or SECRET_KEY_FILE) must hold at least 50 random characters in production."
    )
SECRET_KEY = _secret
_audit_key = envsecret("LAGET_AUDIT_KEY")
if not _audit_key or len(_audit_key) < 32:
    raise ImproperlyConfigured(
        "LAGET_AUDIT_KEY (or LAGET_AUDIT_KEY_FILE) must hold at least 32 random characters in "
        "production, kept where the database administrator cannot read it."
    )
LAGET_AUDIT_KEY = _audit_key
if not os.environ.get("ALLOWED_HOSTS"):
    raise ImproperlyConfigured("ALLOWED_HOSTS must name the host names Laget is served on.")

DEBUG = False
LAGET_DEMO = False

SECURE_SSL_REDIRECT = True
SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
SECURE_HSTS_SECONDS = envint("LAGET_HSTS_SECONDS", 31536000)
SECURE_HSTS_INCLUDE_SUBDOMAINS = True
SECURE_HSTS_PRELOAD = True
SESSION_COOKIE_SECURE = True
CSRF_COOKIE_SECURE = True
SESSION_COOKIE_NAME = "__Host-sessionid"
CSRF_COOKIE_NAME = "__Host-csrftoken"

STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"},
}
