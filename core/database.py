"""Where the database lives: `DATABASE_URL` when set, else an embedded PostgreSQL.

The embedded server comes from the `pgserver` package (real PostgreSQL binaries
shipped in a wheel), so a fresh machine needs no database server. It listens on a
Unix socket only. Development keeps its data under `.data/postgres`; the test
settings ask for a throw-away cluster in a temporary directory.
"""

from __future__ import annotations

import contextlib
import json
import os
import shutil
import subprocess
import tempfile
import warnings
from pathlib import Path
from typing import Any
from urllib.parse import unquote

import environ

# django-tenants' backend, skipping the SET search_path a session already has
# (tenants/postgresql_backend/base.py).
TENANT_ENGINE = "tenants.postgresql_backend"
# Throw-away clusters (tests, benchmarks) live in temporary directories named so.
EPHEMERAL_PREFIX = "medspa-pg-"


def database_settings(
    *, data_dir: Path | None, name: str = "medspa", durable: bool = True
) -> dict[str, Any]:
    """The `DATABASES["default"]` dict for this process.

    `data_dir=None` means an ephemeral cluster (tests, benchmarks): a temporary
    directory deleted when the last process using it exits. `durable=False` turns
    off fsync there, which tests want and benchmarks must not have.
    """
    url = os.environ.get("DATABASE_URL")
    config = (
        environ.Env.db_url_config(url)
        if url
        else _embedded(data_dir=data_dir, name=name, durable=durable)
    )
    if str(config.get("HOST", "")).startswith("%2F"):
        # A Unix-socket directory written percent-encoded in the URL
        # (postgres://user@%2Fvar%2Frun%2Fpostgresql/db): libpq wants the path.
        config["HOST"] = unquote(config["HOST"])
    config["ENGINE"] = TENANT_ENGINE
    return config


def _embedded(*, data_dir: Path | None, name: str, durable: bool) -> dict[str, Any]:
    with warnings.catch_warnings():
        # platformdirs warns when XDG_RUNTIME_DIR is unset (CI, containers); /tmp is fine.
        warnings.simplefilter("ignore")
        import pgserver  # imported here: nothing else needs it when DATABASE_URL is set

        if data_dir is None:
            _reap_orphaned_clusters()
            ephemeral = Path(tempfile.mkdtemp(prefix=EPHEMERAL_PREFIX))
            server = pgserver.get_server(ephemeral, cleanup_mode="delete")
            if not durable:
                _disable_durability(server)
        else:
            data_dir.parent.mkdir(parents=True, exist_ok=True)
            # cleanup_mode=None: the server outlives this process, so `runserver`'s
            # reloader and a second `manage.py` share it instead of restarting it.
            server = pgserver.get_server(data_dir, cleanup_mode=None)
    info = server.get_postmaster_info()
    _ensure_database(server, name)
    return {
        "NAME": name,
        "USER": "postgres",
        "PASSWORD": "",
        "HOST": str(info.socket_dir),
        "PORT": str(info.port or 5432),
    }


def _reap_orphaned_clusters() -> None:
    """Stop and delete throw-away clusters whose every owner process is gone.

    A test run killed by a signal (Ctrl-C twice, a closed pipe, a CI timeout)
    never runs its exit hooks, and its server would run on, holding memory.
    pgserver lists the processes using a cluster in `.handle_pids.json`.
    """
    import psutil

    for path in Path(tempfile.gettempdir()).glob(f"{EPHEMERAL_PREFIX}*"):
        try:
            owners = json.loads((path / ".handle_pids.json").read_text())
        except (OSError, ValueError):
            continue  # being created right now, or not ours
        if any(psutil.pid_exists(pid) for pid in owners):
            continue
        if (path / "postmaster.pid").exists():
            _pg_ctl_stop(path, mode="immediate")
        shutil.rmtree(path, ignore_errors=True)


def _pg_ctl_stop(pgdata: Path, *, mode: str) -> None:
    # pgserver builds its pg_ctl wrapper at import time, so type checkers cannot see it.
    from pgserver._commands import pg_ctl  # type: ignore[attr-defined]

    # As root, pgserver runs PostgreSQL as its own "pgserver" user.
    user = "pgserver" if hasattr(os, "geteuid") and os.geteuid() == 0 else None
    with contextlib.suppress(subprocess.CalledProcessError):  # not running after all
        pg_ctl(["-w", "-m", mode, "stop"], pgdata=pgdata, user=user)


def embedded_server(data_dir: Path) -> Any | None:
    """The running embedded server for `data_dir`, or None when DATABASE_URL is used."""
    if os.environ.get("DATABASE_URL") or not (data_dir / "PG_VERSION").exists():
        return None
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        import pgserver

        return pgserver.get_server(data_dir, cleanup_mode=None)


def stop_embedded(server: Any) -> None:
    """Stop an embedded server now, whoever else holds a handle on it.

    (pgserver stops a server when its last handle goes, but a process killed
    without running its exit hooks leaves a handle behind forever.)
    """
    _pg_ctl_stop(server.pgdata, mode="fast")


def _ensure_database(server: Any, name: str) -> None:
    import psycopg

    info = server.get_postmaster_info()
    with psycopg.connect(
        dbname="postgres",
        user="postgres",
        host=str(info.socket_dir),
        port=info.port or 5432,
        autocommit=True,
    ) as conn:
        exists = conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name]).fetchone()
        if not exists:
            conn.execute(f'CREATE DATABASE "{name}"')


def _disable_durability(server: Any) -> None:
    # A throw-away cluster needs no crash safety; these make DDL-heavy test
    # setup (schema clones) several times faster. They apply on reload.
    server.psql(
        "ALTER SYSTEM SET fsync = off;"
        "ALTER SYSTEM SET synchronous_commit = off;"
        "ALTER SYSTEM SET full_page_writes = off;"
        "SELECT pg_reload_conf();"
    )
