"""Every migration can run on a Citus coordinator as well as on plain PostgreSQL.

Static checks, run in CI on plain PostgreSQL (docs/adr/0007-citus-scale-out.md):

- every constraint a migration adds is named: Citus refuses an unnamed one in
  `ALTER TABLE ... ADD COLUMN` on a distributed table (our schema editor names
  the ones Django writes inline: tenants/postgresql_backend/schema.py);
- every `RunSQL` is a list of single statements, forwards and backwards: Citus
  sends a multi-statement string to a worker as one prepared statement, which
  PostgreSQL refuses.
"""

from __future__ import annotations

import re
from collections.abc import Iterator, Sequence

import pytest
import sqlparse
from django.db import connection, models
from django.db.migrations import Migration
from django.db.migrations.loader import MigrationLoader
from django.db.migrations.operations import RunSQL, SeparateDatabaseAndState
from django.db.migrations.operations.base import Operation
from django.test.utils import isolate_apps

from tenants.postgresql_backend.schema import postgresql_constraint_name

# A constraint keyword, and what must come right before it for it to be named.
_CONSTRAINT = re.compile(r"\b(CHECK|PRIMARY KEY|UNIQUE|REFERENCES|EXCLUDE)\b")
_NAMED = re.compile(r'CONSTRAINT "[^"]+" (FOREIGN KEY \([^)]*\) )?$')
_NOT_A_CONSTRAINT = re.compile(r"CREATE $")  # CREATE UNIQUE INDEX names its index


def unnamed_constraints(statement: str) -> list[str]:
    """The constraint keywords in `statement` that no `CONSTRAINT "name"` precedes."""
    found = []
    for match in _CONSTRAINT.finditer(statement):
        before = statement[: match.start()]
        if _NAMED.search(before) or _NOT_A_CONSTRAINT.search(before):
            continue
        found.append(
            f"{match.group(1)} at {match.start()}: …{statement[max(0, match.start() - 60) : match.end() + 20]}…"
        )
    return found


_LOADER = MigrationLoader(None, ignore_no_migrations=True)


def _all_migrations() -> list[tuple[tuple[str, str], Migration]]:
    loader = _LOADER
    plan: list[tuple[str, str]] = []
    for leaf in loader.graph.leaf_nodes():
        for key in loader.graph.forwards_plan(leaf):
            if key not in plan:
                plan.append(key)
    return [(key, loader.graph.nodes[key]) for key in plan]


def _operations(operations: Sequence[Operation]) -> Iterator[Operation]:
    for operation in operations:
        if isinstance(operation, SeparateDatabaseAndState):
            yield from _operations(operation.database_operations)
        else:
            yield operation


def _own(key: tuple[str, str]) -> bool:
    """The project's migrations (Django's and libraries' are not ours to change)."""
    module = MigrationLoader.migrations_module(key[0])[0] or ""
    return module.split(".")[0] in {"shared_apps", "tenant_apps", "tenants"}


OWN_MIGRATIONS = [(key, migration) for key, migration in _all_migrations() if _own(key)]


def test_the_project_has_migrations_to_check():
    assert len(OWN_MIGRATIONS) > 20
    assert any(
        isinstance(op, RunSQL) for _, m in OWN_MIGRATIONS for op in _operations(m.operations)
    )


def _collected_sql(key: tuple[str, str]) -> list[str]:
    state = _LOADER.project_state(key, at_end=False)
    with connection.schema_editor(collect_sql=True, atomic=False) as editor:
        _LOADER.graph.nodes[key].apply(state, editor, collect_sql=True)
    return editor.collected_sql


@pytest.mark.django_db
@pytest.mark.parametrize("key", [key for key, _ in OWN_MIGRATIONS], ids=".".join)
def test_every_constraint_a_migration_adds_is_named(key):
    statements = [s for s in _collected_sql(key) if not s.lstrip().startswith("--")]
    unnamed = {s[:80]: found for s in statements if (found := unnamed_constraints(s))}
    assert not unnamed, f"{'.'.join(key)} adds unnamed constraints: {unnamed}"


@pytest.mark.parametrize("key", [key for key, _ in OWN_MIGRATIONS], ids=".".join)
def test_every_run_sql_is_a_list_of_single_statements(key):
    migration = dict(OWN_MIGRATIONS)[key]
    for operation in _operations(migration.operations):
        if not isinstance(operation, RunSQL):
            continue
        for direction, sqls in (("forwards", operation.sql), ("backwards", operation.reverse_sql)):
            if sqls == RunSQL.noop or sqls is None:
                continue
            assert isinstance(sqls, (list, tuple)), f"{direction} SQL is one string: make it a list"
            for sql in sqls:
                text = sql[0] if isinstance(sql, (list, tuple)) else sql
                assert len(sqlparse.split(text)) == 1, (
                    f"{direction}: more than one statement in {text[:60]!r}"
                )


# --- the checker itself -------------------------------------------------------------------------


@pytest.mark.parametrize(
    "statement",
    [
        'ALTER TABLE "t" ADD COLUMN "n" integer DEFAULT 0 NOT NULL CHECK ("n" >= 0)',
        'CREATE TABLE "t" ("id" bigint NOT NULL PRIMARY KEY GENERATED BY DEFAULT AS IDENTITY)',
        'ALTER TABLE "t" ADD COLUMN "code" varchar(8) NOT NULL UNIQUE',
        'ALTER TABLE "t" ADD COLUMN "o" bigint NULL REFERENCES "u" ("id")',
    ],
)
def test_the_checker_finds_unnamed_constraints(statement):
    assert unnamed_constraints(statement)


@pytest.mark.parametrize(
    "statement",
    [
        'ALTER TABLE "t" ADD COLUMN "n" integer NOT NULL CONSTRAINT "t_n_check" CHECK ("n" >= 0)',
        'ALTER TABLE "t" ADD CONSTRAINT "t_fk" FOREIGN KEY ("o") REFERENCES "u" ("id")',
        'CREATE UNIQUE INDEX "t_code_uniq" ON "t" ("code")',
        'ALTER TABLE "t" ADD CONSTRAINT "t_code_key" UNIQUE ("code")',
    ],
)
def test_the_checker_accepts_named_constraints(statement):
    assert not unnamed_constraints(statement)


@pytest.mark.django_db
@isolate_apps("tenant_apps.catalog")
def test_a_positive_field_added_later_gets_postgresqls_own_name():
    """The editor names a Positive*Field's check as PostgreSQL would have."""

    class Gadget(models.Model):
        count = models.PositiveIntegerField(default=0)

        class Meta:
            app_label = "catalog"
            db_table = "citus_safe_gadget"

        def __str__(self) -> str:
            return str(self.count)

    with connection.schema_editor(collect_sql=True) as editor:
        editor.create_model(Gadget)
        field = models.PositiveSmallIntegerField(default=1)
        field.set_attributes_from_name("stock")
        editor.add_field(Gadget, field)
    sql = "\n".join(editor.collected_sql)
    assert 'CONSTRAINT "citus_safe_gadget_count_check" CHECK ("count" >= 0)' in sql
    assert 'CONSTRAINT "citus_safe_gadget_stock_check" CHECK ("stock" >= 0)' in sql
    assert 'CONSTRAINT "citus_safe_gadget_pkey" PRIMARY KEY' in sql
    assert not unnamed_constraints(sql)


def test_names_are_shortened_as_postgresql_shortens_them():
    # Read off PostgreSQL 15: a CHECK on a 20-character column of a table with a
    # 60-character name was named with 36 characters of the table's name.
    name = postgresql_constraint_name("a" * 60, "b" * 20, "check")
    assert name == "a" * 36 + "_" + "b" * 20 + "_check"
    assert postgresql_constraint_name("t" * 70, None, "pkey") == "t" * 58 + "_pkey"
