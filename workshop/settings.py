"""Settings for Atelier, read from the environment.

Every value a deployment changes comes from an environment variable: ``DATABASE_URL``
(dj-database-url; SQLite under ``var/`` when unset), ``SECRET_KEY``, ``DEBUG`` and
``ALLOWED_HOSTS``. Outside debug mode and outside the test suite, a missing or placeholder
``SECRET_KEY`` stops the process at start-up rather than signing sessions with a known key.
"""

import os
from datetime import timedelta
from pathlib import Path

import dj_database_url
from csp.constants import NONCE, NONE, SELF
from django.core.exceptions import ImproperlyConfigured
from django.utils.translation import gettext_lazy as _

BASE_DIR = Path(__file__).resolve().parent.parent
VAR_DIR = Path(os.environ.get("ATELIER_VAR_DIR", BASE_DIR / "var"))
VAR_DIR.mkdir(parents=True, exist_ok=True)


def env_bool(name: str, default: bool = False) -> bool:
    value = os.environ.get(name)
    if value is None or value == "":
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


def env_list(name: str, default: list[str]) -> list[str]:
    value = os.environ.get(name)
    if not value:
        return default
    return [item.strip() for item in value.split(",") if item.strip()]


DEBUG = env_bool("DEBUG", False)
TESTING = "PYTEST_VERSION" in os.environ

_INSECURE_KEY = "django-insecure-atelier-development-key-do-not-use-in-production"
SECRET_KEY = os.environ.get("SECRET_KEY", "")
if not SECRET_KEY or SECRET_KEY == _INSECURE_KEY or SECRET_KEY.startswith("django-insecure"):
    if DEBUG or TESTING:
        SECRET_KEY = _INSECURE_KEY
    else:
        raise ImproperlyConfigured(
            "SECRET_KEY is not set. Generate one with "
            "`python -c 'import secrets; print(secrets.token_urlsafe(50))'` and export it, "
            "or set DEBUG=1 for a development server."
        )

ALLOWED_HOSTS = env_list(
    "ALLOWED_HOSTS", ["localhost", "127.0.0.1", "[::1]"] if (DEBUG or TESTING) else []
)
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS", [])

# The project's apps, lowest layer first: each imports only from those before it
# (docs/design.md, "Layers"; `lint-imports` checks it).
PROJECT_APPS = ["workshop", "refurb", "inventory", "shop", "labels", "skills", "reports", "demo"]

INSTALLED_APPS = [
    "workshop.admin_site.AtelierAdminConfig",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "rest_framework",
    "rest_framework.authtoken",
    "django_filters",
    "drf_spectacular",
    "drf_spectacular_sidecar",
    "django_htmx",
    "csp",
    "axes",
    *PROJECT_APPS,
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "csp.middleware.CSPMiddleware",
    # Before sessions and messages: a replayed answer carries the cookies they set.
    "workshop.formtokens.FormTokenMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "workshop.middleware.RequestSizeLimitMiddleware",
    "workshop.middleware.NulRefusalMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    "workshop.middleware.DatabaseUnavailableMiddleware",
    "workshop.views.errors.PublicRefusalMiddleware",
    # django-axes must stay last.
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "workshop.urls"
WSGI_APPLICATION = "workshop.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "workshop" / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
            ],
        },
    },
]

_default_db = f"sqlite:///{VAR_DIR / 'atelier.sqlite3'}"
DATABASES = {"default": dj_database_url.config(default=_default_db, conn_max_age=60)}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # One workshop on SQLite: WAL lets readers run beside the writer, IMMEDIATE transactions
    # take the write lock up front so two writers queue instead of failing with "locked".
    DATABASES["default"]["CONN_MAX_AGE"] = 0
    DATABASES["default"].setdefault("OPTIONS", {}).update(
        {
            "transaction_mode": "IMMEDIATE",
            "timeout": 20,
            "init_command": (
                "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL; PRAGMA foreign_keys=ON;"
            ),
        }
    )
    DATABASES["default"]["TEST"] = {"NAME": os.environ.get("ATELIER_TEST_SQLITE") or None}
else:
    DATABASES["default"]["CONN_HEALTH_CHECKS"] = True

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

LANGUAGE_CODE = "fr"
LANGUAGES = [("fr", _("French")), ("en", _("English"))]
LOCALE_PATHS = [BASE_DIR / "workshop" / "locale"]
TIME_ZONE = "Europe/Paris"
USE_I18N = True
USE_TZ = True

STATIC_URL = "static/"
STATIC_ROOT = Path(os.environ.get("STATIC_ROOT", VAR_DIR / "static"))
STATIC_ROOT.mkdir(parents=True, exist_ok=True)

LOGIN_URL = "admin:login"
# Request bodies: 1 MiB unless a path prefix says otherwise (413 before anything reads them).
ATELIER_MAX_REQUEST_BYTES = 1024 * 1024
ATELIER_MAX_REQUEST_BYTES_BY_PATH = {
    "/api/snapshots/": 10 * 1024 * 1024,
    # The offline agent's reports uploaded in bulk (refurb.imports): files or one .zip.
    "/imports/": 20 * 1024 * 1024,
}
# refurb.imports takes up to 200 report files in one upload (Django's default is 100).
DATA_UPLOAD_MAX_NUMBER_FILES = 210
DATA_UPLOAD_MAX_MEMORY_SIZE = max(
    ATELIER_MAX_REQUEST_BYTES, *ATELIER_MAX_REQUEST_BYTES_BY_PATH.values()
)

# Networks a raw-socket printer (ZPL, Brother QL, PDF on port 9100) may be on: RFC 1918 and
# IPv6 unique local addresses. Loopback and link-local are refused unless listed here; the
# development server and the test suite list loopback (their printers are local test servers).
ATELIER_PRINTER_NETWORKS = env_list(
    "ATELIER_PRINTER_NETWORKS",
    ["10.0.0.0/8", "172.16.0.0/12", "192.168.0.0/16", "fc00::/7"]
    + (["127.0.0.0/8", "::1/128"] if DEBUG or TESTING else []),
)

# Base of the public device pages that shop labels' QR codes point to (``<base>/d/<tag>``).
ATELIER_PUBLIC_BASE_URL = os.environ.get("ATELIER_PUBLIC_BASE_URL", "")
# Online orders (docs/shop.md): how long an item put in a basket stays held for the buyer,
# and how many association sign-ups one address may make per hour (0: no limit).
ATELIER_BASKET_HOLD_MINUTES = int(os.environ.get("ATELIER_BASKET_HOLD_MINUTES", 30))
ATELIER_SIGNUP_PER_HOUR = int(os.environ.get("ATELIER_SIGNUP_PER_HOUR", 5))
# Who shares the repair data in the Open Repair Data Standard export, and where (ISO alpha-3).
ATELIER_ORDS_DATA_PROVIDER = os.environ.get("ATELIER_ORDS_DATA_PROVIDER", "Atelier")
ATELIER_ORDS_COUNTRY = os.environ.get("ATELIER_ORDS_COUNTRY", "FRA")
# R2v3 verification sampling: the share of proofs of erasure drawn for an independent check.
ATELIER_ERASURE_VERIFICATION_SHARE = float(
    os.environ.get("ATELIER_ERASURE_VERIFICATION_SHARE", "0.05")
)

# Keys of the event chain, kept outside the database (refurb/keys.py; docs/operations.md,
# "Keys of the event chain"). The chain key seals every event (HMAC): ATELIER_CHAIN_KEY (the
# secret) or ATELIER_CHAIN_KEY_FILE. The signing key (Ed25519) signs the chain heads each day.
# In production both must be given (system checks refurb.E001/W002 say what to do); in debug
# and under pytest, missing files under var/keys/ are created at first use with mode 0600.
ATELIER_KEYS_CREATE = DEBUG or TESTING
ATELIER_CHAIN_KEY = os.environ.get("ATELIER_CHAIN_KEY", "")
ATELIER_CHAIN_KEY_FILE = os.environ.get("ATELIER_CHAIN_KEY_FILE") or (
    str(VAR_DIR / "keys" / "chain.key") if ATELIER_KEYS_CREATE else ""
)
ATELIER_SIGNING_KEY_FILE = os.environ.get("ATELIER_SIGNING_KEY_FILE") or (
    str(VAR_DIR / "keys" / "signing.pem") if ATELIER_KEYS_CREATE else ""
)
# Public halves (base64, as /verify/ shows them) of retired signing keys: their heads verify.
ATELIER_SIGNING_RETIRED_KEYS = env_list("ATELIER_SIGNING_RETIRED_KEYS", [])

REST_FRAMEWORK = {
    "DEFAULT_SCHEMA_CLASS": "workshop.api.schema.AtelierAutoSchema",
    "DEFAULT_AUTHENTICATION_CLASSES": [
        "workshop.api.auth.AtelierTokenAuthentication",
        "rest_framework.authentication.SessionAuthentication",
    ],
    "DEFAULT_PERMISSION_CLASSES": ["workshop.api.auth.RolePermission"],
    # JSON with depth, number-range and NUL limits (workshop/api/parsers.py).
    "DEFAULT_PARSER_CLASSES": [
        "workshop.api.parsers.SafeJSONParser",
        "rest_framework.parsers.FormParser",
        "rest_framework.parsers.MultiPartParser",
    ],
    "DEFAULT_PAGINATION_CLASS": "workshop.api.pagination.PageNumberPagination",
    "PAGE_SIZE": 50,
    "DEFAULT_FILTER_BACKENDS": [
        "workshop.api.filters.StrictFilterBackend",
        "rest_framework.filters.SearchFilter",
        "rest_framework.filters.OrderingFilter",
    ],
    "EXCEPTION_HANDLER": "workshop.api.errors.api_exception_handler",
    "DEFAULT_THROTTLE_CLASSES": ["workshop.api.throttles.TokenRateThrottle"],
    "TEST_REQUEST_DEFAULT_FORMAT": "json",
}

# API request rates (workshop/api/throttles.py); None switches one off.
ATELIER_THROTTLE_RATES = {
    "token": os.environ.get("ATELIER_THROTTLE_TOKEN", "1200/minute"),
    "snapshots": os.environ.get("ATELIER_THROTTLE_SNAPSHOTS", "120/minute"),
}
if TESTING:  # the suite's own traffic is not throttled; tests/api/test_tokens.py turns it on
    ATELIER_THROTTLE_RATES = {"token": None, "snapshots": None}

SPECTACULAR_SETTINGS = {
    "TITLE": "Atelier API",
    "DESCRIPTION": (
        "Refurbishing workshop: devices, drives, erasures, tests, labels, the shop (buyers, "
        "price grid, kits, reservations, sales, invoices, credit notes, returns), stocktakes, "
        "recycling shipments, reports, certificates and donors' outcomes. "
        "Every error answers {code, message, fields}; POSTs honour an Idempotency-Key header."
    ),
    "VERSION": "1.0.0",
    "SERVE_INCLUDE_SCHEMA": False,
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "REDOC_DIST": "SIDECAR",
    "COMPONENT_SPLIT_REQUEST": True,
    # The enums as components (drf-spectacular's default), then the rules every request text
    # and body follows (workshop/api/schema.py).
    "POSTPROCESSING_HOOKS": [
        "drf_spectacular.hooks.postprocess_schema_enums",
        "workshop.api.schema.postprocess_request_rules",
    ],
    "ENUM_NAME_OVERRIDES": {
        "DeviceStateEnum": "refurb.api.enums.DEVICE_STATE",
        "DriveKindEnum": "refurb.api.enums.DRIVE_KIND",
        "LocationKindEnum": "inventory.api.enums.LOCATION_KIND",
        "DonorKindEnum": "inventory.api.enums.DONOR_KIND",
        "WorkstationKindEnum": "workshop.api.enums.WORKSTATION_KIND",
        "NistMethodEnum": "refurb.api.enums.NIST_METHOD",
        "DestructionMethodEnum": "refurb.api.enums.DESTRUCTION_METHOD",
        "DriveStatusEnum": "refurb.api.enums.DRIVE_STATUS",
        "PrintJobStatusEnum": "labels.api.serializers.PRINT_JOB_STATUS",
        "BuyerKindEnum": "shop.api.enums.BUYER_KIND",
        "BuyerProofEnum": "shop.api.enums.BUYER_PROOF",
        "BuyerTierEnum": "shop.api.enums.BUYER_TIER",
        "KitStatusEnum": "shop.api.enums.KIT_STATUS",
        "ReservationStatusEnum": "shop.api.enums.RESERVATION_STATUS",
        "PaymentMethodEnum": "shop.api.enums.PAYMENT_METHOD",
        "VatRegimeEnum": "shop.api.enums.VAT_REGIME",
        "StocktakeStatusEnum": "inventory.api.enums.STOCKTAKE_STATUS",
        "StocktakeFindingEnum": "inventory.api.enums.STOCKTAKE_FINDING",
        "StocktakeResolutionEnum": "inventory.api.enums.STOCKTAKE_RESOLUTION",
        "ShipmentStatusEnum": "inventory.api.enums.SHIPMENT_STATUS",
        "CertificateKindEnum": "refurb.api.enums.CERTIFICATE_KIND",
    },
}

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": os.environ.get("LOG_LEVEL", "INFO")},
}

if TESTING:
    # Hashing test users' passwords with PBKDF2 would dominate the suite's run time.
    PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]

# --- Production hardening (docs/operations.md, "Security"). PRODUCTION: not DEBUG and not pytest.
PRODUCTION = not DEBUG and not TESTING

STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": (
            "whitenoise.storage.CompressedManifestStaticFilesStorage"
            if PRODUCTION
            else "django.contrib.staticfiles.storage.StaticFilesStorage"
        )
    },
}
WHITENOISE_USE_FINDERS = DEBUG

SECURE_SSL_REDIRECT = env_bool("ATELIER_SSL_REDIRECT", PRODUCTION)
SECURE_REDIRECT_EXEMPT = [r"^health/$"]
SESSION_COOKIE_SECURE = env_bool("ATELIER_SECURE_COOKIES", PRODUCTION)
CSRF_COOKIE_SECURE = SESSION_COOKIE_SECURE
SESSION_COOKIE_HTTPONLY = True
SECURE_HSTS_SECONDS = int(os.environ.get("ATELIER_HSTS_SECONDS", 31_536_000 if PRODUCTION else 0))
SECURE_HSTS_INCLUDE_SUBDOMAINS = env_bool("ATELIER_HSTS_INCLUDE_SUBDOMAINS", True)
SECURE_HSTS_PRELOAD = env_bool("ATELIER_HSTS_PRELOAD", False)
# Joining the browsers' preload list is a decision for the domain's owner, not a default.
SILENCED_SYSTEM_CHECKS = [] if SECURE_HSTS_PRELOAD else ["security.W021"]
if env_bool("ATELIER_BEHIND_TLS_PROXY", False):
    # Only behind a proxy that terminates TLS and always sets (never forwards) this header.
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"

# No inline script or style: templates load files from /static/; a script that must be inline
# carries nonce="{{ request.csp_nonce }}". data: images are the inline SVG/PNG barcodes and QRs.
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": [SELF],
        "script-src": [SELF, NONCE],
        "style-src": [SELF],
        "img-src": [SELF, "data:"],
        "font-src": [SELF],
        "connect-src": [SELF],
        "object-src": [NONE],
        "base-uri": [SELF],
        "form-action": [SELF],
        "frame-ancestors": [NONE],
    }
}

# Sign-in throttling (django-axes): see workshop/security.py for the badge + PIN hook.
# Axes first, so password and badge + PIN failures both count towards the lockout.
AUTHENTICATION_BACKENDS = [
    "workshop.security.AxesBackend",
    "django.contrib.auth.backends.ModelBackend",
    "workshop.auth.BadgeBackend",
]
AXES_ENABLED = env_bool("ATELIER_LOGIN_THROTTLING", True)
AXES_FAILURE_LIMIT = int(os.environ.get("ATELIER_LOGIN_FAILURE_LIMIT", 5))
AXES_COOLOFF_TIME = timedelta(minutes=int(os.environ.get("ATELIER_LOGIN_COOLOFF_MINUTES", 15)))
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
# How many reverse proxies (each appending to X-Forwarded-For) stand in front of the server:
# the client address failures are counted under is taken that many entries from the right
# (workshop.security.client_ip; docs/operations.md, "Security"). 0: REMOTE_ADDR.
# User API tokens (manage.py create_user_token): hashed, valid this many days.
ATELIER_USER_TOKEN_DAYS = int(os.environ.get("ATELIER_USER_TOKEN_DAYS", 90))
# An API token found valid is kept this many seconds per process (0: looked up every call);
# a revoke, a deactivation or a role change forgets it at once in every process of this
# machine through the stamp file (workshop/tokencache.py).
ATELIER_TOKEN_CACHE_SECONDS = float(os.environ.get("ATELIER_TOKEN_CACHE_SECONDS", 30))
ATELIER_TOKEN_STAMP_FILE = os.environ.get("ATELIER_TOKEN_STAMP_FILE", str(VAR_DIR / "token-stamp"))
ATELIER_TRUSTED_PROXY_COUNT = int(os.environ.get("ATELIER_TRUSTED_PROXY_COUNT", 0))
AXES_CLIENT_IP_CALLABLE = "workshop.security.client_ip"
AXES_RESET_ON_SUCCESS = True
AXES_VERBOSE = False
AXES_USERNAME_CALLABLE = "workshop.security.login_identity"
AXES_LOCKOUT_CALLABLE = "workshop.security.lockout_response"

# manage.py backup writes here unless --output says otherwise.
BACKUP_DIR = Path(os.environ.get("ATELIER_BACKUP_DIR", VAR_DIR / "backups"))

# Debugging only, honoured with DEBUG or under pytest: see workshop/faults.py.
ATELIER_FAULT_PAUSE = os.environ.get("ATELIER_FAULT_PAUSE", "")

# --- Background jobs, shared cache and sessions, media (docs/operations.md, "Jobs" and
# "A network of workshops"). One workshop: jobs in var/jobs.sqlite3, a local-memory cache,
# sessions in the database. A network: ATELIER_REDIS_URL names the Redis every web process
# and the worker share (the jobs' queue, the cache and the sessions' cache); no state stays
# in a web process.
ATELIER_REDIS_URL = os.environ.get("ATELIER_REDIS_URL", "")
ATELIER_JOBS_ENGINE = os.environ.get(
    "ATELIER_JOBS_ENGINE", "immediate" if TESTING else ("redis" if ATELIER_REDIS_URL else "sqlite")
)
ATELIER_JOBS_SQLITE = Path(os.environ.get("ATELIER_JOBS_SQLITE", VAR_DIR / "jobs.sqlite3"))
# /health/ turns red when the worker or the scheduler was not seen for this many minutes.
ATELIER_JOBS_STALE_MINUTES = int(os.environ.get("ATELIER_JOBS_STALE_MINUTES", 5))
# A print job tries this many times more (10 s apart) before it stays failed.
ATELIER_PRINT_RETRIES = int(os.environ.get("ATELIER_PRINT_RETRIES", 2))
# Print jobs send roll labels (ZPL, Brother) this many at a time, recording each batch sent.
ATELIER_PRINT_BATCH = int(os.environ.get("ATELIER_PRINT_BATCH", 50))
# Backups the scheduler makes each night: the newest this many are kept, older ones deleted.
ATELIER_BACKUP_KEEP = int(os.environ.get("ATELIER_BACKUP_KEEP", 14))

if ATELIER_REDIS_URL:
    CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": ATELIER_REDIS_URL,
            "KEY_PREFIX": os.environ.get("ATELIER_CACHE_PREFIX", "atelier"),
        }
    }
    # Sessions in the database, read through the shared cache: any web process serves any
    # request, and a Redis restart loses no session.
    SESSION_ENGINE = "django.contrib.sessions.backends.cached_db"

# Media (certificates, exports): the local folder by default; a network puts them on shared
# storage with django-storages, e.g. ATELIER_MEDIA_STORAGE=storages.backends.s3.S3Storage and
# the AWS_* variables that backend reads (docs/operations.md).
MEDIA_ROOT = Path(os.environ.get("MEDIA_ROOT", VAR_DIR / "media"))
MEDIA_URL = os.environ.get("MEDIA_URL", "/media/")
_media_backend = os.environ.get("ATELIER_MEDIA_STORAGE", "")
if _media_backend:
    STORAGES["default"] = {"BACKEND": _media_backend}

# --- E-mail (workshop/mail.py, docs/operations.md "E-mail"). Every mail is sent by a job
# through Django's SMTP backend. `make run` starts a demo mailbox (manage.py demo_mailbox) on
# 127.0.0.1:ATELIER_EMAIL_PORT that keeps each mail under var/mail/.
EMAIL_BACKEND = os.environ.get(
    "ATELIER_EMAIL_BACKEND", "django.core.mail.backends.smtp.EmailBackend"
)
EMAIL_HOST = os.environ.get("ATELIER_EMAIL_HOST", "127.0.0.1")
EMAIL_PORT = int(os.environ.get("ATELIER_EMAIL_PORT", 8025))
EMAIL_HOST_USER = os.environ.get("ATELIER_EMAIL_USER", "")
EMAIL_HOST_PASSWORD = os.environ.get("ATELIER_EMAIL_PASSWORD", "")
EMAIL_USE_TLS = os.environ.get("ATELIER_EMAIL_TLS", "") in ("1", "true", "yes")
EMAIL_TIMEOUT = int(os.environ.get("ATELIER_EMAIL_TIMEOUT", 20))
DEFAULT_FROM_EMAIL = os.environ.get("ATELIER_EMAIL_FROM", "Atelier <atelier@localhost>")
# A mail the SMTP server refuses or cannot take is tried again this many times, this many
# seconds apart, before its job stays failed on /jobs/.
ATELIER_MAIL_RETRIES = int(os.environ.get("ATELIER_MAIL_RETRIES", 5))
ATELIER_MAIL_RETRY_DELAY = int(os.environ.get("ATELIER_MAIL_RETRY_DELAY", 60))
# The mailbox `make run` starts keeps its mails here.
ATELIER_DEMO_MAIL_DIR = Path(os.environ.get("ATELIER_DEMO_MAIL_DIR", VAR_DIR / "mail"))
