"""Cross-process locks held on a dedicated PostgreSQL connection.

Django's own connection cannot hold a session-level advisory lock through a
migration: the migrate command commits and closes it when it finishes.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterator
from contextlib import contextmanager

import psycopg
from django.db import connection

DJANGO_ONLY_OPTIONS = frozenset(
    {"pool", "isolation_level", "server_side_binding", "assume_role", "cursor_factory", "context"}
)


def lock_key(name: str) -> int:
    """A stable signed 64-bit key for pg_advisory_lock from a readable name."""
    return int.from_bytes(
        hashlib.blake2b(name.encode(), digest_size=8).digest(), "big", signed=True
    )


@contextmanager
def advisory_lock(name: str) -> Iterator[None]:
    """Hold pg_advisory_lock(name) for the duration of the block, waiting for it if needed."""
    settings = connection.settings_dict
    # Libpq connection options pass through (sslmode, options, ...); Django's own
    # (pool, isolation_level, ...) mean nothing to a bare psycopg connection.
    libpq_options = {
        key: value
        for key, value in settings.get("OPTIONS", {}).items()
        if key not in DJANGO_ONLY_OPTIONS
    }
    params = {
        "dbname": settings["NAME"],
        "user": settings.get("USER") or None,
        "password": settings.get("PASSWORD") or None,
        "host": settings.get("HOST") or None,
        "port": settings.get("PORT") or None,
        **libpq_options,
    }
    params = {k: v for k, v in params.items() if v is not None}
    with psycopg.connect(**params, autocommit=True) as lock_conn:
        lock_conn.execute("SELECT pg_advisory_lock(%s)", [lock_key(name)])
        yield  # closing the connection releases the lock, whatever happened
