"""Frame's one settings module.

Everything comes from environment variables with safe defaults for a practitioner running Frame on
their own computer. `FRAME_ENV=production` turns the defaults strict and refuses to start without
the secrets a server needs.
"""

from __future__ import annotations

import os
import secrets
from pathlib import Path

import dj_database_url
from django.core.exceptions import ImproperlyConfigured

BASE_DIR = Path(__file__).resolve().parent.parent


def envbool(name: str, default: bool) -> bool:
    value = os.environ.get(name)
    if value is None or value == "":
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


def envint(name: str, default: int) -> int:
    value = os.environ.get(name, "").strip()
    if not value:
        return default
    try:
        return int(value)
    except ValueError:
        raise ImproperlyConfigured(f"{name} must be a whole number, not {value!r}.") from None


def envlist(name: str, default: list[str]) -> list[str]:
    value = os.environ.get(name, "").strip()
    return [item.strip() for item in value.split(",") if item.strip()] if value else default


FRAME_ENV = os.environ.get("FRAME_ENV", "local").strip().lower()
if FRAME_ENV not in {"local", "production"}:
    raise ImproperlyConfigured("FRAME_ENV must be 'local' or 'production'.")
PRODUCTION = FRAME_ENV == "production"


def required(name: str, hint: str) -> str:
    """A setting production cannot run without; locally the caller supplies a default."""
    value = os.environ.get(name, "").strip()
    if not value:
        raise ImproperlyConfigured(f"{name} is required when FRAME_ENV=production. {hint}")
    return value


# --- Data folder ----------------------------------------------------------------------------------
# The SQLite database, the key ring (local installs) and uploads live here. Back it up.
DATA_DIR = Path(os.environ.get("FRAME_DATA_DIR") or BASE_DIR / "var").resolve()
DATA_DIR.mkdir(mode=0o700, parents=True, exist_ok=True)
os.chmod(DATA_DIR, 0o700)


def _local_secret_key() -> str:
    path = DATA_DIR / "secret_key"
    if not path.exists():
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        with os.fdopen(fd, "w") as handle:
            handle.write(secrets.token_urlsafe(50))
    return path.read_text().strip()


if PRODUCTION:
    SECRET_KEY = required(
        "FRAME_SECRET_KEY",
        "Generate one with: python -c 'import secrets; print(secrets.token_urlsafe(50))'",
    )
    DEBUG = envbool("FRAME_DEBUG", False)
    if DEBUG:
        raise ImproperlyConfigured("FRAME_DEBUG must be off when FRAME_ENV=production.")
else:
    SECRET_KEY = os.environ.get("FRAME_SECRET_KEY") or _local_secret_key()
    DEBUG = envbool("FRAME_DEBUG", False)

FRAME_BASE_URL = os.environ.get("FRAME_BASE_URL", "").rstrip("/") or (
    "" if PRODUCTION else f"http://127.0.0.1:{envint('PORT', 8000)}"
)
if PRODUCTION and not FRAME_BASE_URL.startswith("https://"):
    raise ImproperlyConfigured("FRAME_BASE_URL must be set to the https:// address of this server.")

ALLOWED_HOSTS = envlist(
    "FRAME_ALLOWED_HOSTS", [] if PRODUCTION else ["127.0.0.1", "localhost", "[::1]"]
)
if PRODUCTION and not ALLOWED_HOSTS:
    raise ImproperlyConfigured("FRAME_ALLOWED_HOSTS is required when FRAME_ENV=production.")
CSRF_TRUSTED_ORIGINS = [FRAME_BASE_URL] if FRAME_BASE_URL.startswith("https://") else []

# --- Key ring for field encryption ----------------------------------------------------------------
# Servers pass the key ring in FRAME_KEYRING (JSON); local installs keep it in the data folder.
FRAME_KEYRING = os.environ.get("FRAME_KEYRING", "")
FRAME_KEYRING_FILE = DATA_DIR / "keyring.json"
if PRODUCTION and not FRAME_KEYRING:
    FRAME_KEYRING = required("FRAME_KEYRING", "Create one with: frame keys new")

# --- Applications ---------------------------------------------------------------------------------
INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "allauth",
    "allauth.account",
    "allauth.mfa",
    "allauth.usersessions",
    "django_tasks",
    "django_tasks_db",
    "frame.lib",
    "frame.audit",
    "frame.accounts",
    "frame.clients",
    "frame.contracts",
    "frame.boundaries",
    "frame.scheduling",
    "frame.measures",
    "frame.notes",
    "frame.brief",
    "frame.endings",
    "frame.outcomes",
    "frame.safety",
    "frame.safetyplans",
    "frame.supervision",
    "frame.development",
    "frame.confidentiality",
    "frame.portal",
    "frame.demo",
]

# Background work (reminders, keeping regular slots written ahead) runs in `frame worker`.
TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}

MIDDLEWARE = [
    "frame.lib.middleware.request_id",
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "frame.accounts.middleware.session_lifetime",
    "django.contrib.auth.middleware.LoginRequiredMiddleware",
    "allauth.account.middleware.AccountMiddleware",
    "allauth.usersessions.middleware.UserSessionsMiddleware",
    "frame.portal.middleware.portal_boundary",
    "frame.accounts.middleware.require_membership_and_mfa",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "csp.middleware.CSPMiddleware",
    "frame.lib.middleware.no_store_when_authenticated",
]

ROOT_URLCONF = "frame.urls"
WSGI_APPLICATION = "frame.wsgi.application"
AUTH_USER_MODEL = "accounts.User"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "frame.accounts.context_processors.membership",
            ],
        },
    }
]

# --- Database -------------------------------------------------------------------------------------
SQLITE_OPTIONS = {
    # IMMEDIATE takes the write lock at BEGIN, so busy writers wait instead of failing.
    "transaction_mode": "IMMEDIATE",
    "timeout": 20,
    "init_command": (
        "PRAGMA journal_mode=WAL; PRAGMA synchronous=FULL; "
        "PRAGMA temp_store=MEMORY; PRAGMA journal_size_limit=67108864;"
    ),
}
DATABASE_URL = os.environ.get("DATABASE_URL", "").strip()
if DATABASE_URL:
    DATABASES = {
        "default": dj_database_url.parse(DATABASE_URL, conn_max_age=60, conn_health_checks=True)
    }
else:
    DATABASES = {
        "default": {
            "ENGINE": "django.db.backends.sqlite3",
            "NAME": str(DATA_DIR / "frame.sqlite3"),
            "OPTIONS": SQLITE_OPTIONS,
        }
    }
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    DATABASES["default"].setdefault("OPTIONS", {}).update(SQLITE_OPTIONS)
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# A cache every worker shares: login rate limits and TOTP replay protection depend on it.
CACHES = {
    "default": {
        "BACKEND": "django.core.cache.backends.db.DatabaseCache",
        "LOCATION": "frame_cache",
    }
}

# --- Passwords and accounts -----------------------------------------------------------------------
PASSWORD_HASHERS = [
    "django.contrib.auth.hashers.Argon2PasswordHasher",
    "django.contrib.auth.hashers.PBKDF2PasswordHasher",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {
        "NAME": "django.contrib.auth.password_validation.MinimumLengthValidator",
        "OPTIONS": {"min_length": 12},
    },
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
]
AUTHENTICATION_BACKENDS = [
    "django.contrib.auth.backends.ModelBackend",
    "allauth.account.auth_backends.AuthenticationBackend",
]
LOGIN_URL = "account_login"
LOGIN_REDIRECT_URL = "home"

ACCOUNT_ADAPTER = "frame.accounts.adapters.AccountAdapter"
ACCOUNT_LOGIN_METHODS = {"email"}
ACCOUNT_SIGNUP_FIELDS = ["email*", "password1*", "password2*"]
ACCOUNT_USER_MODEL_USERNAME_FIELD = None
ACCOUNT_UNIQUE_EMAIL = True
ACCOUNT_EMAIL_VERIFICATION = "none"
ACCOUNT_PREVENT_ENUMERATION = True
ACCOUNT_LOGIN_ON_PASSWORD_RESET = False
ACCOUNT_LOGOUT_ON_PASSWORD_CHANGE = False
ACCOUNT_SESSION_REMEMBER = False
ACCOUNT_REAUTHENTICATION_TIMEOUT = 10 * 60  # "sudo mode" lasts ten minutes
ACCOUNT_REAUTHENTICATION_REQUIRED = True  # also before changing the sign-in email address
ACCOUNT_RATE_LIMITS = {
    "login": "30/m/ip",
    "login_failed": "10/m/ip,5/5m/key",
    "reset_password": "20/m/ip,5/m/key",
    "reset_password_from_key": "20/m/ip",
    "reauthenticate": "10/m/user",
    "change_password": "5/m/user",
}
ACCOUNT_EMAIL_SUBJECT_PREFIX = "Frame: "
ALLAUTH_TRUSTED_PROXY_COUNT = envint("FRAME_TRUSTED_PROXY_COUNT", 0)

MFA_ADAPTER = "frame.accounts.adapters.MFAAdapter"
MFA_SUPPORTED_TYPES = ["totp", "webauthn", "recovery_codes"]
MFA_TOTP_ISSUER = "Frame"
MFA_TOTP_PERIOD = 30
MFA_TOTP_DIGITS = 6
MFA_TOTP_TOLERANCE = 0
MFA_RECOVERY_CODES_SHOW_ONCE = True
MFA_TRUST_ENABLED = False
# Staff accounts only come from the setup link or an owner's invitation; there is no open signup.
MFA_ALLOW_UNVERIFIED_EMAIL = True
MFA_PASSKEY_LOGIN_ENABLED = False
MFA_WEBAUTHN_ALLOW_INSECURE_ORIGIN = not PRODUCTION

USERSESSIONS_TRACK_ACTIVITY = True
USERSESSIONS_ADAPTER = "frame.accounts.adapters.UserSessionsAdapter"  # audits ended sessions

# --- Sessions and cookies -------------------------------------------------------------------------
SESSION_ENGINE = "django.contrib.sessions.backends.db"
FRAME_IDLE_TIMEOUT_MINUTES = envint("FRAME_IDLE_TIMEOUT_MINUTES", 30)
FRAME_SESSION_MAX_HOURS = envint("FRAME_SESSION_MAX_HOURS", 12)
SESSION_COOKIE_AGE = FRAME_IDLE_TIMEOUT_MINUTES * 60
SESSION_SAVE_EVERY_REQUEST = True
SESSION_EXPIRE_AT_BROWSER_CLOSE = True
# Browsers treat 127.0.0.1 and localhost as secure contexts, so Secure and __Host- work locally too.
SESSION_COOKIE_SECURE = True
CSRF_COOKIE_SECURE = True
SESSION_COOKIE_NAME = "__Host-frame-session"
CSRF_COOKIE_NAME = "__Host-frame-csrf"
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
CSRF_COOKIE_SAMESITE = "Strict"

# --- HTTP security headers ------------------------------------------------------------------------
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
SECURE_SSL_REDIRECT = PRODUCTION and envbool("FRAME_SSL_REDIRECT", True)
SECURE_HSTS_SECONDS = 31_536_000 if PRODUCTION else 0
SECURE_HSTS_INCLUDE_SUBDOMAINS = PRODUCTION
SECURE_HSTS_PRELOAD = False
if PRODUCTION and ALLAUTH_TRUSTED_PROXY_COUNT:
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
SILENCED_SYSTEM_CHECKS = [
    # HSTS preload is a one-way commitment for a whole domain; a practice decides that itself.
    "security.W021",
]

CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": ["'none'"],
        "script-src": ["'self'"],
        "style-src": ["'self'"],
        "img-src": ["'self'", "data:"],
        "font-src": ["'self'"],
        "connect-src": ["'self'"],
        "form-action": ["'self'"],
        "manifest-src": ["'self'"],
        "base-uri": ["'none'"],
        "frame-ancestors": ["'none'"],
        "object-src": ["'none'"],
    }
}

DATA_UPLOAD_MAX_MEMORY_SIZE = 2_621_440
DATA_UPLOAD_MAX_NUMBER_FIELDS = 500
DATA_UPLOAD_MAX_NUMBER_FILES = 10

# --- Email ----------------------------------------------------------------------------------------
EMAIL_BACKEND = os.environ.get(
    "FRAME_EMAIL_BACKEND",
    "django.core.mail.backends.smtp.EmailBackend"
    if PRODUCTION
    else "django.core.mail.backends.console.EmailBackend",
)
EMAIL_HOST = os.environ.get("FRAME_EMAIL_HOST", "localhost")
EMAIL_PORT = envint("FRAME_EMAIL_PORT", 587)
EMAIL_HOST_USER = os.environ.get("FRAME_EMAIL_USER", "")
EMAIL_HOST_PASSWORD = os.environ.get("FRAME_EMAIL_PASSWORD", "")
EMAIL_USE_TLS = envbool("FRAME_EMAIL_TLS", True)
DEFAULT_FROM_EMAIL = os.environ.get("FRAME_EMAIL_FROM", "Frame <frame@localhost>")
SERVER_EMAIL = DEFAULT_FROM_EMAIL

# --- Time and language ----------------------------------------------------------------------------
LANGUAGE_CODE = "en-gb"
TIME_ZONE = os.environ.get("FRAME_TIME_ZONE", "Europe/London")
USE_I18N = True
USE_TZ = True

# --- Static files and uploads ---------------------------------------------------------------------
STATIC_URL = "/static/"
STATIC_ROOT = DATA_DIR / "static"
STATICFILES_DIRS = [BASE_DIR / "static"]
STORAGES = {
    "default": {
        "BACKEND": "django.core.files.storage.FileSystemStorage",
        "OPTIONS": {"location": DATA_DIR / "uploads"},
    },
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"},
}
if envbool("FRAME_TESTING", False):
    # Tests render templates without running collectstatic first.
    STORAGES["staticfiles"] = {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"}
    WHITENOISE_USE_FINDERS = True
    WHITENOISE_AUTOREFRESH = True
    STATIC_ROOT.mkdir(mode=0o700, exist_ok=True)
FILE_UPLOAD_PERMISSIONS = 0o600
FILE_UPLOAD_DIRECTORY_PERMISSIONS = 0o700

# --- Logging: never log request bodies; clinical text must not reach logs -------------------------
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": os.environ.get("FRAME_LOG_LEVEL", "INFO")},
    "loggers": {"django.request": {"level": "ERROR"}},
}

# --- Frame's own settings -------------------------------------------------------------------------
FRAME_PAGE_SIZE = 50
FRAME_INVITATION_DAYS = 7
FRAME_SETUP_LINK_HOURS = 24
# Where `frame audit verify` exports the chain's head; keep a copy off this machine too.
FRAME_AUDIT_HEAD_FILE = Path(
    os.environ.get("FRAME_AUDIT_HEAD_FILE") or DATA_DIR / "audit-head.json"
)
