"""The schema editor: every constraint a column definition carries gets a name.

Django writes a field's own constraints inline and unnamed: `PRIMARY KEY`,
`UNIQUE`, and the `CHECK` of a Positive*Field (`"n" integer NOT NULL CHECK ("n"
>= 0)`). PostgreSQL names them itself, but Citus refuses an unnamed constraint
in `ALTER TABLE ... ADD COLUMN` on a distributed table, so a later migration
adding such a column would fail on every distributed spa schema.

This editor writes `CONSTRAINT <name>` before each of them, with the very name
PostgreSQL would have chosen (`<table>_pkey`, `<table>_<column>_key`,
`<table>_<column>_check`, shortened as PostgreSQL shortens them), so a database
built before this editor and one built after have the same constraint names.
`tests/test_migrations_citus_safe.py` renders every migration and fails the
build if any statement still adds an unnamed constraint.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from django.db.backends.postgresql.schema import DatabaseSchemaEditor as PostgreSQLSchemaEditor

# PostgreSQL's NAMEDATALEN - 1.
MAX_IDENTIFIER_LENGTH = 63


def postgresql_constraint_name(table: str, column: str | None, label: str) -> str:
    """The name PostgreSQL gives an unnamed constraint (makeObjectName in
    src/backend/commands/indexcmds.c): `table_column_label`, the longer of
    table and column shortened one character at a time until it fits."""
    overhead = len(label) + 1 + (1 if column else 0)
    available = MAX_IDENTIFIER_LENGTH - overhead
    table_chars, column_chars = len(table), len(column or "")
    while table_chars + column_chars > available:
        if table_chars > column_chars:
            table_chars -= 1
        else:
            column_chars -= 1
    parts = [table[:table_chars]]
    if column:
        parts.append(column[:column_chars])
    parts.append(label)
    return "_".join(parts)


class DatabaseSchemaEditor(PostgreSQLSchemaEditor):
    _CHECK = "CHECK (%(check)s)"

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        # The column whose definition column_sql() rendered last: table_sql()
        # and add_field() append that column's CHECK right after rendering it.
        self._column_defined: tuple[str, str] | None = None

    @property
    def sql_check_constraint(self) -> str:  # type: ignore[override]
        if self._column_defined is None:
            return self._CHECK
        table, column = self._column_defined
        name = self.quote_name(postgresql_constraint_name(table, column, "check"))
        return f"CONSTRAINT {name} {self._CHECK}"

    def _check_sql(self, name: Any, check: Any) -> str:
        # A named table-level check (Meta.constraints): the base format, once.
        return self.sql_constraint % {
            "name": self.quote_name(name),
            "constraint": self._CHECK % {"check": check},
        }

    def column_sql(self, model: Any, field: Any, include_default: bool = False) -> Any:
        self._column_defined = (model._meta.db_table, field.column)
        return super().column_sql(model, field, include_default)

    def _iter_column_sql(
        self,
        column_db_type: Any,
        params: Any,
        model: Any,
        field: Any,
        field_db_params: Any,
        include_default: bool,
    ) -> Iterator[str]:
        table = model._meta.db_table
        for part in super()._iter_column_sql(  # type: ignore[misc]
            column_db_type, params, model, field, field_db_params, include_default
        ):
            if part == "PRIMARY KEY":
                name = postgresql_constraint_name(table, None, "pkey")
                yield f"CONSTRAINT {self.quote_name(name)} PRIMARY KEY"
            elif part == "UNIQUE":
                name = postgresql_constraint_name(table, field.column, "key")
                yield f"CONSTRAINT {self.quote_name(name)} UNIQUE"
            else:
                yield part
