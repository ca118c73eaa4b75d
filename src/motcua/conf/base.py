"""Base settings: complete and safe by default; every value can come from the environment.

Each variable is described where it is read. ``dev``, ``test`` and ``production`` only override.
See docs/configuration.md for the full list.
"""

from __future__ import annotations

from pathlib import Path

import dj_database_url
from django.core.exceptions import ImproperlyConfigured
from django.utils.translation import gettext_lazy as _

from motcua.conf.env import (
    env_bool,
    env_float,
    env_int,
    env_list,
    env_str,
    env_trusted_proxies,
)

PACKAGE_DIR = Path(__file__).resolve().parent.parent

# MOTCUA_VAR_DIR: where the embedded database, uploaded files and logs live (default ./var).
VAR_DIR = Path(env_str("MOTCUA_VAR_DIR", str(Path.cwd() / "var"))).resolve()

# SECRET_KEY: required in production; the default below is refused there.
DEFAULT_SECRET_KEY = "insecure-motcua-development-key-change-me"
SECRET_KEY = env_str("SECRET_KEY", DEFAULT_SECRET_KEY)

# DEBUG: never on in production (production settings refuse to start with it).
DEBUG = env_bool("DEBUG", False)

# ALLOWED_HOSTS: comma-separated host names served.
ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", ["127.0.0.1", "localhost"])
# CSRF_TRUSTED_ORIGINS: comma-separated origins (https://motcua.example.gov.vn).
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS", [])

# MOTCUA_TRUSTED_PROXIES: where the client's address comes from (sign-in lockout, audit log, rate
# limits, citizen lookup; motcua.core.client_address). 0 or empty (default): the connection's
# address, X-Forwarded-For ignored. A number N: the site is reached only through N reverse proxies
# that each append to X-Forwarded-For; the N-th entry from the right is the client's. A
# comma-separated list of proxy addresses or networks (127.0.0.1,10.0.0.0/8): X-Forwarded-For is
# read from the right, skipping them. The left-most entry (written by the client) is never trusted.
MOTCUA_TRUSTED_PROXIES = env_trusted_proxies("MOTCUA_TRUSTED_PROXIES")
for _replaced in ("MOTCUA_CLIENT_IP_HEADER", "MOTCUA_TRUST_X_FORWARDED_FOR"):
    if env_str(_replaced, ""):
        raise ImproperlyConfigured(
            f"{_replaced} is no longer read: set MOTCUA_TRUSTED_PROXIES to the number of reverse "
            "proxies in front of the site (1 behind nginx) instead (docs/configuration.md)."
        )

# MOTCUA_DEMO_DATA: allow `motcua demo` to load demonstration data (refused in production).
MOTCUA_DEMO_DATA = env_bool("MOTCUA_DEMO_DATA", False)

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "rest_framework",
    "django_filters",
    "drf_spectacular",
    "drf_spectacular_sidecar",
    "django_htmx",
    "django_tasks",
    "django_tasks_db",
    "motcua.core",
    "motcua.organisations",
    "motcua.catalogue",
    "motcua.documents",
    "motcua.records",
    "motcua.audit",
    "oauth2_provider",
    "motcua.apiaccess",
    "motcua.evaluation",
    "motcua.public",
    "motcua.reporting",
    "motcua.exchange",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    # Vietnamese unless the user picked another language; Accept-Language is ignored.
    "motcua.core.middleware.ChosenLanguageMiddleware",
    # A control character in the path (/tra-cuu/%00): 404 before any view or query.
    "motcua.core.middleware.ControlCharacterPathMiddleware",
    # Form fields and query strings are UTF-8 whatever charset the client names (utf-7 smuggles
    # lone surrogates).
    "motcua.core.middleware.Utf8RequestMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    # One row per /api/ and /oauth/ call (client or user, endpoint, status, duration).
    "motcua.apiaccess.middleware.ApiCallLogMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    "motcua.audit.context.AuditContextMiddleware",
]

ROOT_URLCONF = "motcua.urls"
WSGI_APPLICATION = "motcua.wsgi.application"
AUTH_USER_MODEL = "core.User"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [PACKAGE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "motcua.core.context_processors.motcua",
            ],
        },
    }
]

# DATABASE_URL: e.g. postgres://motcua:secret@127.0.0.1:5432/motcua; default: SQLite in VAR_DIR.
DATABASE_URL = env_str("DATABASE_URL", f"sqlite:///{VAR_DIR / 'motcua.sqlite3'}")
if env_str("DATABASE_URL", "") == "":
    VAR_DIR.mkdir(parents=True, exist_ok=True)  # the embedded database lives there
DATABASES = {
    "default": dj_database_url.parse(DATABASE_URL, conn_max_age=env_int("DB_CONN_MAX_AGE", 0))
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # WAL lets the web server and the worker share the file; IMMEDIATE takes the write lock at
    # BEGIN so that concurrent writers wait (up to `timeout`) instead of failing mid-transaction.
    DATABASES["default"]["OPTIONS"] = {
        "transaction_mode": "IMMEDIATE",
        "timeout": 20,
        "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL; PRAGMA foreign_keys=ON;",
    }
    # The records' covering indexes (INCLUDE columns) serve PostgreSQL; SQLite builds them
    # without the extra columns, which is all it needs. Without this, every `motcua migrate` of
    # the demo printed two models.W040 warnings.
    SILENCED_SYSTEM_CHECKS = ["models.W040"]
# MIGRATE_DATABASE_URL: the PostgreSQL role that owns the tables (docs/postgresql.md, "Two
# roles"). When set, `motcua migrate`, `motcua db grant-runtime` and `motcua restore` connect
# with it and grant DATABASE_URL's role (the runtime role) only the rights the application needs:
# no TRUNCATE, ALTER or DROP anywhere, no UPDATE or DELETE of the audit log. Empty: one role.
MIGRATE_DATABASE_URL = env_str("MIGRATE_DATABASE_URL", "")
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# MOTCUA_PASSWORD_MIN_LENGTH: the shortest password accepted when one is set or changed.
MOTCUA_PASSWORD_MIN_LENGTH = env_int("MOTCUA_PASSWORD_MIN_LENGTH", 10)
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {
        "NAME": "django.contrib.auth.password_validation.MinimumLengthValidator",
        "OPTIONS": {"min_length": MOTCUA_PASSWORD_MIN_LENGTH},
    },
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "core:home"
LOGOUT_REDIRECT_URL = "login"
# SESSION_COOKIE_AGE: seconds before an idle staff session expires (default 8 hours).
SESSION_COOKIE_AGE = env_int("SESSION_COOKIE_AGE", 8 * 3600)
SESSION_SAVE_EVERY_REQUEST = True

# Internationalisation: Vietnamese by default, English available.
LANGUAGE_CODE = "vi"
LANGUAGES = [("vi", _("Vietnamese")), ("en", _("English"))]
LOCALE_PATHS = [PACKAGE_DIR / "locale"]
TIME_ZONE = "Asia/Ho_Chi_Minh"
USE_I18N = True
USE_TZ = True

STATIC_URL = "/static/"
STATIC_ROOT: Path | None = VAR_DIR / "static"
MEDIA_URL = "/media/"
# MOTCUA_MEDIA_ROOT: uploaded files (outside the web root; served only through views).
MEDIA_ROOT = Path(env_str("MOTCUA_MEDIA_ROOT", str(VAR_DIR / "media")))
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"},
}

REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": [
        # OAuth2 bearer tokens of API clients (scopes checked per endpoint), then the session.
        "motcua.apiaccess.authentication.ClientTokenAuthentication",
        # (DRF's session authentication, refusing a session that still owes its two-factor code)
        "motcua.core.twofactor.VerifiedSessionAuthentication",
    ],
    "DEFAULT_THROTTLE_CLASSES": ["motcua.apiaccess.throttling.ClientRateThrottle"],
    "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.IsAuthenticated"],
    # JSON refusing deep nesting and lone surrogates with a 400 (docs/security.md, bad input).
    "DEFAULT_PARSER_CLASSES": [
        "motcua.core.parsers.StrictJSONParser",
        "rest_framework.parsers.FormParser",
        "rest_framework.parsers.MultiPartParser",
    ],
    "DEFAULT_SCHEMA_CLASS": "drf_spectacular.openapi.AutoSchema",
    "DEFAULT_FILTER_BACKENDS": ["django_filters.rest_framework.DjangoFilterBackend"],
    "DEFAULT_PAGINATION_CLASS": "rest_framework.pagination.PageNumberPagination",
    "PAGE_SIZE": 50,
    "EXCEPTION_HANDLER": "motcua.core.api.exception_handler",
    # MOTCUA_CALENDAR_RATE: requests per client to the public calendar calculator
    # (/api/v1/calendar/due), DRF rate syntax such as "120/min". Counted in the default cache.
    "DEFAULT_THROTTLE_RATES": {"calendar": env_str("MOTCUA_CALENDAR_RATE", "120/min")},
}
SPECTACULAR_SETTINGS = {
    "TITLE": "motcua API",
    "DESCRIPTION": "Administrative procedure settlement information system (one-stop shop).",
    "VERSION": "1.0.0",
    "SERVE_INCLUDE_SCHEMA": False,
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "REDOC_DIST": "SIDECAR",
    # No request leaves the site: Swagger UI's default validator badge calls validator.swagger.io.
    "SWAGGER_UI_SETTINGS": {"deepLinking": True, "validatorUrl": None},
    "COMPONENT_SPLIT_REQUEST": True,
    # 401/429 on the operations open to API clients; local times described by a pattern.
    "POSTPROCESSING_HOOKS": [
        "drf_spectacular.hooks.postprocess_schema_enums",
        "motcua.apiaccess.schema.postprocess",
    ],
    # One enum name per choice set used by several fields (records: copy_kind and form).
    "ENUM_NAME_OVERRIDES": {
        "RecordCopyKindEnum": "motcua.records.models.RecordComponent.CopyKind",
        "ReturnMethodEnum": "motcua.records.models.ReturnMethod",
    },
}

# Background jobs: django-tasks with the database backend (a transactional outbox for free).
TASKS = {
    "default": {
        "BACKEND": env_str("MOTCUA_TASKS_BACKEND", "django_tasks_db.DatabaseBackend"),
        "QUEUES": ["default"],
    }
}

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {"plain": {"format": "%(asctime)s %(levelname)s %(name)s %(message)s"}},
    "handlers": {"console": {"class": "logging.StreamHandler", "formatter": "plain"}},
    "root": {"handlers": ["console"], "level": env_str("LOG_LEVEL", "INFO")},
    "loggers": {"django.db.backends": {"level": "WARNING"}},
}
# django-axes would log "AXES: BEGIN version ..." at every start of every `motcua` command.
AXES_VERBOSE = False

SECURE_CONTENT_TYPE_NOSNIFF = True
X_FRAME_OPTIONS = "DENY"
SECURE_REFERRER_POLICY = "same-origin"

# ---- motcua domain settings (docs/configuration.md) -------------------------------------------
# MOTCUA_OFFICE_HOURS: default office periods of every agency, "HH:MM-HH:MM" comma-separated.
# Practice, not law (domain.md §1.4 [M]): 07:30-11:30 and 13:00-17:00 = 8 working hours a day.
MOTCUA_OFFICE_HOURS = env_str("MOTCUA_OFFICE_HOURS", "07:30-11:30,13:00-17:00")
# MOTCUA_HOURS_PER_WORKING_DAY: working hours that make one working day in hours mode [M].
MOTCUA_HOURS_PER_WORKING_DAY = env_int("MOTCUA_HOURS_PER_WORKING_DAY", 8)
# MOTCUA_CONFIG_CACHE_SECONDS: how long a process keeps working calendars and resolved process
# plans in memory (0 disables). Changes made in the same process apply at once; other processes
# see them within this many seconds.
MOTCUA_CONFIG_CACHE_SECONDS = env_int("MOTCUA_CONFIG_CACHE_SECONDS", 60)
# MOTCUA_TIMELINESS_AGAINST: judge finished records against the "original" statutory due
# instant (default) or the "latest" appointment after apologies/extensions [M].
MOTCUA_TIMELINESS_AGAINST = env_str("MOTCUA_TIMELINESS_AGAINST", "original")
# MOTCUA_DEFAULT_CUTOFF: same-day cut-off used when a procedure asks for one (Decree 23/2015 art. 21).
MOTCUA_DEFAULT_CUTOFF = env_str("MOTCUA_DEFAULT_CUTOFF", "15:00")
# MOTCUA_RECORD_CODE_FORMAT: record code layout (Circular 01/2018 art. 19, domain.md §1.3).
MOTCUA_RECORD_CODE_FORMAT = env_str(
    "MOTCUA_RECORD_CODE_FORMAT", "{agency_code}-{date:%y%m%d}-{seq:04d}"
)
# MOTCUA_PUBLIC_BASE_URL: absolute base for links printed on paper (receipt QR codes).
MOTCUA_PUBLIC_BASE_URL = env_str("MOTCUA_PUBLIC_BASE_URL", "http://127.0.0.1:8000")
# MOTCUA_PDF_FONT: a TTF with Vietnamese glyphs; default: searched among the system fonts.
MOTCUA_PDF_FONT = env_str("MOTCUA_PDF_FONT", "")
MOTCUA_PDF_FONT_BOLD = env_str("MOTCUA_PDF_FONT_BOLD", "")
# MOTCUA_PROVINCE_NAME: shown on forms and pages.
MOTCUA_PROVINCE_NAME = env_str("MOTCUA_PROVINCE_NAME", "Tỉnh Minh Họa")
# MOTCUA_DUE_SOON_WORKING_HOURS: the officer queues flag a record as "due soon" when its
# appointment falls within this many working hours from now (counted on the province calendar).
MOTCUA_DUE_SOON_WORKING_HOURS = env_int("MOTCUA_DUE_SOON_WORKING_HOURS", 16)
# MOTCUA_UPLOAD_MAX_MB: largest scanned document accepted at the desk (PDF, JPEG or PNG), in MB.
MOTCUA_UPLOAD_MAX_MB = env_int("MOTCUA_UPLOAD_MAX_MB", 20)
# MOTCUA_IMPORT_MAX_MB: largest JSON Lines body of POST /api/v1/imports/records, in MB (above: 413).
MOTCUA_IMPORT_MAX_MB = env_int("MOTCUA_IMPORT_MAX_MB", 200)
# MOTCUA_SCAN_MAX_MEGAPIXELS: largest scanned image accepted (desk, API, digitised documents), in
# millions of pixels, read from the image's header before decoding (a 600 dpi A4 page is ~35).
MOTCUA_SCAN_MAX_MEGAPIXELS = env_int("MOTCUA_SCAN_MAX_MEGAPIXELS", 40)

# ---- personal data retention (docs/security.md, `motcua purge-personal-data`) -------------------
# MOTCUA_RETENTION_RECORD_YEARS: years after a record is closed (returned, stopped, withdrawn,
# refused) that its applicant's personal data is kept; then it is anonymised (statistics stay).
MOTCUA_RETENTION_RECORD_YEARS = env_int("MOTCUA_RETENTION_RECORD_YEARS", 10)
# MOTCUA_RETENTION_SCAN_YEARS: years after a record is closed that its scanned documents are kept.
MOTCUA_RETENTION_SCAN_YEARS = env_int("MOTCUA_RETENTION_SCAN_YEARS", 10)
# MOTCUA_RETENTION_API_LOG_DAYS: days API call logs and idempotency answers are kept.
MOTCUA_RETENTION_API_LOG_DAYS = env_int("MOTCUA_RETENTION_API_LOG_DAYS", 365)

# ---- audit log: anchoring its head outside the database (docs/security.md) ------------------
# MOTCUA_AUDIT_ANCHOR_DIR: where `motcua audit anchor` appends the signed chain head (one JSON
# line per run, anchors.jsonl) and where `motcua audit verify` reads it. Keep it off the
# database server, on storage the database roles cannot write.
MOTCUA_AUDIT_ANCHOR_DIR = Path(env_str("MOTCUA_AUDIT_ANCHOR_DIR", str(VAR_DIR / "audit-anchors")))
# MOTCUA_AUDIT_ANCHOR_KEY: the HMAC key that signs each anchor (at least 32 characters); empty:
# a key derived from SECRET_KEY.
MOTCUA_AUDIT_ANCHOR_KEY = env_str("MOTCUA_AUDIT_ANCHOR_KEY", "")
# MOTCUA_AUDIT_ANCHOR_WEBHOOK_URL / _SECRET: also POST each anchor there, signed like the
# exchange webhooks (HMAC-SHA256 of "<timestamp>.<body>" with the secret, at least 16 characters).
MOTCUA_AUDIT_ANCHOR_WEBHOOK_URL = env_str("MOTCUA_AUDIT_ANCHOR_WEBHOOK_URL", "")
MOTCUA_AUDIT_ANCHOR_WEBHOOK_SECRET = env_str("MOTCUA_AUDIT_ANCHOR_WEBHOOK_SECRET", "")
# MOTCUA_AUDIT_ANCHOR_TIMEOUT_SECONDS: connect/read timeout of that POST.
MOTCUA_AUDIT_ANCHOR_TIMEOUT_SECONDS = env_float("MOTCUA_AUDIT_ANCHOR_TIMEOUT_SECONDS", 10.0)

# ---- exchange: the outbox and its subscribers (docs/exchange.md) ------------------------------
# MOTCUA_OUTBOX_MAX_ATTEMPTS: attempts before a delivery is dead-lettered (resend from the admin).
MOTCUA_OUTBOX_MAX_ATTEMPTS = env_int("MOTCUA_OUTBOX_MAX_ATTEMPTS", 15)
# MOTCUA_OUTBOX_RETRY_BASE_SECONDS / _MAX_SECONDS: exponential backoff after a failed attempt:
# base * 2^(attempts-1), capped at max (plus up to 10 % jitter). 15 attempts at 10 s / 1 h cover
# about 10 hours of receiver downtime.
MOTCUA_OUTBOX_RETRY_BASE_SECONDS = env_float("MOTCUA_OUTBOX_RETRY_BASE_SECONDS", 10.0)
MOTCUA_OUTBOX_RETRY_MAX_SECONDS = env_float("MOTCUA_OUTBOX_RETRY_MAX_SECONDS", 3600.0)
# MOTCUA_OUTBOX_BATCH_SIZE: deliveries a worker claims per round trip.
MOTCUA_OUTBOX_BATCH_SIZE = env_int("MOTCUA_OUTBOX_BATCH_SIZE", 50)
# MOTCUA_OUTBOX_LEASE_SECONDS: how long a claimed batch belongs to its worker; a worker that dies
# (SIGKILL, lost machine) loses its claim after this and another worker retries the deliveries.
MOTCUA_OUTBOX_LEASE_SECONDS = env_float("MOTCUA_OUTBOX_LEASE_SECONDS", 120.0)
# MOTCUA_OUTBOX_HTTP_TIMEOUT_SECONDS: connect/read timeout of one delivery (must be well below
# the lease: a worker starts a delivery only if it can time out before its lease ends).
MOTCUA_OUTBOX_HTTP_TIMEOUT_SECONDS = env_float("MOTCUA_OUTBOX_HTTP_TIMEOUT_SECONDS", 10.0)
# MOTCUA_OUTBOX_POLL_SECONDS: how long an idle worker sleeps before looking for work again.
MOTCUA_OUTBOX_POLL_SECONDS = env_float("MOTCUA_OUTBOX_POLL_SECONDS", 1.0)
# MOTCUA_OUTBOX_LAG_ALERT_MINUTES: warn on the work desk and the reconciliation page when a
# subscriber's oldest undelivered event is older than this.
MOTCUA_OUTBOX_LAG_ALERT_MINUTES = env_int("MOTCUA_OUTBOX_LAG_ALERT_MINUTES", 30)

# ---- documents: electronic results, signatures, digitised documents (docs/signatures.md) ------
# MOTCUA_KEY_ENCRYPTION_KEY: the key that encrypts the stored signing keys (PKCS#12) at rest; at
# least 32 characters, never committed. The default below is a published demo value: production
# settings never use it (without a real key, signing with stored keys is refused).
DEMO_KEY_ENCRYPTION_KEY = "motcua-DEMO-ONLY-key-encryption-key-published-in-the-source"
MOTCUA_KEY_ENCRYPTION_KEY = env_str("MOTCUA_KEY_ENCRYPTION_KEY", DEMO_KEY_ENCRYPTION_KEY)
# MOTCUA_TRUST_ROOTS: comma-separated PEM files of the root CAs verification trusts (the national
# root CA in production). With MOTCUA_DEMO_DATA on, the demo CA is trusted too.
MOTCUA_TRUST_ROOTS = env_list("MOTCUA_TRUST_ROOTS", [])
# MOTCUA_TSA_URL: RFC 3161 timestamp server; when set, signatures are PAdES B-T, otherwise B-B.
MOTCUA_TSA_URL = env_str("MOTCUA_TSA_URL", "")
# MOTCUA_TSA_USERNAME / MOTCUA_TSA_PASSWORD: HTTP basic credentials, if the TSA asks for them;
# MOTCUA_TSA_TIMEOUT_SECONDS: how long a signature waits for the TSA. A TSA that fails or does
# not answer in time refuses the signature (nothing is stored); there is no fallback to B-B.
MOTCUA_TSA_USERNAME = env_str("MOTCUA_TSA_USERNAME", "")
MOTCUA_TSA_PASSWORD = env_str("MOTCUA_TSA_PASSWORD", "")
MOTCUA_TSA_TIMEOUT_SECONDS = env_float("MOTCUA_TSA_TIMEOUT_SECONDS", 10.0)
# MOTCUA_SIGNING_BACKEND: "pkcs12" (keys stored encrypted in the database) or "pkcs11" (a USB
# token or HSM through MOTCUA_PKCS11_MODULE, MOTCUA_PKCS11_TOKEN_LABEL and MOTCUA_PKCS11_PIN).
MOTCUA_SIGNING_BACKEND = env_str("MOTCUA_SIGNING_BACKEND", "pkcs12")
MOTCUA_PKCS11_MODULE = env_str("MOTCUA_PKCS11_MODULE", "")
MOTCUA_PKCS11_TOKEN_LABEL = env_str("MOTCUA_PKCS11_TOKEN_LABEL", "")
MOTCUA_PKCS11_PIN = env_str("MOTCUA_PKCS11_PIN", "")
# MOTCUA_STORAGE: where results and digitised documents are stored: "local" (MEDIA_ROOT/documents)
# or "s3" (S3-compatible object storage: MOTCUA_S3_BUCKET, MOTCUA_S3_ENDPOINT_URL,
# MOTCUA_S3_REGION, MOTCUA_S3_ACCESS_KEY, MOTCUA_S3_SECRET_KEY).
MOTCUA_STORAGE = env_str("MOTCUA_STORAGE", "local")
MOTCUA_S3_BUCKET = env_str("MOTCUA_S3_BUCKET", "")
MOTCUA_S3_ENDPOINT_URL = env_str("MOTCUA_S3_ENDPOINT_URL", "")
MOTCUA_S3_REGION = env_str("MOTCUA_S3_REGION", "us-east-1")
MOTCUA_S3_ACCESS_KEY = env_str("MOTCUA_S3_ACCESS_KEY", "")
MOTCUA_S3_SECRET_KEY = env_str("MOTCUA_S3_SECRET_KEY", "")
# MOTCUA_VERIFY_MAX_MB: largest PDF the public verification page accepts, in MB.
MOTCUA_VERIFY_MAX_MB = env_int("MOTCUA_VERIFY_MAX_MB", 10)

# ---- citizen pages and satisfaction evaluation (docs/citizen.md) -------------------------------
# In each window of MOTCUA_LOOKUP_WINDOW_SECONDS, counted in the database (shared by every
# process); above a limit the page answers HTTP 429 (docs/citizen.md):
# MOTCUA_LOOKUP_LIMIT_PER_IP: lookup and evaluation attempts per client address, any code.
# MOTCUA_LOOKUP_LIMIT_PER_CLIENT_CODE: wrong guesses per client address on one record code (a
# stranger's guesses close the code to that stranger only).
# MOTCUA_LOOKUP_LIMIT_PER_CODE: wrong guesses on one record code from every client together; keep
# it well above the per-client limit (reaching it closes the code to the citizen too).
MOTCUA_LOOKUP_LIMIT_PER_IP = env_int("MOTCUA_LOOKUP_LIMIT_PER_IP", 60)
MOTCUA_LOOKUP_LIMIT_PER_CLIENT_CODE = env_int("MOTCUA_LOOKUP_LIMIT_PER_CLIENT_CODE", 10)
MOTCUA_LOOKUP_LIMIT_PER_CODE = env_int("MOTCUA_LOOKUP_LIMIT_PER_CODE", 100)
MOTCUA_LOOKUP_WINDOW_SECONDS = env_int("MOTCUA_LOOKUP_WINDOW_SECONDS", 600)
# MOTCUA_EVALUATION_EDIT_DAYS: days during which the applicant may change an evaluation.
MOTCUA_EVALUATION_EDIT_DAYS = env_int("MOTCUA_EVALUATION_EDIT_DAYS", 7)
# MOTCUA_EVALUATION_BANDS: rating bands of the total (0-18), highest first; below all = poor.
# The edge at 15 is unconfirmed [M] (domain.md §5.1): by default 15 itself is "good".
MOTCUA_EVALUATION_BANDS = env_str(
    "MOTCUA_EVALUATION_BANDS", "excellent>15,good>=12,fair>=9,average>=6"
)
# MOTCUA_EVALUATION_LOW_SCORE: totals below this (or "dissatisfied") are listed for follow-up.
MOTCUA_EVALUATION_LOW_SCORE = env_int("MOTCUA_EVALUATION_LOW_SCORE", 9)

# ---- API clients: OAuth2 client credentials (docs/api-clients.md) ------------------------------
# MOTCUA_API_CLIENT_RATE: default rate limit of each API client (DRF syntax: 600/min, 20/s);
# a client's own rate (admin) wins. Counted in the default cache.
MOTCUA_API_CLIENT_RATE = env_str("MOTCUA_API_CLIENT_RATE", "600/min")
# MOTCUA_API_TOKEN_SECONDS: lifetime of an access token.
MOTCUA_API_TOKEN_SECONDS = env_int("MOTCUA_API_TOKEN_SECONDS", 3600)
# MOTCUA_API_LOG: write one row per API call (client or user, endpoint, status, duration).
MOTCUA_API_LOG = env_bool("MOTCUA_API_LOG", True)
# MOTCUA_INBOUND_MAX_MB: largest request accepted by POST /api/v1/inbound/records, in MB.
MOTCUA_INBOUND_MAX_MB = env_int("MOTCUA_INBOUND_MAX_MB", 64)
OAUTH2_PROVIDER_APPLICATION_MODEL = "oauth2_provider.Application"
OAUTH2_PROVIDER = {
    "SCOPES_BACKEND_CLASS": "motcua.apiaccess.scopes.ClientScopes",
    "OAUTH2_VALIDATOR_CLASS": "motcua.apiaccess.validator.ClientValidator",
    "ACCESS_TOKEN_EXPIRE_SECONDS": MOTCUA_API_TOKEN_SECONDS,
    # Only client credentials are used. Every RFC 9700 (OAuth 2.0 Security BCP) behaviour is on;
    # among them, tokens are stored as SHA-256 checksums only (client secrets are hashed too).
    "COMPLIANT_BCP_RFC9700_IMPLICIT_GRANT": True,
    "COMPLIANT_BCP_RFC9700_PASSWORD_GRANT": True,
    "COMPLIANT_BCP_RFC9700_PKCE_METHOD": True,
    "COMPLIANT_BCP_RFC9700_ACCESS_TOKEN_TRANSPORT": True,
    "COMPLIANT_BCP_RFC9700_AUTHZ_RESPONSE_ISS": True,
    "COMPLIANT_BCP_RFC9700_TOKEN_STORAGE": True,
    "COMPLIANT_BCP_RFC9700_REFRESH_TOKEN": True,
    "COMPLIANT_BCP_RFC9700_REDIRECT_URI_SCHEME": True,
    "COMPLIANT_BCP_RFC9700_REDIRECT_URI_MATCHING": True,
    "COMPLIANT_BCP_RFC9700_PKCE_REQUIRED": True,
    "REFRESH_TOKEN_REUSE_PROTECTION": True,
    "ALLOWED_REDIRECT_URI_SCHEMES": ["https"],
}

# ---- staff login: two-factor, lockout, CSP and security headers (docs/security.md) -------------
INSTALLED_APPS += [
    "django_otp",
    "django_otp.plugins.otp_totp",
    "axes",
    "csp",
]
# OTP after authentication (request.user.is_verified()); the two-factor gate after the messages;
# the CSP and the other headers on every response; axes last (its docs: turns a lockout into the
# login page with the lockout message).
MIDDLEWARE.insert(
    MIDDLEWARE.index("django.contrib.auth.middleware.AuthenticationMiddleware") + 1,
    "django_otp.middleware.OTPMiddleware",
)
MIDDLEWARE += [
    "motcua.core.twofactor.TwoFactorMiddleware",
    "csp.middleware.CSPMiddleware",
    "motcua.core.middleware.SecurityHeadersMiddleware",
    "axes.middleware.AxesMiddleware",
]
# axes first: refuses a locked-out username+address before the password is even checked.
AUTHENTICATION_BACKENDS = [
    "motcua.core.lockout.LockoutBackend",
    "django.contrib.auth.backends.ModelBackend",
]
# MOTCUA_REQUIRE_2FA: every staff page (and session-authenticated API call) needs a TOTP code
# after the password; on in the production settings, off elsewhere. A user who enrolled anyway
# is asked for the code whatever this says.
MOTCUA_REQUIRE_2FA = env_bool("MOTCUA_REQUIRE_2FA", False)
OTP_TOTP_ISSUER = MOTCUA_PROVINCE_NAME
# The admin never shows an enrolled device's key nor its QR code (whoever reads them can make the
# user's codes): a lost phone is handled by deleting the device, and the user enrols again.
OTP_ADMIN_HIDE_SENSITIVE_DATA = True
# MOTCUA_LOGIN_FAILURE_LIMIT / MOTCUA_LOGIN_COOLOFF_MINUTES: failed passwords allowed for one
# username from one address before both are locked out for the cool-off period.
MOTCUA_LOGIN_FAILURE_LIMIT = env_int("MOTCUA_LOGIN_FAILURE_LIMIT", 5)
MOTCUA_LOGIN_COOLOFF_MINUTES = env_int("MOTCUA_LOGIN_COOLOFF_MINUTES", 15)
AXES_FAILURE_LIMIT = MOTCUA_LOGIN_FAILURE_LIMIT
AXES_COOLOFF_TIME = MOTCUA_LOGIN_COOLOFF_MINUTES / 60  # hours
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_RESET_ON_SUCCESS = True
AXES_DISABLE_ACCESS_LOG = True  # successful logins are in the audit log already
AXES_LOCKOUT_CALLABLE = "motcua.core.lockout.lockout_response"
AXES_CLIENT_IP_CALLABLE = "motcua.core.lockout.client_ip"
AXES_HTTP_RESPONSE_CODE = 429
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": ["'self'"],
        "script-src": ["'self'"],
        "style-src": ["'self'"],
        "img-src": ["'self'", "data:"],
        "font-src": ["'self'"],
        "connect-src": ["'self'"],
        "frame-ancestors": ["'none'"],
        "form-action": ["'self'"],
        "base-uri": ["'self'"],
        "object-src": ["'none'"],
    }
}
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
# Features no page uses, refused to every origin (SecurityHeadersMiddleware).
MOTCUA_PERMISSIONS_POLICY = "camera=(), microphone=(), geolocation=(), payment=(), usb=()"
