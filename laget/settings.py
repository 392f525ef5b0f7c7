"""Settings for Laget, read from the environment (in the style of healthchecks).

The defaults are safe and need nothing: SQLite under var/, DEBUG off, a secret key
generated once into var/. `laget.settings_production` tightens what production needs.
"""

from __future__ import annotations

import os
import secrets
from pathlib import Path
from urllib.parse import urlsplit

import dj_database_url
from django.utils.translation import gettext_lazy as _

BASE_DIR = Path(__file__).resolve().parent.parent
VAR_DIR = Path(os.environ.get("LAGET_VAR_DIR", BASE_DIR / "var"))


def envbool(name: str, default: str = "False") -> bool:
    return os.environ.get(name, default).strip().lower() in {"1", "true", "yes", "on"}


def envint(name: str, default: int) -> int:
    return int(os.environ.get(name, str(default)))


def envsecret(name: str) -> str | None:
    """A secret from NAME, or from the file NAME_FILE points at (for container secrets)."""
    if path := os.environ.get(f"{name}_FILE"):
        return Path(path).read_text().strip()
    return os.environ.get(name) or None


def _development_secret_key() -> str:
    # Generated once per checkout so a fresh clone never runs on a key from the repository.
    VAR_DIR.mkdir(parents=True, exist_ok=True)
    key_file = VAR_DIR / "secret_key"
    if not key_file.exists():
        key_file.write_text(secrets.token_urlsafe(64))
        key_file.chmod(0o600)
    return key_file.read_text().strip()


def _development_audit_key() -> str:
    # The audit logs' entries carry a keyed hash: whoever can write the database but does not
    # hold this key cannot forge an entry. In production it comes from outside (a file the
    # database administrator cannot read); in development it is generated like the secret key.
    key_file = VAR_DIR / "audit_key"
    if not key_file.exists():
        VAR_DIR.mkdir(parents=True, exist_ok=True)
        key_file.write_text(secrets.token_hex(32))
        key_file.chmod(0o600)
    return key_file.read_text().strip()


DEBUG = envbool("LAGET_DEBUG")
SECRET_KEY = envsecret("SECRET_KEY") or _development_secret_key()
LAGET_AUDIT_KEY = envsecret("LAGET_AUDIT_KEY") or _development_audit_key()
# Signed checkpoints of the audit chains' heads go here: a file the database administrator
# cannot rewrite (another host, a write-once mount). `manage.py audit_checkpoint` appends.
LAGET_AUDIT_CHECKPOINTS = Path(
    os.environ.get("LAGET_AUDIT_CHECKPOINTS", VAR_DIR / "audit-checkpoints.jsonl")
)
# The access log is kept this many years, then retired a month at a time
# (`manage.py audit_retention`). 10 years follows the patient record's own minimum keeping
# period; the municipality's privacy officer and archive must confirm it (docs/architecture.md).
LAGET_AUDIT_RETENTION_YEARS = envint("LAGET_AUDIT_RETENTION_YEARS", 10)
ALLOWED_HOSTS = [h for h in os.environ.get("ALLOWED_HOSTS", "127.0.0.1,localhost").split(",") if h]
CSRF_TRUSTED_ORIGINS = [o for o in os.environ.get("CSRF_TRUSTED_ORIGINS", "").split(",") if o]
# The demo shortcuts (printing TOTP codes) exist only where the operator turns them on.
LAGET_DEMO = envbool("LAGET_DEMO")

INSTALLED_APPS = [
    "laget.core.apps.LagetAdminConfig",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "rules.apps.AutodiscoverRulesConfig",
    # Before allauth, so Laget's layout overrides allauth's templates.
    "laget.core",
    "allauth",
    "allauth.account",
    "allauth.mfa",
    # ID-porten and HelseID over OpenID Connect (laget.accounts.oidc).
    "allauth.socialaccount",
    "allauth.socialaccount.providers.openid_connect",
    "csp",
    "ninja",
    "django_tasks",
    "django_tasks_db",
    "laget.accounts",
    "laget.audit",
    "laget.directory",
    "laget.plans",
    "laget.continuity",
    "laget.meetings",
    "laget.surveys",
    "laget.outcomes",
    "laget.teams",
    "laget.notifications",
    "laget.interop",
    "laget.quality",
    "laget.demo",
]

MIDDLEWARE = [
    "laget.core.middleware.RequestIdMiddleware",
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "laget.core.middleware.SecurityHeadersMiddleware",
    "csp.middleware.CSPMiddleware",
    # While this process has just met database trouble: 503 at once (core.resilience).
    "laget.core.resilience.DatabaseBreakerMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "laget.core.middleware.SessionRenewalMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    # Refuses NUL and other control characters, and numbers too large for an id, with a 400.
    "laget.core.middleware.InputGuardMiddleware",
    # Ends a session at its absolute lifetime, and everywhere once its user logged out.
    "laget.accounts.middleware.SessionLifetimeMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "allauth.account.middleware.AccountMiddleware",
    "laget.accounts.middleware.RequireMfaMiddleware",
    "laget.core.middleware.ExplainedNotFoundMiddleware",
]

ROOT_URLCONF = "laget.urls"
WSGI_APPLICATION = "laget.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "csp.context_processors.nonce",
            ],
        },
    },
]

# --- Database -----------------------------------------------------------------
# SQLite under var/ unless DATABASE_URL names another database (PostgreSQL in production
# and CI). PostgreSQL uses psycopg 3 with Django's own connection pool.
VAR_DIR.mkdir(parents=True, exist_ok=True)
DATABASE_URL = os.environ.get("DATABASE_URL") or f"sqlite:///{VAR_DIR / 'laget.sqlite3'}"
DATABASES = {"default": dj_database_url.parse(DATABASE_URL)}
if DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql":
    DATABASES["default"]["CONN_MAX_AGE"] = 0  # the pool owns connection reuse
    if envbool("LAGET_DB_POOL", "True"):
        # A connection is checked as it leaves the pool, so after the database restarts
        # the first requests get fresh connections instead of dead ones.
        DATABASES["default"]["CONN_HEALTH_CHECKS"] = True
        # psycopg_pool retries a lost database after 1, 2, 4, 8, 16 ... seconds, so after a
        # 12-second outage the pool came back 13 s late. Retrying every quarter second
        # (cheap: a refused connection costs nothing) brings it back within a second.
        from psycopg_pool.base import AttemptWithBackoff

        AttemptWithBackoff.INITIAL_DELAY = 0.25
        AttemptWithBackoff.DELAY_BACKOFF = 1.0
        DATABASES["default"]["OPTIONS"] = {
            "pool": {
                "min_size": 1,
                "max_size": envint("LAGET_DB_POOL_MAX", 10),
                # Fail fast when every connection is busy or the database is down: a 503
                # after a few seconds (core.resilience), not a request waiting 30 s.
                "timeout": envint("LAGET_DB_POOL_TIMEOUT_SECONDS", 2),
            }
        }
    else:
        DATABASES["default"]["OPTIONS"] = {}
    # A connection attempt and a statement are both bounded in time.
    DATABASES["default"]["OPTIONS"]["connect_timeout"] = envint("LAGET_DB_CONNECT_TIMEOUT", 3)
    DATABASES["default"]["OPTIONS"]["options"] = (
        f"-c statement_timeout={envint('LAGET_DB_STATEMENT_TIMEOUT_MS', 15000)}"
    )
else:
    # WAL and a busy timeout let the dev server and a background worker share the file.
    DATABASES["default"]["OPTIONS"] = {
        "transaction_mode": "IMMEDIATE",
        "timeout": 20,
        "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
    }
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# One cache shared by every worker process: the login throttle and allauth's guard against
# reusing a TOTP code live here, so they must hold across workers. The database cache
# (its table is core's CacheEntry model, created by migrate) unless Redis is configured.
CACHES = {
    "default": {
        "BACKEND": "django.core.cache.backends.db.DatabaseCache",
        "LOCATION": "laget_cache",
        "OPTIONS": {"MAX_ENTRIES": 50_000},
    }
}
if redis_url := os.environ.get("LAGET_REDIS_URL"):
    CACHES["default"] = {
        "BACKEND": "django.core.cache.backends.redis.RedisCache",
        "LOCATION": redis_url,
    }

# --- Accounts ---------------------------------------------------------------------
AUTH_USER_MODEL = "accounts.User"
AUTHENTICATION_BACKENDS = [
    "allauth.account.auth_backends.AuthenticationBackend",
    "rules.permissions.ObjectPermissionBackend",
]
PASSWORD_HASHERS = [
    # Argon2id at OWASP's parameters; hashes with Django's heavier defaults upgrade at login.
    "laget.accounts.hashers.OwaspArgon2PasswordHasher",
    "django.contrib.auth.hashers.PBKDF2PasswordHasher",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {
        "NAME": "django.contrib.auth.password_validation.MinimumLengthValidator",
        "OPTIONS": {"min_length": 10},
    },
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "account_login"
LOGIN_REDIRECT_URL = "home"
ACCOUNT_LOGOUT_REDIRECT_URL = "home"
ACCOUNT_ADAPTER = "laget.accounts.adapter.AccountAdapter"
ACCOUNT_LOGIN_METHODS = {"email"}
ACCOUNT_SIGNUP_FIELDS = ["email*", "password1*", "password2*"]
ACCOUNT_USER_MODEL_USERNAME_FIELD = None
ACCOUNT_EMAIL_VERIFICATION = "none"
ACCOUNT_SESSION_REMEMBER = False
ACCOUNT_LOGIN_ON_PASSWORD_RESET = False
ACCOUNT_PRESERVE_USERNAME_CASING = False
# Failed logins are throttled per address and per account (allauth's rate limits).
ACCOUNT_RATE_LIMITS = {
    "login_failed": os.environ.get("LAGET_LOGIN_FAILED_LIMIT", "10/m/ip,5/5m/key"),
}
MFA_ADAPTER = "laget.accounts.adapter.MfaAdapter"

# --- ID-porten and HelseID (OpenID Connect; laget.accounts.oidc) ------------------------
# A provider is on when its issuer is set. ID-porten logs in persons (the `pid` claim is
# their national id; level of assurance substantial or high); HelseID logs in health
# personnel (the HPR number claim; its own MFA counts, private_key_jwt client auth).
# LAGET_LOCAL_LOGIN=0 switches the e-mail and password login off.
LAGET_LOCAL_LOGIN = envbool("LAGET_LOCAL_LOGIN", "True")
SOCIALACCOUNT_ONLY = not LAGET_LOCAL_LOGIN
SOCIALACCOUNT_ADAPTER = "laget.accounts.oidc.SocialAccountAdapter"
SOCIALACCOUNT_LOGIN_ON_GET = False
SOCIALACCOUNT_STORE_TOKENS = False
SOCIALACCOUNT_AUTO_SIGNUP = False
SOCIALACCOUNT_EMAIL_AUTHENTICATION = False
SOCIALACCOUNT_EMAIL_VERIFICATION = "none"


def _oidc_apps() -> list[dict[str, object]]:
    apps: list[dict[str, object]] = []
    if issuer := os.environ.get("LAGET_IDPORTEN_ISSUER"):
        apps.append(
            {
                "provider_id": "idporten",
                "name": "ID-porten",
                "client_id": os.environ.get("LAGET_IDPORTEN_CLIENT_ID", ""),
                "secret": envsecret("LAGET_IDPORTEN_CLIENT_SECRET") or "",
                "settings": {
                    "server_url": issuer,
                    "token_auth_method": "client_secret_post",
                    "scope": ["openid", "profile"],
                    "auth_params": {"acr_values": "idporten-loa-substantial"},
                    "laget_role": "person",
                },
            }
        )
    if issuer := os.environ.get("LAGET_HELSEID_ISSUER"):
        apps.append(
            {
                "provider_id": "helseid",
                "name": "HelseID",
                "client_id": os.environ.get("LAGET_HELSEID_CLIENT_ID", ""),
                "secret": "",
                "settings": {
                    "server_url": issuer,
                    "token_auth_method": "private_key_jwt",
                    "private_key": envsecret("LAGET_HELSEID_PRIVATE_KEY") or "",
                    "key_id": os.environ.get("LAGET_HELSEID_KEY_ID", ""),
                    "scope": ["openid", "profile", "helseid://scopes/identity/hpr_number"],
                    "laget_role": "professional",
                    "counts_as_mfa": True,
                },
            }
        )
    return apps


SOCIALACCOUNT_PROVIDERS = {
    "openid_connect": {
        "provider_class": "laget.accounts.oidc.LagetOIDCProvider",
        "OAUTH_PKCE_ENABLED": True,
        "APPS": _oidc_apps(),
    }
}
# A code typed twice in its 30 seconds gets its own message (laget/accounts/forms.py).
MFA_FORMS = {
    "authenticate": "laget.accounts.forms.LagetAuthenticateForm",
    "reauthenticate": "laget.accounts.forms.LagetReauthenticateForm",
}
MFA_SUPPORTED_TYPES = ["totp", "recovery_codes"]
MFA_TOTP_ISSUER = "Laget"
MFA_RECOVERY_CODE_COUNT = 10

# Sessions end after inactivity: a request renews the short expiry, at most once a minute
# (core.middleware.SessionRenewalMiddleware), so reading a page does not write the session.
SESSION_COOKIE_AGE = envint("LAGET_SESSION_IDLE_SECONDS", 30 * 60)
# However active, a session ends this long after the login (accounts.middleware).
# After database trouble, how long this process answers 503 at once (core.resilience).
LAGET_DB_BREAKER_SECONDS = envint("LAGET_DB_BREAKER_MS", 1000) / 1000
LAGET_SESSION_MAX_SECONDS = envint("LAGET_SESSION_MAX_SECONDS", 12 * 60 * 60)
SESSION_SAVE_EVERY_REQUEST = False
SESSION_EXPIRE_AT_BROWSER_CLOSE = True
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
CSRF_COOKIE_HTTPONLY = True

# --- Security headers ---------------------------------------------------------------
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
# Strict CSP: only our own files; no inline script or style anywhere (htmx is vendored).
# data: images are allowed for the TOTP QR code allauth renders as an inline SVG image.
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": ["'self'"],
        "script-src": ["'self'"],
        "style-src": ["'self'"],
        "img-src": ["'self'", "data:"],
        "font-src": ["'self'"],
        "connect-src": ["'self'"],
        "object-src": ["'none'"],
        "base-uri": ["'none'"],
        "frame-ancestors": ["'none'"],
        "form-action": ["'self'"],
    }
}
# The ID-porten and HelseID buttons post to Laget, which redirects the form's navigation to
# the provider: form-action must name the providers' origins too.
CONTENT_SECURITY_POLICY["DIRECTIVES"]["form-action"] += sorted(
    {
        "{0.scheme}://{0.netloc}".format(urlsplit(str(app["settings"]["server_url"])))
        for app in SOCIALACCOUNT_PROVIDERS["openid_connect"]["APPS"]  # type: ignore[attr-defined]
    }
)

# --- Language and time ------------------------------------------------------------
LANGUAGE_CODE = "nb"
LANGUAGES = [("nb", _("Norwegian Bokmål")), ("en", _("English"))]
LOCALE_PATHS = [BASE_DIR / "laget" / "locale"]
TIME_ZONE = "Europe/Oslo"
USE_I18N = True
USE_TZ = True

# --- Static files ------------------------------------------------------------------
STATIC_URL = "/static/"
STATIC_ROOT = VAR_DIR / "static"
STATIC_ROOT.mkdir(exist_ok=True)  # WhiteNoise expects it; collectstatic fills it
# Uploaded files (attachments) live under var/media and are never served by URL: only
# through views that check access and write the access log.
MEDIA_ROOT = Path(os.environ.get("LAGET_MEDIA_ROOT", VAR_DIR / "media"))
FILE_UPLOAD_MAX_MEMORY_SIZE = 2 * 1024 * 1024
DATA_UPLOAD_MAX_MEMORY_SIZE = 12 * 1024 * 1024
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}

# Background work (reminders): the database backend with `manage.py db_worker` in
# production; run at once in development and tests unless LAGET_TASKS_BACKEND says otherwise.
TASKS = {
    "default": {
        "BACKEND": os.environ.get(
            "LAGET_TASKS_BACKEND", "django_tasks.backends.immediate.ImmediateBackend"
        )
    }
}
LAGET_BASE_URL = os.environ.get("LAGET_BASE_URL", "http://127.0.0.1:8000")

EMAIL_BACKEND = os.environ.get("EMAIL_BACKEND", "django.core.mail.backends.console.EmailBackend")
DEFAULT_FROM_EMAIL = os.environ.get("DEFAULT_FROM_EMAIL", "Laget <ikke-svar@laget.invalid>")

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": os.environ.get("LAGET_LOG_LEVEL", "WARNING")},
}

# --- Laget ------------------------------------------------------------------------
LAGET_CATALOGUE_PAGE_SIZE = envint("LAGET_CATALOGUE_PAGE_SIZE", 25)
# @paginate without a class uses bounded page numbers (laget.core.pagination).
NINJA_PAGINATION_CLASS = "laget.core.pagination.BoundedPageNumberPagination"

# --- Closed plans (laget.plans) ---------------------------------------------------------
# How long a closed plan is kept before the municipality's archive decides on it (the
# `plans_retention` command lists those past it; nothing is deleted automatically). Set it
# to what the municipality's archive plan says; see docs/architecture.md "Closed plans".
LAGET_CLOSED_PLAN_RETENTION_YEARS = envint("LAGET_CLOSED_PLAN_RETENTION_YEARS", 10)

# --- Notifications (laget.notifications) ----------------------------------------------
# SMS goes through a small gateway interface; a real gateway plugs in here by its path.
LAGET_SMS_BACKEND = os.environ.get(
    "LAGET_SMS_BACKEND", "laget.notifications.gateway.ConsoleSmsBackend"
)
# A failed e-mail or SMS is tried again after 1, 5, 15, 60 ... minutes, then given up.
LAGET_NOTIFICATION_MAX_ATTEMPTS = envint("LAGET_NOTIFICATION_MAX_ATTEMPTS", 6)
