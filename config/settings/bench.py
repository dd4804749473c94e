"""Benchmarks: a throw-away embedded cluster with normal durability (fsync on),
unless DATABASE_URL is set. DEBUG off, so Django does not record queries.

BENCH_DATA_DIR names a persistent embedded cluster instead (bench/scale.py
keeps its 1,000 spas in `.data/bench-scale` for bench/load.py)."""

import os

os.environ.setdefault("DJANGO_SECRET_KEY", "bench-only-not-secret")
os.environ.setdefault("DJANGO_DEBUG", "false")
os.environ.setdefault("ROOT_DOMAIN", "medspa.bench")

from config.settings.base import *  # noqa: F403
from config.settings.base import BASE_DIR
from core.database import database_settings

_data_dir = os.environ.get("BENCH_DATA_DIR")
DATABASES = {
    "default": database_settings(
        data_dir=BASE_DIR / _data_dir if _data_dir else None, name="medspa_bench"
    )
}
# Persistent connections, as in production (prod.py): a request does not pay for
# a new PostgreSQL connection.
DATABASES["default"]["CONN_MAX_AGE"] = 60
LOGGING = {"version": 1, "disable_existing_loggers": False, "root": {"level": "WARNING"}}

# bench/migrations.py adds a tenant app of its own (a migration to time).
if os.environ.get("BENCH_MIGRATIONS_APP"):
    TENANT_APPS = [*TENANT_APPS, "bench.benchapp"]  # noqa: F405
    INSTALLED_APPS = [*INSTALLED_APPS, "bench.benchapp"]  # noqa: F405

# Provisioning emails each new owner; a benchmark keeps them in memory.
EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
