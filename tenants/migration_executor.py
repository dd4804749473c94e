"""Migrating many spa schemas: in parallel, and one spa's failure stops no other.

django-tenants' executors stop at the first spa that fails (standard) or lose
the failure in a pool (multiprocessing). This one migrates each spa in its own
try, serially or in a pool of forked processes, and returns every failure with
its spa, so the command reports all of them and exits non-zero.
"""

from __future__ import annotations

import functools
import multiprocessing
from dataclasses import dataclass
from typing import Any

from django.db import connections
from django_tenants.migration_executors.base import MigrationExecutor, run_migrations

from config.observability.redaction import scrub_text


@dataclass(frozen=True)
class MigrationFailure:
    schema: str
    error: str  # the exception's type and its message without values (it may quote data)


def _migrate_one(args: Any, options: dict[str, Any], schema: str) -> MigrationFailure | None:
    try:
        run_migrations(args, options, SpaMigrationExecutor.codename, schema, allow_atomic=False)
        return None
    except Exception as exc:  # collected: the other spas go on
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
            connections.close_all()  # children must not share the parent's socket
            context = multiprocessing.get_context("fork")
            with context.Pool(processes=min(self.processes, len(schemas))) as pool:
                results = pool.map(migrate, schemas, chunksize=1)
        return [failure for failure in results if failure is not None]
