"""Django settings: everything deployment-specific comes from the environment (12-factor).

See `.env.example` for the variables. Nothing here reads a file of secrets.
"""

import os
import sys
from datetime import timedelta
from pathlib import Path

import dj_database_url
from django.core.exceptions import ImproperlyConfigured

BASE_DIR = Path(__file__).resolve().parent.parent


def env_str(name: str, default: str = "") -> str:
    """Return the variable stripped of surrounding blanks, or the default when unset/empty."""
    return os.environ.get(name, "").strip() or default


def env_bool(name: str, *, default: bool = False) -> bool:
    """Read a boolean variable written as 1/0, true/false, yes/no or on/off."""
    raw = os.environ.get(name, "").strip().lower()
    if not raw:
        return default
    if raw in {"1", "true", "yes", "on"}:
        return True
    if raw in {"0", "false", "no", "off"}:
        return False
    raise ImproperlyConfigured(f"{name} must be a boolean (1/0, true/false), got {raw!r}.")


def env_int(name: str, default: int) -> int:
    """Read an integer variable, failing loudly on garbage rather than guessing."""
    raw = env_str(name)
    if not raw:
        return default
    try:
        return int(raw)
    except ValueError as exc:
        raise ImproperlyConfigured(f"{name} must be an integer, got {raw!r}.") from exc


def env_list(name: str, default: list[str]) -> list[str]:
    """Read a comma-separated list, ignoring empty items."""
    raw = env_str(name)
    if not raw:
        return default
    return [item.strip() for item in raw.split(",") if item.strip()]


# pytest is only ever imported by the test runner; no process serving traffic imports it.
TESTING = "pytest" in sys.modules

DEBUG = env_bool("DJANGO_DEBUG", default=False)

SECRET_KEY = env_str("DJANGO_SECRET_KEY")
if not SECRET_KEY:
    if not (DEBUG or TESTING):
        raise ImproperlyConfigured(
            "DJANGO_SECRET_KEY is not set. Set it to a long random string "
            "(python -c 'import secrets; print(secrets.token_urlsafe(64))'), "
            "or set DJANGO_DEBUG=1 for local development."
        )
    SECRET_KEY = "django-insecure-dev-only-key-never-use-in-production"  # noqa: S105

ALLOWED_HOSTS = env_list(
    "DJANGO_ALLOWED_HOSTS", ["localhost", "127.0.0.1", "[::1]"] if DEBUG else []
)
CSRF_TRUSTED_ORIGINS = env_list("DJANGO_CSRF_TRUSTED_ORIGINS", [])

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    # Before staticfiles so runserver serves static files the way production does.
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "rest_framework",
    "django_filters",
    "drf_spectacular",
    # Swagger UI assets served by us: no CDN at run time, and a strict CSP stays possible.
    "drf_spectacular_sidecar",
    "csp",
    # Login throttling: failed sign-ins are counted per user and address (web and admin).
    "axes",
    "catalog",
    "configurator",
]

MIDDLEWARE = [
    # Outermost: a database that cannot be reached answers 503, never a 500 with a traceback.
    "configurator.middleware.DatabaseUnavailableMiddleware",
    "django.middleware.security.SecurityMiddleware",
    # Before anything reads the body: 413 for oversized bodies, 400 for NUL bytes in input.
    "configurator.middleware.HostileInputMiddleware",
    # Content-Security-Policy on every response (policy in CONTENT_SECURITY_POLICY below).
    "csp.middleware.CSPMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    # Last, as django-axes asks: it turns a locked-out sign-in into its lockout response.
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "configurator.urls"
WSGI_APPLICATION = "configurator.wsgi.application"
ASGI_APPLICATION = "configurator.asgi.application"

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
            ],
        },
    },
]

DATABASES = {
    "default": dj_database_url.config(
        default=f"sqlite:///{BASE_DIR / 'db.sqlite3'}",
        conn_max_age=env_int("DJANGO_CONN_MAX_AGE", 60),
        conn_health_checks=True,
    )
}
# SQLite with several server workers writing one file: take the write lock when a transaction
# starts (two readers upgrading to writers would otherwise deadlock and fail at once),
# readers never wait for writers (WAL), and a writer waits for the lock (busy timeout)
# instead of failing with "database is locked".
SQLITE_OPTIONS = {
    "transaction_mode": "IMMEDIATE",
    "timeout": env_int("DJANGO_SQLITE_BUSY_TIMEOUT_S", 20),
    "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    DATABASES["default"].setdefault("OPTIONS", {}).update(SQLITE_OPTIONS)
elif DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql":
    # A database that is down must answer fast: the 503 (configurator.middleware) comes in
    # seconds, not after the kernel's TCP connect timeout.
    DATABASES["default"].setdefault("OPTIONS", {}).setdefault(
        "connect_timeout", env_int("DJANGO_DB_CONNECT_TIMEOUT_S", 3)
    )
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
AUTHENTICATION_BACKENDS = [
    # First, so a locked-out user and address are refused before any password is checked.
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]
# django-axes: after AXES_FAILURE_LIMIT failed sign-ins of one user from one address, that
# pair is locked out for AXES_COOLOFF_MINUTES (web sign-in and admin alike); a success
# resets the count. Behind a proxy, the address is taken from X-Forwarded-For.
AXES_FAILURE_LIMIT = env_int("AXES_FAILURE_LIMIT", 5)
AXES_COOLOFF_TIME = timedelta(minutes=env_int("AXES_COOLOFF_MINUTES", 15))
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_RESET_ON_SUCCESS = True
AXES_IPWARE_META_PRECEDENCE_ORDER = ["HTTP_X_FORWARDED_FOR", "REMOTE_ADDR"]
AXES_IPWARE_PROXY_COUNT = env_int("AXES_PROXY_COUNT", 0) or None
AXES_LOCKOUT_TEMPLATE = "registration/locked_out.html"

if TESTING:
    # Hashing cost dominates a suite that logs users in; tests never need a strong hash.
    PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]

LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "/"
LOGOUT_REDIRECT_URL = "login"

LANGUAGE_CODE = "en-gb"
TIME_ZONE = "UTC"
USE_I18N = True
USE_TZ = True

STATIC_URL = "static/"
STATIC_ROOT = Path(env_str("DJANGO_STATIC_ROOT", str(BASE_DIR / "staticfiles")))
STATICFILES_DIRS = [BASE_DIR / "static"] if (BASE_DIR / "static").is_dir() else []
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        # The manifest needs `collectstatic`; dev and tests render templates without it.
        "BACKEND": (
            "django.contrib.staticfiles.storage.StaticFilesStorage"
            if DEBUG or TESTING
            else "whitenoise.storage.CompressedManifestStaticFilesStorage"
        ),
    },
}
# Without collectstatic (dev, tests) serve straight from the apps' static folders.
WHITENOISE_USE_FINDERS = DEBUG or TESTING
WHITENOISE_AUTOREFRESH = DEBUG or TESTING
MEDIA_ROOT = Path(env_str("DJANGO_MEDIA_ROOT", str(BASE_DIR / "media")))
MEDIA_URL = "media/"

# --- Redis: broker, results and cache. Unset means the embedded mode (eager tasks, locmem).
REDIS_URL = env_str("REDIS_URL")

# How long a request waits for Redis before it goes on without it (cache, throttles, queue).
REDIS_TIMEOUT_S = float(env_str("REDIS_TIMEOUT_S", "0.5"))

if REDIS_URL and not TESTING:
    CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": REDIS_URL,
            "OPTIONS": {
                "socket_connect_timeout": REDIS_TIMEOUT_S,
                "socket_timeout": REDIS_TIMEOUT_S,
            },
        }
    }
else:
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}

CELERY_BROKER_URL = REDIS_URL or "memory://"
CELERY_RESULT_BACKEND = REDIS_URL or None
# Tests run tasks in-process even with a broker: a worker would read another database than
# the test database. Integration tests switch eagerness off around the tasks they send.
CELERY_TASK_ALWAYS_EAGER = not REDIS_URL or TESTING
CELERY_TASK_EAGER_PROPAGATES = True
CELERY_TASK_SERIALIZER = "json"
CELERY_RESULT_SERIALIZER = "json"
CELERY_ACCEPT_CONTENT = ["json"]
CELERY_RESULT_EXPIRES = 24 * 3600
CELERY_TASK_TIME_LIMIT = env_int("CELERY_TASK_TIME_LIMIT", 300)
CELERY_TASK_SOFT_TIME_LIMIT = CELERY_TASK_TIME_LIMIT - 30
# Long PDF renders should not be hoarded by one worker while others idle.
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_BROKER_CONNECTION_RETRY_ON_STARTUP = True
# A worker that dies mid-task (SIGKILL, OOM, lost host) leaves the message unacknowledged
# (acks_late); Redis hands it to a worker again after the visibility timeout. Keep it short
# so a lost render is retried within about a minute; tasks are idempotent, so the rare
# duplicate delivery of a task still running past it stores no second file.
CELERY_TASK_ACKS_LATE = True
CELERY_TASK_REJECT_ON_WORKER_LOST = True
CELERY_VISIBILITY_TIMEOUT_S = env_int("CELERY_VISIBILITY_TIMEOUT_S", 60)
# A web request that queues a task must not hang when Redis is gone: one quick attempt,
# then the caller records "unavailable" and answers at once.
CELERY_BROKER_CONNECTION_TIMEOUT = REDIS_TIMEOUT_S
CELERY_BROKER_TRANSPORT_OPTIONS = {
    "visibility_timeout": CELERY_VISIBILITY_TIMEOUT_S,
    # Every worker sweeps for such abandoned messages every 5 s (kombu's default is 100 s).
    "unacked_restore_interval": 5,
    "unacked_restore_throttle": 1,
    "socket_connect_timeout": REDIS_TIMEOUT_S,
    "socket_timeout": max(REDIS_TIMEOUT_S, 5.0),
    "max_retries": 1,
    "interval_start": 0,
    "interval_step": 0.2,
    "interval_max": 0.2,
}
CELERY_TASK_PUBLISH_RETRY_POLICY = {
    "max_retries": 1,
    "interval_start": 0,
    "interval_step": 0.2,
    "interval_max": 0.2,
}
CELERY_RESULT_BACKEND_TRANSPORT_OPTIONS = {
    "socket_connect_timeout": REDIS_TIMEOUT_S,
    "retry_policy": {"max_retries": 1, "interval_start": 0, "interval_step": 0.2},
}
CELERY_TIMEZONE = TIME_ZONE

# --- Quotes
# Highest discount (percent, on a line and on the whole quote) each role may grant when it
# issues a quote; roles not listed (customers, integrators) cannot issue quotes at all.
QUOTE_DISCOUNT_LIMITS = {"sales_engineer": "15", "admin": "30"}
# Days a quote stays valid when the issuer names no date.
QUOTE_VALIDITY_DAYS = env_int("QUOTE_VALIDITY_DAYS", 30)
# A render still pending after this long (worker lost, broker flushed) is sent again.
# Twice the broker's visibility timeout: by then the broker itself has handed a lost render
# to another worker, so this only catches a message the broker lost altogether.
DOCUMENT_RENDER_STALE_SECONDS = env_int("DOCUMENT_RENDER_STALE_SECONDS", 120)
# --- NetBox hand-off (configurator/handoff)
# Fernet key(s) that encrypt the organisations' NetBox API tokens at rest, comma-separated: the
# first encrypts, every one decrypts (rotation). Unset: debug and tests use a development key
# derived from the secret key; elsewhere start-up fails while NetBox connections exist.
NETBOX_TOKEN_KEYS = env_list("NETBOX_TOKEN_KEY", [])
# Seconds one NetBox API request may take before the push or dry run gives up on it.
NETBOX_TIMEOUT_SECONDS = env_int("NETBOX_TIMEOUT_SECONDS", 30)
# A push still pending or running after this long (worker lost) may be requested again.
NETBOX_PUSH_STALE_SECONDS = env_int("NETBOX_PUSH_STALE_SECONDS", 1800)
# Seconds a NetBox branch may take to be provisioned, or merged, before the push gives up.
NETBOX_BRANCH_TIMEOUT_SECONDS = env_int("NETBOX_BRANCH_TIMEOUT_SECONDS", 600)

# Expiry runs once a day under `celery beat`; it is idempotent, so a missed or doubled run
# is harmless.
CELERY_BEAT_SCHEDULE = {
    "expire-due-quotes": {
        "task": "configurator.tasks.expire_due_quotes",
        "schedule": 3600.0 * 24,
    },
    # Sends again the chunks of fleet validations that stopped progressing (a worker killed,
    # a message lost); running twice is harmless.
    "resume-stalled-fleet-validations": {
        "task": "configurator.tasks.fleet_validations_resume",
        "schedule": 60.0,
    },
}

# --- Fleets
# Builds per fleet-validation task: one transaction, one batched snapshot (three queries).
FLEET_VALIDATION_CHUNK_SIZE = env_int("FLEET_VALIDATION_CHUNK_SIZE", 100)
# A running job with no chunk finished for this long has its pending chunks sent again.
FLEET_VALIDATION_STALL_SECONDS = env_int("FLEET_VALIDATION_STALL_SECONDS", 120)
# Queue of the chunk tasks; empty = Celery's default queue. A queue of their own lets fleet
# workers scale apart from the PDF renders (`celery worker -Q fleet`).
FLEET_VALIDATION_QUEUE = env_str("FLEET_VALIDATION_QUEUE")

# --- REST API
# The catalogue asks the tenancy layer who may edit it and see cost (see catalog/access.py).
CATALOG_ACCESS_POLICY = "configurator.tenancy.permissions.CatalogueAccess"

REST_FRAMEWORK = {
    # Token first: its WWW-Authenticate header is what turns "not authenticated" into 401.
    "DEFAULT_AUTHENTICATION_CLASSES": [
        "configurator.tenancy.authentication.TokenAuthentication",
        "rest_framework.authentication.SessionAuthentication",
    ],
    "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.IsAuthenticated"],
    "DEFAULT_PAGINATION_CLASS": "configurator.api.pagination.StandardLimitOffsetPagination",
    "PAGE_SIZE": 50,
    "DEFAULT_VERSIONING_CLASS": "rest_framework.versioning.URLPathVersioning",
    "DEFAULT_VERSION": "v1",
    "ALLOWED_VERSIONS": ["v1"],
    "VERSION_PARAM": "version",
    "DEFAULT_FILTER_BACKENDS": [
        "django_filters.rest_framework.DjangoFilterBackend",
        "rest_framework.filters.OrderingFilter",
    ],
    "DEFAULT_RENDERER_CLASSES": [
        "rest_framework.renderers.JSONRenderer",
        "rest_framework.renderers.BrowsableAPIRenderer",
    ],
    # Documents the error envelope and the statuses each endpoint really answers.
    "DEFAULT_SCHEMA_CLASS": "configurator.api.schema.EnvelopeAutoSchema",
    # JSON only: the one body format the serializers are written for, and the only one the
    # OpenAPI document lists (uploads that need multipart name their parsers themselves).
    # Refuses absurdly nested JSON with a 400 instead of letting RecursionError become a 500.
    "DEFAULT_PARSER_CLASSES": ["configurator.api.parsers.SafeJSONParser"],
    "EXCEPTION_HANDLER": "configurator.api.exceptions.exception_handler",
    # Anonymous callers by address, sessions by user, API tokens by token (own bucket each).
    "DEFAULT_THROTTLE_CLASSES": [
        "configurator.api.throttling.CurrentAnonRateThrottle",
        "configurator.api.throttling.SessionUserRateThrottle",
        "configurator.api.throttling.TokenRateThrottle",
    ],
    "DEFAULT_THROTTLE_RATES": {
        "anon": env_str("API_THROTTLE_ANON", "60/min"),
        "user": env_str("API_THROTTLE_USER", "1000/min"),
        "token": env_str("API_THROTTLE_TOKEN", "1000/min"),
    },
    "TEST_REQUEST_DEFAULT_FORMAT": "json",
}

# One line per tag of the OpenAPI document (the first path segment under /api/v1/).
API_TAGS = [
    {"name": name, "description": description}
    for name, description in [
        ("me", "Who the caller is: user, organisations and roles, API token."),
        ("organisations", "Organisations the caller belongs to or serves."),
        ("manufacturers", "Manufacturers of the catalogue's components."),
        ("components", "The catalogue: shared library and sellers' private components."),
        ("price-book-entries", "Sellers' own prices for catalogue components."),
        ("sites", "Edge sites: environment, room and utility supply."),
        ("builds", "Builds of a site, their lines, validation, BOM and commands."),
        ("validate", "Validate a build sent inline, without storing it."),
        ("configure", "The auto-configurator: the cheapest valid build for a workload."),
        ("quotes", "Quotes of a build: draft, issue, PDF, answer, revise."),
        ("quote-requests", "Customers' requests for a quote of one of their builds."),
        ("standards", "Standard builds rolled out to many sites, with versions and variants."),
        ("fleet", "The fleet: sites by standard and verdict, its BOM, catalogue impact."),
        ("fleet-validations", "Background validation of many builds at once."),
        ("catalogue-changes", "Catalogue changes and the builds they affect."),
        ("netbox-connections", "An organisation's NetBox instances (token write-only)."),
        ("netbox-pushes", "Hand-offs of approved builds to NetBox, one push at a time."),
    ]
]

SPECTACULAR_SETTINGS = {
    "TITLE": "Micro Data Center Configurator API",
    "DESCRIPTION": (
        "Open, vendor-agnostic micro data center configurator: catalogue, builds, "
        "validation reports, BOMs and quotes. Authenticate with a session or with "
        "`Authorization: Token <key>`; errors share one envelope "
        '`{"code", "message", "details"}`.'
    ),
    # PEP 440 and semver alike: generated clients take it as their package version.
    "VERSION": "1.0.0",
    "LICENSE": {"name": "Apache-2.0", "url": "https://www.apache.org/licenses/LICENSE-2.0"},
    # Relative: the API is served by the same host as this document.
    "SERVERS": [{"url": "/", "description": "The host that serves this document."}],
    "TAGS": API_TAGS,
    "SERVE_INCLUDE_SCHEMA": False,
    "COMPONENT_SPLIT_REQUEST": True,
    "SCHEMA_PATH_PREFIX": r"/api/v[0-9]+",
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "REDOC_DIST": "SIDECAR",
    # Several models have a `status` field with different choices: name each set.
    "POSTPROCESSING_HOOKS": [
        "drf_spectacular.hooks.postprocess_schema_enums",
        "configurator.api.contract.contract_hook",
    ],
    "ENUM_NAME_OVERRIDES": {
        "QuoteStatusEnum": "configurator.quotes.models.QuoteStatus",
        "QuoteRequestStatusEnum": "configurator.quotes.models.QuoteRequestStatus",
        "DocumentStatusEnum": "configurator.documents.models.DocumentStatus",
        "BuildStatusEnum": "configurator.builds.models.BuildStatus",
        "SiteEnvironmentEnum": "configurator.builds.models.Site.Environment",
        "FleetValidationStatusEnum": "configurator.fleet.models.FleetValidationStatus",
        "FleetItemStatusEnum": "configurator.fleet.models.FleetItemStatus",
        "NetBoxPushStatusEnum": "configurator.handoff.models.NetBoxPushStatus",
    },
}

# --- Security: strict whenever not debugging (`manage.py check --deploy` stays clean).
SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
SESSION_COOKIE_SECURE = not DEBUG
CSRF_COOKIE_SECURE = not DEBUG
SESSION_COOKIE_HTTPONLY = True
# The test client speaks plain HTTP; a redirect to https would hide every response.
SECURE_SSL_REDIRECT = env_bool("DJANGO_SECURE_SSL_REDIRECT", default=not (DEBUG or TESTING))
# Load balancers probe over plain HTTP inside the network.
SECURE_REDIRECT_EXEMPT = [r"^healthz$"]
SECURE_HSTS_SECONDS = 0 if DEBUG else env_int("DJANGO_SECURE_HSTS_SECONDS", 31_536_000)
SECURE_HSTS_INCLUDE_SUBDOMAINS = not DEBUG
SECURE_HSTS_PRELOAD = not DEBUG

# Content-Security-Policy (django-csp 4): scripts and styles from our own static files only,
# so no inline script or style runs even if some markup slipped through. htmx is vendored
# (static/vendor/). Swagger UI relaxes style-src for its own page only (configurator/urls.py).
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": ["'self'"],
        "script-src": ["'self'"],
        "style-src": ["'self'"],
        "img-src": ["'self'", "data:"],
        "object-src": ["'none'"],
        "base-uri": ["'self'"],
        "form-action": ["'self'"],
        "frame-ancestors": ["'none'"],
    },
}

# --- Logging: one readable console stream; the level comes from the environment.
LOG_LEVEL = env_str("DJANGO_LOG_LEVEL", "INFO").upper()
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {
        "console": {"format": "%(asctime)s %(levelname)-8s %(name)s: %(message)s"},
    },
    "handlers": {
        "console": {"class": "logging.StreamHandler", "formatter": "console"},
    },
    "root": {"handlers": ["console"], "level": LOG_LEVEL},
    "loggers": {
        "django": {"handlers": ["console"], "level": LOG_LEVEL, "propagate": False},
        # WeasyPrint narrates every render step at INFO; only its problems are worth a line.
        "weasyprint": {"level": "WARNING"},
        "fontTools": {"level": "WARNING"},
        # SQL at DEBUG drowns everything else; ask for it explicitly with DJANGO_DB_LOG_LEVEL.
        "django.db.backends": {
            "handlers": ["console"],
            "level": env_str("DJANGO_DB_LOG_LEVEL", "INFO").upper(),
            "propagate": False,
        },
    },
}
