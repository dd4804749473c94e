"""Citus: spa schemas spread over a cluster, one worker per spa (schema-based sharding).

The platform runs unchanged on plain PostgreSQL. On a Citus coordinator
(`SPA_CITUS`: "auto" detects the extension, "on" insists, "off" never) three
things differ, each an explicit, idempotent step (docs/adr/0007-citus-scale-out.md):

- Every schema starts local: the connection turns schema-based sharding off
  (tenants/postgresql_backend/base.py), so the template and a new spa's schema
  are built on the coordinator exactly as on plain PostgreSQL, triggers and
  seeded rows included.
- `spa_schema_distribute` then makes a spa's schema a distributed schema: its
  tables become single-shard tables, colocated, on one worker. The copy of the
  rows left in the coordinator's shell tables is truncated in the same
  transaction. Run again, it finishes whatever an interrupted run left.
- Distributing costs about half a second (Citus creates each table's shard on
  the worker and its metadata on every node, some 900 round trips for the 44
  tables of a spa schema), so a few *spare* schemas are kept ready:
  cloned from the template and distributed in advance (`spare_schemas_fill`,
  run by `manage.py spa spares`), each marked with the template version it
  copies. Provisioning renames one to the new spa's schema (`spare_schema_take`,
  milliseconds) and falls back to clone and distribute when none of the
  current version is left.
- `public_tables_register` adds the public tables to Citus' metadata as local
  tables, so that a transaction writing public rows and spa rows commits on the
  coordinator and the worker by two-phase commit (tests/two_schema_writes.py
  lists the code paths that do).

Triggers: the spa schema's triggers (the audit log's hash chain and its
append-only guard) touch only their own table, which on Citus is the shard
beside them on the same worker; Citus calls such triggers "unsafe" because it
cannot check that, so the connection allows them (`citus.enable_unsafe_triggers`),
and tests/tenants/test_citus.py holds the list of triggers a spa schema may have.
"""

from __future__ import annotations

import logging
import secrets
from dataclasses import dataclass
from functools import lru_cache
from typing import Any

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.db import transaction

from tenants.db import connection
from tenants.locks import lock_key
from tenants.schema_template import TEMPLATE_LOCK, schema_clone_from_template, template_version

logger = logging.getLogger(__name__)


def _qi(name: str) -> str:
    return '"' + name.replace('"', '""') + '"'


@lru_cache(maxsize=1)
def _coordinator_detected() -> bool:
    with connection.cursor() as cursor:
        cursor.execute("SELECT EXISTS (SELECT 1 FROM pg_extension WHERE extname = 'citus')")
        (installed,) = cursor.fetchone()
        if not installed:
            return False
        cursor.execute("SELECT citus_is_coordinator()")
        (coordinator,) = cursor.fetchone()
    return bool(coordinator)


def citus_enabled() -> bool:
    """Whether the database is a Citus coordinator that spas are distributed over."""
    mode = settings.SPA_CITUS
    if mode not in ("auto", "on", "off"):
        raise ImproperlyConfigured(f"SPA_CITUS must be auto, on or off, not {mode!r}")
    if mode == "off":
        return False
    detected = _coordinator_detected()
    if mode == "on" and not detected:
        raise ImproperlyConfigured(
            "SPA_CITUS is on, but the database is not a Citus coordinator "
            "(CREATE EXTENSION citus, then citus_set_coordinator_host and citus_add_node)."
        )
    return detected


def forget_detection() -> None:
    """Detect again on the next call (tests that switch databases)."""
    _coordinator_detected.cache_clear()


_DISTRIBUTED = "SELECT EXISTS (SELECT 1 FROM citus_schemas WHERE schema_name = %s::regnamespace)"


def spa_schema_is_distributed(schema: str) -> bool:
    with connection.cursor() as cursor:
        cursor.execute(_DISTRIBUTED, [schema])
        (distributed,) = cursor.fetchone()
    return bool(distributed)


@dataclass(frozen=True)
class Distribution:
    schema: str
    distributed_now: bool  # False: it already was (a re-run)
    local_tables_emptied: tuple[str, ...]


def spa_schema_distribute(schema: str) -> Distribution:
    """Make `schema` a distributed schema on a worker, and empty its coordinator shells.

    One transaction: it distributes, or it leaves the schema local as it was.
    Idempotent: on a schema already distributed it only empties shells that an
    earlier interrupted run (or an older release) left holding rows.
    """
    if connection.in_atomic_block:
        raise RuntimeError("spa_schema_distribute runs in a transaction of its own")
    connection.set_schema_to_public()
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(_DISTRIBUTED, [schema])
        (already,) = cursor.fetchone()
        if not already:
            cursor.execute("SELECT citus_schema_distribute(%s)", [schema])
        # Citus copies the rows to the worker and leaves the coordinator's copy in
        # the shell tables, unread but kept. Truncating them must not fire the
        # audit log's refusal of TRUNCATE, which guards the worker's shard, not
        # the shell: the replica role skips user triggers for this transaction.
        cursor.execute(
            """
            SELECT c.oid::regclass::text FROM pg_class c
            WHERE c.relnamespace = %s::regnamespace AND c.relkind = 'r'
              AND pg_relation_size(c.oid) > 0
            ORDER BY c.relname
            """,
            [schema],
        )
        shells = [row[0] for row in cursor.fetchall()]
        if shells:
            cursor.execute("SET LOCAL session_replication_role = replica")
            for table in shells:
                cursor.execute(
                    "SELECT truncate_local_data_after_distributing_table(%s::regclass)", [table]
                )
    logger.info("spa schema %s distributed (%d shells emptied)", schema, len(shells))
    return Distribution(
        schema=schema, distributed_now=not already, local_tables_emptied=tuple(shells)
    )


def public_tables_register() -> list[str]:
    """Add every public table not yet in Citus' metadata as a Citus local table.

    Then a transaction that writes a public table and a distributed spa table
    commits both by two-phase commit (without it Citus commits the worker with a
    plain COMMIT, and a crash between the two keeps one side only). Tables
    joined by foreign keys are added together. Returns the tables added.
    """
    added: list[str] = []
    connection.set_schema_to_public()
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(
            """
            SELECT c.oid::regclass::text FROM pg_class c
            WHERE c.relnamespace = 'public'::regnamespace AND c.relkind IN ('r', 'p')
              AND NOT c.relispartition
              AND NOT EXISTS (SELECT 1 FROM pg_dist_partition p WHERE p.logicalrelid = c.oid)
            ORDER BY c.relname
            """
        )
        tables = [row[0] for row in cursor.fetchall()]
        next_values = _public_sequences_next(cursor)
        for table in tables:
            cursor.execute(
                "SELECT EXISTS (SELECT 1 FROM pg_dist_partition WHERE logicalrelid = %s::regclass)",
                [table],
            )
            (registered,) = cursor.fetchone()  # by a cascade from an earlier table
            if not registered:
                cursor.execute(
                    "SELECT citus_add_local_table_to_metadata(%s::regclass, "
                    "cascade_via_foreign_keys => true)",
                    [table],
                )
            added.append(table)
        # Citus 13 restarts the identity sequence of a table it adds (seen on
        # 13.2: the next id was 1 again, over existing rows): put each back
        # where it was, or past the table's highest id if that is further.
        # Every time, not only for tables added now: it also mends a database
        # whose tables an earlier release added without this.
        for (table, column, sequence), next_value in next_values.items():
            cursor.execute(
                f"SELECT COALESCE(MAX({_qi(column)}), 0) + 1 FROM {table}"  # noqa: S608
            )
            (past_rows,) = cursor.fetchone()
            cursor.execute(
                "SELECT setval(%s::regclass, %s, false)", [sequence, max(next_value, past_rows)]
            )
    return added


def _public_sequences_next(cursor: Any) -> dict[tuple[str, str, str], int]:
    """The next value of every public table's identity or serial sequence."""
    cursor.execute(
        """
        SELECT c.oid::regclass::text, a.attname,
               pg_get_serial_sequence(c.oid::regclass::text, a.attname)
        FROM pg_attribute a JOIN pg_class c ON c.oid = a.attrelid
        WHERE c.relnamespace = 'public'::regnamespace AND c.relkind = 'r'
          AND a.attnum > 0 AND NOT a.attisdropped
          AND pg_get_serial_sequence(c.oid::regclass::text, a.attname) IS NOT NULL
        """
    )
    found = {}
    for table, column, sequence in cursor.fetchall():
        cursor.execute(f"SELECT last_value, is_called FROM {sequence}")  # noqa: S608
        last_value, is_called = cursor.fetchone()
        found[table, column, sequence] = last_value + 1 if is_called else last_value
    return found


def schema_sizes(schema_names: list[str]) -> dict[str, int]:
    """Bytes on disk of each distributed schema's shards, wherever they are.

    The coordinator's own tables of a distributed schema are empty shells:
    `pg_total_relation_size` there says nothing of the spa."""
    if not schema_names:
        return {}
    with connection.cursor() as cursor:
        cursor.execute(
            """
            SELECT n.nspname, COALESCE(SUM(s.shard_size), 0)::bigint
            FROM citus_shards s
            JOIN pg_class c ON c.oid = s.table_name
            JOIN pg_namespace n ON n.oid = c.relnamespace
            WHERE n.nspname = ANY(%s)
            GROUP BY n.nspname
            """,
            [list(schema_names)],
        )
        return {name: int(size) for name, size in cursor.fetchall()}


# --- Spare schemas --------------------------------------------------------------------------------

SPARE_PREFIX = "_spa_spare_"
_SPARES_LOCK = "spa-spares"
_SPARES = """
SELECT n.nspname, obj_description(n.oid, 'pg_namespace') FROM pg_namespace n
WHERE starts_with(n.nspname, %s) ORDER BY n.nspname
"""


def _spare_mark(version: str) -> str:
    return f"spare:{version}"


@dataclass(frozen=True)
class SpareFill:
    made: int
    dropped: int  # spares of an older template version, or beyond the count
    ready: int


def spare_schemas_fill(count: int) -> SpareFill:
    """Keep `count` spare distributed schemas of the template's current version.

    Drops spares of any other version (they copy an older template), and any
    beyond `count`. Each new
    spare is a template clone, distributed; safe to run from several processes
    at once (the worst case is a spare too many)."""
    connection.set_schema_to_public()
    current = _spare_mark(template_version())
    with connection.cursor() as cursor:
        cursor.execute(_SPARES, [SPARE_PREFIX])
        spares = cursor.fetchall()
    stale = [name for name, mark in spares if mark != current]
    fresh = [name for name, mark in spares if mark == current]
    surplus = fresh[max(count, 0) :]
    for name in stale + surplus:
        with transaction.atomic(), connection.cursor() as cursor:
            cursor.execute(f"DROP SCHEMA IF EXISTS {_qi(name)} CASCADE")
    ready = len(fresh) - len(surplus)
    made = 0
    while ready < count:
        name = SPARE_PREFIX + secrets.token_hex(6)
        version = schema_clone_from_template(name)
        spa_schema_distribute(name)
        with transaction.atomic(), connection.cursor() as cursor:
            cursor.execute(f"COMMENT ON SCHEMA {_qi(name)} IS %s", [_spare_mark(version)])
        made += 1
        ready += 1
    return SpareFill(made=made, dropped=len(stale), ready=ready)


def spare_schema_take(schema: str, *, comment: str) -> bool:
    """Rename a spare of the template's current version to `schema` (with
    `comment` on it). False when there is none: the caller clones instead.

    Under the template lock, shared, like a clone: a template migration waits,
    so the version read is the one the spare must have."""
    if connection.in_atomic_block:
        raise RuntimeError("spare_schema_take runs in a transaction of its own")
    connection.set_schema_to_public()
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("SELECT pg_advisory_xact_lock_shared(%s)", [lock_key(TEMPLATE_LOCK)])
        cursor.execute("SELECT pg_advisory_xact_lock(%s)", [lock_key(_SPARES_LOCK)])
        current = _spare_mark(template_version())
        cursor.execute(_SPARES, [SPARE_PREFIX])
        spare = next((name for name, mark in cursor.fetchall() if mark == current), None)
        if spare is None:
            return False
        cursor.execute(f"ALTER SCHEMA {_qi(spare)} RENAME TO {_qi(schema)}")
        cursor.execute(f"COMMENT ON SCHEMA {_qi(schema)} IS %s", [comment])
    logger.info("spa schema %s made from a spare", schema)
    return True
