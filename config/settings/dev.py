"""Local development: DEBUG on, GraphiQL on, embedded PostgreSQL unless DATABASE_URL is set."""

import os
import sys

os.environ.setdefault("DJANGO_SECRET_KEY", "dev-only-not-secret")
os.environ.setdefault("DJANGO_DEBUG", "true")

from config.settings.base import *  # noqa: F403
from config.settings.base import BASE_DIR
from core.database import database_settings

DATABASES = {"default": database_settings(data_dir=BASE_DIR / ".data" / "postgres")}


def _dev_server_port() -> int:
    """The port the dev server listens on, for the URLs commands and emails
    print: PORT; else, in `manage.py runserver [addr:]port` itself, its port;
    else the one `bin/demo` last served on (it writes .data/dev-server-port, so
    `manage.py spa list` in another shell names it); else runserver's 8000."""
    given = os.environ.get("PORT", "").strip()
    if not given and sys.argv[1:2] == ["runserver"]:
        addrport = next((arg for arg in sys.argv[2:] if not arg.startswith("-")), "")
        given = addrport.rpartition(":")[2]
    if not given:
        try:
            given = (BASE_DIR / ".data" / "dev-server-port").read_text().strip()
        except OSError:
            given = ""
    return int(given) if given.isdigit() and 0 < int(given) < 65536 else 8000


DEV_SERVER_PORT = _dev_server_port()
