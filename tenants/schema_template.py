"""Building spa schemas fast: a migrated template schema, cloned in one transaction.

Running every tenant migration for each new spa gets slower with every migration
the project adds. Instead the template schema (`SPA_TEMPLATE_SCHEMA`) is migrated
once, and a new spa's schema is copied from it with DDL generated from the
PostgreSQL catalog:

- each table: `CREATE TABLE new.t (LIKE template.t INCLUDING ALL EXCLUDING INDEXES)`
  (columns, defaults, identity, CHECK constraints, comments);
- primary key, unique and exclusion constraints, then plain indexes, under their
  original names (LIKE would rename them, and later migrations drop them by name);
- the template's rows (its `django_migrations`, and anything a data migration
  seeded), with identity sequences moved past the copied ids: the ids are read
  off the template when the script is made, so `setval` names a number and reads
  nothing from the new schema;
- foreign keys last;
- functions (such as the audit log's trigger functions), then triggers, after
  the rows, so copying seeded rows fires nothing.

The cost depends on the number of tables, not of migrations, and it is one
transaction: a crash leaves no schema at all. The script is a list of single
statements, sent one `execute` each: a Citus coordinator forwards a
multi-statement string to a worker as one prepared statement, which PostgreSQL
refuses (tests/tenants/test_citus.py checks it). The new
schema is a plain local schema even on Citus (the connection turns schema-based
sharding off: tenants/postgresql_backend/base.py); `tenants/citus.py`
distributes it afterwards. The script is generated once per template version
and reused. A template holding anything this copy does not
handle (views, procedures, free-standing sequences, custom types, rules, row
security) is refused, and provisioning falls back to plain migrations.

The template is "kept migrated automatically": its schema comment records a
fingerprint of the migration files on disk. `migrate_schemas` refreshes it, and
so does provisioning when the fingerprint no longer matches.
"""

from __future__ import annotations

import hashlib
import logging
from dataclasses import dataclass
from functools import lru_cache

from django.conf import settings
from django.core.management import call_command
from django.db import transaction
from django.db.migrations.loader import MigrationLoader
from django_tenants.postgresql_backend.base import is_valid_schema_name
from django_tenants.utils import schema_exists

from tenants.db import connection
from tenants.locks import advisory_lock, lock_key

# Taken exclusively to migrate the template, shared to clone it.
TEMPLATE_LOCK = "spa-template"

logger = logging.getLogger(__name__)


class UnsupportedTemplateError(Exception):
    """The template holds objects the catalog clone does not copy."""


def template_schema() -> str:
    return settings.SPA_TEMPLATE_SCHEMA


def _qi(name: str) -> str:
    """Quote an identifier (schema names here are validated, but quote anyway)."""
    return '"' + name.replace('"', '""') + '"'


def _lit(text: str) -> str:
    """Quote a string literal."""
    return "'" + text.replace("'", "''") + "'"


@lru_cache(maxsize=1)
def migrations_fingerprint() -> str:
    """A digest of every migration on disk: it changes when one is added, removed or renamed."""
    loader = MigrationLoader(None, ignore_no_migrations=True, load=True)
    names = sorted(f"{app}.{name}" for app, name in loader.disk_migrations)
    return hashlib.sha256("\n".join(names).encode()).hexdigest()[:32]


def template_fingerprint() -> str | None:
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT obj_description(oid, 'pg_namespace') FROM pg_namespace WHERE nspname = %s",
            [template_schema()],
        )
        row = cursor.fetchone()
    return row[0] if row else None


def template_is_current() -> bool:
    return template_fingerprint() == migrations_fingerprint()


@lru_cache(maxsize=1)
def code_migrations() -> frozenset[tuple[str, str]]:
    """(app, name) of every migration this code has (cached per process)."""
    return frozenset(MigrationLoader(None, ignore_no_migrations=True).graph.nodes)


def template_has_code_migrations() -> bool:
    """The template has every migration this code has (it may have more: during a
    rolling deploy the release command migrates it ahead of the old machines)."""
    with connection.cursor() as cursor:
        cursor.execute(
            f"SELECT app, name FROM {_qi(template_schema())}.django_migrations"  # noqa: S608
        )
        applied = {(app, name) for app, name in cursor.fetchall()}
    return code_migrations() <= applied


def template_ensure_current(*, rebuild: bool = False) -> bool:
    """Migrate the template schema if the migrations on disk changed. Returns True if it did.

    Serialised across processes by an advisory lock.
    """
    if not rebuild and template_is_current():
        return False
    if connection.in_atomic_block:
        raise RuntimeError("The spa template is migrated outside any transaction.")
    with advisory_lock(TEMPLATE_LOCK):
        if not rebuild and template_is_current():  # another process did it meanwhile
            return False
        _migrate_template(rebuild=rebuild)
        return True


def _migrate_template(*, rebuild: bool) -> None:
    schema = template_schema()
    connection.set_schema_to_public()
    with connection.cursor() as cursor:
        if rebuild:
            cursor.execute(f"DROP SCHEMA IF EXISTS {_qi(schema)} CASCADE")
        cursor.execute(f"CREATE SCHEMA IF NOT EXISTS {_qi(schema)}")
    logger.info("migrating the spa template schema %s", schema)
    call_command("migrate_schemas", tenant=True, schema_name=schema, interactive=False, verbosity=0)
    connection.set_schema_to_public()
    with connection.cursor() as cursor:
        cursor.execute(f"COMMENT ON SCHEMA {_qi(schema)} IS %s", [migrations_fingerprint()])
    _clone_script.cache_clear()


# --- The clone -------------------------------------------------------------------------------

_PLACEHOLDER = "\x00NEW_SCHEMA\x00"


@dataclass(frozen=True)
class CloneScript:
    """Statements for one new schema, with `_PLACEHOLDER` where its quoted name goes."""

    version: str
    statements: tuple[str, ...]

    def for_schema(self, schema: str) -> list[str]:
        return [statement.replace(_PLACEHOLDER, _qi(schema)) for statement in self.statements]


def schema_clone_from_template(schema: str, *, comment: str = "") -> str:
    """Create `schema` as a copy of the template (with `comment` on it), in one transaction;
    return the version of the template it copied.

    Holds the template lock shared while it copies, so a template migration in
    another process waits for it, and it for the migration; the DDL script is
    keyed by the template's applied migrations, read under that lock, so it always
    matches the template it copies.
    """
    if not is_valid_schema_name(schema):
        raise ValueError("invalid schema name")
    if connection.in_atomic_block:
        # The script sets a transaction-local search_path, which would outlive a
        # savepoint and leave the caller's transaction on the new schema.
        raise RuntimeError("schema_clone_from_template runs in a transaction of its own")
    with transaction.atomic():
        connection.set_schema_to_public()
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_advisory_xact_lock_shared(%s)", [lock_key(TEMPLATE_LOCK)])
            script = _clone_script(_template_version(cursor))
            for statement in script.for_schema(schema):
                cursor.execute(statement)
            if comment:
                cursor.execute(f"COMMENT ON SCHEMA {_qi(schema)} IS %s", [comment])
    return script.version


def template_version() -> str:
    """The template's current version (what a clone made now would copy)."""
    with connection.cursor() as cursor:
        return _template_version(cursor)


def _template_version(cursor) -> str:
    """The template's fingerprint and applied migrations: changes whenever its tables may have."""
    template = _qi(template_schema())
    # The template's name is a quoted setting, not input.
    sql = f"SELECT obj_description(%s::regnamespace, 'pg_namespace'), count(*), max(id) FROM {template}.django_migrations"  # noqa: E501, S608
    cursor.execute(sql, [template_schema()])
    fingerprint, applied, last_id = cursor.fetchone()
    return f"{fingerprint}:{applied}:{last_id}"


@lru_cache(maxsize=4)
def _clone_script(version: str) -> CloneScript:
    """Generate the clone DDL from the template's catalog (cached per template version)."""
    template = template_schema()
    if not schema_exists(template):
        raise UnsupportedTemplateError(f"the template schema {template} does not exist")
    with transaction.atomic(), connection.cursor() as cursor:
        _refuse_unsupported_objects(cursor, template)
        # With only the template on the search_path, the catalog's *def() functions
        # print the template's own objects unqualified, and anything elsewhere
        # (public) qualified; run with the new schema on the path, they land there.
        cursor.execute("SELECT set_config('search_path', %s, true)", [_qi(template)])
        cursor.execute(
            """
            SELECT c.relname FROM pg_class c
            WHERE c.relnamespace = %s::regnamespace AND c.relkind = 'r'
            ORDER BY c.relname
            """,
            [template],
        )
        tables = [row[0] for row in cursor.fetchall()]
        cursor.execute(
            """
            SELECT rel.relname, con.conname, pg_get_constraintdef(con.oid), con.contype
            FROM pg_constraint con JOIN pg_class rel ON rel.oid = con.conrelid
            WHERE rel.relnamespace = %s::regnamespace AND con.contype IN ('p', 'u', 'x', 'f')
            ORDER BY con.contype = 'f', rel.relname, con.conname
            """,
            [template],
        )
        constraints = cursor.fetchall()
        cursor.execute(
            """
            SELECT pg_get_indexdef(i.indexrelid)
            FROM pg_index i JOIN pg_class rel ON rel.oid = i.indrelid
            WHERE rel.relnamespace = %s::regnamespace
              AND NOT EXISTS (SELECT 1 FROM pg_constraint con WHERE con.conindid = i.indexrelid
                                                               AND con.conrelid = i.indrelid)
            ORDER BY 1
            """,
            [template],
        )
        indexes = [row[0] for row in cursor.fetchall()]
        cursor.execute(
            """
            SELECT c.relname, a.attname FROM pg_attribute a JOIN pg_class c ON c.oid = a.attrelid
            WHERE c.relnamespace = %s::regnamespace AND c.relkind = 'r'
              AND a.attidentity <> '' AND NOT a.attisdropped
            ORDER BY 1, 2
            """,
            [template],
        )
        identities = cursor.fetchall()
        # Only tables with rows are copied, and their identities set past the
        # template's last id (a number in the script: nothing is read back).
        cursor.execute(
            " UNION ALL ".join(
                f"SELECT {_lit(t)} WHERE EXISTS (SELECT 1 FROM {_qi(template)}.{_qi(t)})"  # noqa: S608
                for t in tables
            )
            or "SELECT NULL WHERE false"
        )
        seeded = {row[0] for row in cursor.fetchall()}
        next_ids = {}
        for t, col in identities:
            if t in seeded:
                cursor.execute(
                    f"SELECT COALESCE(MAX({_qi(col)}), 0) + 1 FROM {_qi(template)}.{_qi(t)}"  # noqa: S608
                )
                next_ids[t, col] = cursor.fetchone()[0]
        # Generated columns cannot be inserted into: copy the others by name.
        cursor.execute(
            """
            SELECT c.relname, array_agg(quote_ident(a.attname) ORDER BY a.attnum)
            FROM pg_attribute a JOIN pg_class c ON c.oid = a.attrelid
            WHERE c.relnamespace = %s::regnamespace AND c.relkind = 'r'
              AND a.attnum > 0 AND NOT a.attisdropped AND a.attgenerated = ''
            GROUP BY c.relname
            """,
            [template],
        )
        copied_columns = dict(cursor.fetchall())
        cursor.execute(
            """
            SELECT pg_get_functiondef(p.oid) FROM pg_proc p
            WHERE p.pronamespace = %s::regnamespace AND p.prokind = 'f'
            ORDER BY p.proname
            """,
            [template],
        )
        functions = [row[0] for row in cursor.fetchall()]
        cursor.execute(
            """
            SELECT pg_get_triggerdef(tg.oid) FROM pg_trigger tg
            JOIN pg_class c ON c.oid = tg.tgrelid
            WHERE c.relnamespace = %s::regnamespace AND NOT tg.tgisinternal
            ORDER BY c.relname, tg.tgname
            """,
            [template],
        )
        triggers = [row[0] for row in cursor.fetchall()]
        # How the catalog prints the template's name (quoted only where needed).
        cursor.execute("SELECT quote_ident(%s)", [template])
        (printed_template,) = cursor.fetchone()

    src, new = _qi(template), _PLACEHOLDER
    parts = [f"CREATE SCHEMA {new}", f"SET LOCAL search_path TO {new}"]
    parts += [
        f"CREATE TABLE {new}.{_qi(t)} (LIKE {src}.{_qi(t)} INCLUDING ALL EXCLUDING INDEXES)"
        for t in tables
    ]
    parts += [
        f"ALTER TABLE {new}.{_qi(table)} ADD CONSTRAINT {_qi(name)} {definition}"
        for table, name, definition, kind in constraints
        if kind != "f"
    ]
    # pg_get_indexdef always qualifies the table ("ON _spa_template.t"): point it at the new schema.
    for definition in indexes:
        for on in (" ON ", " ON ONLY "):
            head, sep, tail = definition.partition(f"{on}{printed_template}.")
            if sep:
                parts.append(f"{head}{on}{new}.{tail}")
                break
        else:
            raise UnsupportedTemplateError(f"cannot retarget index definition: {definition}")
    # Identifiers come from the catalog and are quoted; nothing here is user input.
    for t in tables:
        if t not in seeded:
            continue
        columns = ", ".join(copied_columns[t])
        parts.append(
            f"INSERT INTO {new}.{_qi(t)} ({columns}) OVERRIDING SYSTEM VALUE "  # noqa: S608
            f"SELECT {columns} FROM {src}.{_qi(t)}"
        )
    parts += [
        f"SELECT setval(pg_get_serial_sequence({_lit(f'{new}.{_qi(t)}')}, {_lit(col)}), "
        f"{int(next_id)}, false)"
        for (t, col), next_id in next_ids.items()
    ]
    parts += [
        f"ALTER TABLE {new}.{_qi(table)} ADD CONSTRAINT {_qi(name)} {definition}"
        for table, name, definition, kind in constraints
        if kind == "f"
    ]
    # pg_get_functiondef always qualifies the function's name with its schema.
    head = f"CREATE OR REPLACE FUNCTION {printed_template}."
    for definition in functions:
        if not definition.startswith(head):
            raise UnsupportedTemplateError(f"cannot retarget function: {definition[:80]}")
        parts.append(f"CREATE OR REPLACE FUNCTION {new}.{definition[len(head) :]}")
    # pg_get_triggerdef qualifies the table (like an index) and prints the
    # function unqualified, so it binds to the new schema's copy.
    for definition in triggers:
        head, sep, tail = definition.partition(f" ON {printed_template}.")
        if not sep or f"{printed_template}." in tail:
            raise UnsupportedTemplateError(f"cannot retarget trigger: {definition}")
        parts.append(f"{head} ON {new}.{tail}")
    return CloneScript(version=version, statements=tuple(parts))


def _refuse_unsupported_objects(cursor, template: str) -> None:
    checks = {
        "views, sequences or partitioned tables": """
            SELECT c.relname FROM pg_class c
            WHERE c.relnamespace = %s::regnamespace AND c.relkind NOT IN ('r', 'i', 't')
              AND NOT (c.relkind = 'S' AND EXISTS (
                    SELECT 1 FROM pg_depend d WHERE d.objid = c.oid AND d.deptype = 'i'))
        """,
        "procedures or aggregates": """
            SELECT proname FROM pg_proc WHERE pronamespace = %s::regnamespace AND prokind <> 'f'
        """,
        "types": """
            SELECT typname FROM pg_type t
            WHERE t.typnamespace = %s::regnamespace AND t.typtype IN ('e', 'd', 'r', 'm')
               OR (t.typnamespace = %s::regnamespace AND t.typtype = 'c' AND NOT EXISTS (
                    SELECT 1 FROM pg_class c WHERE c.oid = t.typrelid AND c.relkind <> 'c'))
        """,
        "row-level security": """
            SELECT c.relname FROM pg_class c
            WHERE c.relnamespace = %s::regnamespace
              AND (c.relrowsecurity OR c.relforcerowsecurity
                   OR EXISTS (SELECT 1 FROM pg_policy p WHERE p.polrelid = c.oid))
        """,
        "rules": """
            SELECT r.rulename FROM pg_rewrite r JOIN pg_class c ON c.oid = r.ev_class
            WHERE c.relnamespace = %s::regnamespace AND c.relkind = 'r'
        """,
        "column defaults using sequences": """
            SELECT c.relname FROM pg_attrdef ad JOIN pg_class c ON c.oid = ad.adrelid
            WHERE c.relnamespace = %s::regnamespace
              AND pg_get_expr(ad.adbin, ad.adrelid) LIKE '%%nextval(%%'
        """,
    }
    for what, sql in checks.items():
        cursor.execute(sql, [template] * sql.count("%s"))
        found = [row[0] for row in cursor.fetchall()]
        if found:
            raise UnsupportedTemplateError(f"template has {what}: {', '.join(sorted(found))}")
