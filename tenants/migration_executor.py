"""Migrating many spa schemas: in parallel, and one spa's failure stops no other.

django-tenants' executors stop at the first spa that fails (standard) or lose
the failure in a pool (multiprocessing). This one migrates each spa in its own
try, serially or in a pool of forked processes, and returns every failure with
its spa, so the command reports all of them and exits non-zero.
"""

from __future__ import annotations

import functools
import multiprocessing
from collections.abc import Iterator
from concurrent.futures import ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Any

from django.db import connections
from django.db.migrations.recorder import MigrationRecorder
from django_tenants.migration_executors.base import MigrationExecutor, run_migrations

from core.observability.redaction import scrub_text


@dataclass(frozen=True)
class MigrationFailure:
    schema: str
    error: str  # the exception's type and its message without values (it may quote data)


def _has_table_by_lookup(recorder: Any) -> bool:
    """MigrationRecorder.has_table by one lookup on the search path. Django's own
    lists every table visible on it, a query over all of pg_class: 56 ms at
    1,000 spas, four times per spa and migrate run, which made a no-op migrate
    cost 222 ms a spa there (bench/RESULTS.md "Many spas"). The answer is the
    same: both see what the search path shows."""
    if not recorder._has_table:
        with recorder.connection.cursor() as cursor:
            cursor.execute(
                "SELECT to_regclass(%s) IS NOT NULL", [recorder.Migration._meta.db_table]
            )
            recorder._has_table = bool(cursor.fetchone()[0])
    return recorder._has_table


@contextmanager
def _recorder_lookup() -> Iterator[None]:
    original = MigrationRecorder.has_table
    MigrationRecorder.has_table = _has_table_by_lookup  # type: ignore[method-assign,assignment]
    try:
        yield
    finally:
        MigrationRecorder.has_table = original  # type: ignore[method-assign]


def _migrate_one(args: Any, options: dict[str, Any], schema: str) -> MigrationFailure | None:
    try:
        with _recorder_lookup():
            run_migrations(args, options, SpaMigrationExecutor.codename, schema, allow_atomic=False)
        return None
    except BaseException as exc:  # collected (SystemExit too: migrate --check exits): others go on
        return MigrationFailure(
            schema=schema, error=f"{type(exc).__name__}: {scrub_text(str(exc))}"
        )
    finally:
        # A failed migration can leave the connection in an aborted transaction.
        connections.close_all()


class SpaMigrationExecutor(MigrationExecutor):
    codename = "spas"

    def __init__(self, args: Any, options: dict[str, Any], *, processes: int = 1) -> None:
        super().__init__(args, options)
        self.processes = max(1, processes)

    def run_migrations(self, tenants: Any = None) -> list[MigrationFailure]:  # type: ignore[override]
        schemas = list(tenants or [])
        migrate = functools.partial(_migrate_one, self.args, {**self.options, "verbosity": 0})
        if self.processes == 1 or len(schemas) < 2:
            results = [migrate(schema) for schema in schemas]
        else:
            results = self._in_processes(migrate, schemas)
        return [failure for failure in results if failure is not None]

    def _in_processes(self, migrate: Any, schemas: list[str]) -> list[MigrationFailure | None]:
        """A pool that reports a dead worker (out of memory, killed) instead of
        waiting for it for ever; every spa whose result never came is a failure."""
        connections.close_all()  # children must not share the parent's socket
        results: dict[str, MigrationFailure | None] = {}
        context = multiprocessing.get_context("fork")
        with ProcessPoolExecutor(min(self.processes, len(schemas)), mp_context=context) as pool:
            futures = {pool.submit(migrate, schema): schema for schema in schemas}
            for future, schema in futures.items():
                try:
                    results[schema] = future.result()
                except BrokenProcessPool:
                    results[schema] = MigrationFailure(schema, "a migration worker process died")
        return [results[schema] for schema in schemas]
