"""Local development: DEBUG on, GraphiQL on, embedded PostgreSQL unless DATABASE_URL is set."""

import os

os.environ.setdefault("DJANGO_SECRET_KEY", "dev-only-not-secret")
os.environ.setdefault("DJANGO_DEBUG", "true")

from config.settings.base import *  # noqa: F403
from config.settings.base import BASE_DIR
from core.database import database_settings

DATABASES = {"default": database_settings(data_dir=BASE_DIR / ".data" / "postgres")}

# The port `bin/demo` serves on, for the URLs the spa and demo commands print.
DEV_SERVER_PORT = int(os.environ.get("PORT", "8000"))
