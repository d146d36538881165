"""Settings come from the environment; without any, Linli runs embedded (SQLite, local cache).

Production sets LINLI_PRODUCTION=1, which makes every missing variable an error at start-up.
"""

import base64
import os
import secrets
from pathlib import Path

import dj_database_url
from django.core.exceptions import ImproperlyConfigured
from django.utils.translation import gettext_lazy as _

BASE_DIR = Path(__file__).resolve().parent.parent
VAR_DIR = Path(os.environ.get("LINLI_VAR_DIR", BASE_DIR / "var"))
# Tests run in parallel processes (pytest-xdist): each worker ("gw0", "gw1"…) gets its own var/
# directory and, below, its own Redis database, so one worker's job queue, throttles and cache
# clearing never reach another's.
TEST_WORKER = os.environ.get("PYTEST_XDIST_WORKER", "")
if TEST_WORKER:
    VAR_DIR = VAR_DIR / TEST_WORKER
VAR_DIR.mkdir(parents=True, exist_ok=True)

PRODUCTION = os.environ.get("LINLI_PRODUCTION", "") == "1"


def env_bool(name: str, default: bool) -> bool:
    raw = os.environ.get(name)
    if raw is None:
        return default
    return raw.strip().lower() in {"1", "true", "yes", "on"}


def required(name: str, fallback: str | None = None) -> str:
    value = os.environ.get(name)
    if value:
        return value
    if PRODUCTION or fallback is None:
        raise ImproperlyConfigured(f"Environment variable {name} must be set")
    return fallback


def _local_secret_key() -> str:
    # The embedded run keeps one random key under var/ so sessions survive restarts.
    path = VAR_DIR / "secret_key"
    if not path.exists():
        path.write_text(secrets.token_urlsafe(50))
    return path.read_text().strip()


SECRET_KEY = required("SECRET_KEY", fallback=None if PRODUCTION else _local_secret_key())

# Personal data at rest (core.encryption, docs/encryption.md). LINLI_DATA_KEYS is
# "<key id>:<base64 of 32 bytes>,…", the first encrypting and all decrypting; LINLI_INDEX_KEY
# (base64 of 32 bytes) keys the lookup hashes and never rotates without re-hashing every row.
# The embedded run keeps generated keys under var/, like the secret key; production refuses to
# start without them.


def _local_data_key(name: str, prefix: str) -> str:
    path = VAR_DIR / name
    if not path.exists():
        path.write_text(prefix + base64.b64encode(secrets.token_bytes(32)).decode())
    return path.read_text().strip()


LINLI_DATA_KEYS = required(
    "LINLI_DATA_KEYS", fallback=None if PRODUCTION else _local_data_key("data_keys", "local1:")
)
LINLI_INDEX_KEY = required(
    "LINLI_INDEX_KEY", fallback=None if PRODUCTION else _local_data_key("index_key", "")
)
DEBUG = env_bool("DEBUG", False)
ALLOWED_HOSTS = [
    h.strip() for h in required("ALLOWED_HOSTS", "127.0.0.1,localhost,testserver").split(",")
]
CSRF_TRUSTED_ORIGINS = [
    o.strip() for o in os.environ.get("CSRF_TRUSTED_ORIGINS", "").split(",") if o.strip()
]

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    # Django Ninja's static Swagger UI: /api/docs works without the internet (no CDN).
    "ninja",
    "django.contrib.staticfiles",
    "django_htmx",
    "huey.contrib.djhuey",
    "core",
    "accounts",
    "places",
    "people",
    "party",
    "health",
    "triage",
    "supplies",
    "service_requests",
    "care",
    "duty",
    "notices",
    "mobilisation",
    "outreach",
    "reports",
    "notifications",
    "front_door",
    "django_otp",
    "django_otp.plugins.otp_totp",
    "django_otp.plugins.otp_static",
    "second_factor",
    "home",
    "demo",
]

MIDDLEWARE = [
    # First: an oversized body is refused before anything reads it (core.body_limit).
    "core.body_limit.BodyLimitMiddleware",
    # From where: the request's address and browser for every audit event (core.audit).
    "core.request_origin.RequestOriginMiddleware",
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    # After WhiteNoise, so static files keep their caching; every response from Django gets
    # Cache-Control: no-store and the Content-Security-Policy (the headers section below).
    "core.no_store.NoStoreMiddleware",
    "csp.middleware.CSPMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    # Before anything reads an input: NUL out, numbers and dates within what can be stored.
    "core.input_bounds.InputBoundsMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    # request.user.is_verified(): from the session's device id, on every request (the user object
    # itself may come from the cache, accounts.backends).
    "django_otp.middleware.OTPMiddleware",
    # Deny by default: every page needs a login unless marked @login_not_required.
    "django.contrib.auth.middleware.LoginRequiredMiddleware",
    "accounts.middleware.ActorMiddleware",
    # Staff who must use a second factor reach only enrolment, verification and logout until
    # they have used it (second_factor.middleware).
    "second_factor.middleware.SecondFactorMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    # Idle and absolute timeouts, then a password past PASSWORD_MAX_AGE_DAYS (after messages:
    # both say why on the page they send to).
    "accounts.session_timeouts.SessionTimeoutMiddleware",
    "accounts.password_age.PasswordAgeMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
]

ROOT_URLCONF = "config.urls"
WSGI_APPLICATION = "config.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "home.context_processors.actor",
            ],
        },
    }
]

_default_db = f"sqlite:///{VAR_DIR / 'linli.sqlite3'}"
DATABASES = {
    "default": dj_database_url.parse(
        required("DATABASE_URL", _default_db), conn_max_age=60, conn_health_checks=True
    )
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # WAL lets the web server and the job consumer use the file at once.
    DATABASES["default"]["OPTIONS"] = {
        "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
        "transaction_mode": "IMMEDIATE",
        "timeout": 20,
    }
    DATABASES["default"]["CONN_MAX_AGE"] = 0

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"
AUTH_USER_MODEL = "accounts.User"
# The session's user and their actor come from one cache entry (accounts.backends).
AUTHENTICATION_BACKENDS = ["accounts.backends.CachedModelBackend"]
LOGIN_URL = "accounts:login"
LOGIN_REDIRECT_URL = "home:home"
LOGOUT_REDIRECT_URL = "accounts:login"

# Password rules (issue 18 item 9): checked when a password is set through a form (Setup, the
# change-password page), not when the demo city is created with LINLI_DEMO_PASSWORD.
PASSWORD_MIN_LENGTH = int(os.environ.get("PASSWORD_MIN_LENGTH", "10"))
AUTH_PASSWORD_VALIDATORS = [
    {
        "NAME": "django.contrib.auth.password_validation.MinimumLengthValidator",
        "OPTIONS": {"min_length": PASSWORD_MIN_LENGTH},
    },
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
    # Not the username or phone number, no dates, no keyboard runs.
    {"NAME": "accounts.password_rules.GuessablePasswordValidator"},
]
# Days after which a password must be changed; 0 = never (ASVS 5.0 forbids forced rotation,
# MLPS 2.0 asks for it: a city that must show it turns it on).
PASSWORD_MAX_AGE_DAYS = int(os.environ.get("PASSWORD_MAX_AGE_DAYS", "0"))

# Login lockout (accounts.throttle, counted in the database): this many wrong passwords or codes
# for one username within the window lock that username for LOGIN_LOCK_SECONDS from every
# address; this many from one address, whatever the usernames, lock that address.
LOGIN_FAILURE_LIMIT = int(os.environ.get("LOGIN_FAILURE_LIMIT", "10"))
LOGIN_ADDRESS_FAILURE_LIMIT = int(os.environ.get("LOGIN_ADDRESS_FAILURE_LIMIT", "30"))
LOGIN_FAILURE_WINDOW_SECONDS = int(os.environ.get("LOGIN_FAILURE_WINDOW_SECONDS", str(15 * 60)))
LOGIN_LOCK_SECONDS = int(os.environ.get("LOGIN_LOCK_SECONDS", str(15 * 60)))

REDIS_URL = os.environ.get("REDIS_URL", "")
if REDIS_URL and TEST_WORKER:
    # redis://host:port/15 → /15 for gw0, /14 for gw1… (`make test` runs at most 8 workers)
    _base, _sep, _db = REDIS_URL.rpartition("/")
    _index = int(TEST_WORKER.removeprefix("gw") or 0)
    if _db.isdigit() and _base.count("/") >= 2:
        if _index > int(_db):
            raise ImproperlyConfigured(
                f"Test worker {TEST_WORKER} has no Redis database below /{_db}: run fewer workers"
            )
        REDIS_URL = f"{_base}/{int(_db) - _index}"
    else:
        REDIS_URL = f"{REDIS_URL.rstrip('/')}/{_index}"
if PRODUCTION and not REDIS_URL:
    raise ImproperlyConfigured("Environment variable REDIS_URL must be set")

if REDIS_URL:
    CACHES = {
        "default": {"BACKEND": "django.core.cache.backends.redis.RedisCache", "LOCATION": REDIS_URL}
    }
else:
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}

HUEY: dict[str, object]
if REDIS_URL:
    HUEY = {"huey_class": "huey.RedisHuey", "name": "linli", "url": REDIS_URL}
else:
    HUEY = {
        "huey_class": "huey.SqliteHuey",
        "name": "linli",
        "filename": str(VAR_DIR / "huey.db"),
    }
HUEY["immediate"] = env_bool("HUEY_IMMEDIATE", False)

LANGUAGE_CODE = "zh-hans"
LANGUAGES = [("zh-hans", _("Chinese")), ("en", _("English"))]
LOCALE_PATHS = [BASE_DIR / "locale"]
LANGUAGE_COOKIE_AGE = 365 * 24 * 3600
USE_I18N = True
TIME_ZONE = "Asia/Shanghai"  # shown; stored in UTC (USE_TZ)
USE_TZ = True

STATIC_URL = "/static/"
STATIC_ROOT = VAR_DIR / "static"
STATIC_ROOT.mkdir(exist_ok=True)
STATICFILES_DIRS = [BASE_DIR / "static"]
WHITENOISE_USE_FINDERS = True  # serve without collectstatic on the embedded run
WHITENOISE_AUTOREFRESH = DEBUG

# Sessions read from the cache (Redis in production), written through to the database.
SESSION_ENGINE = "django.contrib.sessions.backends.cached_db"
SESSION_COOKIE_HTTPONLY = True
# Timeouts enforced by accounts.session_timeouts: staff (anyone with a grant other than
# resident) 30 minutes idle and 12 hours in all; residents, on their own phone and reporting
# once or twice a day, 7 days idle (a week away does not cost a text-message code) and 30 days.
SESSION_IDLE_SECONDS = int(os.environ.get("SESSION_IDLE_SECONDS", str(30 * 60)))
SESSION_ABSOLUTE_SECONDS = int(os.environ.get("SESSION_ABSOLUTE_SECONDS", str(12 * 3600)))
SESSION_RESIDENT_IDLE_SECONDS = int(
    os.environ.get("SESSION_RESIDENT_IDLE_SECONDS", str(7 * 24 * 3600))
)
SESSION_RESIDENT_ABSOLUTE_SECONDS = int(
    os.environ.get("SESSION_RESIDENT_ABSOLUTE_SECONDS", str(30 * 24 * 3600))
)
# The cookie outlives the longest timeout; the server decides when a session ends.
SESSION_COOKIE_AGE = max(SESSION_ABSOLUTE_SECONDS, SESSION_RESIDENT_ABSOLUTE_SECONDS)
SESSION_COOKIE_SECURE = PRODUCTION
CSRF_COOKIE_SECURE = PRODUCTION

LINLI_DEMO_PASSWORD = os.environ.get("LINLI_DEMO_PASSWORD", "linli-demo")

# Text messages (notifications.gateways): console (the log and the outbox page), aliyun, tencent,
# or stand_in (tests). A provider's template codes: TEXT_TEMPLATE_CODES="code=SMS_1,invite=SMS_2,…"
TEXT_GATEWAY = os.environ.get("TEXT_GATEWAY", "console")
if (
    PRODUCTION
    and TEXT_GATEWAY not in {"aliyun", "tencent"}
    and not env_bool("TEXT_CONSOLE_IN_PRODUCTION", False)
):
    raise ImproperlyConfigured("TEXT_GATEWAY must be aliyun or tencent in production")
TEXT_TEMPLATE_CODES: dict[str, str] = dict(
    pair.split("=", 1)
    for pair in os.environ.get("TEXT_TEMPLATE_CODES", "").split(",")
    if "=" in pair
)
# The console outbox page (demo codes readable without a phone): open to visitors only when the
# console gateway is in use and this is on (make run turns it on).
TEXT_CONSOLE_OUTBOX_PUBLIC = TEXT_GATEWAY == "console" and env_bool(
    "TEXT_CONSOLE_OUTBOX_PUBLIC", False
)
if TEXT_GATEWAY == "aliyun":
    ALIYUN_SMS_ACCESS_KEY_ID = required("ALIYUN_SMS_ACCESS_KEY_ID")
    ALIYUN_SMS_ACCESS_KEY_SECRET = required("ALIYUN_SMS_ACCESS_KEY_SECRET")
    ALIYUN_SMS_SIGN_NAME = required("ALIYUN_SMS_SIGN_NAME")
    ALIYUN_SMS_ENDPOINT = os.environ.get("ALIYUN_SMS_ENDPOINT", "dysmsapi.aliyuncs.com")
if TEXT_GATEWAY == "tencent":
    TENCENT_SMS_SECRET_ID = required("TENCENT_SMS_SECRET_ID")
    TENCENT_SMS_SECRET_KEY = required("TENCENT_SMS_SECRET_KEY")
    TENCENT_SMS_APP_ID = required("TENCENT_SMS_APP_ID")
    TENCENT_SMS_SIGN_NAME = required("TENCENT_SMS_SIGN_NAME")
    TENCENT_SMS_REGION = os.environ.get("TENCENT_SMS_REGION", "ap-guangzhou")
TEXT_CODE_TTL_SECONDS = int(os.environ.get("TEXT_CODE_TTL_SECONDS", "300"))
TEXT_CODE_RESEND_SECONDS = int(os.environ.get("TEXT_CODE_RESEND_SECONDS", "60"))
TEXT_CODE_PER_NUMBER_PER_DAY = int(os.environ.get("TEXT_CODE_PER_NUMBER_PER_DAY", "10"))
TEXT_CODE_PER_ADDRESS_PER_HOUR = int(os.environ.get("TEXT_CODE_PER_ADDRESS_PER_HOUR", "30"))
TEXT_CODE_MAX_TRIES = 5

# --- Second factor (issue 18, second_factor/) -------------------------------------------------
# Roles that must enrol and use a second factor at every login; their text-code-only logins
# (phone login, invitations) are refused. Comma-separated role names; unset: the four below;
# set but empty: nobody (make run's demo and the test suite; second_factor's own tests turn it on).
_second_factor_roles = os.environ.get("SECOND_FACTOR_ROLES")
SECOND_FACTOR_ROLES = frozenset(
    r.strip()
    for r in (
        "street_admin,district_admin,city_admin,unit_admin"
        if _second_factor_roles is None
        else _second_factor_roles
    ).split(",")
    if r.strip()
)
# A text-message code to the account's mobile number, instead of an authenticator app, where the
# city allows it (the codes and limits of notifications.codes).
SECOND_FACTOR_TEXT_ALLOWED = env_bool("SECOND_FACTOR_TEXT_ALLOWED", True)
# Wrong second-factor codes in a row that lock the username like wrong passwords do.
SECOND_FACTOR_MAX_WRONG = int(os.environ.get("SECOND_FACTOR_MAX_WRONG", "5"))
# The name authenticator apps show beside the account.
OTP_TOTP_ISSUER = os.environ.get("OTP_TOTP_ISSUER", "Linli")
# django-otp's own back-off (1, 2, 4… seconds after each wrong code) is off: wrong codes are
# counted by second_factor and end in the login lockout.
OTP_TOTP_THROTTLE_FACTOR = 0
OTP_STATIC_THROTTLE_FACTOR = 0

# Where join and invitation links point (the short link on a poster); the request's own host
# when empty.
LINLI_PUBLIC_URL = os.environ.get("LINLI_PUBLIC_URL", "").rstrip("/")

# Headers and TLS (docs/deployment.md). The policy allows scripts, styles, fonts and fetches
# from this site only: no inline <script>, on*= handler, style="" or <style> (templates use
# static/js/page.js and static/css; core/tests/test_security_headers.py scans them), no eval.
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
        "form-action": ["'self'"],
        "frame-ancestors": ["'none'"],
    }
}
# Join and invitation links carry their token in the path: never send it to another site.
SECURE_REFERRER_POLICY = "same-origin"
SECURE_CONTENT_TYPE_NOSNIFF = True
X_FRAME_OPTIONS = "DENY"
# Behind the TLS proxy (which must set X-Forwarded-Proto and strip it from clients): plain HTTP
# is redirected, browsers remember HTTPS for a year, and cookies go over HTTPS only.
SECURE_SSL_REDIRECT = env_bool("SECURE_SSL_REDIRECT", PRODUCTION)
if PRODUCTION:
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
SECURE_HSTS_SECONDS = int(
    os.environ.get("SECURE_HSTS_SECONDS", 365 * 24 * 3600 if PRODUCTION else 0)
)
SECURE_HSTS_INCLUDE_SUBDOMAINS = env_bool("SECURE_HSTS_INCLUDE_SUBDOMAINS", True)
SECURE_HSTS_PRELOAD = env_bool("SECURE_HSTS_PRELOAD", True)
LANGUAGE_COOKIE_SECURE = PRODUCTION

LOG_LEVEL = os.environ.get("LOG_LEVEL", "INFO")
# One console handler, with ID and phone numbers masked in every message, traceback, stack and
# extra field (core.logging). Django's loggers lose their own handlers (which would print request
# lines and tracebacks unmasked, or mail them) and reach it through the root; Huey's logger gets
# it directly (run_huey adds an unmasked handler of its own to a "huey" logger without one).
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "filters": {"no_personal_data": {"()": "core.logging.NoPersonalDataFilter"}},
    "formatters": {
        "no_personal_data": {
            "()": "core.logging.NoPersonalDataFormatter",
            "format": "%(levelname)s %(name)s: %(message)s",
        }
    },
    "handlers": {
        "console": {
            "class": "logging.StreamHandler",
            "filters": ["no_personal_data"],
            "formatter": "no_personal_data",
        }
    },
    "root": {"handlers": ["console"], "level": LOG_LEVEL},
    "loggers": {
        "django": {"handlers": [], "level": LOG_LEVEL, "propagate": True},
        "django.server": {"handlers": [], "level": LOG_LEVEL, "propagate": True},
        "huey": {"handlers": ["console"], "level": LOG_LEVEL, "propagate": False},
    },
}

# Beijing time at which each slot of a day starts taking health reports (HH:MM); it closes as
# health.rules.SLOT_CLOSES says. A report for a slot not open yet is refused.
HEALTH_SLOT_OPENS = {"am": "00:00", "pm": "12:00"}

# API lists page through core.pagination (one maximum page size, a bounded offset).
NINJA_PAGINATION_CLASS = "core.pagination.ApiPagination"
NINJA_PAGINATION_MAX_LIMIT = 200
# The OpenAPI document (/api/openapi.json) and its page (/api/docs) without logging in: on under
# DEBUG (make run), off in production, where they need a session or a bearer token (issue 18).
API_DOCS_PUBLIC = env_bool("API_DOCS_PUBLIC", DEBUG)

# A stale form: our page, offering to send again what was typed (JSON under /api/).
CSRF_FAILURE_VIEW = "core.error_views.csrf_failure"

# Request bodies: registry workbooks may be up to 10 MB (people.registry_import.xlsx.MAX_FILE_BYTES)
# on the import paths; everything else (forms, JSON, a phone's queue of 2,000 reports) stays under
# 2 MB.
# The proxy's client_max_body_size must be at least LINLI_UPLOAD_MAX_BYTES (docs/deployment.md).
LINLI_UPLOAD_PATHS = ("/registry/imports/", "/api/registry-imports")
LINLI_UPLOAD_MAX_BYTES = 10 * 1024 * 1024 + 64 * 1024  # the file and its form fields
LINLI_BODY_MAX_BYTES = 2 * 1024 * 1024
# What Django reads into memory (the rest of an upload spills to a temporary file).
DATA_UPLOAD_MAX_MEMORY_SIZE = LINLI_BODY_MAX_BYTES
FILE_UPLOAD_MAX_MEMORY_SIZE = 2_621_440

# --- Retention of personal data (PIPL Art. 19; docs/retention.md gives the reason for each) -----
# Days a record is kept after its purpose ends; the daily job (core.tasks.retention_daily, 03:30
# Beijing) then deletes or anonymises it in batches of RETENTION_BATCH_SIZE rows.
RETENTION_CLOSED_CASE_DAYS = int(os.environ.get("RETENTION_CLOSED_CASE_DAYS", "180"))
RETENTION_HEALTH_REPORT_DAYS = int(os.environ.get("RETENTION_HEALTH_REPORT_DAYS", "30"))
RETENTION_JOIN_REQUEST_DAYS = int(os.environ.get("RETENTION_JOIN_REQUEST_DAYS", "30"))
RETENTION_PHONE_CODE_DAYS = int(os.environ.get("RETENTION_PHONE_CODE_DAYS", "2"))
RETENTION_TEXT_MESSAGE_DAYS = int(os.environ.get("RETENTION_TEXT_MESSAGE_DAYS", "90"))
RETENTION_READ_NOTIFICATION_DAYS = int(os.environ.get("RETENTION_READ_NOTIFICATION_DAYS", "90"))
RETENTION_INVITATION_DAYS = int(os.environ.get("RETENTION_INVITATION_DAYS", "30"))
RETENTION_REGISTRY_IMPORT_FILE_DAYS = int(
    os.environ.get("RETENTION_REGISTRY_IMPORT_FILE_DAYS", "30")
)
RETENTION_BATCH_SIZE = int(os.environ.get("RETENTION_BATCH_SIZE", "5000"))

# The audit trail (core.audit, issue 18): kept in the table at least AUDIT_RETENTION_DAYS (the
# Cybersecurity Law, Art. 21: six months at least; a smaller value refuses to start), then moved
# month by month to compressed, checksummed files in AUDIT_ARCHIVE_DIR by `audit_archive` (a daily
# job). Setup exports at most AUDIT_EXPORT_MAX_ROWS events at once.
AUDIT_RETENTION_DAYS = int(os.environ.get("AUDIT_RETENTION_DAYS", "180"))
if AUDIT_RETENTION_DAYS < 180:
    raise ImproperlyConfigured("AUDIT_RETENTION_DAYS must be at least 180 (six months, by law)")
AUDIT_ARCHIVE_DIR = Path(os.environ.get("AUDIT_ARCHIVE_DIR", VAR_DIR / "audit-archive"))
AUDIT_EXPORT_MAX_ROWS = int(os.environ.get("AUDIT_EXPORT_MAX_ROWS", "50000"))
