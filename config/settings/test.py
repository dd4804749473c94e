"""Test runs: a throw-away embedded PostgreSQL cluster unless DATABASE_URL is set."""

import atexit
import os
import shutil
import tempfile

os.environ.setdefault("DJANGO_SECRET_KEY", "test-only-not-secret")
os.environ.setdefault("DJANGO_DEBUG", "false")
os.environ.setdefault("ROOT_DOMAIN", "medspa.test")

from config.settings.base import *  # noqa: F403
from core.database import database_settings

# data_dir=None: a temporary cluster, deleted when the test process exits; no
# fsync (a throw-away cluster needs no crash safety, and setup runs much faster).
DATABASES = {"default": database_settings(data_dir=None, durable=False)}
# TEST_DATABASE_REUSE=1: run the tests in DATABASE_URL's own database instead of
# a new test_<name> beside it, and keep it afterwards. For a Citus coordinator,
# whose workers must hold a database of the same name with the extension, so a
# database Django creates would not be a Citus one (platform/SCALING.md,
# "Running the tests on Citus"). Use a scratch database: the tests write to it.
TEST_DATABASE_REUSE = os.environ.get("TEST_DATABASE_REUSE") == "1"
if TEST_DATABASE_REUSE:
    DATABASES["default"]["TEST"] = {"NAME": DATABASES["default"]["NAME"]}
GRAPHQL_INTROSPECTION = True
# A refusal code missing from its mutation's enum fails the test that meets it.
GRAPHQL_STRICT_ERROR_CODES = True
# Tests run in one process, where the services invalidate the routing cache
# directly; the cross-process version check is switched on by the tests of it,
# so that query counts do not depend on the clock.
SPA_ROUTING_VERSION_INTERVAL = 3600.0
# Hashing cost is not under test; real hashers make each sign-in ~0.3 s.
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
# Quiet: tests assert on what matters through caplog.
LOGGING = {"version": 1, "disable_existing_loggers": False, "root": {"level": "WARNING"}}
# Stripe: never the real one from tests, whatever the environment says. Billing
# tests point STRIPE_API_BASE at the localstripe server they start
# (tests/shared_apps/billing/conftest.py); anywhere else nothing listens there.
STRIPE_SECRET_KEY = "sk_test_localstripe"  # noqa: S105 (a fake key for localstripe)
STRIPE_WEBHOOK_SECRETS = ["whsec_test_platform"]
STRIPE_API_BASE = "http://127.0.0.1:9"
STRIPE_MAX_NETWORK_RETRIES = 0
STRIPE_TIMEOUT = 5.0
# Messages: Django's locmem mail backend and core/sms.py's locmem transport;
# webhooks signed with this token (tests sign real payloads with it).
EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
# "file" only when a test starts a worker process (it reads what that process sent).
SMS_BACKEND = "file" if os.environ.get("SMS_BACKEND") == "file" else "locmem"
TWILIO_AUTH_TOKEN = "test-twilio-auth-token"  # noqa: S105 (a test-only token)
TWILIO_WEBHOOK_BASE_URL = "https://medspa.test"
# The platform's signing pair for signed documents: a development one made in a
# temporary folder of this run (tenant_apps/forms/signing.py), whatever the
# environment says.
FORMS_SIGNING_KEY = ""
FORMS_SIGNING_CERT = ""
FORMS_SIGNING_OLD_CERTS = []
FORMS_SIGNING_DEV_DIR = tempfile.mkdtemp(prefix="medspa-signing-")
atexit.register(shutil.rmtree, FORMS_SIGNING_DEV_DIR, ignore_errors=True)

# Patient files: a throw-away folder per test process (the S3 tests point
# FILES_BACKEND at the moto server they start, tests/tenant_apps/files/conftest.py).
FILES_BACKEND = "local"
FILES_ROOT = tempfile.mkdtemp(prefix="medspa-files-")
atexit.register(shutil.rmtree, FILES_ROOT, ignore_errors=True)
