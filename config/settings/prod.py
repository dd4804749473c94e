"""Production: everything from the environment; DATABASE_URL is required."""

from django.core.exceptions import ImproperlyConfigured

from config.settings.base import *  # noqa: F403
from config.settings.base import env
from core.database import database_settings

if not env("DATABASE_URL", default=""):
    # Never fall back to an embedded server in production.
    raise ImproperlyConfigured("DATABASE_URL must be set in production")

if not env("CLIENT_IP_HEADER", default=""):
    # Behind a proxy REMOTE_ADDR is the proxy: every client would share one
    # sign-in throttle. Name the header the proxy sets (Fly.io:
    # HTTP_FLY_CLIENT_IP), or REMOTE_ADDR when clients connect directly.
    raise ImproperlyConfigured("CLIENT_IP_HEADER must be set in production")

# Mail must leave the building: the console and file backends would write
# patients' addresses, and the bearer links in booking emails, into the logs.
EMAIL_BACKEND = env("EMAIL_BACKEND", default="")
if not EMAIL_BACKEND:
    raise ImproperlyConfigured("EMAIL_BACKEND must be set in production")
if EMAIL_BACKEND.rsplit(".", 2)[-2] in {"console", "filebased", "locmem", "dummy"}:
    raise ImproperlyConfigured(
        f"EMAIL_BACKEND {EMAIL_BACKEND} keeps mail on this machine: not for production"
    )

# Texts too: the console and file transports would write patients' numbers, names
# and bearer links to the log, and mark unsent texts sent (core/sms.py). Twilio
# needs its credentials, and the address its callbacks' signatures cover.
if SMS_BACKEND != "twilio":  # noqa: F405
    raise ImproperlyConfigured(
        f"SMS_BACKEND {SMS_BACKEND!r} keeps texts on this machine: production sends "  # noqa: F405
        "through Twilio (SMS_BACKEND=twilio)"
    )
for _name in ("TWILIO_ACCOUNT_SID", "TWILIO_AUTH_TOKEN", "TWILIO_WEBHOOK_BASE_URL"):
    if not globals()[_name]:
        raise ImproperlyConfigured(f"{_name} must be set in production")

# Signed documents are signed with the platform's own key: never a development
# key made on the machine (tenant_apps/forms/signing.py; platform/RUNBOOK.md).
for _name in ("FORMS_SIGNING_KEY", "FORMS_SIGNING_CERT"):
    if not globals()[_name]:
        raise ImproperlyConfigured(
            f"{_name} must be set in production (PEM text or the path of a PEM file)"
        )

# Patient files go to a private S3 bucket: a web machine's disk is not kept.
if FILES_BACKEND != "s3":  # noqa: F405
    raise ImproperlyConfigured(
        f"FILES_BACKEND {FILES_BACKEND!r} keeps patient files on this machine: production "  # noqa: F405
        "stores them in S3 (FILES_BACKEND=s3)"
    )
# FILES_S3_ENDPOINT_URL is optional (AWS itself when empty; another S3 service otherwise).
for _name in (
    "FILES_S3_BUCKET",
    "FILES_S3_REGION",
    "FILES_S3_ACCESS_KEY_ID",
    "FILES_S3_SECRET_ACCESS_KEY",
):
    if not globals()[_name]:
        raise ImproperlyConfigured(f"{_name} must be set in production")

DATABASES = {"default": database_settings(data_dir=None)}
# Persistent connections; search_path is re-set whenever the spa changes.
DATABASES["default"]["CONN_MAX_AGE"] = env.int("DB_CONN_MAX_AGE", default=60)
DATABASES["default"]["CONN_HEALTH_CHECKS"] = True
# A database that drops packets must not hold a worker until gunicorn's timeout.
DATABASES["default"].setdefault("OPTIONS", {}).setdefault("connect_timeout", 5)

SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
SECURE_SSL_REDIRECT = env.bool("SECURE_SSL_REDIRECT", default=True)
SECURE_HSTS_SECONDS = env.int("SECURE_HSTS_SECONDS", default=31536000)
SECURE_HSTS_INCLUDE_SUBDOMAINS = True
SESSION_COOKIE_SECURE = True
CSRF_COOKIE_SECURE = True
SECURE_CONTENT_TYPE_NOSNIFF = True
