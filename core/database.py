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
import sys
import tempfile
import warnings
from collections.abc import Sequence
from pathlib import Path
from typing import Any
from urllib.parse import unquote

from core.environment import Env

# django-tenants' backend, skipping the SET search_path a session already has
# (tenants/postgresql_backend/base.py).
TENANT_ENGINE = "tenants.postgresql_backend"
# Throw-away clusters (tests, benchmarks) live in temporary directories named so.
EPHEMERAL_PREFIX = "medspa-pg-"

# How long one statement may run, and a transaction may sit idle, for each kind
# of process, in milliseconds (0: no limit). A web request's statements take
# milliseconds (bench/RESULTS.md), so one still running after 5 s is a runaway
# (a pathological search, a lock queue) that would otherwise hold a worker and a
# backend until gunicorn's 30 s timeout kills the worker, and PostgreSQL goes on
# with the statement anyway. Commands (migrations over every spa, restores) and
# jobs legitimately run long statements. DB_STATEMENT_TIMEOUT_MS and
# DB_IDLE_IN_TRANSACTION_TIMEOUT_MS override the role's figures.
TIMEOUTS_MS: dict[str, tuple[int, int]] = {
    "web": (5_000, 15_000),
    "job": (300_000, 60_000),
    "command": (3_600_000, 600_000),
}
# manage.py commands that serve requests or run jobs rather than being commands.
_COMMAND_ROLES = {"runserver": "web", "worker": "job"}


def process_role(argv: Sequence[str] | None = None) -> str:
    """What this process is: "web" (config/wsgi.py and config/asgi.py say so,
    and `manage.py runserver`), "job" (`manage.py worker`) or "command"
    (any other command, tests included). MEDSPA_PROCESS_ROLE overrides."""
    role = os.environ.get("MEDSPA_PROCESS_ROLE", "")
    if role:
        if role not in TIMEOUTS_MS:
            raise ValueError(
                f"MEDSPA_PROCESS_ROLE must be one of {', '.join(TIMEOUTS_MS)}, not {role!r}"
            )
        return role
    args = sys.argv if argv is None else argv
    if len(args) > 1 and Path(args[0]).name == "manage.py":
        return _COMMAND_ROLES.get(args[1], "command")
    return "command"


def session_timeouts(role: str) -> dict[str, int]:
    """The DATABASES keys the backend turns into session settings when it
    connects (tenants/postgresql_backend/base.py)."""
    statement, idle = TIMEOUTS_MS[role]
    env = Env()
    return {
        "STATEMENT_TIMEOUT_MS": env.int("DB_STATEMENT_TIMEOUT_MS", default=statement),
        "IDLE_IN_TRANSACTION_TIMEOUT_MS": env.int(
            "DB_IDLE_IN_TRANSACTION_TIMEOUT_MS", default=idle
        ),
    }


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
        Env.db_url_config(url) if url else _embedded(data_dir=data_dir, name=name, durable=durable)
    )
    if str(config.get("HOST", "")).startswith("%2F"):
        # A Unix-socket directory written percent-encoded in the URL
        # (postgres://user@%2Fvar%2Frun%2Fpostgresql/db): libpq wants the path.
        config["HOST"] = unquote(config["HOST"])
    config["ENGINE"] = TENANT_ENGINE
    config.update(session_timeouts(process_role()))
    return config


def _embedded(*, data_dir: Path | None, name: str, durable: bool) -> dict[str, Any]:
    with warnings.catch_warnings():
        # platformdirs warns when XDG_RUNTIME_DIR is unset (CI, containers); /tmp is fine.
        warnings.simplefilter("ignore")
        import pgserver  # imported here: nothing else needs it when DATABASE_URL is set

        make_handle_lists_crash_safe()

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


def make_handle_lists_crash_safe() -> None:
    """Make pgserver's list of the processes holding a cluster survive a kill.

    pgserver (0.1.4) keeps that list in `<pgdata>/.handle_pids.json` and rewrites
    it in place (`Path.write_text`: truncate, then write). A process killed
    between the two leaves the file empty, and from then on every process that
    opens the cluster dies parsing it (JSONDecodeError), `manage.py` commands
    included. Development hits that window often: stopping `bin/demo` with
    SIGTERM (`kill`, `timeout`, an IDE's stop button) makes `runserver`'s
    autoreloader exit, and on its way out `subprocess.run` SIGKILLs the serving
    child, which is at that moment in its exit hook rewriting the file.

    So the file is written whole (a temporary file renamed over it, which is
    atomic) and one left broken by an older run reads as holding no process
    (the list only decides whether the last process out stops the server,
    which development clusters never do, and a throw-away cluster has one
    owner). Reported upstream as a note; drop this when pgserver writes
    atomically.
    """
    from pgserver.utils import DiskList

    if getattr(DiskList, "_medspa_crash_safe", False):
        return

    def put(self: Any, values: list[int]) -> None:
        temporary = self.path.with_name(f"{self.path.name}.{os.getpid()}.tmp")
        temporary.write_text(json.dumps(values))
        os.replace(temporary, self.path)

    def get(self: Any) -> list[int]:
        try:
            values = json.loads(self.path.read_text())
        except FileNotFoundError:
            return []
        except ValueError:
            return []  # left broken by a run before this fix: no process known
        return [value for value in values if isinstance(value, int)]

    DiskList.put = put  # type: ignore[method-assign]
    DiskList.get = get  # type: ignore[method-assign]
    DiskList._medspa_crash_safe = True  # type: ignore[attr-defined]


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
        # An empty list is a cluster whose last owner is deleting it right now
        # (its exit hook removes itself, then the files); one killed by a
        # signal never ran that hook and is still listed.
        if not owners or any(psutil.pid_exists(pid) for pid in owners):
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

        make_handle_lists_crash_safe()
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
