"""Settings shared by every environment. Anything that differs per deployment is
read from the environment (see README "Settings")."""

from __future__ import annotations

from pathlib import Path

from core.environment import Env

BASE_DIR = Path(__file__).resolve().parents[2]
env = Env()

SECRET_KEY = env("DJANGO_SECRET_KEY")
# Keys replaced by a rotation, still accepted for what they signed (reset links,
# spa export archives) until they are dropped from here.
SECRET_KEY_FALLBACKS = env.list("DJANGO_SECRET_KEY_FALLBACKS", default=[])
DEBUG = env.bool("DJANGO_DEBUG", default=False)

# --- Tenancy -----------------------------------------------------------------
# Spas live at <slug>.<ROOT_DOMAIN> (or a verified custom domain); ROOT_DOMAIN
# and www.<ROOT_DOMAIN> serve the public site. "localhost" works out of the box:
# browsers and curl resolve *.localhost to 127.0.0.1.
ROOT_DOMAIN = env("ROOT_DOMAIN", default="localhost").lower().rstrip(".")
# Every host is let through Django's check because the routing middleware is the
# real allow-list: a host that maps to no spa and is not the root domain is a 404.
ALLOWED_HOSTS = ["*"]

SHARED_APPS = [
    # Code only: the API's domain-free building blocks and `manage.py graphql_sdl`.
    "core",
    # `tenants` comes before django_tenants so its migrate_schemas (which also keeps
    # the spa template schema current) overrides the library's.
    "tenants",
    "django_tenants",
    "django.contrib.contenttypes",
    "django.contrib.auth",
    "django.contrib.staticfiles",
    "graphene_django",
    "axes",
    "shared_apps.accounts",
    "shared_apps.billing",
    # Code only: provisioning with owner and trial, signup, export and restore.
    "shared_apps.lifecycle",
    # The super-admin console (root domain, /console/): sessions, messages, TOTP.
    "django.contrib.sessions",
    "django.contrib.messages",
    "django_otp",
    "django_otp.plugins.otp_totp",
    "shared_apps.console",
    # Background jobs (docs/adr/0009-jobs-procrastinate.md): Procrastinate's tables,
    # functions and triggers in the public schema; `shared_apps.jobs` runs each
    # spa's jobs in its schema, `manage.py worker` works them off.
    "procrastinate.contrib.django",
    "shared_apps.jobs",
    # The platform's SMS number: inbound texts and delivery callbacks routed to spas.
    "shared_apps.sms",
    # Code only: `manage.py demo` (development data), above every app.
    "demo",
]
TENANT_APPS = [
    "tenant_apps.profile",
    "tenant_apps.audit",
    "tenant_apps.locations",
    "tenant_apps.scheduling",
    "tenant_apps.online_booking",
    "tenant_apps.staff",
    "tenant_apps.catalog",
    "tenant_apps.clients",
    "tenant_apps.messaging",
    "tenant_apps.files",
    "tenant_apps.forms",
    "tenant_apps.photos",
    "tenant_apps.treatment",
]
INSTALLED_APPS = SHARED_APPS + [app for app in TENANT_APPS if app not in SHARED_APPS]

# The GraphQL schemas and where their SDL is committed (`manage.py graphql_sdl`,
# core/management/commands/graphql_sdl.py; tests/test_project.py checks them).
GRAPHQL_SCHEMAS = {
    "config/schema_tenant.graphql": "config.schema_tenant.schema",
    "config/schema_public.graphql": "config.schema_public.schema",
    "config/schema_booking.graphql": "config.schema_booking.schema",
}

TENANT_MODEL = "tenants.Spa"
TENANT_DOMAIN_MODEL = "tenants.Domain"
PUBLIC_SCHEMA_NAME = "public"
ROOT_URLCONF = "config.urls_tenant"
PUBLIC_SCHEMA_URLCONF = "config.urls_public"
# search_path is set once per connection per spa, not before every query.
TENANT_LIMIT_SET_CALLS = True
# New spa schemas are cloned from this schema, which is kept migrated (tenants/schema_template.py).
SPA_TEMPLATE_SCHEMA = "_spa_template"
# How a new spa schema is built: "clone" (from the template) or "migrate" (run every migration).
SPA_SCHEMA_STRATEGY = env("SPA_SCHEMA_STRATEGY", default="clone")
# Spreading spa schemas over a Citus cluster (tenants/citus.py): "auto" when the
# database is a Citus coordinator, "on" to insist, "off" to keep them local.
SPA_CITUS = env("SPA_CITUS", default="auto")
# Spare distributed schemas kept ready on Citus (`manage.py spa spares`).
SPA_CITUS_SPARES = env.int("SPA_CITUS_SPARES", default=3)
# Worker processes migrating spa schemas (migrate_schemas --parallel overrides).
SPA_MIGRATION_PROCESSES = env.int("SPA_MIGRATION_PROCESSES", default=2)
# Routing cache (tenants/routing.py). Changes made through tenants.services are
# seen at once by the process that made them and within VERSION_INTERVAL seconds
# by the others; the TTL is a backstop for changes made around the services.
SPA_ROUTING_VERSION_INTERVAL = env.float("SPA_ROUTING_VERSION_INTERVAL", default=1.0)
SPA_ROUTING_CACHE_TTL = env.float("SPA_ROUTING_CACHE_TTL", default=300.0)
# Up to this many verified domains, a process loads them all in one query and
# holds them (about 1 KiB each: 1,000 spas take 1 MiB and 29 ms to load, bench/scale.py);
# past it, it looks up one host at a time (about 1.5 ms a host met).
SPA_ROUTING_FILL_LIMIT = env.int("SPA_ROUTING_FILL_LIMIT", default=5000)

MIDDLEWARE = [
    # Probes first: cheap, on every host, not logged.
    "tenants.health.HealthCheckMiddleware",
    # Then the request id and the one JSON line per request (covers routing too).
    "core.observability.requestlog.RequestLogMiddleware",
    # A view that met an unreachable database answers 503 with Retry-After.
    "core.http.DatabaseUnavailableMiddleware",
    "tenants.middleware.SpaRoutingMiddleware",
    "django.middleware.security.SecurityMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    # After routing: a bearer token is checked against the spa the host chose.
    "shared_apps.accounts.middleware.BearerTokenMiddleware",
    # Sessions, sign-in, TOTP and messages for /console/ on the root domain only:
    # no other path (and no spa host) ever reads or sets a session cookie.
    "shared_apps.console.middleware.ConsoleMiddleware",
]

# --- Accounts ----------------------------------------------------------------
AUTH_USER_MODEL = "accounts.User"
AUTHENTICATION_BACKENDS = [
    # First: refuses credentials that are locked out, and every authenticate()
    # call is counted (so aliased login fields in one request count one by one).
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
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
# Bearer tokens for the spa API: lifetime, and how often last_used_at is written.
API_TOKEN_TTL = env.int("API_TOKEN_TTL_DAYS", default=30) * 86400
API_TOKEN_TOUCH_INTERVAL = 300
INVITATION_TTL = 7 * 86400
# Reset and welcome links: a day (a new owner may not read the welcome at once).
PASSWORD_RESET_TIMEOUT = 86400
# Brute force: per account and per client address, 10 failures lock for 15 minutes.
AXES_FAILURE_LIMIT = env.int("AXES_FAILURE_LIMIT", default=10)
AXES_COOLOFF_TIME = 0.25  # hours
AXES_LOCKOUT_PARAMETERS = ["username", "ip_address"]
# A success must clear only that account's failures: axes' own reset on success
# also clears everything from the client's address, so an attacker could guess
# at a victim, sign in to their own account, and guess again. The sign-in service
# resets by account itself (shared_apps/accounts/services/tokens.py).
AXES_RESET_ON_SUCCESS = False
# Attempts during a lockout do not restart it (else one request per 15 minutes
# keeps anyone locked out for ever).
AXES_RESET_COOL_OFF_ON_FAILURE_DURING_LOCKOUT = False
# Masked wherever axes stores or logs request data; the API only takes JSON
# bodies, but a password must never sit in the database in clear.
AXES_SENSITIVE_PARAMETERS = ["username", "ip_address", "query", "variables", "email"]
AXES_ENABLE_ACCESS_FAILURE_LOG = False
AXES_VERBOSE = False
AXES_USERNAME_FORM_FIELD = "email"
AXES_USERNAME_CALLABLE = "shared_apps.accounts.throttling.username_from_credentials"
# The client address for per-IP throttling: the socket's, unless a trusted proxy
# sets a header (on Fly.io: CLIENT_IP_HEADER=HTTP_FLY_CLIENT_IP). Trusting a
# header no proxy overwrites would let a client pick its own address.
CLIENT_IP_HEADER = env("CLIENT_IP_HEADER", default="REMOTE_ADDR")
AXES_IPWARE_META_PRECEDENCE_ORDER = list(dict.fromkeys([CLIENT_IP_HEADER, "REMOTE_ADDR"]))
RATELIMIT_IP_META_KEY = CLIENT_IP_HEADER
# Password-reset emails: per address and per client address (django-ratelimit).
RESET_LINK_RATE_PER_EMAIL = "3/h"
RESET_LINK_RATE_PER_IP = "20/h"
# The public booking API (tenant_apps/online_booking), per spa and client
# address, per root field run (aliases count); over the limit: 429. Bookings
# are also limited per email address typed (confirmation emails to one inbox).
BOOKING_RATES = {
    "browse": "120/m",
    "availability": "60/m",
    "book": "10/m",
    "manage": "20/m",
    # A patient's forms link: opening it and submitting each form
    # (tenant_apps/forms/patient.py); wrong dates of birth also count on the link.
    "forms": "60/m",
}
BOOKING_RATE_PER_EMAIL = "5/h"
# Patients' forms links (tenant_apps/forms/links.py): hours a link sent by email
# or text stays open, minutes a desk tablet's link does, and how many wrong
# dates of birth close a link.
FORMS_LINK_HOURS = env.int("FORMS_LINK_HOURS", default=24)
FORMS_TABLET_MINUTES = env.int("FORMS_TABLET_MINUTES", default=30)
FORMS_LINK_MAX_DOB_FAILURES = env.int("FORMS_LINK_MAX_DOB_FAILURES", default=5)
# The drawn signature a patient sends with a signed form: a PNG, at most this size.
FORMS_SIGNATURE_MAX_BYTES = 300 * 1024
# Photos a forms link may upload for its client (tenant_apps/forms/patient.py).
FORMS_LINK_MAX_UPLOADS = 20
# Counters for rate limits. Production runs several processes: point CACHE_URL
# at a shared cache (redis://...) so they count together.
CACHES = {"default": env.cache_url("CACHE_URL", default="locmemcache://")}

# AxesMiddleware turns lockouts into HTML responses for form views; the login
# mutation reports TOO_MANY_ATTEMPTS itself.
SILENCED_SYSTEM_CHECKS = ["axes.W002"]

# --- Console (shared_apps/console; README "Console") -----------------------------
# Platform staff only, on the root domain, signed in with a password and a TOTP
# code. A session ends after CONSOLE_IDLE_TIMEOUT seconds without a request, and
# after CONSOLE_SESSION_MAX_AGE seconds whatever happens.
CONSOLE_IDLE_TIMEOUT = env.int("CONSOLE_IDLE_TIMEOUT", default=15 * 60)
CONSOLE_SESSION_MAX_AGE = env.int("CONSOLE_SESSION_MAX_AGE", default=12 * 3600)
# The session cookie is the console's alone: sent only to /console/, never to
# another site's requests, never readable by scripts. Every request re-saves it,
# so the server-side expiry is the idle timeout.
SESSION_COOKIE_NAME = "console_session"
SESSION_COOKIE_PATH = "/console/"
SESSION_COOKIE_AGE = CONSOLE_IDLE_TIMEOUT
SESSION_SAVE_EVERY_REQUEST = True
SESSION_EXPIRE_AT_BROWSER_CLOSE = True
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Strict"
# The CSRF cookie, like the session's, is the console's alone. (Not
# CSRF_USE_SESSIONS: Django's error pages read the CSRF token on every host,
# and no other host has a session.)
CSRF_COOKIE_PATH = "/console/"
CSRF_COOKIE_HTTPONLY = True
CSRF_COOKIE_SAMESITE = "Strict"
MESSAGE_STORAGE = "django.contrib.messages.storage.session.SessionStorage"
LOGIN_URL = "/console/login/"
OTP_TOTP_ISSUER = "MedSpa Platform"
# Failed codes slow the next attempt down (1 s, 2 s, 4 s, ...); a code is never
# accepted twice (django-otp keeps the last step used).
OTP_TOTP_THROTTLE_FACTOR = 1

# --- Billing (Stripe; shared_apps/billing, README "Billing") ----------------------
# Unset key: billing mutations answer BILLING_PROVIDER_UNAVAILABLE. Unset webhook
# secret: /webhooks/stripe/ answers 503. Several webhook secrets (comma-separated)
# are all accepted, for rotating one.
STRIPE_SECRET_KEY = env("STRIPE_SECRET_KEY", default="")
STRIPE_WEBHOOK_SECRETS = env.list("STRIPE_WEBHOOK_SECRET", default=[])
# Stripe, or a localstripe server (http://localhost:8420) for local development.
STRIPE_API_BASE = env("STRIPE_API_BASE", default="https://api.stripe.com")
STRIPE_WEBHOOK_TOLERANCE = env.int("STRIPE_WEBHOOK_TOLERANCE", default=300)  # seconds
STRIPE_TIMEOUT = env.float("STRIPE_TIMEOUT", default=10.0)  # seconds per Stripe call
STRIPE_MAX_NETWORK_RETRIES = env.int("STRIPE_MAX_NETWORK_RETRIES", default=2)
# Past due: full access (with a warning) this long after the first failed payment,
# then read-only until paid.
BILLING_PAST_DUE_GRACE_DAYS = env.int("BILLING_PAST_DUE_GRACE_DAYS", default=14)
# Canceled: read-only, data kept this long, then due for export and closing.
BILLING_CANCELED_RETENTION_DAYS = env.int("BILLING_CANCELED_RETENTION_DAYS", default=90)
# Self-serve signups per client address (django-ratelimit; over it: 429).
SIGNUP_RATE_PER_IP = env("SIGNUP_RATE_PER_IP", default="10/h")

EMAIL_BACKEND = env("EMAIL_BACKEND", default="django.core.mail.backends.console.EmailBackend")
DEFAULT_FROM_EMAIL = env("DEFAULT_FROM_EMAIL", default="MedSpa Platform <no-reply@medspa.example>")
# For the SMTP backend (production names one: config/settings/prod.py).
EMAIL_HOST = env("EMAIL_HOST", default="localhost")
EMAIL_PORT = env.int("EMAIL_PORT", default=587)
EMAIL_HOST_USER = env("EMAIL_HOST_USER", default="")
EMAIL_HOST_PASSWORD = env("EMAIL_HOST_PASSWORD", default="")
EMAIL_USE_TLS = env.bool("EMAIL_USE_TLS", default=True)
EMAIL_TIMEOUT = env.int("EMAIL_TIMEOUT", default=10)

# --- Database ----------------------------------------------------------------
# DATABASES is set by each environment's module (dev, test, prod): they differ in
# where the embedded server keeps its data, or whether one may be used at all.
DATABASE_ROUTERS = ["django_tenants.routers.TenantSyncRouter"]
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# --- GraphQL -----------------------------------------------------------------
GRAPHENE = {"ATOMIC_MUTATIONS": True}
GRAPHQL_MAX_DEPTH = env.int("GRAPHQL_MAX_DEPTH", default=10)
GRAPHQL_MAX_ALIASES = env.int("GRAPHQL_MAX_ALIASES", default=30)
# What one request may cost (core/graphql/limits.py: a field is 1, a selection
# is multiplied by the page size above it, or by GRAPHQL_DEFAULT_LIST_SIZE for a
# list nothing bounds). The costliest document the tests send costs about
# 38,000 (a day schedule of 20 appointments with every detail); the front desk's
# day schedule of 100, about 15,000.
GRAPHQL_MAX_COST = env.int("GRAPHQL_MAX_COST", default=50_000)
GRAPHQL_DEFAULT_LIST_SIZE = env.int("GRAPHQL_DEFAULT_LIST_SIZE", default=10)
GRAPHQL_INTROSPECTION = env.bool("GRAPHQL_INTROSPECTION", default=DEBUG)
# Connections take `first` or `last`, at most this many (core/graphql/pagination.py).
GRAPHQL_MAX_PAGE_SIZE = env.int("GRAPHQL_MAX_PAGE_SIZE", default=100)
GRAPHIQL = env.bool("GRAPHIQL", default=DEBUG)
# The execution engine with less work per field (core/graphql/execution.py); False
# runs graphql-core's own, which answers the same.
GRAPHQL_FAST_EXECUTION = env.bool("GRAPHQL_FAST_EXECUTION", default=True)
# A mutation refused with a code its enum does not list raises (core/graphql/mutations.py,
# errors_from) instead of answering INVALID; it is logged either way.
GRAPHQL_STRICT_ERROR_CODES = env.bool("GRAPHQL_STRICT_ERROR_CODES", default=DEBUG)

# --- Web ---------------------------------------------------------------------
TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [],
        "APP_DIRS": True,
        "OPTIONS": {"context_processors": ["django.template.context_processors.request"]},
    }
]
WSGI_APPLICATION = "config.wsgi.application"
STATIC_URL = "/static/"
STATIC_ROOT = BASE_DIR / "staticfiles"
USE_TZ = True
TIME_ZONE = "UTC"
LANGUAGE_CODE = "en-us"
USE_I18N = False

# One JSON object per line (LOG_FORMAT=plain for a human at a terminal).
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {
        "json": {
            "()": "pythonjsonlogger.json.JsonFormatter",
            "fmt": "%(asctime)s %(levelname)s %(name)s %(message)s",
            "rename_fields": {"asctime": "time", "levelname": "level", "name": "logger"},
        },
        "plain": {"format": "%(asctime)s %(levelname)s %(name)s %(message)s"},
    },
    "filters": {"redact": {"()": "core.observability.redaction.RedactingFilter"}},
    "handlers": {
        "console": {
            "class": "logging.StreamHandler",
            "formatter": env("LOG_FORMAT", default="json"),
            "filters": ["redact"],
        }
    },
    "root": {"handlers": ["console"], "level": env("LOG_LEVEL", default="INFO")},
    "loggers": {
        "pgserver": {"level": "WARNING"},
        # Its request log names phone numbers.
        "twilio": {"level": "WARNING"},
        # Procrastinate says at every start which periodic tasks it registered;
        # the worker's own lines (a job started, ended, retried; ids and schema
        # names only) stay at the root level.
        "procrastinate": {"level": "WARNING"},
        "procrastinate.worker": {"level": env("LOG_LEVEL", default="INFO")},
        # fpdf2 warns of glyphs its font lacks by quoting them: a patient's words.
        "fpdf": {"level": "ERROR"},
    },
}

# --- Sentry (off unless SENTRY_DSN is set; see core/observability/sentry.py) ---
SENTRY_DSN = env("SENTRY_DSN", default="")
if SENTRY_DSN:
    from core.observability.sentry import init_sentry

    init_sentry(
        dsn=SENTRY_DSN,
        environment=env("SENTRY_ENVIRONMENT", default="production"),
        release=env("RELEASE", default="") or None,
        traces_sample_rate=env.float("SENTRY_TRACES_SAMPLE_RATE", default=0.0),
    )

# --- Staff web app (issue 19; config/webapp.py) --------------------------------
# Where `bin/webapp-build` puts the built app (webapp/dist); served at /app/.
WEBAPP_DIST = Path(env.str("WEBAPP_DIST", default=str(BASE_DIR / "webapp" / "dist")))

# --- Jobs and messaging (issue 20; docs/ARCHITECTURE.md section 11) -------------
# Procrastinate's tasks: every app's tasks.py (autodiscovered).
PROCRASTINATE_AUTODISCOVER_MODULE_NAME = "tasks"
# Email goes through EMAIL_BACKEND above: an anymail backend in production
# (anymail.backends.<provider>.EmailBackend with ANYMAIL settings below), the
# console backend in development, Django's locmem backend in tests.
ANYMAIL = {
    key: value
    for key, value in {
        "POSTMARK_SERVER_TOKEN": env("POSTMARK_SERVER_TOKEN", default=""),
        "SENDGRID_API_KEY": env("SENDGRID_API_KEY", default=""),
        "MAILGUN_API_KEY": env("MAILGUN_API_KEY", default=""),
        "MAILGUN_SENDER_DOMAIN": env("MAILGUN_SENDER_DOMAIN", default=""),
        "AMAZON_SES_CLIENT_PARAMS": {},
    }.items()
    if value
}
# SMS through Twilio's library (core/sms.py): "twilio", "console", "locmem", "file".
SMS_BACKEND = env("SMS_BACKEND", default="console")
SMS_FILE_PATH = env("SMS_FILE_PATH", default=str(BASE_DIR / ".data" / "sms.jsonl"))
TWILIO_ACCOUNT_SID = env("TWILIO_ACCOUNT_SID", default="")
TWILIO_AUTH_TOKEN = env("TWILIO_AUTH_TOKEN", default="")
# The platform's one number every spa texts from (E.164).
TWILIO_FROM_NUMBER = env("TWILIO_FROM_NUMBER", default="+15005550006")
# Where Twilio reaches the root domain (https://<ROOT_DOMAIN> in production):
# its signature covers the exact URL it called, so it is built from this.
TWILIO_WEBHOOK_BASE_URL = env("TWILIO_WEBHOOK_BASE_URL", default="")
# Links in messages (a patient's page, never clinical detail) use this scheme.
MESSAGE_LINK_SCHEME = env("MESSAGE_LINK_SCHEME", default="https")

# --- Signed form documents (issue 21; tenant_apps/forms/signing.py) -------------
# The platform's PAdES signing key and certificate: PEM text or a file's path.
# Required in production (config/settings/prod.py); elsewhere a self-signed
# development pair is made once in FORMS_SIGNING_DEV_DIR (never committed).
FORMS_SIGNING_KEY = env("FORMS_SIGNING_KEY", default="")
FORMS_SIGNING_CERT = env("FORMS_SIGNING_CERT", default="")
FORMS_SIGNING_DEV_DIR = env("FORMS_SIGNING_DEV_DIR", default=str(BASE_DIR / ".data" / "signing"))
# Certificates retired by a rotation (PEM text or paths, comma-separated): still
# trusted when verifying the documents they signed (platform/RUNBOOK.md).
FORMS_SIGNING_OLD_CERTS = env.list("FORMS_SIGNING_OLD_CERTS", default=[])
# Where the PDF's embedded fonts are (DejaVu Sans, Debian's fonts-dejavu-core).
FORMS_PDF_FONT_DIR = env("FORMS_PDF_FONT_DIR", default="/usr/share/fonts/truetype/dejavu")
# The patient's copy: how long the emailed link works, and how many wrong dates
# of birth close it.
FORMS_COPY_LINK_DAYS = env.int("FORMS_COPY_LINK_DAYS", default=7)
FORMS_COPY_MAX_FAILED_CHECKS = 5
# The name the documents give as signer ("signed by ... on behalf of <spa>").
PLATFORM_NAME = env("PLATFORM_NAME", default="MedSpa Platform")

# --- Patient files (tenant_apps/files/) ----------------------------------------
# "local": the filesystem under FILES_ROOT, one folder per spa schema; "s3": a
# private bucket through django-storages, the spa's schema name as the key prefix.
FILES_BACKEND = env("FILES_BACKEND", default="local")
FILES_ROOT = env("FILES_ROOT", default=str(BASE_DIR / ".data" / "files"))
FILES_S3_BUCKET = env("FILES_S3_BUCKET", default="")
FILES_S3_ENDPOINT_URL = env("FILES_S3_ENDPOINT_URL", default="")
FILES_S3_REGION = env("FILES_S3_REGION", default="")
FILES_S3_ACCESS_KEY_ID = env("FILES_S3_ACCESS_KEY_ID", default="")
FILES_S3_SECRET_ACCESS_KEY = env("FILES_S3_SECRET_ACCESS_KEY", default="")
# The canned ACL sent with each object; empty sends none (an AWS bucket with ACLs
# disabled, "bucket owner enforced", accepts only none or bucket-owner-full-control).
FILES_S3_ACL = env("FILES_S3_ACL", default="private")
# An upload is refused past this size (read in chunks, never held whole first).
FILES_MAX_UPLOAD_BYTES = env.int("FILES_MAX_UPLOAD_BYTES", default=20 * 1024 * 1024)
# An image of more pixels is refused before it is decoded (decompression bombs).
FILES_MAX_IMAGE_PIXELS = env.int("FILES_MAX_IMAGE_PIXELS", default=50_000_000)
