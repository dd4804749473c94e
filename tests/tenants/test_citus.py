"""Spas on Citus (tenants/citus.py, docs/adr/0007-citus-scale-out.md).

Two kinds of test:

- On plain PostgreSQL, in every run: what keeps the platform Citus-safe without
  a cluster. Every statement that provisioning and restore send is a single
  statement; the clone's `setval` names a number; every schema the platform
  creates starts local; the triggers a spa schema has are the ones the ADR
  allows; Citus is not detected where it is not.
- On a real Citus coordinator, when `CITUS_DATABASE_URL` names a scratch
  database on one (platform/SCALING.md, "Running on Citus"): `manage.py`
  against it, as an operator would, then the catalog read back. Without it
  these tests are skipped, and say so.
"""

from __future__ import annotations

import os
import subprocess
import sys
import uuid
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import psycopg
import pytest
import sqlparse
from django.core.exceptions import ImproperlyConfigured
from django.test import override_settings

from shared_apps.lifecycle.portability import spa_export, spa_restore
from tenants import citus, schema_template
from tenants.db import connection
from tenants.provisioning import spa_provision

ROOT = Path(__file__).resolve().parents[2]
CITUS_URL = os.environ.get("CITUS_DATABASE_URL", "")
needs_citus = pytest.mark.skipif(
    not CITUS_URL,
    reason="needs a Citus coordinator: set CITUS_DATABASE_URL to a scratch database on one "
    "(platform/SCALING.md, 'Running on Citus')",
)
ARGS = {"name": "Lumen Skin", "timezone_name": "America/Chicago", "owner_email": "o@lumen.example"}

# The triggers a spa schema may have, each touching only its own table (so, on
# Citus, only its own shard): docs/adr/0007-citus-scale-out.md. A new one is a
# decision for that ADR before it is a line here.
ALLOWED_SPA_TRIGGERS = {
    ("audit_auditentry", "audit_entry_chain"),
    ("audit_auditentry", "audit_entry_append_only"),
    ("audit_auditentry", "audit_entry_no_truncate"),
    # Signed form records are immutable: docs/adr/0010-signed-records-immutable.md.
    ("forms_formversion", "forms_formversion_immutable"),
    ("forms_formresponse", "forms_formresponse_immutable"),
    ("forms_signature", "forms_signature_immutable"),
    ("forms_signeddocument", "forms_signeddocument_immutable"),
}


# --- Plain PostgreSQL ---------------------------------------------------------------------------


def _statements_sent(run) -> list[str]:
    sent: list[str] = []

    def record(execute, sql, params, many, context):
        sent.append(sql if isinstance(sql, str) else str(sql))
        return execute(sql, params, many, context)

    with connection.execute_wrapper(record):
        run()
    return sent


def _multi_statement(sent: list[str]) -> list[str]:
    return [sql[:120] for sql in sent if len(sqlparse.split(sql)) > 1]


@pytest.mark.usefixtures("committing")
def test_provisioning_sends_one_statement_per_execute():
    if citus.citus_enabled():
        citus.spare_schemas_fill(0)  # the clone and the distribution, not a spare's rename
    schema_template._clone_script.cache_clear()  # generate the script within the record, too
    sent = _statements_sent(lambda: spa_provision(slug="lumen", **ARGS))
    assert any("CREATE TABLE" in sql for sql in sent)  # the clone ran through the record
    assert _multi_statement(sent) == []


@pytest.mark.usefixtures("committing")
def test_restore_sends_one_statement_per_execute(tmp_path):
    spa = spa_provision(slug="lumen", **ARGS)
    archive = tmp_path / "lumen.tar.gz"
    spa_export(spa=spa, path=archive)
    sent = _statements_sent(lambda: spa_restore(path=archive, slug="lumen-copy"))
    assert any("DISABLE TRIGGER USER" in sql for sql in sent)  # the load ran through the record
    assert _multi_statement(sent) == []


@pytest.mark.django_db
def test_the_clone_script_sets_identities_to_numbers_read_off_the_template():
    with connection.cursor() as cursor:
        script = schema_template._clone_script(schema_template._template_version(cursor))
    setvals = [s for s in script.statements if "setval(" in s]
    assert setvals, "the template has seeded rows with identities (django_migrations)"
    for statement in setvals:
        # Nothing is read from the new schema: on Citus that read would go to a
        # worker, whose sequence range is not the coordinator's.
        assert " FROM " not in statement.upper()
    for statement in script.statements:
        assert len(sqlparse.split(statement)) == 1, statement[:120]


@pytest.mark.django_db
def test_every_connection_keeps_new_schemas_local_and_allows_the_spa_triggers():
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT current_setting('citus.enable_schema_based_sharding'),"
            " current_setting('citus.enable_unsafe_triggers')"
        )
        assert cursor.fetchone() == ("off", "on")


@pytest.mark.django_db
def test_a_spa_schema_has_only_the_triggers_the_adr_allows():
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT c.relname, tg.tgname FROM pg_trigger tg JOIN pg_class c ON c.oid = tg.tgrelid"
            " WHERE c.relnamespace = %s::regnamespace AND NOT tg.tgisinternal",
            [schema_template.template_schema()],
        )
        found = set(cursor.fetchall())
    assert found == ALLOWED_SPA_TRIGGERS


@pytest.mark.django_db
def test_citus_is_detected_where_it_is_and_only_there():
    with connection.cursor() as cursor:
        cursor.execute("SELECT EXISTS (SELECT 1 FROM pg_extension WHERE extname = 'citus')")
        (installed,) = cursor.fetchone()
    citus.forget_detection()
    try:
        assert citus.citus_enabled() is installed  # a coordinator when the suite runs on Citus
        if not installed:
            with override_settings(SPA_CITUS="on"), pytest.raises(ImproperlyConfigured):
                citus.citus_enabled()
        with override_settings(SPA_CITUS="sometimes"), pytest.raises(ImproperlyConfigured):
            citus.citus_enabled()
        with override_settings(SPA_CITUS="off"):
            assert citus.citus_enabled() is False
    finally:
        citus.forget_detection()


# --- A real Citus coordinator -------------------------------------------------------------------


def _manage(*args: str, check: bool = True) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "DATABASE_URL": CITUS_URL, "SPA_CITUS": "on", "SPA_CITUS_SPARES": "1"}
    env.pop("DJANGO_SETTINGS_MODULE", None)
    return subprocess.run(  # noqa: S603 (our own manage.py)
        [sys.executable, "manage.py", *args],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
        check=check,
    )


def _sql(query: str, params: Any = None) -> list[tuple[Any, ...]]:
    with psycopg.connect(CITUS_URL, autocommit=True) as conn:
        cursor = conn.execute(query, params)
        return cursor.fetchall() if cursor.description else []


@pytest.fixture(scope="module")
def cluster() -> Iterator[str]:
    """The coordinator's database, migrated by our `migrate`."""
    _manage("migrate", "--verbosity", "0")
    yield CITUS_URL


@pytest.fixture
def spa_slug(cluster) -> Iterator[str]:
    slug = f"citus-{uuid.uuid4().hex[:8]}"
    yield slug
    _manage("spa", "status", slug, "closed", "--reason", "test", check=False)


def _shell_tables_with_rows(schema: str) -> list[str]:
    rows = _sql(
        "SELECT c.relname FROM pg_class c WHERE c.relnamespace = %s::regnamespace"
        " AND c.relkind = 'r' AND pg_relation_size(c.oid) > 0",
        [schema],
    )
    return [row[0] for row in rows]


@needs_citus
def test_a_new_spa_lands_distributed_on_one_worker_with_nothing_left_behind(spa_slug):
    _manage("spa", "create", spa_slug, "--name", "Citus Spa", "--owner-email", "o@citus.example")
    schema = "spa_" + spa_slug.replace("-", "_")
    assert _sql(
        "SELECT count(*) FROM citus_schemas WHERE schema_name = %s::regnamespace", [schema]
    ) == [(1,)]
    nodes = _sql(
        "SELECT DISTINCT nodeport FROM citus_shards s JOIN pg_class c ON c.oid = s.table_name"
        " WHERE c.relnamespace = %s::regnamespace",
        [schema],
    )
    assert len(nodes) == 1  # every table of the spa on the same worker
    assert _shell_tables_with_rows(schema) == []
    # The seeded rows reached the worker: the migrations table answers from there.
    assert _sql(f'SELECT count(*) > 0 FROM "{schema}".django_migrations') == [(True,)]


@needs_citus
def test_the_audit_logs_triggers_hold_on_the_worker(spa_slug):
    _manage("spa", "create", spa_slug, "--name", "Citus Spa", "--owner-email", "o@citus.example")
    schema = "spa_" + spa_slug.replace("-", "_")
    table = f'"{schema}".audit_auditentry'
    insert = (
        f"INSERT INTO {table} (seq, actor_role, action, client_ids, search_kind, request_id,"
        " prev_hash, hash) VALUES (0, 'owner', 'view', '{1}', '', 'r', '', '') RETURNING seq, prev_hash"
    )
    first, second = _sql(insert)[0], _sql(insert)[0]
    assert (first[0], second[0]) == (1, 2)
    assert second[1] != "0" * 64  # chained to the first
    for refused in (
        f"UPDATE {table} SET actor_role = 'x'",
        f"DELETE FROM {table}",
        f"TRUNCATE {table}",
    ):
        with pytest.raises(psycopg.errors.InsufficientPrivilege):
            _sql(refused)


@needs_citus
def test_distribute_is_idempotent_and_empties_shells_an_earlier_run_left(spa_slug):
    _manage("spa", "create", spa_slug, "--name", "Citus Spa", "--owner-email", "o@citus.example")
    again = _manage("spa", "distribute", spa_slug)
    assert "Distributed 0 of 1" in again.stdout


@needs_citus
def test_every_public_table_is_in_citus_metadata_so_cross_schema_commits_are_two_phase(spa_slug):
    _manage("spa", "create", spa_slug, "--name", "Citus Spa", "--owner-email", "o@citus.example")
    unregistered = _sql(
        "SELECT c.relname FROM pg_class c WHERE c.relnamespace = 'public'::regnamespace"
        " AND c.relkind = 'r' AND NOT EXISTS"
        " (SELECT 1 FROM pg_dist_partition p WHERE p.logicalrelid = c.oid)"
    )
    assert unregistered == []
    schema = "spa_" + spa_slug.replace("-", "_")
    with psycopg.connect(CITUS_URL, autocommit=True) as conn:
        (before,) = conn.execute("SELECT count(*) FROM pg_dist_transaction").fetchone()
        with conn.transaction():
            conn.execute("UPDATE tenants_spa SET name = name WHERE slug = %s", [spa_slug])
            conn.execute(f'UPDATE "{schema}".profile_spaprofile SET id = id')
        (after,) = conn.execute("SELECT count(*) FROM pg_dist_transaction").fetchone()
    # A two-phase commit leaves a record for recovery (Citus' maintenance
    # daemon removes it later); a plain COMMIT on the worker leaves none.
    assert after > before


@needs_citus
def test_a_migration_adding_a_positive_column_runs_on_distributed_spas(spa_slug):
    _manage("spa", "create", spa_slug, "--name", "Citus Spa", "--owner-email", "o@citus.example")
    schema = "spa_" + spa_slug.replace("-", "_")
    script = (
        "from django.db import connection, models\n"
        "from tenants.db import connection as c\n"
        f"c.set_schema({schema!r})\n"
        "from tenant_apps.catalog.models import Product\n"
        "field = models.PositiveIntegerField(default=0)\n"
        "field.set_attributes_from_name('citus_probe')\n"
        "with connection.schema_editor() as editor:\n"
        "    editor.add_field(Product, field)\n"
        "    editor.remove_field(Product, field)\n"
        "print('ok')\n"
    )
    result = _manage("shell", "-c", script)
    assert result.stdout.strip().endswith("ok")


@needs_citus
def test_a_spare_schema_becomes_the_new_spa_and_stale_spares_are_replaced(spa_slug):
    _manage("spa", "spares", "--count", "1")
    spares = _sql(
        "SELECT nspname FROM pg_namespace WHERE starts_with(nspname, %s)", [citus.SPARE_PREFIX]
    )
    assert len(spares) == 1
    _manage("spa", "create", spa_slug, "--name", "Citus Spa", "--owner-email", "o@citus.example")
    schema = "spa_" + spa_slug.replace("-", "_")
    assert _sql("SELECT count(*) FROM pg_namespace WHERE nspname = %s", [spares[0][0]]) == [(0,)]
    assert _sql(
        "SELECT obj_description(%s::regnamespace, 'pg_namespace') LIKE 'spa:%%'", [schema]
    ) == [(True,)]
    # A spare of an older template is dropped, not handed out.
    _manage("spa", "spares", "--count", "1")
    (spare,) = _sql(
        "SELECT nspname FROM pg_namespace WHERE starts_with(nspname, %s)", [citus.SPARE_PREFIX]
    )
    _sql(f"COMMENT ON SCHEMA \"{spare[0]}\" IS 'spare:an older template'")
    refill = _manage("spa", "spares", "--count", "1")
    assert "1 made, 1 of an older template dropped" in refill.stdout


@needs_citus
def test_the_console_reads_a_distributed_spas_size_from_its_shards(spa_slug):
    _manage("spa", "create", spa_slug, "--name", "Citus Spa", "--owner-email", "o@citus.example")
    schema = "spa_" + spa_slug.replace("-", "_")
    script = (
        "from shared_apps.console.usage import schema_sizes\n"
        f"print(schema_sizes(schema_names=[{schema!r}])[{schema!r}])\n"
    )
    size = int(_manage("shell", "-c", script).stdout.strip().splitlines()[-1])
    (coordinator_shells,) = _sql(
        "SELECT COALESCE(SUM(pg_total_relation_size(c.oid)), 0) FROM pg_class c"
        " WHERE c.relnamespace = %s::regnamespace AND c.relkind = 'r'",
        [schema],
    )[0]
    (shards,) = _sql(
        "SELECT SUM(shard_size) FROM citus_shards s JOIN pg_class c ON c.oid = s.table_name"
        " WHERE c.relnamespace = %s::regnamespace",
        [schema],
    )[0]
    assert size == shards
    assert size > coordinator_shells


@needs_citus
def test_public_identities_go_on_past_their_rows_after_registration(cluster):
    columns = _sql(
        "SELECT c.oid::regclass::text, a.attname,"
        " pg_get_serial_sequence(c.oid::regclass::text, a.attname)"
        " FROM pg_attribute a JOIN pg_class c ON c.oid = a.attrelid"
        " WHERE c.relnamespace = 'public'::regnamespace AND c.relkind = 'r' AND a.attidentity <> ''"
    )
    assert columns
    behind = []
    for table, column, sequence in columns:
        ((highest,),) = _sql(f'SELECT COALESCE(MAX("{column}"), 0) FROM {table}')
        ((last, called),) = _sql(f"SELECT last_value, is_called FROM {sequence}")
        if (last + 1 if called else last) <= highest:
            behind.append(table)
    assert behind == []


@needs_citus
def test_a_restore_loads_a_local_schema_then_distributes_it_even_with_spares_ready(
    spa_slug, tmp_path
):
    _manage("spa", "create", spa_slug, "--name", "Citus Spa", "--owner-email", "o@citus.example")
    archive = tmp_path / "spa.tar.gz"
    _manage("spa", "export", spa_slug, "--output", str(archive))
    _manage("spa", "spares", "--count", "1")  # a spare must not be the restore's schema
    copy = f"{spa_slug}-copy"
    try:
        _manage("spa", "restore", str(archive), "--slug", copy)
        schema = "spa_" + copy.replace("-", "_")
        distributed = _sql(
            "SELECT count(*) FROM citus_schemas WHERE schema_name = %s::regnamespace", [schema]
        )
        assert distributed == [(1,)]
        assert _shell_tables_with_rows(schema) == []
        source = "spa_" + spa_slug.replace("-", "_")
        count = 'SELECT count(*) FROM "{}".django_migrations'
        assert _sql(count.format(schema)) == _sql(count.format(source))
    finally:
        _manage("spa", "status", copy, "closed", "--reason", "test", check=False)
