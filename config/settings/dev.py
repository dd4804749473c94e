"""Local development: DEBUG on, GraphiQL on, embedded PostgreSQL unless DATABASE_URL is set."""

import os

os.environ.setdefault("DJANGO_SECRET_KEY", "dev-only-not-secret")
os.environ.setdefault("DJANGO_DEBUG", "true")

from config.database import database_settings  # noqa: E402
from config.settings.base import *  # noqa: E402,F403
from config.settings.base import BASE_DIR  # noqa: E402

DATABASES = {"default": database_settings(data_dir=BASE_DIR / ".data" / "postgres")}
